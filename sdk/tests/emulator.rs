//! Emulator tests (work in progress).
