//! Tests of the generated SDK; see `tests/`. This crate has no code of its own.
