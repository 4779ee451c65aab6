//! The few `--name value` options the bench binaries take.

use std::str::FromStr;

/// The value after `--name` in the process's arguments, parsed; `default` when absent.
///
/// # Panics
/// If the value is there but does not parse: a benchmark with a mistyped option must not run
/// with a default instead.
pub fn option<T: FromStr>(name: &str, default: T) -> T {
    let args: Vec<String> = std::env::args().collect();
    match args.iter().position(|a| a == name) {
        Some(at) => args
            .get(at + 1)
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{name} needs a value of the right kind")),
        None => default,
    }
}

/// A comma-separated list after `--name`, e.g. `--concurrency 1,32`; `default` when absent.
///
/// # Panics
/// If an element does not parse.
pub fn list<T: FromStr + Clone>(name: &str, default: &[T]) -> Vec<T> {
    let text: String = option(name, String::new());
    if text.is_empty() {
        return default.to_vec();
    }
    text.split(',')
        .map(|v| {
            v.trim()
                .parse()
                .unwrap_or_else(|_| panic!("{name}: {v:?} does not parse"))
        })
        .collect()
}
