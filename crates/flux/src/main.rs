//! The `flux` binary. Thin: parse the command line, set up logging, run the
//! chosen command. Everything else lives in library crates.

mod bench;
mod bench_api;
mod bench_labor;
mod bench_scale;
mod cli;
mod config;
mod costing;
mod database;
mod demo;
mod import;
mod inventory;
mod labor;
mod menu_photos;
mod metrics;
mod offline;
mod purchasing;
mod serve;

use clap::Parser;

// A request allocates and frees many small buffers (rows, JSON, headers)
// across threads; glibc's allocator spent a tenth of the server's time in
// them under load (`perf`, `flux bench api`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // A `.env` next to where flux runs is honoured; real environment
    // variables win over it.
    let _ = dotenvy::dotenv();
    let cli = cli::Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(cli::run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
