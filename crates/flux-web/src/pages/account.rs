//! The signed-in person's own account: correct the e-mail address, change
//! the password, download everything Flux holds about them, and erase the
//! account (the GDPR rights of a person, beside the restaurant's data).
//!
//! Every form asks for the current password, checked (and throttled) by the
//! use cases in `flux_app::accounts`. Changing the password ends every
//! session, this one included, so the handler signs this browser in again.

use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect};
use flux_app::accounts as auth;
use flux_app::AppError;
use flux_domain::FieldError;
use maud::{html, Markup};
use serde::Deserialize;

use crate::error::{WebError, WebResult};
use crate::extract::{with_session, CsrfForm, SignedIn, Visit};
use crate::layout::{self, csrf_field, described_by, field, Chrome};
use crate::pages::auth::start_session;
use crate::pages::restaurants::my_restaurants;
use crate::session::Session;
use crate::WebState;

#[derive(Deserialize, Default)]
pub struct Done {
    done: Option<String>,
}

/// A rejected submission of one of the forms, shown again with its errors.
enum Rejected {
    Email(String, Vec<FieldError>),
    Password(Vec<FieldError>),
    Erase(Vec<FieldError>),
}

fn error_for<'a>(errors: &'a [FieldError], name: &str) -> Option<&'a str> {
    errors
        .iter()
        .find(|e| e.field == name)
        .map(|e| e.message.as_str())
}

/// The sentence shown under a field for the use case's field message.
fn sentence(label: &str, message: &str) -> String {
    format!("{label} {message}.")
}

/// A password field of `form` (several forms on the page ask for the
/// current password, so ids carry the form's name).
fn password_input(form: &str, name: &str, label: &str, errors: &[FieldError]) -> Markup {
    let id = format!("{form}-{name}");
    let err = error_for(errors, name).map(|m| sentence("This", m));
    html! {
        (field(&id, label, None, err.as_deref(), html! {
            input id=(id) type="password" name=(name) required
                autocomplete=(if name == "new_password" { "new-password" } else { "current-password" })
                aria-invalid=[err.as_ref().map(|_| "true")]
                aria-describedby=[described_by(&id, false, err.as_deref())];
        }))
    }
}

fn body(csrf: &str, user: &auth::User, rejected: Option<&Rejected>) -> Markup {
    let none: &[FieldError] = &[];
    let (email_value, email_errors) = match rejected {
        Some(Rejected::Email(v, e)) => (v.as_str(), e.as_slice()),
        _ => (user.email.as_str(), none),
    };
    let password_errors = match rejected {
        Some(Rejected::Password(e)) => e.as_slice(),
        _ => none,
    };
    let erase_errors = match rejected {
        Some(Rejected::Erase(e)) => e.as_slice(),
        _ => none,
    };
    let email_err = error_for(email_errors, "email").map(|m| sentence("This address", m));
    html! {
        div.page-head { h1 { "Your account" } }
        p.lead { "Signed in as " strong { (user.email) } ", since " (user.created_at.format("%-d %B %Y")) "." }

        form.card #email-form method="post" action="/app/account/email" novalidate {
            h2 { "E-mail address" }
            p.muted.small { "Your login name. Invitations already sent to the old address stay addressed to it." }
            (csrf_field(csrf))
            (field("email", "E-mail address", None, email_err.as_deref(), html! {
                input #email type="email" name="email" value=(email_value) required autocomplete="email"
                    aria-invalid=[email_err.as_ref().map(|_| "true")]
                    aria-describedby=[described_by("email", false, email_err.as_deref())];
            }))
            (password_input("email", "current_password", "Current password", email_errors))
            button.btn.btn-primary type="submit" { "Save address" }
        }

        form.card #password-form method="post" action="/app/account/password" novalidate {
            h2 { "Password" }
            p.muted.small { "Changing it logs you out on every other device." }
            (csrf_field(csrf))
            (password_input("password", "current_password", "Current password", password_errors))
            (password_input("password", "new_password", "New password (at least 8 characters)", password_errors))
            button.btn.btn-primary type="submit" { "Change password" }
        }

        section.card #your-data {
            h2 { "Your data" }
            p {
                "Everything Flux holds about you as a person: your account, memberships, logins and the changes you made, "
                "as JSON files in a zip. The restaurants’ own data is in each restaurant."
            }
            a.btn href="/app/account/export" download { "Download my data" }
        }

        form.card #erase-form method="post" action="/app/account/erase" novalidate {
            h2 { "Erase your account" }
            p {
                "Logs you out everywhere now and erases your account and memberships in 30 days; logging in before then keeps it. "
                "The restaurants’ data stays with their other owners. Not possible while you are a restaurant’s only owner."
            }
            @if let Some(detail) = erase_errors.iter().find(|e| e.field.is_empty()).map(|e| &e.message) {
                p.field-error role="alert" { (detail) }
            }
            (csrf_field(csrf))
            (password_input("erase", "password", "Password", erase_errors))
            button.btn.btn-danger type="submit" { "Erase my account" }
        }
    }
}

async fn render(
    state: &WebState,
    user: &SignedIn,
    status: StatusCode,
    notice: Option<&str>,
    rejected: Option<Rejected>,
) -> WebResult {
    let rows = my_restaurants(state, user.user_id).await?;
    let me = auth::me(state.pool(), user.user_id).await?;
    let page = layout::page(
        "Your account",
        &Chrome {
            csrf: &user.csrf,
            restaurants: &rows,
            current: None,
        },
        layout::notice_text(notice),
        body(&user.csrf, &me, rejected.as_ref()),
    );
    Ok((status, page).into_response())
}

pub async fn page(
    State(state): State<WebState>,
    user: SignedIn,
    Query(q): Query<Done>,
) -> WebResult {
    render(&state, &user, StatusCode::OK, q.done.as_deref(), None).await
}

/// The field errors of a rejection; a refusal without any (the last
/// owner) becomes one unnamed error; anything else is a real failure.
fn field_errors(e: AppError) -> Result<Vec<FieldError>, WebError> {
    match e {
        AppError::Rejected { errors, .. } if !errors.is_empty() => Ok(errors),
        AppError::Rejected {
            detail,
            retry_after_secs: None,
            ..
        } => Ok(vec![FieldError {
            field: String::new(),
            code: "refused",
            message: detail,
        }]),
        other => Err(other.into()),
    }
}

#[derive(Deserialize, Default)]
pub struct EmailForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    current_password: String,
}

pub async fn change_email(
    State(state): State<WebState>,
    user: SignedIn,
    CsrfForm(f): CsrfForm<EmailForm>,
) -> WebResult {
    match auth::change_email(state.pool(), user.user_id, &f.current_password, &f.email).await {
        Ok(_) => Ok(Redirect::to("/app/account?done=email-changed").into_response()),
        Err(e) => {
            let rejected = Rejected::Email(f.email.trim().to_string(), field_errors(e)?);
            render(
                &state,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some(rejected),
            )
            .await
        }
    }
}

#[derive(Deserialize, Default)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

pub async fn change_password(
    State(state): State<WebState>,
    visit: Visit,
    user: SignedIn,
    CsrfForm(f): CsrfForm<PasswordForm>,
) -> WebResult {
    match auth::change_password(
        state.pool(),
        state.tokens(),
        user.user_id,
        &f.current_password,
        &f.new_password,
    )
    .await
    {
        // Every session ended, this one too: sign this browser in afresh.
        Ok(issued) => {
            start_session(&state, &visit, issued, "/app/account?done=password-changed").await
        }
        Err(e) => {
            let rejected = Rejected::Password(field_errors(e)?);
            render(
                &state,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some(rejected),
            )
            .await
        }
    }
}

pub async fn export(State(state): State<WebState>, user: SignedIn) -> WebResult {
    let export = auth::export::export(state.pool(), user.user_id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", export.filename),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        export.zip,
    )
        .into_response())
}

#[derive(Deserialize, Default)]
pub struct EraseForm {
    #[serde(default)]
    password: String,
}

pub async fn erase(
    State(state): State<WebState>,
    user: SignedIn,
    CsrfForm(f): CsrfForm<EraseForm>,
) -> WebResult {
    match auth::erasure::request(state.pool(), user.user_id, &f.password).await {
        Ok(at) => {
            let page = layout::public_page(
                "Account erasure scheduled",
                html! {
                    h1 { "Your account will be erased" }
                    p {
                        "You are logged out everywhere. Your account and memberships will be erased on "
                        (at.format("%-d %B %Y at %H:%M UTC")) "."
                    }
                    p { "Changed your mind? " a href="/login" { "Log in" } " before then and the account stays." }
                },
            );
            Ok(with_session(
                page,
                Session::anonymous(chrono::Utc::now().timestamp()),
            ))
        }
        Err(e) => {
            let rejected = Rejected::Erase(field_errors(e)?);
            render(
                &state,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some(rejected),
            )
            .await
        }
    }
}
