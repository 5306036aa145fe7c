//! Prints the default backtest: `cargo run -p flux-procurement --example backtest`.

fn main() {
    print!("{}", flux_procurement::backtest::run_default());
}
