//! Sales file uploads: the upload form, the history, one upload's report
//! with its row errors, and undo.
//!
//! The file is spooled to a temporary file (memory stays flat whatever its
//! size) and handed to `flux_app::uploads::import`, the same pipeline as the API
//! and the CLI. The tenant transaction is committed before the import
//! starts: an import opens its own transactions and may run for a while.
//!
//! The form can also preview a file (nothing stored) and override, for
//! one upload, how day/month dates are read and the zone its times are
//! in; the preview says which date order, timezone and locale apply, and
//! why.

use std::io::Write;
use std::sync::Arc;

use axum::extract::{Query, RawPathParams, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use flux_app::uploads::{
    date_order_codes, parse_date_order, Actor, DateOrderSource, ImportError, ImportOptions, Policy,
    PreviewRow, RecognisedPreview, Source, TimezoneSource, Upload, UploadPreview, UploadStatus,
};
use flux_domain::restaurant::Timezone;
use flux_domain::role::Action;
use flux_ingest::IngestError;
use maud::{html, Markup};
use serde::Deserialize;
use serde_json::Value;

use crate::error::{WebError, WebResult};
use crate::extract::{path_uuid, CsrfForm, CsrfMultipart, TenantPage};
use crate::format::Fmt;
use crate::layout::{csrf_field, notice_text};
use crate::{nav, WebState};

/// Upload history shown on one page (newest first).
const HISTORY: i64 = 50;

/// Rows shown by a preview.
const PREVIEW_ROWS: usize = 20;

/// The reading options as typed, shown again after a preview or an error.
#[derive(Debug, Default)]
struct Choices {
    policy: Policy,
    date_order: String,
    timezone: String,
}

/// How each date order is offered, by its code.
fn date_order_label(code: &str) -> &'static str {
    match code {
        "dmy" => "Day first (31/12/2025)",
        "mdy" => "Month first (12/31/2025)",
        "ymd" => "Year first (2025-12-31)",
        _ => "Other",
    }
}

/// The upload form. `compact` drops the heading (onboarding embeds it).
pub fn upload_form(t: &TenantPage, compact: bool) -> Markup {
    upload_form_with(t, compact, &Choices::default())
}

fn upload_form_with(t: &TenantPage, compact: bool, c: &Choices) -> Markup {
    let chosen = |code: &str| c.date_order == code;
    html! {
        form.card.upload-form method="post" action=(t.href("/uploads")) enctype="multipart/form-data" {
            // The token must be the first part: it is checked before the file is read.
            (csrf_field(&t.csrf))
            @if !compact { h2 { "Upload a sales file" } }
            div.field {
                label for="file" { "Sales file" }
                p.hint #file-hint { "CSV, TSV or Excel (.xlsx) export from your point-of-sale system." }
                input #file type="file" name="file" required accept=".csv,.tsv,.txt,.xlsx" aria-describedby="file-hint";
            }
            fieldset.field {
                legend { "If some rows have errors" }
                label.choice {
                    input type="radio" name="policy" value="skip_invalid" checked[c.policy == Policy::SkipInvalid];
                    span { strong { "Import the valid rows" } " and list the others so you can fix them." }
                }
                label.choice {
                    input type="radio" name="policy" value="strict" checked[c.policy == Policy::Strict];
                    span { strong { "Import nothing" } " unless every row is valid." }
                }
            }
            fieldset.field.reading {
                legend { "How to read the file" }
                div.field {
                    label for="date_order" { "Date order" }
                    p.hint #date_order-hint {
                        "How dates such as 1/5/2025 are read. Detect uses a date in the file that can only be read one way, then the export format’s convention, then the restaurant’s format (" (t.restaurant.locale) ")."
                    }
                    select #date_order name="date_order" aria-describedby="date_order-hint" {
                        option value="auto" selected[c.date_order.is_empty() || chosen("auto")] { "Detect" }
                        @for code in date_order_codes() {
                            option value=(code) selected[chosen(code)] { (date_order_label(code)) }
                        }
                    }
                }
                div.field {
                    label for="upload-timezone" { "Timezone of the file’s times" }
                    p.hint #upload-timezone-hint { "Leave blank for the restaurant’s (" (t.restaurant.timezone) "). Set it when the till exports in another zone." }
                    input #upload-timezone type="text" name="timezone" value=(c.timezone)
                        list="upload-timezones" placeholder=(t.restaurant.timezone)
                        aria-describedby="upload-timezone-hint";
                    datalist #upload-timezones {
                        @for tz in crate::pages::restaurants::TIMEZONES { option value=(tz) {} }
                    }
                }
            }
            div.actions {
                button.btn.btn-primary type="submit" name="intent" value="import" { "Upload and import" }
                button.btn type="submit" name="intent" value="preview" { "Preview first" }
            }
        }
    }
}

fn status_badge(upload: &Upload) -> Markup {
    let (class, label) = match upload.status {
        UploadStatus::Completed => ("badge ok", "Imported"),
        UploadStatus::Undone => ("badge muted", "Undone"),
    };
    html! { span class=(class) { (label) } }
}

fn history(t: &TenantPage, fmt: &Fmt, uploads: &[Upload], total: i64) -> Markup {
    html! {
        section.card {
            h2 { "History" }
            @if uploads.is_empty() {
                p.muted { "No uploads yet. Your imports will be listed here, newest first." }
            } @else {
                table.table.stack {
                    thead { tr {
                        th scope="col" { "File" }
                        th scope="col" { "Uploaded" }
                        th scope="col" { "Status" }
                        th.num scope="col" { "Imported" }
                        th.num scope="col" { "Errors" }
                        th scope="col" { "Dates" }
                    } }
                    tbody {
                        @for u in uploads {
                            tr {
                                td data-label="File" {
                                    a href=(t.href(&format!("/uploads/{}", u.upload_id))) { (u.filename) }
                                }
                                td data-label="Uploaded" { (fmt.datetime(u.created_at, t.restaurant.timezone)) }
                                td data-label="Status" { (status_badge(u)) }
                                td.num data-label="Imported" { (fmt.int(u.rows_imported)) }
                                td.num data-label="Errors" {
                                    @if u.rows_errored > 0 { span.text-warn { (fmt.int(u.rows_errored)) } } @else { "0" }
                                }
                                td data-label="Dates" { (date_range(fmt, u.first_date, u.last_date)) }
                            }
                        }
                    }
                }
                @if total > uploads.len() as i64 {
                    p.muted.small { "Showing the " (uploads.len()) " most recent of " (fmt.int(total)) " uploads." }
                }
            }
        }
    }
}

fn date_range(fmt: &Fmt, a: Option<chrono::NaiveDate>, b: Option<chrono::NaiveDate>) -> String {
    match (a, b) {
        (Some(a), Some(b)) if a == b => fmt.date(a),
        (Some(a), Some(b)) => format!("{} – {}", fmt.date(a), fmt.date(b)),
        _ => "–".into(),
    }
}

#[derive(Deserialize, Default)]
pub struct Done {
    done: Option<String>,
}

async fn render_list(
    t: TenantPage,
    status: StatusCode,
    problem: Option<Markup>,
    notice: Option<&str>,
) -> WebResult {
    render_list_with(t, status, problem, notice, &Choices::default()).await
}

async fn render_list_with(
    mut t: TenantPage,
    status: StatusCode,
    problem: Option<Markup>,
    notice: Option<&str>,
    choices: &Choices,
) -> WebResult {
    let recent = flux_app::uploads::list(&mut t.tx, t.restaurant_id, None, HISTORY).await?;
    let fmt = t.fmt();
    let body = html! {
        div.page-head { h1 { "Uploads" } }
        @if let Some(p) = problem { (p) }
        @if t.can(Action::WriteData) {
            (upload_form_with(&t, false, choices))
        }
        (history(&t, &fmt, &recent.uploads, recent.total))
    };
    let page = t.render(nav::UPLOADS, "Uploads", notice, body);
    t.commit().await?;
    Ok((status, page).into_response())
}

pub async fn list(t: TenantPage, Query(q): Query<Done>) -> WebResult {
    render_list(t, StatusCode::OK, None, notice_text(q.done.as_deref())).await
}

/// A spooled upload with its options.
struct Spooled {
    file: tempfile::NamedTempFile,
    filename: String,
    opts: ImportOptions,
    /// Show how the file would be read instead of importing it.
    preview: bool,
}

/// A form that could not be used: the message, and the reading options
/// as typed so the form keeps them.
struct Refused {
    message: String,
    choices: Choices,
}

/// Reads the rest of the form. Errors are sentences for the visitor.
async fn spool(mp: &mut axum::extract::Multipart, max: u64) -> Result<(Spooled, Choices), Refused> {
    let mut choices = Choices::default();
    match spool_into(mp, max, &mut choices).await {
        Ok(s) => Ok((s, choices)),
        Err(message) => Err(Refused { message, choices }),
    }
}

async fn spool_into(
    mp: &mut axum::extract::Multipart,
    max: u64,
    choices: &mut Choices,
) -> Result<Spooled, String> {
    let mut file = None;
    let mut preview = false;
    let too_big = || {
        format!(
            "The file is too large: files are limited to {} MB.",
            max / (1024 * 1024)
        )
    };
    while let Some(mut field) = mp.next_field().await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_big()
        } else {
            "The upload was interrupted; please try again.".to_string()
        }
    })? {
        match field.name().unwrap_or_default() {
            "file" => {
                let filename: String = field
                    .file_name()
                    .unwrap_or("upload.csv")
                    .chars()
                    // Shown back in the history only; the database may
                    // refuse control characters, so they are dropped.
                    .filter(|c| !crate::extract::is_forbidden_char(*c))
                    .take(200)
                    .collect();
                let mut tmp = tempfile::NamedTempFile::new().map_err(|e| e.to_string())?;
                let mut written = 0u64;
                while let Some(chunk) = field.chunk().await.map_err(|e| {
                    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                        too_big()
                    } else {
                        "The upload was interrupted; please try again.".to_string()
                    }
                })? {
                    written += chunk.len() as u64;
                    if written > max {
                        return Err(too_big());
                    }
                    tmp.write_all(&chunk).map_err(|e| e.to_string())?;
                }
                tmp.flush().map_err(|e| e.to_string())?;
                if written == 0 {
                    return Err("Choose a file to upload: the file was missing or empty.".into());
                }
                file = Some((tmp, filename));
            }
            "policy" => {
                let text = field.text().await.map_err(|e| e.to_string())?;
                choices.policy = text
                    .trim()
                    .parse()
                    .map_err(|_| "Choose what to do with rows that have errors.".to_string())?;
            }
            "intent" => {
                preview = field.text().await.map_err(|e| e.to_string())?.trim() == "preview";
            }
            "date_order" => {
                choices.date_order = field.text().await.map_err(|e| e.to_string())?.trim().into();
            }
            "timezone" => {
                choices.timezone = field.text().await.map_err(|e| e.to_string())?.trim().into();
            }
            _ => {}
        }
    }
    // Checked once the whole form is read, so an error keeps every choice.
    let date_order =
        parse_date_order(&choices.date_order).map_err(|e| format!("Date order: {e}."))?;
    let timezone = match choices.timezone.as_str() {
        "" => None,
        tz => Some(Timezone::parse(tz).map_err(|e| {
            let why =
                e.0.first()
                    .map_or_else(|| e.to_string(), |f| f.message.clone());
            format!("Timezone of the file’s times: {why}.")
        })?),
    };
    let (file, filename) = file.ok_or_else(|| "Choose a file to upload.".to_string())?;
    Ok(Spooled {
        file,
        filename,
        opts: ImportOptions {
            policy: choices.policy,
            date_order,
            timezone,
            ..ImportOptions::default()
        },
        preview,
    })
}

/// Why a preview's date order was chosen, for the visitor.
fn date_order_reason(source: DateOrderSource) -> &'static str {
    match source {
        DateOrderSource::Chosen => "you chose it for this upload",
        DateOrderSource::FileEvidence => "a date in the file can only be read this way",
        DateOrderSource::Locale => "the restaurant’s number and date format",
        DateOrderSource::FormatDefault => "the convention of this export format",
        DateOrderSource::YearFirst => "the dates start with the year, so there is no ambiguity",
        DateOrderSource::Fallback => "nothing decided it, so day first is assumed",
    }
}

/// What a preview found: how the file would be read and its first rows.
fn preview_card(fmt: &Fmt, filename: &str, p: &RecognisedPreview) -> Markup {
    // The order's own spelling is its code (`dmy`), as the form offers it.
    let code = serde_json::to_value(p.date_order_used)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    html! {
        section.card.preview #preview {
            h2 { "Preview of " (filename) }
            p.muted { "Nothing was stored. Upload the file again to import it with these choices." }
            dl.facts {
                dt { "Format" } dd { (p.format) }
                dt { "Date order" }
                dd data-date-order=(code) {
                    (date_order_label(&code)) " — because " (date_order_reason(p.date_order_reason))
                    br; span.muted.small { (p.date_order) }
                }
                dt { "Timezone" }
                dd {
                    (p.timezone)
                    @match p.timezone_from {
                        TimezoneSource::Upload => " (chosen for this upload)",
                        TimezoneSource::Restaurant => " (the restaurant’s)",
                    }
                }
                dt { "Number and date format" } dd { (p.locale) }
            }
            (warning_list(&p.warnings))
            table.table.stack {
                caption.sr-only { "First rows as they would be imported" }
                thead { tr {
                    th.num scope="col" { "Line" }
                    th scope="col" { "Sales date" }
                    th scope="col" { "Dish" }
                    th.num scope="col" { "Quantity" }
                    th scope="col" { "Problem" }
                } }
                tbody {
                    @for row in &p.rows {
                        @match row {
                            PreviewRow::Line { line, .. } => tr {
                                td.num data-label="Line" { (fmt.int(line.line as i64)) }
                                td data-label="Sales date" { time datetime=(line.business_date) { (fmt.date(line.business_date)) } }
                                td data-label="Dish" { (line.item) }
                                td.num data-label="Quantity" { (line.quantity.map(|q| fmt.qty(q)).unwrap_or_default()) }
                                td data-label="Problem" { "–" }
                            },
                            PreviewRow::Error { error, .. } => tr {
                                td.num data-label="Line" { (fmt.int(error.line as i64)) }
                                td data-label="Sales date" { "–" }
                                td data-label="Dish" { code { (error.value.as_deref().unwrap_or("")) } }
                                td.num data-label="Quantity" { "–" }
                                td data-label="Problem" { span.text-warn { (error.reason) } }
                            },
                        }
                    }
                }
            }
        }
    }
}

/// What the import could not use, worded for the person who uploads.
fn warning_list(warnings: &[String]) -> Markup {
    html! {
        @if !warnings.is_empty() {
            div.notice.warn role="note" {
                p { strong { "Check before importing" } }
                ul { @for w in warnings { li { (w) } } }
            }
        }
    }
}

/// One row error, from a fresh report or a stored upload.
struct RowError {
    line: u64,
    column: Option<String>,
    value: Option<String>,
    reason: String,
}

fn rows_from_report(report: &flux_app::uploads::ImportReport) -> Vec<RowError> {
    report
        .errors
        .iter()
        .map(|e| RowError {
            line: e.line,
            column: e.column.clone(),
            value: e.value.clone(),
            reason: e.reason.clone(),
        })
        .collect()
}

fn rows_from_json(errors: &Value) -> Vec<RowError> {
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    errors
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| RowError {
                    line: e.get("line").and_then(Value::as_u64).unwrap_or_default(),
                    column: text(e, "column"),
                    value: text(e, "value"),
                    reason: text(e, "reason").unwrap_or_default(),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn error_table(fmt: &Fmt, rows: &[RowError], total: i64) -> Markup {
    html! {
        table.table.stack.errors {
            caption.sr-only { "Rows with errors" }
            thead { tr {
                th.num scope="col" { "Line" }
                th scope="col" { "Column" }
                th scope="col" { "Value" }
                th scope="col" { "Problem" }
            } }
            tbody {
                @for r in rows {
                    tr {
                        td.num data-label="Line" { (fmt.int(r.line as i64)) }
                        td data-label="Column" { (r.column.as_deref().unwrap_or("–")) }
                        td data-label="Value" { code { (r.value.as_deref().unwrap_or("")) } }
                        td data-label="Problem" { (r.reason) }
                    }
                }
            }
        }
        @if total > rows.len() as i64 {
            p.muted.small { "Showing the first " (rows.len()) " of " (fmt.int(total)) " rows with errors." }
        }
    }
}

pub(crate) fn problem_box(title: &str, text: Markup) -> Markup {
    html! {
        div.alert role="alert" {
            h2 { (title) }
            (text)
        }
    }
}

/// Explains why an import did not happen (nothing was stored in any case).
fn import_problem(rid: uuid::Uuid, fmt: &Fmt, e: ImportError) -> Result<Markup, WebError> {
    let title = "The file was not imported";
    Ok(match e {
        ImportError::Rejected(report) => problem_box(
            title,
            html! {
                p { (fmt.int(report.rows_errored as i64)) " row(s) have errors, and you chose to import nothing unless every row is valid. Fix these rows, or upload again choosing to import the valid rows." }
                (error_table(fmt, &rows_from_report(&report), report.rows_errored as i64))
            },
        ),
        ImportError::NoRows(report) => problem_box(
            title,
            html! {
                p { "The file has no valid sale rows." }
                @if report.rows_errored > 0 {
                    (error_table(fmt, &rows_from_report(&report), report.rows_errored as i64))
                }
            },
        ),
        ImportError::Duplicate(id) => problem_box(
            title,
            html! {
                p {
                    "This exact file was already imported. "
                    a href=(nav::href(rid, &format!("/uploads/{id}"))) { "See that upload" }
                    " (undo it first to import the file again)."
                }
            },
        ),
        ImportError::NoRestaurant => return Err(WebError::NotFound),
        ImportError::File(IngestError::Io(e)) => return Err(WebError::Internal(e.into())),
        ImportError::File(IngestError::Empty) => problem_box(
            title,
            html! {
                p { "The file is empty or has no header row." }
            },
        ),
        ImportError::File(IngestError::UnrecognisedLayout { headers }) => problem_box(
            title,
            html! {
                p { "Flux did not recognise the layout of this file. Its columns are:" }
                ul.inline-list { @for h in &headers { li { code { (h) } } } }
                p {
                    "Flux needs a column each for the date, the dish and the quantity (and, ideally, the price). "
                    "Export your point-of-sale system’s standard item sales report, or rename the columns to "
                    code { "date" } ", " code { "item" } ", " code { "quantity" } " and " code { "price" } "."
                }
            },
        ),
        ImportError::File(other) => problem_box(title, html! { p { (other.to_string()) } }),
        // Everything else is classified as the API classifies it: a
        // conflict is a page saying so, only a real failure is a 500.
        other => return Err(flux_app::AppError::from(other).into()),
    })
}

pub async fn create(
    State(state): State<WebState>,
    t: TenantPage,
    CsrfMultipart(mut mp): CsrfMultipart,
) -> WebResult {
    t.require(Action::WriteData)?;
    let actor = Actor {
        restaurant_id: t.restaurant_id,
        user_id: Some(t.user_id),
    };
    let (spooled, choices) = match spool(&mut mp, state.max_upload_bytes()).await {
        Ok(s) => s,
        Err(refused) => {
            let p = problem_box(
                "The file was not imported",
                html! { p { (refused.message) } },
            );
            return render_list_with(
                t,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(p),
                None,
                &refused.choices,
            )
            .await;
        }
    };
    let source = Source {
        path: spooled.file.path().to_path_buf(),
        filename: spooled.filename,
    };
    let opts = spooled.opts;
    let rid = t.restaurant_id;
    let fmt = t.fmt();
    // Hold no transaction while importing (see the module docs).
    let frame = t.suspend().await?;
    if spooled.preview {
        let result =
            flux_app::uploads::preview(state.pool(), actor, &source, &opts, PREVIEW_ROWS).await;
        let (status, shown) = match result {
            Ok(UploadPreview::Recognised(p)) => {
                (StatusCode::OK, preview_card(&fmt, &source.filename, &p))
            }
            Ok(UploadPreview::Unrecognised(u)) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                import_problem(
                    rid,
                    &fmt,
                    ImportError::File(IngestError::UnrecognisedLayout { headers: u.headers }),
                )?,
            ),
            Err(e) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                import_problem(rid, &fmt, e)?,
            ),
        };
        let t = TenantPage::resume(frame, &state).await?;
        return render_list_with(t, status, Some(shown), None, &choices).await;
    }
    let result =
        flux_app::uploads::import(state.pool(), actor, &source, &opts, Arc::new(|_| {})).await;
    let problem = match result {
        Ok(report) => {
            let target = match report.upload_id {
                Some(id) => nav::href(rid, &format!("/uploads/{id}?done=imported")),
                None => nav::href(rid, "/uploads?done=imported"),
            };
            return Ok(Redirect::to(&target).into_response());
        }
        Err(e) => import_problem(rid, &fmt, e)?,
    };
    let t = TenantPage::resume(frame, &state).await?;
    render_list_with(
        t,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some(problem),
        None,
        &choices,
    )
    .await
}

fn stat(label: &str, value: String) -> Markup {
    html! { div.kpi { span.kpi-label { (label) } span.kpi-value { (value) } } }
}

pub async fn detail(mut t: TenantPage, params: RawPathParams, Query(q): Query<Done>) -> WebResult {
    let id = path_uuid(&params, "upload_id")?;
    let u = flux_app::uploads::get(&mut t.tx, t.restaurant_id, id).await?;
    let fmt = t.fmt();
    let errors = rows_from_json(&u.errors);
    let summary_text = |k: &str| u.summary.get(k).and_then(Value::as_str).map(str::to_string);
    let warnings: Vec<String> = u
        .summary
        .get("warnings")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|w| w.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let body = html! {
        nav.breadcrumb aria-label="Breadcrumb" { a href=(t.href("/uploads")) { "Uploads" } " / " }
        div.page-head {
            h1.break { (u.filename) }
            (status_badge(&u))
        }
        p.muted { "Uploaded " (fmt.datetime(u.created_at, t.restaurant.timezone)) }
        div.kpis {
            (stat("Rows read", fmt.int(u.rows_read)))
            (stat("Imported", fmt.int(u.rows_imported)))
            (stat("Already imported", fmt.int(u.rows_duplicate)))
            (stat("With errors", fmt.int(u.rows_errored)))
            (stat("Skipped", fmt.int(u.rows_skipped)))
        }
        section.card {
            h2 { "Details" }
            dl.facts {
                dt { "Sales dates" } dd { (date_range(&fmt, u.first_date, u.last_date)) }
                dt { "Format" } dd { (u.format) }
                @if let Some(order) = summary_text("date_order") { dt { "Date order" } dd { (order) } }
                dt { "If rows had errors" } dd { (if u.policy == "strict" { "import nothing" } else { "import the valid rows" }) }
                @if let Some(n) = u.summary.get("new_menu_items").and_then(Value::as_u64).filter(|n| *n > 0) {
                    dt { "New menu items" } dd { (fmt.int(n as i64)) " added to the menu" }
                }
            }
        }
        @if !warnings.is_empty() {
            section.card {
                h2 { "Columns not used" }
                (warning_list(&warnings))
            }
        }
        section.card {
            h2 { "Rows with errors" }
            @if errors.is_empty() {
                p.muted { "Every row of this file was valid." }
            } @else {
                p { "These rows were not imported. Fix them in the file and upload it again: rows already imported are recognised and not counted twice." }
                (error_table(&fmt, &errors, u.rows_errored))
            }
        }
        @if u.status == UploadStatus::Completed && t.can(Action::WriteData) {
            section.card.danger-zone {
                h2 { "Undo this upload" }
                p { "Removes every sale this file imported. The upload stays in the history as undone." }
                form method="post" action=(t.href(&format!("/uploads/{}/undo", u.upload_id))) data-confirm="Undo this upload and remove its sales?" {
                    (csrf_field(&t.csrf))
                    button.btn.btn-danger type="submit" { "Undo upload" }
                }
            }
        }
    };
    let page = t.render(
        nav::UPLOADS,
        &u.filename,
        notice_text(q.done.as_deref()),
        body,
    );
    t.commit().await?;
    Ok(page.into_response())
}

pub async fn undo(
    mut t: TenantPage,
    params: RawPathParams,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> WebResult {
    t.require(Action::WriteData)?;
    let id = path_uuid(&params, "upload_id")?;
    flux_app::uploads::undo(&mut t.tx, t.restaurant_id, id).await?;
    let target = t.href(&format!("/uploads/{id}?done=undone"));
    t.commit().await?;
    Ok(Redirect::to(&target).into_response())
}
