//! The analyzers, one per stretch of the chain. Each records links and findings on a `Walk`.

pub mod backend;
pub mod broker;
pub mod extension;
pub mod gateway;
pub mod registration;
pub mod route;
pub mod secrets;
pub mod status;
