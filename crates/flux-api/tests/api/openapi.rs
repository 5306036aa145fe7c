//! The OpenAPI document describes the types the handlers really return:
//! responses point at named component schemas, never at a bare object, and
//! every reference resolves.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::helpers::spawn_app;

const SCHEMAS: &str = "#/components/schemas/";

async fn spec() -> Value {
    let app = spawn_app().await;
    let (status, spec) = app
        .call(Method::GET, "/api/v1/openapi.json", None, None)
        .await;
    assert_eq!(status, StatusCode::OK);
    spec
}

/// The JSON schema of one operation's response.
fn response_schema<'a>(spec: &'a Value, method: &str, path: &str, status: &str) -> &'a Value {
    let schema =
        &spec["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"];
    assert!(
        schema.is_object(),
        "{method} {path} has no JSON schema for {status}"
    );
    schema
}

/// Every `$ref` in `value`, wherever it is nested.
fn refs<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v.as_str()) {
                    ("$ref", Some(r)) => out.push(r),
                    _ => refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

/// An object schema that promises nothing about its members.
fn is_bare_object(schema: &Value) -> bool {
    schema["type"] == "object"
        && schema.get("properties").is_none()
        && schema.get("additionalProperties").is_none()
}

#[tokio::test]
async fn key_responses_reference_named_schemas_of_the_real_types() {
    let spec = spec().await;
    let components = &spec["components"]["schemas"];
    let tenant = "/api/v1/restaurants/{restaurant_id}";
    for (method, path, status, name) in [
        ("post", "/data/uploads", "201", "ImportReport"),
        ("post", "/data/uploads/preview", "200", "UploadPreview"),
        ("get", "/data/uploads/{upload_id}", "200", "Upload"),
        ("get", "/forecast/demand", "200", "StoredPage"),
        ("get", "/forecast/accuracy", "200", "AccuracyReport"),
        ("get", "/data/health", "200", "HealthReport"),
    ] {
        let path = format!("{tenant}{path}");
        let schema = response_schema(&spec, method, &path, status);
        assert_eq!(
            schema["$ref"].as_str(),
            Some(format!("{SCHEMAS}{name}").as_str()),
            "{method} {path}: {schema}"
        );
        let component = &components[name];
        assert!(
            component.is_object() && !is_bare_object(component),
            "{name} is missing or says nothing: {component}"
        );
    }
    // The forecast list's rows and the stored upload's errors are typed
    // too, down to the engine's explanation.
    assert_eq!(
        components["StoredPage"]["properties"]["forecasts"]["items"]["$ref"],
        format!("{SCHEMAS}StoredForecast")
    );
    assert_eq!(
        components["StoredForecast"]["properties"]["explanation"]["$ref"],
        format!("{SCHEMAS}Explanation")
    );
    assert_eq!(
        components["Upload"]["properties"]["errors"]["items"]["$ref"],
        format!("{SCHEMAS}ErrorRow")
    );
    assert!(
        components.get("ImportReportDoc").is_none(),
        "hand-written mirror types must not reappear"
    );
}

#[tokio::test]
async fn no_json_response_is_a_bare_object_and_every_reference_resolves() {
    let spec = spec().await;
    let components = spec["components"]["schemas"]
        .as_object()
        .expect("component schemas");
    let paths = spec["paths"].as_object().expect("paths");
    let mut bare = Vec::new();
    for (path, item) in paths {
        for (method, operation) in item.as_object().expect("path item") {
            let Some(responses) = operation["responses"].as_object() else {
                continue;
            };
            for (status, response) in responses {
                let schema = &response["content"]["application/json"]["schema"];
                if is_bare_object(schema) {
                    bare.push(format!("{method} {path} {status}"));
                }
            }
        }
    }
    assert!(
        bare.is_empty(),
        "responses documented as bare objects: {bare:?}"
    );

    let mut all = Vec::new();
    refs(&spec, &mut all);
    assert!(!all.is_empty());
    let dangling: Vec<&str> = all
        .into_iter()
        .filter(|r| {
            r.strip_prefix(SCHEMAS)
                .is_none_or(|name| !components.contains_key(name))
        })
        .collect();
    assert!(dangling.is_empty(), "references to no schema: {dangling:?}");
}
