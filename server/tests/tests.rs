//! Integration tests of the server, compiled into one binary: each speaks HTTP to a real
//! `parlor` server on a loopback port, with a fresh data folder.

mod care;
mod common;
mod files;
mod init;
mod journey;
mod limits;
mod profile;
mod site;
mod socket;
mod tickets;
mod tokens;
