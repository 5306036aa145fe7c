//! Prints the default backtest: `cargo run -p flux-purchasing --example backtest`.

fn main() {
    print!("{}", flux_purchasing::backtest::run_default());
}
