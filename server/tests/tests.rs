//! Integration tests of the server, compiled into one binary: each speaks HTTP to a real
//! `parlor` server on a loopback port, with a fresh data folder.

mod admin;
mod backends;
mod bus;
mod canned;
mod care;
mod cluster;
mod common;
mod draft;
mod files;
mod history;
mod init;
mod journey;
mod labels;
mod limits;
mod metrics;
mod migrate;
mod note;
mod openapi;
mod operator;
mod outbox;
mod profile;
mod receiver;
mod reports;
mod search;
mod settings;
mod site;
mod socket;
mod staff;
mod store;
mod tickets;
mod tokens;
mod visitor_data;
mod visitors;
mod webhooks;
