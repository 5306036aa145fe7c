//! Menu items: a searchable, filterable, paginated list and a create/edit
//! form; the rules (validation, unique names, what an edit does to a dish
//! from a sales import) are `flux_app::menu`'s.

use axum::extract::{Query, RawPathParams};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use flux_app::menu::{MenuItem, MenuItemInput, MenuQuery};
use flux_app::AppError;
use flux_domain::role::Action;
use flux_domain::FieldError;
use maud::{html, Markup};
use serde::Deserialize;
use uuid::Uuid;

use crate::error::WebResult;
use crate::extract::{path_uuid, CsrfForm, TenantPage};
use crate::format::{parse_decimal, url_encode};
use crate::layout::{csrf_field, described_by, empty_state, field, notice_text};
use crate::nav;

const PAGE: i64 = 25;

#[derive(Deserialize, Default)]
pub struct ListParams {
    q: Option<String>,
    category: Option<String>,
    cursor: Option<String>,
    done: Option<String>,
}

/// Keyset cursor: the last row's (name key, id), opaque to the visitor.
pub(crate) fn encode_cursor(key: &str, id: Uuid) -> String {
    B64.encode(format!("{id}{key}"))
}

pub(crate) fn decode_cursor(c: &str) -> Option<(String, Uuid)> {
    let raw = String::from_utf8(B64.decode(c).ok()?).ok()?;
    let (id, key) = raw.split_at_checked(36)?;
    Some((key.to_string(), Uuid::parse_str(id).ok()?))
}

/// The filters as shown back in the form (trimmed, blank as none).
fn clean(s: Option<&String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// Field errors of a rejection, for the form; anything else is an error page.
fn form_errors(e: AppError) -> WebResult<Vec<FieldError>> {
    match e {
        AppError::Rejected { errors, .. } if !errors.is_empty() => Ok(errors),
        other => Err(other.into()),
    }
}

pub async fn list(mut t: TenantPage, Query(p): Query<ListParams>) -> WebResult {
    let search = clean(p.q.as_ref());
    let category = clean(p.category.as_ref());
    let q = MenuQuery {
        category: category.clone(),
        search: search.clone(),
        active: None,
        after: p.cursor.as_deref().and_then(decode_cursor),
        limit: PAGE,
    };
    let found = flux_app::menu::list(&mut t.tx, t.restaurant_id, q).await?;
    let (items, total) = (found.items, found.total);
    let next = if found.more {
        items
            .last()
            .map(|i| encode_cursor(&i.name_key, i.menu_item_id))
    } else {
        None
    };
    let fmt = t.fmt();
    let filtered = search.is_some() || category.is_some();
    let query_base = format!(
        "{}?q={}&category={}",
        t.href("/menu"),
        url_encode(search.as_deref().unwrap_or_default()),
        url_encode(category.as_deref().unwrap_or_default())
    );
    let body = html! {
        div.page-head {
            h1 { "Menu" }
            @if t.can(Action::WriteData) {
                a.btn.btn-primary href=(t.href("/menu/new")) { "Add a dish" }
                " "
                a.btn href=(t.href("/menu/photo")) { "Read a menu photo" }
            }
        }
        form.filters role="search" method="get" action=(t.href("/menu")) {
            div.field {
                label for="q" { "Search dishes" }
                input #q type="search" name="q" value=(search.as_deref().unwrap_or_default()) placeholder="e.g. salad";
            }
            div.field {
                label for="category" { "Category" }
                input #category type="text" name="category" value=(category.as_deref().unwrap_or_default()) placeholder="Any";
            }
            div.filter-actions {
                button.btn type="submit" { "Filter" }
                @if filtered { a.btn.btn-quiet href=(t.href("/menu")) { "Clear" } }
            }
        }
        @if items.is_empty() && !filtered && p.cursor.is_none() {
            (empty_state(
                "No dishes yet",
                "Dishes are added automatically when you upload sales, or you can add them by hand.",
                Some((&t.href("/uploads"), "Upload sales")),
            ))
        } @else if items.is_empty() {
            p.empty { "No dish matches these filters. " a href=(t.href("/menu")) { "Show all dishes" } }
        } @else {
            p.muted.small { (fmt.int(total)) " dish(es)" @if filtered { " match" } }
            table.table.stack {
                thead { tr {
                    th scope="col" { "Dish" }
                    th scope="col" { "Category" }
                    th.num scope="col" { "Price" }
                    th scope="col" { "Status" }
                } }
                tbody {
                    @for i in &items {
                        tr {
                            td data-label="Dish" {
                                a href=(t.href(&format!("/menu/{}", i.menu_item_id))) { (i.name) }
                                @if i.auto_created { span.badge.muted title="Created by a sales upload" { "from sales" } }
                            }
                            td data-label="Category" { (i.category.as_deref().unwrap_or("–")) }
                            td.num data-label="Price" { (i.price.map(|p| fmt.money(p)).unwrap_or_else(|| "–".into())) }
                            td data-label="Status" {
                                @if i.active { span.badge.ok { "Active" } } @else { span.badge.muted { "Inactive" } }
                            }
                        }
                    }
                }
            }
            nav.pager aria-label="Pages" {
                @if p.cursor.is_some() { a.btn href=(query_base) { "← First page" } }
                @if let Some(n) = next { a.btn href={ (query_base) "&cursor=" (url_encode(&n)) } { "Next page →" } }
            }
        }
    };
    let page = t.render(nav::MENU, "Menu", notice_text(p.done.as_deref()), body);
    t.commit().await?;
    Ok(page.into_response())
}

/// The form's values, as typed.
#[derive(Deserialize, Default)]
pub struct ItemForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    price: String,
    #[serde(default)]
    description: String,
    /// Checkbox: present when ticked.
    active: Option<String>,
}

impl ItemForm {
    fn from_item(i: &MenuItem) -> Self {
        Self {
            name: i.name.clone(),
            category: i.category.clone().unwrap_or_default(),
            price: i.price.map(|p| p.to_string()).unwrap_or_default(),
            description: i.description.clone().unwrap_or_default(),
            active: i.active.then(|| "on".into()),
        }
    }

    /// The dish as the use case takes it. Only text that is not a number
    /// at all is caught here (the JSON API never sees such a price); the
    /// other fields are still checked by the use case's rule so that every
    /// problem shows at once.
    fn input(&self) -> Result<MenuItemInput, Vec<FieldError>> {
        let mut input = MenuItemInput {
            name: self.name.clone(),
            category: Some(self.category.clone()),
            description: Some(self.description.clone()),
            price: None,
            active: Some(self.active.is_some()),
        };
        if self.price.trim().is_empty() {
            return Ok(input);
        }
        match parse_decimal(&self.price) {
            Some(p) => {
                input.price = Some(p);
                Ok(input)
            }
            None => {
                let mut errors = flux_app::menu::validate(&input)
                    .err()
                    .map_or_else(Vec::new, |e| e.0);
                errors.push(FieldError::new(
                    "price",
                    "invalid",
                    "must be a number such as 12.50",
                ));
                Err(errors)
            }
        }
    }

    /// Validates every field the way a save would; all problems at once.
    #[cfg(test)]
    fn validate(&self) -> Result<flux_app::menu::MenuItemData, Vec<FieldError>> {
        flux_app::menu::validate(&self.input()?).map_err(|e| e.0)
    }
}

fn message(field: &str, errors: &[FieldError]) -> Option<String> {
    errors.iter().find(|e| e.field == field).map(|e| {
        let label = match field {
            "name" => "The name",
            "category" => "The category",
            _ => "The price",
        };
        format!("{label} {}.", e.message)
    })
}

fn item_form(
    t: &TenantPage,
    action: &str,
    v: &ItemForm,
    errors: &[FieldError],
    submit: &str,
) -> Markup {
    let (ne, ce, pe, de) = (
        message("name", errors),
        message("category", errors),
        message("price", errors),
        message("description", errors),
    );
    let editable = t.can(Action::WriteData);
    html! {
        form.card method="post" action=(action) novalidate {
            (csrf_field(&t.csrf))
            @if !errors.is_empty() {
                p.alert role="alert" { "Please correct the fields marked below." }
            }
            fieldset disabled[!editable] {
                (field("name", "Dish name", None, ne.as_deref(), html! {
                    input #name type="text" name="name" value=(v.name) required maxlength="200"
                        aria-invalid=[ne.as_ref().map(|_| "true")]
                        aria-describedby=[described_by("name", false, ne.as_deref())];
                }))
                div.grid-2 {
                    (field("category", "Category", Some("Optional, e.g. Starters."), ce.as_deref(), html! {
                        input #category type="text" name="category" value=(v.category) maxlength="100"
                            aria-invalid=[ce.as_ref().map(|_| "true")]
                            aria-describedby=[described_by("category", true, ce.as_deref())];
                    }))
                    (field("price", &format!("Price ({})", t.restaurant.currency), Some("Optional. Up to 2 decimals."), pe.as_deref(), html! {
                        input #price type="text" name="price" value=(v.price) inputmode="decimal"
                            aria-invalid=[pe.as_ref().map(|_| "true")]
                            aria-describedby=[described_by("price", true, pe.as_deref())];
                    }))
                }
                (field("description", "Description", Some("Optional, as the menu prints it."), de.as_deref(), html! {
                    textarea #description name="description" maxlength="500" rows="2"
                        aria-invalid=[de.as_ref().map(|_| "true")]
                        aria-describedby=[described_by("description", true, de.as_deref())] { (v.description) }
                }))
                div.field {
                    label.choice {
                        input type="checkbox" name="active" checked[v.active.is_some()];
                        span { "Active (on the menu now)" }
                    }
                }
                @if editable {
                    div.actions {
                        button.btn.btn-primary type="submit" { (submit) }
                        a.btn.btn-quiet href=(t.href("/menu")) { "Cancel" }
                    }
                }
            }
        }
    }
}

pub async fn new_page(t: TenantPage) -> WebResult {
    t.require(Action::WriteData)?;
    let v = ItemForm {
        active: Some("on".into()),
        ..Default::default()
    };
    let body = html! {
        nav.breadcrumb aria-label="Breadcrumb" { a href=(t.href("/menu")) { "Menu" } " / " }
        div.page-head { h1 { "Add a dish" } }
        (item_form(&t, &t.href("/menu"), &v, &[], "Add dish"))
    };
    let page = t.render(nav::MENU, "Add a dish", None, body);
    t.commit().await?;
    Ok(page.into_response())
}

pub async fn create(mut t: TenantPage, CsrfForm(f): CsrfForm<ItemForm>) -> WebResult {
    t.require(Action::WriteData)?;
    let errors = match f.input() {
        Ok(input) => match flux_app::menu::create(&mut t.tx, t.restaurant_id, &input).await {
            Ok(_) => {
                let to = t.href("/menu?done=item-created");
                t.commit().await?;
                return Ok(Redirect::to(&to).into_response());
            }
            Err(e) => form_errors(e)?,
        },
        Err(e) => e,
    };
    // The transaction is dropped (rolled back): the page needs no query.
    let body = html! {
        nav.breadcrumb aria-label="Breadcrumb" { a href=(t.href("/menu")) { "Menu" } " / " }
        div.page-head { h1 { "Add a dish" } }
        (item_form(&t, &t.href("/menu"), &f, &errors, "Add dish"))
    };
    let page = t.render(nav::MENU, "Add a dish", None, body);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

async fn load(t: &mut TenantPage, params: &RawPathParams) -> WebResult<MenuItem> {
    let id = path_uuid(params, "item_id")?;
    Ok(flux_app::menu::get(&mut t.tx, t.restaurant_id, id).await?)
}

fn edit_body(t: &TenantPage, item: &MenuItem, v: &ItemForm, errors: &[FieldError]) -> Markup {
    html! {
        nav.breadcrumb aria-label="Breadcrumb" { a href=(t.href("/menu")) { "Menu" } " / " }
        div.page-head {
            h1.break { (item.name) }
            @if item.auto_created { span.badge.muted { "from sales" } }
        }
        @if !t.can(Action::WriteData) {
            p.muted { "Your role can view this dish but not change it." }
        }
        (item_form(t, &t.href(&format!("/menu/{}", item.menu_item_id)), v, errors, "Save changes"))
    }
}

pub async fn edit_page(
    mut t: TenantPage,
    params: RawPathParams,
    Query(p): Query<ListParams>,
) -> WebResult {
    let item = load(&mut t, &params).await?;
    let body = edit_body(&t, &item, &ItemForm::from_item(&item), &[]);
    let page = t.render(nav::MENU, &item.name, notice_text(p.done.as_deref()), body);
    t.commit().await?;
    Ok(page.into_response())
}

pub async fn update(
    mut t: TenantPage,
    params: RawPathParams,
    CsrfForm(f): CsrfForm<ItemForm>,
) -> WebResult {
    t.require(Action::WriteData)?;
    let item = load(&mut t, &params).await?;
    let errors = match f.input() {
        Ok(input) => {
            match flux_app::menu::update(&mut t.tx, t.restaurant_id, item.menu_item_id, &input)
                .await
            {
                Ok(_) => {
                    let to = t.href(&format!("/menu/{}?done=item-saved", item.menu_item_id));
                    t.commit().await?;
                    return Ok(Redirect::to(&to).into_response());
                }
                Err(e) => form_errors(e)?,
            }
        }
        Err(e) => e,
    };
    let body = edit_body(&t, &item, &f, &errors);
    let page = t.render(nav::MENU, &item.name, None, body);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip() {
        let id = Uuid::now_v7();
        assert_eq!(
            decode_cursor(&encode_cursor("caesar salad", id)),
            Some(("caesar salad".into(), id))
        );
        assert_eq!(decode_cursor("garbage"), None);
    }

    #[test]
    fn form_validation_reports_every_field() {
        let f = ItemForm {
            name: " ".into(),
            category: "x".repeat(101),
            price: "abc".into(),
            description: String::new(),
            active: None,
        };
        let errs = f.validate().expect_err("invalid");
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "category", "price"]);
        let ok = ItemForm {
            name: "Tortilla".into(),
            category: "".into(),
            price: "7,50".into(),
            description: "  ".into(),
            active: Some("on".into()),
        }
        .validate()
        .expect("valid");
        assert_eq!(ok.price, Some(rust_decimal::Decimal::new(750, 2)));
        assert!(ok.active && ok.category.is_none());
    }
}
