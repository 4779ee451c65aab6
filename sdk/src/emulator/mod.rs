//! A local emulator of the Smilepayz v2.0 gateway (work in progress).
