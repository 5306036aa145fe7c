//! The dependency rules of docs/ARCHITECTURE.md, checked on every test run
//! so that a shortcut fails the build instead of eroding the layers:
//!
//! - the pure engine crates do no I/O: no database, HTTP or async runtime;
//! - the application layer knows nothing of HTTP or HTML;
//! - the front-ends (API, dashboard, CLI) are siblings over the application
//!   layer: none depends on another, and none calls the store except to
//!   begin the tenant transaction (the CLI also opens pools and migrates).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const ENGINES: [&str; 7] = [
    "flux-labor",
    "flux-menuscan",
    "flux-domain",
    "flux-ingest",
    "flux-forecast",
    "flux-costing",
    "flux-purchasing",
];
/// What no engine crate may depend on.
const IO: [&str; 9] = [
    "flux-store",
    "flux-app",
    "sqlx",
    "tokio",
    "axum",
    "reqwest",
    "lettre",
    "flux-api",
    "flux-web",
];
/// What the application layer may not depend on.
const PRESENTATION: [&str; 6] = [
    "flux-api",
    "flux-web",
    "axum",
    "maud",
    "tower",
    "tower-http",
];
/// Store items a front-end may name: the tenant transaction and its types.
const ADAPTER_STORE_ITEMS: [&str; 5] = [
    "tenant",
    "PgPool",
    "PgConnection",
    "Postgres",
    "Transaction",
];
/// Besides those, the binary wires the pool and runs migrations.
const BINARY_STORE_ITEMS: [&str; 4] = ["connect_app", "migrate", "pool", "MIGRATOR"];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Each workspace crate's normal (not dev, not build) dependencies.
fn dependencies() -> BTreeMap<String, Vec<String>> {
    dependencies_of(&["dependencies"])
}

/// Each workspace crate's dependencies of the given manifest tables.
fn dependencies_of(tables: &[&str]) -> BTreeMap<String, Vec<String>> {
    let root = workspace();
    let mut out = BTreeMap::new();
    let crates = std::fs::read_dir(root.join("crates")).expect("crates folder");
    for entry in crates {
        let dir = entry.expect("crate dir").path();
        let Ok(text) = std::fs::read_to_string(dir.join("Cargo.toml")) else {
            continue;
        };
        let manifest: toml::Table = text.parse().expect("Cargo.toml parses");
        let name = manifest["package"]["name"]
            .as_str()
            .expect("package name")
            .to_string();
        let deps = tables
            .iter()
            .filter_map(|table| manifest.get(*table).and_then(|d| d.as_table()))
            .flat_map(|t| t.keys().cloned())
            .collect();
        out.insert(name, deps);
    }
    out
}

#[test]
fn engine_crates_do_no_io() {
    let deps = dependencies();
    for engine in ENGINES {
        let bad: Vec<&String> = deps[engine]
            .iter()
            .filter(|d| IO.contains(&d.as_str()))
            .collect();
        assert!(bad.is_empty(), "{engine} depends on {bad:?}");
    }
}

#[test]
fn the_application_layer_knows_no_http_or_html() {
    let deps = dependencies();
    let bad: Vec<&String> = deps["flux-app"]
        .iter()
        .filter(|d| PRESENTATION.contains(&d.as_str()))
        .collect();
    assert!(bad.is_empty(), "flux-app depends on {bad:?}");
}

#[test]
fn front_ends_do_not_depend_on_each_other() {
    // Not even their tests: each front-end is tested on its own.
    let deps = dependencies_of(&["dependencies", "dev-dependencies"]);
    for (a, b) in [("flux-web", "flux-api"), ("flux-api", "flux-web")] {
        assert!(
            !deps[a].iter().any(|d| d == b),
            "{a} depends on {b}: both must reach use cases through flux-app"
        );
    }
    for adapter in ["flux-api", "flux-web", "flux-jobs"] {
        assert!(
            deps[adapter].iter().any(|d| d == "flux-app"),
            "{adapter} should call the application layer"
        );
    }
}

/// Every `flux_store::<item>` a file names, with `use flux_store::{a, b}`
/// groups expanded.
fn store_items(source: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut rest = source;
    while let Some(at) = rest.find("flux_store::") {
        rest = &rest[at + "flux_store::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for part in group[..end].split(',') {
                let ident: String = part
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !ident.is_empty() {
                    items.push(ident);
                }
            }
        } else {
            let ident: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            items.push(ident);
        }
    }
    items
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("source dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn front_ends_reach_the_store_only_to_begin_the_tenant_transaction() {
    let root = workspace();
    let mut violations = Vec::new();
    for (krate, binary) in [("flux-api", false), ("flux-web", false), ("flux", true)] {
        let mut files = Vec::new();
        rust_files(&root.join("crates").join(krate).join("src"), &mut files);
        for file in files {
            let text = std::fs::read_to_string(&file).expect("read source");
            for item in store_items(&text) {
                let allowed = ADAPTER_STORE_ITEMS.contains(&item.as_str())
                    || (binary && BINARY_STORE_ITEMS.contains(&item.as_str()));
                if !allowed {
                    violations.push(format!(
                        "{}: flux_store::{item}",
                        file.strip_prefix(&root).unwrap_or(&file).display()
                    ));
                }
            }
        }
    }
    assert!(
        violations.is_empty(),
        "{} direct store calls from front-ends (move them into flux-app use cases):\n{}",
        violations.len(),
        violations.join("\n")
    );
}

#[test]
fn the_store_item_scanner_reads_paths_and_groups() {
    let items = store_items(
        "use flux_store::{tenant, menu::MenuItem};\nlet x = flux_store::uploads::undo(a);",
    );
    assert_eq!(items, ["tenant", "menu", "uploads"]);
}
