//! The dashboard's pages, one module per area. Each module exposes its
//! handlers; [`routes`] is the one table mapping URLs to them, so adding an
//! area means a module, its routes here and an entry in [`crate::nav`].
//!
//! URL scheme: `/login`, `/signup`, `/logout` for accounts, `/app/account`
//! for the person's own account, `/app` for the
//! restaurant list, and `/app/r/{rid}/...` for everything inside one
//! restaurant. Forms post back to the URL that rendered them and redirect
//! after success (so reloading never re-submits).

mod account;
mod audit;
mod auth;
mod events;
mod forecast;
mod forecast_model;
mod health;
mod ingredients;
mod inventory;
mod invitations;
mod invoices;
mod labor;
mod labor_staff;
mod menu;
mod menu_photos;
mod overview;
mod profitability;
mod purchasing;
mod recipes;
mod restaurants;
mod settings;
mod uploads;
mod weather;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;

use crate::error::WebError;
use crate::layout;
use crate::WebState;

/// Multipart overhead allowed on top of the file itself.
const MULTIPART_SLACK: usize = 64 * 1024;

pub fn routes(state: &WebState) -> Router<WebState> {
    let upload_limit = usize::try_from(state.max_upload_bytes())
        .unwrap_or(usize::MAX)
        .saturating_add(MULTIPART_SLACK);
    Router::new()
        .route("/", get(restaurants::home))
        .route("/login", get(auth::login_page).post(auth::login))
        .route("/signup", get(auth::signup_page).post(auth::signup))
        .route("/logout", post(auth::logout))
        .route("/app", get(restaurants::list))
        .route("/app/group", get(restaurants::group))
        .route("/app/account", get(account::page))
        .route("/app/account/email", post(account::change_email))
        .route("/app/account/password", post(account::change_password))
        .route("/app/account/export", get(account::export))
        .route("/app/account/erase", post(account::erase))
        .route("/app/restaurants", post(restaurants::create))
        .route("/app/restaurants/new", get(restaurants::new_page))
        .route(
            "/app/invitations/{token}",
            get(invitations::show).post(invitations::accept),
        )
        .route("/app/assets/app.css", get(layout::css))
        .route("/app/assets/app.js", get(layout::js))
        .route("/app/r/{rid}", get(overview::page))
        .route(
            "/app/r/{rid}/uploads",
            get(uploads::list)
                .post(uploads::create)
                .layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route("/app/r/{rid}/uploads/{upload_id}", get(uploads::detail))
        .route("/app/r/{rid}/uploads/{upload_id}/undo", post(uploads::undo))
        .route("/app/r/{rid}/menu", get(menu::list).post(menu::create))
        .route("/app/r/{rid}/menu/new", get(menu::new_page))
        .route(
            "/app/r/{rid}/menu/photo",
            get(menu_photos::page)
                .post(menu_photos::upload)
                .layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route("/app/r/{rid}/menu/photo/{scan_id}", get(menu_photos::show))
        .route(
            "/app/r/{rid}/menu/photo/{scan_id}/photo",
            get(menu_photos::photo),
        )
        .route(
            "/app/r/{rid}/menu/photo/{scan_id}/confirm",
            post(menu_photos::confirm),
        )
        .route(
            "/app/r/{rid}/menu/{item_id}",
            get(menu::edit_page).post(menu::update),
        )
        .route(
            "/app/r/{rid}/settings",
            get(settings::page).post(settings::save),
        )
        .route(
            "/app/r/{rid}/settings/profile",
            post(settings::save_profile),
        )
        .route("/app/r/{rid}/settings/hours", post(settings::save_hours))
        .route(
            "/app/r/{rid}/settings/delete",
            post(settings::request_deletion),
        )
        .route(
            "/app/r/{rid}/settings/delete/cancel",
            post(settings::cancel_deletion),
        )
        .route("/app/r/{rid}/health", get(health::page))
        .route("/app/r/{rid}/audit", get(audit::page))
        .route(
            "/app/r/{rid}/ingredients",
            get(ingredients::list).post(ingredients::create),
        )
        .route("/app/r/{rid}/ingredients/new", get(ingredients::new_page))
        .route(
            "/app/r/{rid}/ingredients/{ingredient_id}",
            get(ingredients::edit_page).post(ingredients::update),
        )
        .route(
            "/app/r/{rid}/ingredients/{ingredient_id}/prices",
            post(ingredients::record_price),
        )
        .route(
            "/app/r/{rid}/ingredients/{ingredient_id}/yields",
            post(ingredients::save_yields),
        )
        .route("/app/r/{rid}/recipes", get(recipes::list))
        .route("/app/r/{rid}/recipes/accept", post(recipes::accept))
        .route(
            "/app/r/{rid}/recipes/new",
            get(recipes::new_page).post(recipes::create),
        )
        .route(
            "/app/r/{rid}/recipes/new/preview",
            post(recipes::preview_new),
        )
        .route(
            "/app/r/{rid}/recipes/{recipe_id}",
            get(recipes::edit_page).post(recipes::update),
        )
        .route(
            "/app/r/{rid}/recipes/{recipe_id}/preview",
            post(recipes::preview_existing),
        )
        .route("/app/r/{rid}/profitability", get(profitability::page))
        .route("/app/r/{rid}/purchasing", get(purchasing::recommendations))
        .route("/app/r/{rid}/purchasing/accept", post(purchasing::accept))
        .route("/app/r/{rid}/purchasing/pars", get(purchasing::pars_page))
        .route(
            "/app/r/{rid}/purchasing/pars/{ingredient_id}",
            post(purchasing::save_par),
        )
        .route(
            "/app/r/{rid}/purchasing/orders",
            get(purchasing::orders_list),
        )
        .route(
            "/app/r/{rid}/purchasing/orders/{order_id}",
            get(purchasing::order_detail),
        )
        .route(
            "/app/r/{rid}/purchasing/orders/{order_id}/csv",
            get(purchasing::order_csv),
        )
        .route(
            "/app/r/{rid}/purchasing/orders/{order_id}/send",
            post(purchasing::send),
        )
        .route(
            "/app/r/{rid}/purchasing/orders/{order_id}/receive",
            post(purchasing::receive),
        )
        .route(
            "/app/r/{rid}/purchasing/orders/{order_id}/cancel",
            post(purchasing::cancel),
        )
        .route(
            "/app/r/{rid}/purchasing/suppliers",
            get(purchasing::suppliers_page).post(purchasing::create_supplier),
        )
        .route(
            "/app/r/{rid}/purchasing/suppliers/{supplier_id}",
            get(purchasing::supplier_detail).post(purchasing::update_supplier),
        )
        .route(
            "/app/r/{rid}/purchasing/suppliers/{supplier_id}/offers",
            post(purchasing::save_offer),
        )
        .route(
            "/app/r/{rid}/purchasing/stock",
            get(purchasing::stock_page).post(purchasing::save_count),
        )
        .route("/app/r/{rid}/purchasing/prep", get(purchasing::prep_page))
        .route(
            "/app/r/{rid}/purchasing/prep/count",
            post(purchasing::save_prep_count),
        )
        .route(
            "/app/r/{rid}/forecast",
            get(forecast::prep).post(forecast::refresh),
        )
        .route("/app/r/{rid}/forecast/model", get(forecast_model::page))
        .route(
            "/app/r/{rid}/forecast/events",
            get(events::page).post(events::create),
        )
        .route(
            "/app/r/{rid}/forecast/events/{event_id}/delete",
            post(events::delete),
        )
        .route("/app/r/{rid}/forecast/weather", get(weather::page))
        .route(
            "/app/r/{rid}/forecast/weather/import",
            post(weather::import),
        )
        .route(
            "/app/r/{rid}/forecast/weather/refresh",
            post(weather::refresh),
        )
        .route(
            "/app/r/{rid}/forecast/{item_id}",
            get(forecast::dish).post(forecast::feedback),
        )
        .route(
            "/app/r/{rid}/forecast/{item_id}/override",
            post(forecast::set_override),
        )
        .route(
            "/app/r/{rid}/forecast/{item_id}/override/{date}/remove",
            post(forecast::remove_override),
        )
        .route(
            "/app/r/{rid}/forecast/{item_id}/stockout",
            post(forecast::mark_stockout),
        )
        .route(
            "/app/r/{rid}/forecast/{item_id}/stockout/{date}/remove",
            post(forecast::unmark_stockout),
        )
        .route("/app/r/{rid}/inventory", get(inventory::variance_page))
        .route(
            "/app/r/{rid}/inventory/waste",
            get(inventory::waste_page).post(inventory::log_waste),
        )
        .route(
            "/app/r/{rid}/inventory/waste/{waste_id}/delete",
            post(inventory::delete_waste),
        )
        .route("/app/r/{rid}/inventory/invoices", get(invoices::list_page))
        .route(
            "/app/r/{rid}/inventory/invoices/import",
            post(invoices::import),
        )
        .route(
            "/app/r/{rid}/inventory/invoices/{invoice_id}",
            get(invoices::match_page),
        )
        .route(
            "/app/r/{rid}/inventory/invoices/{invoice_id}/credit",
            post(invoices::credit),
        )
        .route(
            "/app/r/{rid}/inventory/invoices/{invoice_id}/delete",
            post(invoices::delete),
        )
        .route(
            "/app/r/{rid}/inventory/transfers",
            get(invoices::transfers_page).post(invoices::send),
        )
        .route(
            "/app/r/{rid}/inventory/transfers/requests",
            post(invoices::request),
        )
        .route(
            "/app/r/{rid}/inventory/transfers/{transfer_id}/send",
            post(invoices::fulfil),
        )
        .route(
            "/app/r/{rid}/inventory/transfers/{transfer_id}/cancel",
            post(invoices::cancel),
        )
        .route(
            "/app/r/{rid}/inventory/allergens",
            get(inventory::allergens_page),
        )
        .route(
            "/app/r/{rid}/inventory/allergens/sheet",
            get(inventory::allergen_sheet),
        )
        .route(
            "/app/r/{rid}/inventory/allergens/ingredients/{ingredient_id}",
            get(inventory::ingredient_allergens).post(inventory::declare_allergens),
        )
        .route("/app/r/{rid}/labor", get(labor::page))
        .route("/app/r/{rid}/labor/build", post(labor::build))
        .route("/app/r/{rid}/labor/copy", post(labor::copy))
        .route("/app/r/{rid}/labor/publish", post(labor::publish))
        .route("/app/r/{rid}/labor/shifts", post(labor::add_shift))
        .route(
            "/app/r/{rid}/labor/shifts/{shift_id}/delete",
            post(labor::delete_shift),
        )
        .route("/app/r/{rid}/labor/staff", get(labor_staff::page))
        .route(
            "/app/r/{rid}/labor/staff/roles",
            post(labor_staff::add_role),
        )
        .route(
            "/app/r/{rid}/labor/staff/people",
            post(labor_staff::add_person),
        )
        .route(
            "/app/r/{rid}/labor/staff/time-off",
            post(labor_staff::request_time_off),
        )
        .route(
            "/app/r/{rid}/labor/staff/time-off/{time_off_id}/approve",
            post(labor_staff::approve),
        )
        .route(
            "/app/r/{rid}/labor/staff/time-off/{time_off_id}/deny",
            post(labor_staff::deny),
        )
        .route("/app/r/{rid}/labor/clock", get(labor::clock_page))
        .route(
            "/app/r/{rid}/labor/clock/{staff_id}/in",
            post(labor::clock_in),
        )
        .route(
            "/app/r/{rid}/labor/clock/{staff_id}/out",
            post(labor::clock_out),
        )
        // Unknown dashboard URLs get an HTML 404, not the API's JSON one.
        .route("/app/{*rest}", get(not_found))
}

async fn not_found() -> WebError {
    WebError::NotFound
}
