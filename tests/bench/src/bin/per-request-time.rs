//! Per-request client CPU time, interleaved: the bare RSA sign, the SDK and the hand-written
//! client take turns in short blocks, so that a burst of load from elsewhere on the machine
//! hits all three alike, and the ratio of each round is taken before the median.
//!
//! `per-request-time [--rounds 60] [--block 40]` prints each one's median time per request and
//! the median of the per-round ratios to the sign (the criterion bench `per_request` measures
//! the same three one after another).

use std::hint::black_box;
use std::time::{Duration, Instant};

use smilepayz_bench::{args, fixtures, work};

fn main() {
    let rounds: usize = args::option("--rounds", 60);
    let block: u32 = args::option("--block", 40);
    let answer = fixtures::THB_RESPONSE.as_bytes();
    let key = fixtures::rsa_key_pair();
    let message = fixtures::message_to_sign();
    let mut signature = vec![0; key.public_modulus_len()];
    let sdk = fixtures::sdk_client("http://127.0.0.1:9");
    let baseline = fixtures::baseline_client("http://127.0.0.1:9");
    let mut run = |which: usize| -> Duration {
        let started = Instant::now();
        for _ in 0..block {
            black_box(match which {
                0 => work::sign_only(black_box(&key), black_box(&message), &mut signature),
                1 => work::sdk(black_box(&sdk), black_box(answer)),
                _ => work::baseline(black_box(&baseline), black_box(answer)),
            });
        }
        started.elapsed() / block
    };
    for which in 0..3 {
        run(which); // warm-up
    }
    let mut times: [Vec<Duration>; 3] = Default::default();
    let (mut sdk_ratio, mut baseline_ratio) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        let mut t = [Duration::ZERO; 3];
        for k in 0..3 {
            let which = (round + k) % 3;
            t[which] = run(which);
        }
        sdk_ratio.push(t[1].as_secs_f64() / t[0].as_secs_f64());
        baseline_ratio.push(t[2].as_secs_f64() / t[0].as_secs_f64());
        for which in 0..3 {
            times[which].push(t[which]);
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        (v[v.len() / 2], v[v.len() / 4], v[v.len() * 3 / 4])
    };
    for (name, samples) in ["rsa_sign_only", "sdk", "baseline"]
        .iter()
        .zip(times.iter_mut())
    {
        samples.sort();
        println!(
            "{name:14} median {:8.1} us per request",
            samples[samples.len() / 2].as_secs_f64() * 1e6
        );
    }
    let (m, lo, hi) = median(&mut sdk_ratio);
    println!("sdk / sign:      x{m:.4} (median of {rounds} rounds; quartiles {lo:.4}..{hi:.4})");
    let (m, lo, hi) = median(&mut baseline_ratio);
    println!("baseline / sign: x{m:.4} (median of {rounds} rounds; quartiles {lo:.4}..{hi:.4})");
}
