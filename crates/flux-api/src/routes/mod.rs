//! HTTP handlers, one module per resource. Handlers stay thin: extract,
//! authorise, call a service or the SQL layer, shape the response.

pub mod auth;
pub mod costing;
pub mod forecast;
pub mod health;
pub mod hours;
pub mod ingredients;
pub mod members;
pub mod menu;
pub mod purchasing;
pub mod recipes;
pub mod restaurants;
pub mod sales;
pub mod settings;
pub mod uploads;
