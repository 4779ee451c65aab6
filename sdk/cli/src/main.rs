//! The `smilepayz` command.

fn main() {}
