//! Application services: the use cases behind the HTTP handlers. Handlers
//! parse and authorise; services decide and call the SQL layer.

pub mod auth;
pub mod password;
pub mod restaurants;
