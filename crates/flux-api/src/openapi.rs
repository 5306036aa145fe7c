//! The OpenAPI 3.1 document, generated from the handlers' annotations so it
//! cannot drift from the code.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::routes::{
    audit, auth, costing, events, forecast, health, hours, ingredients, inventory, invitations,
    invoices, labor, members, menu, menu_photos, purchasing, recipes, restaurants, sales, settings,
    uploads, weather,
};
use crate::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "Flux API", description = "Restaurant demand forecasting, costing and purchasing. \
        Errors are RFC 9457 problem documents with a stable `code`."),
    modifiers(&BearerAuth),
    components(schemas(crate::error::Problem, crate::error::ProblemField)),
    tags(
        (name = "auth", description = "Accounts and tokens"),
        (name = "restaurants", description = "Tenants"),
        (name = "members", description = "Who may use a restaurant"),
        (name = "settings", description = "Typed restaurant settings"),
        (name = "operating-hours", description = "Weekly schedule"),
        (name = "menu", description = "Dishes"),
        (name = "costing", description = "Ingredients, recipes, COGS with waste, ingredient explosion, profitability and menu engineering. Money and quantities are exact decimals, sent as strings"),
        (name = "uploads", description = "Sales file imports"),
        (name = "sales", description = "Sales analytics and data health"),
        (name = "forecast", description = "Demand forecasts, runs, feedback and accuracy"),
        (name = "purchasing", description = "Suppliers and offers, stock on hand, order recommendations from the forecast's distribution, purchase orders and the prep list"),
        (name = "inventory", description = "Actual against theoretical usage, the waste log with reasons, and allergens rolled up through recipes"),
        (name = "labor", description = "Roles and labor standards, staff, time off, the week's schedule from the hourly forecast, the time clock and pay"),
        (name = "health", description = "Probes")
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// Adds the optional `Idempotency-Key` header to every POST operation the
/// middleware honours (all but the token endpoints), see
/// [`crate::idempotency`].
pub fn document_idempotency_key(openapi: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
    use utoipa::openapi::{ObjectBuilder, Required, Type};
    for (path, item) in openapi.paths.paths.iter_mut() {
        if path.starts_with("/api/v1/auth/") {
            continue;
        }
        let Some(post) = item.post.as_mut() else {
            continue;
        };
        let parameter = ParameterBuilder::new()
            .name("Idempotency-Key")
            .parameter_in(ParameterIn::Header)
            .required(Required::False)
            .description(Some(
                "Makes a retry safe: the same key with the same request within 24 hours \
                 returns the first response (`Idempotent-Replayed: true`) without running it \
                 again; with a different request it is a 422 `idempotency_key_reused`, and \
                 while the first is still running a 409 `idempotency_key_in_use`.",
            ))
            .schema(Some(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .min_length(Some(1))
                    .max_length(Some(255))
                    .pattern(Some("^[!-~]+$")),
            ))
            .build();
        post.parameters.get_or_insert_with(Vec::new).push(parameter);
        post.responses
            .responses
            .entry("409".to_string())
            .or_insert_with(|| {
                utoipa::openapi::RefOr::T(
                    utoipa::openapi::ResponseBuilder::new()
                        .description("A request with the same `Idempotency-Key` is still running")
                        .content(
                            "application/problem+json",
                            utoipa::openapi::ContentBuilder::new()
                                .schema(Some(utoipa::openapi::Ref::from_schema_name("Problem")))
                                .build(),
                        )
                        .build(),
                )
            });
    }
}

/// Documents the failures every operation can answer, on top of the ones
/// its handler lists, and gives every problem response its real media
/// type (`application/problem+json`). Written once here rather than on
/// each handler because they come from shared layers: the extractors (400
/// malformed query or body, 415, 422 control characters), authentication
/// (401), the body limit (413), the database being unavailable (503) and
/// no room for an upload (507).
pub fn document_problems(openapi: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    const PROBLEM: &str = "application/problem+json";
    let problem = |description: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content(
                    PROBLEM,
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("Problem")))
                        .build(),
                )
                .build(),
        )
    };
    for (path, item) in openapi.paths.paths.iter_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for op in operations.into_iter().flatten() {
            for response in op.responses.responses.values_mut() {
                if let RefOr::T(r) = response {
                    if let Some(content) = r.content.shift_remove("application/json") {
                        let is_problem = matches!(&content.schema, Some(RefOr::Ref(re)) if re.ref_location.ends_with("/Problem"));
                        let key = if is_problem {
                            PROBLEM
                        } else {
                            "application/json"
                        };
                        r.content.insert(key.to_string(), content);
                    }
                }
            }
            let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
            let mut common = vec![
                ("400", "Malformed query parameters or body"),
                ("422", "Invalid input, named field by field"),
                (
                    "503",
                    "The database is unavailable; retry after `Retry-After`",
                ),
            ];
            if secured {
                common.push(("401", "Missing, invalid or expired access token"));
            }
            if op.request_body.is_some() {
                common.push(("413", "The body is too large"));
                common.push(("415", "Unsupported content type"));
            }
            if path.contains("/data/uploads") || path.ends_with("/ingredients/import") {
                common.push(("507", "No room to receive the file; nothing was stored"));
            }
            if path.contains('{') {
                common.push(("404", "No such resource (or another tenant's)"));
            }
            if secured && op.request_body.is_some() {
                common.push(("403", "Your role does not allow this"));
            }
            for (status, description) in common {
                op.responses
                    .responses
                    .entry(status.to_string())
                    .or_insert_with(|| problem(description));
            }
        }
    }
}

/// Every route with its documentation: the API under `/api/v1`, probes at
/// the root where load balancers expect them.
pub fn api_router(max_upload_bytes: usize) -> OpenApiRouter<AppState> {
    let auth = OpenApiRouter::new()
        .routes(routes!(auth::register))
        .routes(routes!(auth::login))
        .routes(routes!(auth::refresh))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::change_password))
        .routes(routes!(auth::export))
        .routes(routes!(auth::erase))
        .routes(routes!(auth::me, auth::change_me));
    let restaurants = OpenApiRouter::new()
        .routes(routes!(restaurants::create, restaurants::list))
        .routes(routes!(restaurants::get, restaurants::update))
        .routes(routes!(
            restaurants::request_deletion,
            restaurants::cancel_deletion
        ))
        .routes(routes!(members::list))
        .routes(routes!(audit::list))
        .routes(routes!(invitations::create, invitations::list))
        .routes(routes!(invitations::resend))
        .routes(routes!(invitations::revoke))
        .routes(routes!(members::change_role, members::remove))
        .routes(routes!(settings::get, settings::put))
        .routes(routes!(hours::get, hours::set))
        .routes(routes!(menu::list, menu::create))
        .routes(routes!(menu::get, menu::update, menu::delete))
        .routes(routes!(menu::add_alias))
        .routes(routes!(sales::daily))
        .routes(routes!(sales::items))
        .routes(routes!(sales::weekday))
        .routes(routes!(sales::health))
        .routes(routes!(forecast::create, forecast::list))
        .routes(routes!(forecast::runs))
        .routes(routes!(forecast::totals))
        .routes(routes!(forecast::explanation))
        .routes(routes!(forecast::feedback, forecast::feedback_list))
        .routes(routes!(forecast::accuracy))
        .routes(routes!(forecast::model_card))
        .routes(routes!(forecast::override_set, forecast::override_list))
        .routes(routes!(forecast::override_remove))
        .routes(routes!(forecast::stockout_mark, forecast::stockout_list))
        .routes(routes!(forecast::stockout_unmark))
        .routes(routes!(menu_photos::get))
        .routes(routes!(menu_photos::photo))
        .routes(routes!(menu_photos::confirm))
        .routes(routes!(events::create, events::list))
        .routes(routes!(events::delete))
        .routes(routes!(weather::list, weather::clear))
        .routes(routes!(weather::import))
        .routes(routes!(weather::refresh))
        .routes(routes!(ingredients::list, ingredients::create))
        .routes(routes!(
            ingredients::get,
            ingredients::update,
            ingredients::delete
        ))
        .routes(routes!(ingredients::costs, ingredients::add_cost))
        .routes(routes!(ingredients::yields, ingredients::set_yields))
        .routes(routes!(recipes::list, recipes::create))
        .routes(routes!(recipes::pending, recipes::confirm))
        .routes(routes!(recipes::get, recipes::update, recipes::delete))
        .routes(routes!(recipes::cost))
        .routes(routes!(costing::dishes))
        .routes(routes!(costing::explode))
        .routes(routes!(costing::profitability))
        .routes(routes!(
            purchasing::list_suppliers,
            purchasing::create_supplier
        ))
        .routes(routes!(
            purchasing::get_supplier,
            purchasing::update_supplier,
            purchasing::delete_supplier
        ))
        .routes(routes!(purchasing::set_offer, purchasing::delete_offer))
        .routes(routes!(purchasing::inventory))
        .routes(routes!(purchasing::counts))
        .routes(routes!(purchasing::deliveries))
        .routes(routes!(purchasing::waste, inventory::waste_log))
        .routes(routes!(inventory::variance_report))
        .routes(routes!(inventory::variance_trend))
        .routes(routes!(inventory::record_waste))
        .routes(routes!(inventory::delete_waste))
        .routes(routes!(inventory::allergen_matrix))
        .routes(routes!(inventory::set_allergens))
        .routes(routes!(invoices::list, invoices::create))
        .routes(routes!(invoices::import))
        .routes(routes!(invoices::get, invoices::delete))
        .routes(routes!(invoices::matched))
        .routes(routes!(invoices::credit))
        .routes(routes!(invoices::list_transfers, invoices::send))
        .routes(routes!(invoices::request))
        .routes(routes!(invoices::get_transfer))
        .routes(routes!(invoices::fulfil))
        .routes(routes!(invoices::cancel))
        .routes(routes!(purchasing::recommendations))
        .routes(routes!(purchasing::pars))
        .routes(routes!(purchasing::set_par, purchasing::clear_par))
        .routes(routes!(purchasing::accept))
        .routes(routes!(purchasing::list_orders, purchasing::create_order))
        .routes(routes!(purchasing::get_order, purchasing::edit_order))
        .routes(routes!(purchasing::send_order))
        .routes(routes!(purchasing::cancel_order))
        .routes(routes!(purchasing::receive_order))
        .routes(routes!(purchasing::order_csv))
        .routes(routes!(purchasing::prep_list))
        .routes(routes!(purchasing::prep_count))
        .routes(routes!(labor::roles, labor::create_role))
        .routes(routes!(labor::suggestions))
        .routes(routes!(labor::update_role, labor::delete_role))
        .routes(routes!(labor::list_staff, labor::create_staff))
        .routes(routes!(labor::get_staff, labor::update_staff))
        .routes(routes!(labor::list_time_off, labor::request_time_off))
        .routes(routes!(labor::decide_time_off))
        .routes(routes!(labor::get_rules, labor::set_rules))
        .routes(routes!(labor::week))
        .routes(routes!(labor::build))
        .routes(routes!(labor::copy_previous))
        .routes(routes!(labor::publish))
        .routes(routes!(labor::add_shift))
        .routes(routes!(labor::update_shift, labor::delete_shift))
        .routes(routes!(labor::clock_in))
        .routes(routes!(labor::clock_out))
        .routes(routes!(labor::entries, labor::add_entry))
        .routes(routes!(labor::pay));
    // Uploads carry files: their own, larger body limit.
    let uploads = OpenApiRouter::new()
        .routes(routes!(uploads::create, uploads::list))
        .routes(routes!(uploads::preview))
        .routes(routes!(uploads::get, uploads::undo))
        .routes(routes!(ingredients::import))
        .routes(routes!(menu_photos::upload))
        .layer(axum::extract::DefaultBodyLimit::max(max_upload_bytes));
    let v1 = OpenApiRouter::new()
        .nest("/auth", auth)
        .nest(
            "/invitations",
            OpenApiRouter::new().routes(routes!(invitations::accept)),
        )
        .nest(
            "/group",
            OpenApiRouter::new().routes(routes!(inventory::group_overview)),
        )
        .nest("/restaurants", restaurants.merge(uploads));
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest("/api/v1", v1)
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
}
