//! Callgrind driver for one request's client-side CPU work (no network):
//! `per-request <sdk|sdk-pay-in|baseline|baseline-pay-in|sign-only|sign-only-pay-in> <N>` does the work of N requests.
//!
//! Run it under `valgrind --tool=callgrind` for N = 100 and N = 300: set-up (loading the key,
//! building the client) is the same in both runs, so `(I(300) - I(100)) / 200` is the
//! instruction count of one request. `tests/bench/scripts/callgrind.sh` does all of it.

use std::hint::black_box;
use std::process::ExitCode;

use smilepayz_bench::{fixtures, work};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(mode), Some(Ok(n))) = (args.get(1), args.get(2).map(|n| n.parse::<usize>())) else {
        eprintln!(
            "usage: per-request <sdk|sdk-pay-in|baseline|baseline-pay-in|sign-only|sign-only-pay-in> <N>"
        );
        return ExitCode::FAILURE;
    };
    let answer = fixtures::THB_RESPONSE.as_bytes();
    let mut total = 0usize;
    match mode.as_str() {
        "sdk" => {
            let client = fixtures::sdk_client("http://127.0.0.1:9");
            for _ in 0..n {
                total = total.wrapping_add(work::sdk(black_box(&client), black_box(answer)));
            }
        }
        "sdk-pay-in" => {
            let client = fixtures::sdk_client("http://127.0.0.1:9");
            let answer = fixtures::THB_PAY_IN_RESPONSE.as_bytes();
            for _ in 0..n {
                total = total.wrapping_add(work::sdk_pay_in(black_box(&client), black_box(answer)));
            }
        }
        "baseline-pay-in" => {
            let client = fixtures::baseline_client("http://127.0.0.1:9");
            let answer = fixtures::THB_PAY_IN_RESPONSE.as_bytes();
            for _ in 0..n {
                total = total
                    .wrapping_add(work::baseline_pay_in(black_box(&client), black_box(answer)));
            }
        }
        "sign-only-pay-in" => {
            // The RSA sign of a string as long as the pay-in's: SHA-256 of the longer message
            // is part of the sign, not of the client's own work.
            let sdk = fixtures::sdk_client("http://127.0.0.1:9");
            let message = fixtures::message_to_sign_for(work::sdk_pay_in_body_len(&sdk));
            total = sign_n(&message, n);
        }
        "baseline" => {
            let client = fixtures::baseline_client("http://127.0.0.1:9");
            for _ in 0..n {
                total = total.wrapping_add(work::baseline(black_box(&client), black_box(answer)));
            }
        }
        "sign-only" => {
            total = sign_n(&fixtures::message_to_sign(), n);
        }
        other => {
            eprintln!(
                "unknown mode {other:?}; use sdk, sdk-pay-in, baseline, baseline-pay-in, sign-only or sign-only-pay-in"
            );
            return ExitCode::FAILURE;
        }
    }
    println!("{mode} x{n}: checksum {}", black_box(total));
    ExitCode::SUCCESS
}

/// The bare RSA sign of `message`, `n` times: the floor a mode's figure is set beside.
fn sign_n(message: &[u8], n: usize) -> usize {
    let key = fixtures::rsa_key_pair();
    let mut signature = vec![0; key.public_modulus_len()];
    let mut total = 0usize;
    for _ in 0..n {
        total = total.wrapping_add(work::sign_only(
            black_box(&key),
            black_box(message),
            &mut signature,
        ));
    }
    total
}
