//! Purchasing: the morning recommendation (accepted into draft orders in
//! one click), purchase orders (send, receive, print, CSV), suppliers and
//! their offers, stock counts with low-stock alerts, and the prep list.
//! Every page prints cleanly (the chrome is hidden by the print styles).

use std::collections::HashMap;

use axum::extract::{Query, RawPathParams};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect};
use chrono::NaiveDate;
use flux_app::purchasing::orders::{self, Order, OrderStatus};
use flux_app::purchasing::stock::{self, EventInput, Kind};
use flux_app::purchasing::suppliers::{self, OfferInput, SupplierInput};
use flux_domain::role::Action;
use flux_domain::FieldError;
use maud::{html, Markup};
use serde::Deserialize;
use uuid::Uuid;

use crate::error::{WebError, WebResult};
use crate::extract::{path_uuid, CsrfForm, Empty, TenantPage};
use crate::format::parse_decimal;
use crate::layout::{csrf_field, empty_state, notice_text};
use crate::nav;
use crate::pages::ingredients::{load_kitchen, rejected_fields};

fn subnav(t: &TenantPage, active: &str) -> Markup {
    let links = [
        ("/purchasing", "To order"),
        ("/purchasing/orders", "Orders"),
        ("/purchasing/stock", "Stock"),
        ("/purchasing/pars", "Par levels"),
        ("/purchasing/suppliers", "Suppliers"),
        ("/purchasing/prep", "Prep list"),
    ];
    html! {
        nav.subnav.no-print aria-label="Purchasing" {
            @for (path, label) in links {
                a href=(t.href(path)) aria-current=[(path == active).then_some("page")] { (label) }
            }
        }
    }
}

#[derive(Deserialize, Default)]
pub struct Notice {
    done: Option<String>,
    /// `par` to fill to par levels instead of ordering the forecast.
    policy: Option<String>,
}

fn policy_of(raw: Option<&str>) -> flux_app::purchasing::plan::Policy {
    match raw {
        Some("par") => flux_app::purchasing::plan::Policy::Par,
        _ => flux_app::purchasing::plan::Policy::Forecast,
    }
}

fn qty(fmt: &crate::format::Fmt, v: f64) -> String {
    fmt.num(v, if v.fract().abs() < 1e-9 { 0 } else { 2 })
}

pub async fn recommendations(mut t: TenantPage, Query(n): Query<Notice>) -> WebResult {
    let kitchen = load_kitchen(&mut t).await?;
    let policy = policy_of(n.policy.as_deref());
    let by_par = policy == flux_app::purchasing::plan::Policy::Par;
    let r = flux_app::purchasing::plan::recommend(
        &mut t.tx,
        t.restaurant_id,
        &kitchen,
        kitchen.today,
        None,
        policy,
    )
    .await?;
    let fmt = t.fmt();
    let editable = t.can(Action::WriteData);
    let to_order = r
        .plan
        .orders
        .iter()
        .any(|o| o.lines.iter().any(|l| l.packs > 0));
    let body = html! {
        div.page-head { h1 { "What to order" } }
        (subnav(&t, "/purchasing"))
        nav.tabs.no-print aria-label="Ordering policy" #policy {
            a href=(t.href("/purchasing")) aria-current=[(!by_par).then_some("page")] { "By the forecast" }
            a href=(t.href("/purchasing?policy=par")) aria-current=[by_par.then_some("page")] { "Fill to par" }
        }
        @for w in &r.warnings { p.notice.warn role="status" { (w) } }
        @if r.plan.orders.is_empty() && r.plan.nothing_needed.is_empty() {
            (empty_state(
                "Nothing to recommend yet",
                "Recommendations need suppliers with offers for your ingredients, recipes, and a forecast.",
                Some((&t.href("/purchasing/suppliers"), "Add a supplier")),
            ))
        }
        @for o in &r.plan.orders {
            @let w = r.windows.iter().find(|w| w.supplier_id == o.supplier);
            section.card.supplier-order aria-label=(o.name) {
                h2 { (o.name) " " span.muted.small { (fmt.money(o.total)) } }
                @if let Some(w) = w {
                    p.muted.small { "Arrives " (fmt.date(w.first_delivery)) "; must last until " (fmt.date(w.next_delivery)) " (" (w.days) " days)." }
                }
                @if let Some(note) = &o.note { p.notice.warn { (note) } }
                table.table.stack.recommend {
                    thead { tr {
                        th scope="col" { "Ingredient" }
                        th.num scope="col" { "Packs" }
                        th.num scope="col" { "Cost" }
                        th scope="col" { "Why" }
                    } }
                    tbody {
                        @for l in o.lines.iter().filter(|l| l.packs > 0) {
                            tr {
                                td data-label="Ingredient" { (l.name) }
                                td.num data-label="Packs" { (l.packs) " × " (l.pack_base_units.normalize()) " " (l.base_unit) }
                                td.num data-label="Cost" { (fmt.money(l.cost)) }
                                td data-label="Why" { span.small { (l.explanation) } }
                            }
                        }
                    }
                }
            }
        }
        @if editable && to_order {
            form.accept-orders method="post" action=(t.href("/purchasing/accept")) {
                (csrf_field(&t.csrf))
                @if by_par { input type="hidden" name="policy" value="par"; }
                button.btn.btn-primary type="submit" { "Create draft orders" }
            }
        }
        @if !r.plan.nothing_needed.is_empty() {
            section.card aria-labelledby="enough-h" {
                h2 #enough-h { "Enough in stock" }
                ul { @for l in &r.plan.nothing_needed { li { (l.name) " — " span.small.muted { (l.explanation) } } } }
            }
        }
        @if !r.plan.no_offer.is_empty() {
            p.muted.small { "No supplier offer yet for: " (r.plan.no_offer.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>().join(", ")) }
        }
    };
    let page = t.render(
        nav::PURCHASING,
        "What to order",
        notice_text(n.done.as_deref()),
        body,
    );
    t.commit().await?;
    Ok(page.into_response())
}

#[derive(Deserialize)]
pub struct AcceptForm {
    #[serde(default)]
    policy: Option<String>,
}

pub async fn accept(mut t: TenantPage, CsrfForm(f): CsrfForm<AcceptForm>) -> WebResult {
    t.require(Action::WriteData)?;
    let kitchen = load_kitchen(&mut t).await?;
    flux_app::purchasing::plan::accept(
        &mut t.tx,
        t.restaurant_id,
        &kitchen,
        kitchen.today,
        None,
        policy_of(f.policy.as_deref()),
        &[],
    )
    .await?;
    let to = t.href("/purchasing/orders?done=saved");
    t.commit().await?;
    Ok(Redirect::to(&to).into_response())
}

pub async fn orders_list(mut t: TenantPage, Query(n): Query<Notice>) -> WebResult {
    let rows = orders::list(&mut t.tx, t.restaurant_id, None, None, 100).await?;
    let fmt = t.fmt();
    let body = html! {
        div.page-head { h1 { "Purchase orders" } }
        (subnav(&t, "/purchasing/orders"))
        @if rows.is_empty() {
            (empty_state("No orders yet", "Create draft orders from the recommendation.", Some((&t.href("/purchasing"), "See what to order"))))
        } @else {
            table.table.stack.orders {
                thead { tr {
                    th scope="col" { "Supplier" }
                    th scope="col" { "Status" }
                    th scope="col" { "Delivery" }
                    th.num scope="col" { "Total" }
                } }
                tbody {
                    @for o in &rows {
                        tr {
                            td data-label="Supplier" { a href=(t.href(&format!("/purchasing/orders/{}", o.id))) { (o.supplier) } }
                            td data-label="Status" { span class={ "badge status-" (o.status) } { (o.status) } }
                            td data-label="Delivery" { (o.delivery_date.map(|d| fmt.date(d)).unwrap_or_else(|| "–".into())) }
                            td.num data-label="Total" { (fmt.money(o.total)) }
                        }
                    }
                }
            }
        }
    };
    let page = t.render(
        nav::PURCHASING,
        "Purchase orders",
        notice_text(n.done.as_deref()),
        body,
    );
    t.commit().await?;
    Ok(page.into_response())
}

fn order_body(t: &TenantPage, o: &Order) -> Markup {
    let fmt = t.fmt();
    let editable = t.can(Action::WriteData);
    let action = |verb: &str| t.href(&format!("/purchasing/orders/{}/{verb}", o.id));
    html! {
        nav.breadcrumb.no-print aria-label="Breadcrumb" { a href=(t.href("/purchasing/orders")) { "Orders" } " / " }
        div.page-head {
            h1 { "Order for " (o.supplier) }
            span class={ "badge status-" (o.status) } { (o.status) }
        }
        p.muted {
            (t.restaurant.name) " · created " (fmt.date(o.created_at.date_naive()))
            @if let Some(d) = o.delivery_date { " · delivery " (fmt.date(d)) }
        }
        table.table.stack.order-lines {
            thead { tr {
                th scope="col" { "Ingredient" }
                th.num scope="col" { "Packs" }
                th.num scope="col" { "Quantity" }
                th.num scope="col" { "Pack price" }
                th.num scope="col" { "Total" }
                @if o.status == OrderStatus::Received { th.num scope="col" { "Received" } }
            } }
            tbody {
                @for l in &o.lines {
                    tr {
                        td data-label="Ingredient" { (l.ingredient) }
                        td.num data-label="Packs" { (l.packs) " × " (l.pack_base_units) " " (l.base_unit) }
                        td.num data-label="Quantity" { (l.quantity) " " (l.base_unit) }
                        td.num data-label="Pack price" { (fmt.money(l.pack_price)) }
                        td.num data-label="Total" { (fmt.money(l.cost)) }
                        @if o.status == OrderStatus::Received {
                            td.num data-label="Received" { (l.received_quantity.map(|q| q.to_string()).unwrap_or_default()) " " (l.base_unit) }
                        }
                    }
                }
            }
            tfoot { tr { th scope="row" colspan="4" { "Total" } td.num { strong { (fmt.money(o.total)) } } } }
        }
        div.actions.no-print {
            a.btn href=(action("csv")) { "Download CSV" }
            @if editable && o.status == OrderStatus::Draft {
                form method="post" action=(action("send")) { (csrf_field(&t.csrf)) button.btn.btn-primary type="submit" { "Mark as sent" } }
            }
            @if editable && o.status == OrderStatus::Sent {
                form method="post" action=(action("receive")) { (csrf_field(&t.csrf)) button.btn.btn-primary type="submit" { "Received as ordered" } }
            }
            @if editable && o.status.is_open() {
                form method="post" action=(action("cancel")) data-confirm="Cancel this order?" { (csrf_field(&t.csrf)) button.btn.btn-quiet type="submit" { "Cancel order" } }
            }
        }
    }
}

pub async fn order_detail(
    mut t: TenantPage,
    params: RawPathParams,
    Query(n): Query<Notice>,
) -> WebResult {
    let id = path_uuid(&params, "order_id")?;
    let o = orders::get(&mut t.tx, t.restaurant_id, id).await?;
    let body = order_body(&t, &o);
    let page = t.render(
        nav::PURCHASING,
        &format!("Order for {}", o.supplier),
        notice_text(n.done.as_deref()),
        body,
    );
    t.commit().await?;
    Ok(page.into_response())
}

pub async fn order_csv(mut t: TenantPage, params: RawPathParams) -> WebResult {
    let id = path_uuid(&params, "order_id")?;
    let o = orders::get(&mut t.tx, t.restaurant_id, id).await?;
    t.commit().await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"order-{}.csv\"",
                    &o.id.to_string()[..8]
                ),
            ),
        ],
        orders::to_csv(&o),
    )
        .into_response())
}

async fn order_action(mut t: TenantPage, params: RawPathParams, verb: &str) -> WebResult {
    t.require(Action::WriteData)?;
    let id = path_uuid(&params, "order_id")?;
    let kitchen = load_kitchen(&mut t).await?;
    match verb {
        "receive" => orders::receive(&mut t.tx, t.restaurant_id, id, kitchen.today, &[]).await,
        _ => orders::cancel(&mut t.tx, t.restaurant_id, id).await,
    }?;
    let to = t.href(&format!("/purchasing/orders/{id}?done=saved"));
    t.commit().await?;
    Ok(Redirect::to(&to).into_response())
}

/// Sends a draft: e-mails it first when SMTP is configured and the supplier
/// has an address (a delivery failure leaves it a draft and says why).
pub async fn send(
    axum::extract::State(state): axum::extract::State<crate::WebState>,
    mut t: TenantPage,
    params: RawPathParams,
    CsrfForm(_): CsrfForm<Empty>,
) -> WebResult {
    t.require(Action::WriteData)?;
    let id = path_uuid(&params, "order_id")?;
    orders::send_to_supplier(&mut t.tx, t.restaurant_id, id, state.mail())
        .await
        .map_err(|e| match e.kind() {
            Some(flux_app::Kind::MailFailed) => {
                WebError::BadRequest(format!("the order was not sent: {e}"))
            }
            _ => WebError::from(e),
        })?;
    let to = t.href(&format!("/purchasing/orders/{id}?done=saved"));
    t.commit().await?;
    Ok(Redirect::to(&to).into_response())
}

pub async fn receive(
    t: TenantPage,
    params: RawPathParams,
    CsrfForm(_): CsrfForm<Empty>,
) -> WebResult {
    order_action(t, params, "receive").await
}

pub async fn cancel(
    t: TenantPage,
    params: RawPathParams,
    CsrfForm(_): CsrfForm<Empty>,
) -> WebResult {
    order_action(t, params, "cancel").await
}

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

fn supplier_form(
    t: &TenantPage,
    action: &str,
    f: &HashMap<String, String>,
    errors: &[FieldError],
    submit: &str,
) -> Markup {
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let err = |k: &str| {
        errors
            .iter()
            .find(|e| e.field == k)
            .map(|e| e.message.clone())
    };
    html! {
        form.card.supplier-form method="post" action=(action) novalidate {
            (csrf_field(&t.csrf))
            @if !errors.is_empty() { p.alert role="alert" { "Please correct the fields marked below." } }
            @for (name, label, mode) in [("name", "Name", "text"), ("contact_name", "Contact", "text"), ("email", "E-mail", "email"), ("phone", "Phone", "tel"), ("lead_time_days", "Lead time (days)", "numeric"), ("min_order_value", "Minimum order value", "decimal")] {
                div.field.invalid[err(name).is_some()] {
                    label for=(name) { (label) }
                    input id=(name) name=(name) type="text" inputmode=(mode) value=(get(name));
                    @if let Some(e) = err(name) { p.field-error { (e) } }
                }
            }
            fieldset.weekdays.invalid[err("delivery_days").is_some()] {
                legend { "Delivers on" }
                @for (i, d) in WEEKDAYS.iter().enumerate() {
                    @let key = format!("day{}", i + 1);
                    label.choice { input type="checkbox" name=(key) checked[f.contains_key(&key)]; span { (d) } }
                }
                @if let Some(e) = err("delivery_days") { p.field-error { (e) } }
            }
            div.actions { button.btn.btn-primary type="submit" { (submit) } }
        }
    }
}

fn supplier_input(f: &HashMap<String, String>) -> Result<SupplierInput, Vec<FieldError>> {
    let text = |k: &str| {
        f.get(k)
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
    };
    let mut errors = Vec::new();
    let lead_time_days = match text("lead_time_days") {
        None => None,
        Some(v) => match v.parse::<i64>() {
            Ok(d) => Some(d),
            Err(_) => {
                errors.push(FieldError::new(
                    "lead_time_days",
                    "invalid",
                    "must be a whole number of days",
                ));
                None
            }
        },
    };
    let min_order_value = match text("min_order_value") {
        None => None,
        Some(v) => match parse_decimal(&v) {
            Some(d) => Some(d),
            None => {
                errors.push(FieldError::new(
                    "min_order_value",
                    "invalid",
                    "must be an amount such as 150",
                ));
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(SupplierInput {
        name: text("name").unwrap_or_default(),
        contact_name: text("contact_name"),
        email: text("email"),
        phone: text("phone"),
        lead_time_days,
        delivery_days: Some(
            (1..=7)
                .filter(|d| f.contains_key(&format!("day{d}")))
                .collect(),
        ),
        min_order_value,
    })
}

pub async fn suppliers_page(mut t: TenantPage, Query(n): Query<Notice>) -> WebResult {
    let rows = suppliers::list(&mut t.tx, t.restaurant_id).await?;
    let fmt = t.fmt();
    let mut defaults = HashMap::new();
    for d in 1..=5 {
        defaults.insert(format!("day{d}"), "on".to_string());
    }
    defaults.insert("lead_time_days".into(), "1".into());
    let body = html! {
        div.page-head { h1 { "Suppliers" } }
        (subnav(&t, "/purchasing/suppliers"))
        @if rows.is_empty() {
            p.muted { "No suppliers yet. Add one below, then give it offers for your ingredients." }
        } @else {
            table.table.stack.suppliers {
                thead { tr { th scope="col" { "Supplier" } th scope="col" { "Delivers" } th.num scope="col" { "Lead time" } th.num scope="col" { "Minimum" } } }
                tbody {
                    @for s in &rows {
                        tr {
                            td data-label="Supplier" { a href=(t.href(&format!("/purchasing/suppliers/{}", s.supplier_id))) { (s.name) } }
                            td data-label="Delivers" { (s.delivery_days.iter().filter_map(|d| WEEKDAYS.get(usize::try_from(*d - 1).ok()?)).copied().collect::<Vec<_>>().join(" ")) }
                            td.num data-label="Lead time" { (s.lead_time_days) " d" }
                            td.num data-label="Minimum" { (fmt.money(s.min_order_value)) }
                        }
                    }
                }
            }
        }
        @if t.can(Action::WriteData) {
            h2 { "Add a supplier" }
            (supplier_form(&t, &t.href("/purchasing/suppliers"), &defaults, &[], "Add supplier"))
        }
    };
    let page = t.render(
        nav::PURCHASING,
        "Suppliers",
        notice_text(n.done.as_deref()),
        body,
    );
    t.commit().await?;
    Ok(page.into_response())
}

pub async fn create_supplier(
    mut t: TenantPage,
    CsrfForm(f): CsrfForm<HashMap<String, String>>,
) -> WebResult {
    t.require(Action::WriteData)?;
    let errors = match supplier_input(&f) {
        Ok(input) => match suppliers::create(&mut t.tx, t.restaurant_id, &input).await {
            Ok(row) => {
                let to = t.href(&format!(
                    "/purchasing/suppliers/{}?done=saved",
                    row.supplier_id
                ));
                t.commit().await?;
                return Ok(Redirect::to(&to).into_response());
            }
            Err(e) => rejected_fields(e)?,
        },
        Err(e) => e,
    };
    let body = html! {
        div.page-head { h1 { "Add a supplier" } }
        (subnav(&t, "/purchasing/suppliers"))
        (supplier_form(&t, &t.href("/purchasing/suppliers"), &f, &errors, "Add supplier"))
    };
    let page = t.render(nav::PURCHASING, "Add a supplier", None, body);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// The details form as typed and what was wrong with it, when a save was
/// refused; `None` shows the stored details.
type DetailsForm<'a> = Option<(&'a HashMap<String, String>, &'a [FieldError])>;

async fn supplier_detail_body(
    t: &mut TenantPage,
    id: Uuid,
    offer_form: &HashMap<String, String>,
    offer_errors: &[FieldError],
    details: DetailsForm<'_>,
) -> WebResult<Markup> {
    let suppliers::SupplierOffers {
        supplier: s,
        offers,
    } = suppliers::get(&mut t.tx, t.restaurant_id, id).await?;
    let kitchen = load_kitchen(t).await?;
    let fmt = t.fmt();
    let mut f: HashMap<String, String> = HashMap::new();
    f.insert("name".into(), s.name.clone());
    for (k, v) in [
        ("contact_name", &s.contact_name),
        ("email", &s.email),
        ("phone", &s.phone),
    ] {
        if let Some(v) = v {
            f.insert(k.into(), v.clone());
        }
    }
    f.insert("lead_time_days".into(), s.lead_time_days.to_string());
    f.insert(
        "min_order_value".into(),
        s.min_order_value.normalize().to_string(),
    );
    for d in &s.delivery_days {
        f.insert(format!("day{d}"), "on".into());
    }
    let err = |k: &str| {
        offer_errors
            .iter()
            .find(|e| e.field == k)
            .map(|e| e.message.clone())
    };
    let editable = t.can(Action::WriteData);
    Ok(html! {
        nav.breadcrumb aria-label="Breadcrumb" { a href=(t.href("/purchasing/suppliers")) { "Suppliers" } " / " }
        div.page-head { h1.break { (s.name) } }
        section.card aria-labelledby="offers-h" {
            h2 #offers-h { "Offers" }
            @if offers.is_empty() { p.muted { "No offers yet: add what this supplier sells, as packs." } }
            @else {
                table.table.stack.offers {
                    thead { tr { th scope="col" { "Ingredient" } th.num scope="col" { "Pack" } th.num scope="col" { "Pack price" } th scope="col" { "Preferred" } } }
                    tbody {
                        @for o in &offers {
                            @let i = kitchen.ingredient(o.ingredient_id);
                            tr {
                                td data-label="Ingredient" { (i.map(|i| i.name.as_str()).unwrap_or("?")) }
                                td.num data-label="Pack" { (o.pack_base_units.normalize()) " " (i.map(|i| i.base_unit.as_str()).unwrap_or("")) }
                                td.num data-label="Pack price" { (fmt.money(o.pack_price)) }
                                td data-label="Preferred" { @if o.preferred { span.badge.ok { "preferred" } } }
                            }
                        }
                    }
                }
            }
            @if editable {
                form.offer-form method="post" action=(t.href(&format!("/purchasing/suppliers/{id}/offers"))) novalidate {
                    (csrf_field(&t.csrf))
                    div.grid-2 {
                        div.field.invalid[err("ingredient_id").is_some()] {
                            label for="ingredient_id" { "Ingredient" }
                            select #ingredient_id name="ingredient_id" {
                                @for i in &kitchen.rows.ingredients {
                                    option value=(i.ingredient_id) selected[offer_form.get("ingredient_id") == Some(&i.ingredient_id.to_string())] { (i.name) " (" (i.base_unit) ")" }
                                }
                            }
                            @if let Some(e) = err("ingredient_id") { p.field-error { (e) } }
                        }
                        div.field.invalid[err("pack_size").is_some()] {
                            label for="pack_size" { "Pack size" }
                            input #pack_size name="pack_size" type="text" placeholder="e.g. 5 kg" value=(offer_form.get("pack_size").cloned().unwrap_or_default());
                            @if let Some(e) = err("pack_size") { p.field-error { (e) } }
                        }
                        div.field.invalid[err("pack_price").is_some()] {
                            label for="pack_price" { "Pack price" }
                            input #pack_price name="pack_price" type="text" inputmode="decimal" value=(offer_form.get("pack_price").cloned().unwrap_or_default());
                            @if let Some(e) = err("pack_price") { p.field-error { (e) } }
                        }
                        div.field {
                            label.choice { input type="checkbox" name="preferred" checked[offer_form.contains_key("preferred")]; span { "Preferred supplier for this ingredient" } }
                        }
                    }
                    div.actions { button.btn type="submit" { "Save offer" } }
                }
            }
        }
        @if editable {
            h2 { "Details" }
            @let (values, errors) = details.unwrap_or((&f, &[]));
            (supplier_form(t, &t.href(&format!("/purchasing/suppliers/{id}")), values, errors, "Save supplier"))
        }
    })
}

pub async fn supplier_detail(
    mut t: TenantPage,
    params: RawPathParams,
    Query(n): Query<Notice>,
) -> WebResult {
    let id = path_uuid(&params, "supplier_id")?;
    let body = supplier_detail_body(&mut t, id, &HashMap::new(), &[], None).await?;
    let page = t.render(
        nav::PURCHASING,
        "Supplier",
        notice_text(n.done.as_deref()),
        body,
    );
    t.commit().await?;
    Ok(page.into_response())
}

pub async fn update_supplier(
    mut t: TenantPage,
    params: RawPathParams,
    CsrfForm(f): CsrfForm<HashMap<String, String>>,
) -> WebResult {
    t.require(Action::WriteData)?;
    let id = path_uuid(&params, "supplier_id")?;
    let errors = match supplier_input(&f) {
        Ok(input) => match suppliers::update(&mut t.tx, t.restaurant_id, id, &input).await {
            Ok(_) => {
                let to = t.href(&format!("/purchasing/suppliers/{id}?done=saved"));
                t.commit().await?;
                return Ok(Redirect::to(&to).into_response());
            }
            Err(e) => rejected_fields(e)?,
        },
        Err(e) => e,
    };
    let body = supplier_detail_body(&mut t, id, &HashMap::new(), &[], Some((&f, &errors))).await?;
    let page = t.render(nav::PURCHASING, "Supplier", None, body);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

pub async fn save_offer(
    mut t: TenantPage,
    params: RawPathParams,
    CsrfForm(f): CsrfForm<HashMap<String, String>>,
) -> WebResult {
    t.require(Action::WriteData)?;
    let id = path_uuid(&params, "supplier_id")?;
    let kitchen = load_kitchen(&mut t).await?;
    let ingredient = f.get("ingredient_id").and_then(|v| Uuid::parse_str(v).ok());
    let price = f.get("pack_price").and_then(|p| parse_decimal(p));
    let errors = match (ingredient, price) {
        (Some(ingredient), Some(pack_price)) => {
            let input = OfferInput {
                pack_size: f.get("pack_size").cloned().unwrap_or_default(),
                pack_price,
                preferred: f.contains_key("preferred"),
            };
            match suppliers::set_offer(&mut t.tx, t.restaurant_id, &kitchen, id, ingredient, &input)
                .await
            {
                Ok(_) => {
                    let to = t.href(&format!("/purchasing/suppliers/{id}?done=saved"));
                    t.commit().await?;
                    return Ok(Redirect::to(&to).into_response());
                }
                Err(e) => rejected_fields(e)?,
            }
        }
        (None, _) => vec![FieldError::new(
            "ingredient_id",
            "required",
            "choose an ingredient",
        )],
        (_, None) => vec![FieldError::new(
            "pack_price",
            "invalid",
            "must be an amount such as 11.50",
        )],
    };
    let body = supplier_detail_body(&mut t, id, &f, &errors, None).await?;
    let page = t.render(nav::PURCHASING, "Supplier", None, body);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// A refused count: what was typed, the problems by ingredient, and the
/// problems of the count as a whole.
#[derive(Default)]
struct CountForm<'a> {
    values: HashMap<Uuid, &'a str>,
    errors: HashMap<Uuid, String>,
    general: Vec<String>,
}

async fn stock_body(t: &mut TenantPage, form: &CountForm<'_>) -> WebResult<Markup> {
    let kitchen = load_kitchen(t).await?;
    let lines =
        flux_app::purchasing::plan::inventory(&mut t.tx, t.restaurant_id, &kitchen, kitchen.today)
            .await?;
    let fmt = t.fmt();
    let editable = t.can(Action::WriteData);
    Ok(html! {
        div.page-head { h1 { "Stock" } }
        (subnav(t, "/purchasing/stock"))
        p.muted.small { "On hand = last count − what sales used through recipes + deliveries − waste. Enter a count to correct it." }
        @if lines.is_empty() {
            (empty_state("No ingredients yet", "Add ingredients first.", Some((&t.href("/ingredients"), "Ingredients"))))
        } @else {
            form.count-form method="post" action=(t.href("/purchasing/stock")) novalidate {
                (csrf_field(&t.csrf))
                @if !form.general.is_empty() || !form.errors.is_empty() {
                    p.alert role="alert" {
                        @if form.general.is_empty() { "Please correct the counts marked below." }
                        @else { (form.general.join("; ")) }
                    }
                }
                table.table.stack.stock {
                    thead { tr {
                        th scope="col" { "Ingredient" }
                        th.num scope="col" { "On hand" }
                        th.num scope="col" { "Needed until delivery" }
                        th scope="col" { "Count now" }
                    } }
                    tbody {
                        @for l in &lines {
                            @let err = form.errors.get(&l.ingredient_id);
                            tr.low[l.low] {
                                td data-label="Ingredient" {
                                    (l.ingredient)
                                    @if l.low { span.badge.warn { "low" } }
                                }
                                td.num data-label="On hand" {
                                    @match l.on_hand { Some(h) => { (qty(&fmt, h)) " " (l.base_unit) } None => { span.muted { "not counted" } } }
                                }
                                td.num data-label="Needed until delivery" {
                                    @if let (Some(n), Some(d)) = (l.need_until_delivery_p50, l.next_delivery) { (qty(&fmt, n)) " " (l.base_unit) " by " (fmt.date_short(d)) } @else { "–" }
                                }
                                td data-label="Count now" {
                                    label.sr-only for={ "count-" (l.ingredient_id) } { "Count of " (l.ingredient) " in " (l.base_unit) }
                                    input id={ "count-" (l.ingredient_id) } name={ "count-" (l.ingredient_id) } type="text" inputmode="decimal" disabled[!editable] placeholder=(l.base_unit) value=[form.values.get(&l.ingredient_id)];
                                    @if let Some(e) = err { p.field-error { (e) } }
                                }
                            }
                        }
                    }
                }
                @if editable { div.actions { button.btn.btn-primary type="submit" { "Save count" } } }
            }
        }
    })
}

pub async fn stock_page(mut t: TenantPage, Query(n): Query<Notice>) -> WebResult {
    let body = stock_body(&mut t, &CountForm::default()).await?;
    let page = t.render(
        nav::PURCHASING,
        "Stock",
        notice_text(n.done.as_deref()),
        body,
    );
    t.commit().await?;
    Ok(page.into_response())
}

/// Records the counts typed in, all or none, through the same rules as the
/// API: a count needs at least one ingredient, and each quantity is a
/// number that is not negative. Refused counts come back beside their rows.
pub async fn save_count(
    mut t: TenantPage,
    CsrfForm(f): CsrfForm<HashMap<String, String>>,
) -> WebResult {
    t.require(Action::WriteData)?;
    let kitchen = load_kitchen(&mut t).await?;
    let mut typed: Vec<(Uuid, &str)> = f
        .iter()
        .filter_map(|(k, v)| {
            let id = k
                .strip_prefix("count-")
                .and_then(|i| Uuid::parse_str(i).ok())?;
            Some((id, v.trim())).filter(|(_, v)| !v.is_empty())
        })
        .collect();
    // In the page's order, so that problems are reported top to bottom.
    let position = |id: &Uuid| {
        kitchen
            .rows
            .ingredients
            .iter()
            .position(|i| i.ingredient_id == *id)
            .unwrap_or(usize::MAX)
    };
    typed.sort_by_key(|(id, _)| (position(id), *id));
    let mut form = CountForm {
        values: typed.iter().copied().collect(),
        ..CountForm::default()
    };
    let mut items = Vec::new();
    for (id, raw) in &typed {
        match parse_decimal(raw) {
            Some(quantity) => items.push(EventInput {
                ingredient_id: *id,
                quantity,
                unit: None,
                note: None,
                reason: None,
            }),
            None => {
                form.errors
                    .insert(*id, "must be a number such as 2.5".to_string());
            }
        }
    }
    if form.errors.is_empty() {
        match stock::record(
            &mut t.tx,
            t.restaurant_id,
            &kitchen,
            Kind::Count,
            kitchen.today,
            &items,
        )
        .await
        {
            Ok(_) => {
                let to = t.href("/purchasing/stock?done=saved");
                t.commit().await?;
                return Ok(Redirect::to(&to).into_response());
            }
            Err(e) => {
                for e in rejected_fields(e)? {
                    // `items.<i>.<field>` names the i-th count sent.
                    let row = e
                        .field
                        .strip_prefix("items.")
                        .and_then(|rest| rest.split('.').next())
                        .and_then(|i| i.parse::<usize>().ok())
                        .and_then(|i| items.get(i))
                        .map(|item| item.ingredient_id)
                        .filter(|id| position(id) != usize::MAX);
                    match row {
                        Some(id) => {
                            form.errors.entry(id).or_insert(e.message);
                        }
                        None => form.general.push(e.message),
                    }
                }
            }
        }
    }
    let body = stock_body(&mut t, &form).await?;
    let page = t.render(nav::PURCHASING, "Stock", None, body);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

#[derive(Deserialize, Default)]
pub struct PrepParams {
    date: Option<String>,
    done: Option<String>,
}

pub async fn prep_page(mut t: TenantPage, Query(p): Query<PrepParams>) -> WebResult {
    let kitchen = load_kitchen(&mut t).await?;
    let date = p
        .date
        .as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .unwrap_or(kitchen.today);
    let level = flux_app::purchasing::prep::level_from_setting(kitchen.settings.service_level);
    let editable = t.can(Action::WriteData);
    let preps: Vec<(Uuid, String, String)> = kitchen
        .rows
        .recipes
        .iter()
        .filter(|r| r.menu_item_id.is_none())
        .map(|r| (r.recipe_id, r.name.clone(), r.yield_unit.clone()))
        .collect();
    let list =
        flux_app::purchasing::prep::prep_list(&mut t.tx, t.restaurant_id, &kitchen, date, level)
            .await?;
    let fmt = t.fmt();
    let body = html! {
        div.page-head { h1 { "Prep list · " (fmt.date(date)) } }
        (subnav(&t, "/purchasing/prep"))
        form.filters.no-print method="get" action=(t.href("/purchasing/prep")) {
            div.field { label for="date" { "Day" } input #date type="date" name="date" value=(date); }
            div.filter-actions { button.btn type="submit" { "Show" } }
        }
        p.muted.small { "Ready for " (fmt.percent(level, 0)) " of likely days (the service level in settings)." }
        @for n in &list.notes { p.notice.warn { (n) } }
        @if !list.preps.is_empty() {
            section.card aria-labelledby="preps-h" {
                h2 #preps-h { "Preps" }
                table.table.stack.preps {
                    thead { tr { th scope="col" { "Prep" } th.num scope="col" { "Needed" } th.num scope="col" { "Made, usable" } th.num scope="col" { "Make" } th.num scope="col" { "Batches" } th scope="col" { "For" } } }
                    tbody {
                        @for p in &list.preps {
                            tr {
                                td data-label="Prep" { (p.prep) }
                                td.num data-label="Needed" { (fmt.qty(p.needed)) " " (p.unit) }
                                td.num data-label="Made, usable" { (fmt.qty(p.on_hand)) " " (p.unit) }
                                td.num data-label="Make" { strong { (fmt.qty(p.quantity)) " " (p.unit) } }
                                td.num data-label="Batches" { (fmt.qty(p.batches)) }
                                td data-label="For" { (p.for_dishes.join(", ")) }
                            }
                        }
                    }
                }
            }
        }
        @if editable && !preps.is_empty() {
            form.card.prep-count.no-print method="post" action=(t.href("/purchasing/prep/count")) novalidate {
                (csrf_field(&t.csrf))
                h2 { "Count prepared stock" }
                div.grid-2 {
                    div.field {
                        label for="recipe_id" { "Prep" }
                        select #recipe_id name="recipe_id" {
                            @for (id, name, unit) in &preps { option value=(id) { (name) " (" (unit) ")" } }
                        }
                    }
                    div.field {
                        label for="quantity" { "Quantity on hand" }
                        input #quantity name="quantity" type="text" inputmode="decimal";
                    }
                    div.field {
                        label for="usable_until" { "Usable until" }
                        input #usable_until name="usable_until" type="date" value=(kitchen.today + chrono::Duration::days(2));
                    }
                }
                div.actions { button.btn type="submit" { "Save count" } }
            }
        }
        section.card aria-labelledby="dishes-h" {
            h2 #dishes-h { "Portions" }
            @if list.dishes.is_empty() { p.muted { "No forecast for dishes with recipes on this day." } }
            @else {
                table.table.stack.prep-dishes {
                    thead { tr { th scope="col" { "Dish" } th.num scope="col" { "Expected" } th.num scope="col" { "Be ready for" } } }
                    tbody {
                        @for d in &list.dishes {
                            tr {
                                td data-label="Dish" { (d.dish) }
                                td.num data-label="Expected" { (fmt.num(d.p50, 0)) }
                                td.num data-label="Be ready for" { strong { (d.portions) } }
                            }
                        }
                    }
                }
            }
        }
    };
    let page = t.render(
        nav::PURCHASING,
        "Prep list",
        notice_text(p.done.as_deref()),
        body,
    );
    t.commit().await?;
    Ok(page.into_response())
}

pub async fn save_prep_count(
    mut t: TenantPage,
    CsrfForm(f): CsrfForm<HashMap<String, String>>,
) -> WebResult {
    t.require(Action::WriteData)?;
    let kitchen = load_kitchen(&mut t).await?;
    let recipe = f
        .get("recipe_id")
        .and_then(|v| Uuid::parse_str(v).ok())
        .ok_or_else(|| WebError::BadRequest("choose a prep".into()))?;
    let quantity = f
        .get("quantity")
        .and_then(|v| parse_decimal(v))
        .ok_or_else(|| WebError::BadRequest("the quantity must be a number such as 0.5".into()))?;
    let until = f
        .get("usable_until")
        .and_then(|v| NaiveDate::parse_from_str(v, "%Y-%m-%d").ok())
        .ok_or_else(|| WebError::BadRequest("give the date it can be used until".into()))?;
    flux_app::purchasing::prep::record_count(
        &mut t.tx,
        t.restaurant_id,
        &kitchen,
        recipe,
        kitchen.today,
        quantity,
        until,
    )
    .await
    .map_err(|e| WebError::BadRequest(e.to_string()))?;
    let to = t.href("/purchasing/prep?done=saved");
    t.commit().await?;
    Ok(Redirect::to(&to).into_response())
}

/// Par levels: each ingredient's minimum and maximum, set or suggested by
/// the forecast, with a form per row.
pub async fn pars_page(mut t: TenantPage, Query(n): Query<Notice>) -> WebResult {
    let kitchen = load_kitchen(&mut t).await?;
    let levels =
        flux_app::purchasing::plan::par_levels(&mut t.tx, t.restaurant_id, &kitchen, kitchen.today)
            .await?;
    let fmt = t.fmt();
    let editable = t.can(Action::WriteData);
    let body = html! {
        div.page-head { h1 { "Par levels" } }
        (subnav(&t, "/purchasing/pars"))
        p.muted.small { "Fill to par orders nothing while stock is above the minimum, and up to the maximum when it is at or below it. The suggestion: the 90th percentile of use until the next delivery arrives, up to what the forecast says to hold for the whole window. A level you set wins over the suggestion." }
        table.table.stack #pars {
            thead { tr { th { "Ingredient" } th.num { "On hand" } th.num { "Suggested" } th { "Set" } } }
            tbody {
                @for l in &levels {
                    tr {
                        td data-label="Ingredient" { (l.ingredient) " " span.muted.small { (l.base_unit) } }
                        td.num data-label="On hand" { @match l.on_hand { Some(v) => (qty(&fmt, v)), None => span.muted { "not counted" } } }
                        td.num data-label="Suggested" { @match l.suggested { Some(p) => { (qty(&fmt, p.min)) " – " (qty(&fmt, p.max)) }, None => span.muted { "no supplier" } } }
                        td data-label="Set" {
                            @if editable {
                                form.inline method="post" action=(t.href(&format!("/purchasing/pars/{}", l.ingredient_id))) {
                                    (csrf_field(&t.csrf))
                                    input type="text" inputmode="decimal" name="min" size="6" aria-label={ "Minimum of " (l.ingredient) } value=[l.set.map(|p| qty(&fmt, p.min))];
                                    " – "
                                    input type="text" inputmode="decimal" name="max" size="6" aria-label={ "Maximum of " (l.ingredient) } value=[l.set.map(|p| qty(&fmt, p.max))];
                                    " " button.btn type="submit" { "Save" }
                                }
                            } @else {
                                @match l.set { Some(p) => { (qty(&fmt, p.min)) " – " (qty(&fmt, p.max)) }, None => "—" }
                            }
                        }
                    }
                }
            }
        }
    };
    let page = t.render(
        nav::PURCHASING,
        "Par levels",
        notice_text(n.done.as_deref()),
        body,
    );
    t.commit().await?;
    Ok(page.into_response())
}

#[derive(Deserialize)]
pub struct ParForm {
    #[serde(default)]
    min: String,
    #[serde(default)]
    max: String,
}

/// Saves one ingredient's par level; both fields blank clears it.
pub async fn save_par(
    mut t: TenantPage,
    params: RawPathParams,
    CsrfForm(f): CsrfForm<ParForm>,
) -> WebResult {
    t.require(Action::WriteData)?;
    let id = crate::extract::path_uuid(&params, "ingredient_id")?;
    let kitchen = load_kitchen(&mut t).await?;
    let par = match (f.min.trim(), f.max.trim()) {
        ("", "") => None,
        (min, max) => match (parse_decimal(min), parse_decimal(max)) {
            (Some(a), Some(b)) => Some((a, b)),
            _ => {
                return Err(WebError::BadRequest(
                    "a par level is two numbers, such as 4 and 12".into(),
                ))
            }
        },
    };
    match flux_app::purchasing::plan::set_par(&mut t.tx, t.restaurant_id, &kitchen, id, par).await {
        Ok(()) => {}
        Err(e @ flux_app::AppError::Rejected { .. })
            if e.kind() == Some(flux_app::Kind::Validation) =>
        {
            let why = match &e {
                flux_app::AppError::Rejected { errors, .. } if !errors.is_empty() => errors
                    .iter()
                    .map(|f| format!("{}: {}", f.field, f.message))
                    .collect::<Vec<_>>()
                    .join("; "),
                _ => e.to_string(),
            };
            return Err(WebError::BadRequest(why));
        }
        Err(e) => return Err(e.into()),
    }
    let to = t.href("/purchasing/pars?done=saved");
    t.commit().await?;
    Ok(Redirect::to(&to).into_response())
}
