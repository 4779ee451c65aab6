//! Benchmarks of the smilepayz SDK and its generator, and what they are compared with. Not
//! shipped; see `BENCHMARKS.md` at the repository root for the figures and the commands.
//!
//! * [`fixtures`]: one fixed RSA-2048 key, secret, request and canned THB answer, so that every
//!   benchmark signs and parses the same bytes, and instruction counts repeat run to run.
//! * [`work`]: one request's client-side CPU work (build, serialize, timestamp, sign, parse), done
//!   by the SDK, by the hand-written client (`smilepayz-baseline`) and as the bare RSA sign.
//! * [`reference_server`]: a fixed hyper server that answers every request with the canned body,
//!   for loopback round trips that measure the clients and not a server.
//! * [`synthetic`]: synthetic specs of many regions, made from the real THB region file.
//! * [`cpu`]: the process's CPU time, for shares of time.
//! * [`args`]: the bench binaries' options.

pub mod args;
pub mod cpu;
pub mod fixtures;
pub mod reference_server;
pub mod synthetic;
pub mod work;
