//! The deployment files (Dockerfile, compose, Kubernetes, systemd) name
//! only settings the server reads: a renamed flag must not leave a
//! deployment silently configured with a variable nobody reads.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("deploy dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// `FLUX_*` names in a text.
fn flux_variables(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(at) = text[i..].find("FLUX_") {
        let start = i + at;
        let mut end = start + "FLUX_".len();
        while end < bytes.len() && (bytes[end].is_ascii_uppercase() || bytes[end] == b'_') {
            end += 1;
        }
        found.insert(text[start..end].to_string());
        i = end;
    }
    found
}

#[test]
fn deployment_files_set_only_variables_flux_serve_reads() {
    let help = std::process::Command::new(env!("CARGO_BIN_EXE_flux"))
        .args(["serve", "--help"])
        .output()
        .expect("flux serve --help");
    let known = flux_variables(&String::from_utf8_lossy(&help.stdout));
    assert!(known.contains("FLUX_METRICS_ADDR"), "{known:?}");

    let mut paths = vec![workspace().join("Dockerfile")];
    files(&workspace().join("deploy"), &mut paths);
    let mut checked = 0;
    for path in paths {
        let text = std::fs::read_to_string(&path).expect("a text file");
        for var in flux_variables(&text) {
            // Compose's own interpolation variable, not a server setting.
            if var == "FLUX_DB_PASSWORD" {
                continue;
            }
            assert!(
                known.contains(&var),
                "{} sets {var}, which flux serve does not read",
                path.display()
            );
            checked += 1;
        }
    }
    assert!(checked > 10, "the deployment files were read: {checked}");
}
