//! Rebuild when a migration is added or edited: `sqlx::migrate!` embeds
//! the migrations at compile time, and cargo does not otherwise notice a
//! new file in that folder, so a stale binary would miss it.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
