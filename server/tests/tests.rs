//! Integration tests of the server, compiled into one binary: each speaks HTTP to a real
//! `parlor` server on a loopback port, with a fresh data folder.

mod common;
mod init;
mod journey;
mod profile;
mod site;
mod socket;
mod tokens;
