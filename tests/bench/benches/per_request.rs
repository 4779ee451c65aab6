//! Per-request client CPU without a network, side by side in one run:
//! the bare RSA-2048 sign (the floor), the SDK, and the hand-written client.
//! `cargo bench -p smilepayz-bench --bench per_request`; `scripts/ratios.py` prints the ratios.
//!
//! Also the emulator's RSA verification alone, for the share of an emulator request it takes.

// criterion_group!/criterion_main! define public functions without doc comments, which the
// workspace's `missing_docs = "deny"` would refuse; this file has nothing else public.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use smilepayz::SignatureScheme;
use smilepayz::signing::{MerchantPublicKey, MerchantSecret, RequestVerifier};
use smilepayz_bench::{fixtures, work};

fn per_request_cpu(c: &mut Criterion) {
    let answer = fixtures::THB_RESPONSE.as_bytes();
    let key = fixtures::rsa_key_pair();
    let message = fixtures::message_to_sign();
    let mut signature = vec![0; key.public_modulus_len()];
    let sdk = fixtures::sdk_client("http://127.0.0.1:9");
    let baseline = fixtures::baseline_client("http://127.0.0.1:9");

    let mut group = c.benchmark_group("per_request_cpu");
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(30);
    group.bench_function("rsa_sign_only", |b| {
        b.iter(|| work::sign_only(black_box(&key), black_box(&message), &mut signature))
    });
    group.bench_function("sdk", |b| {
        b.iter(|| work::sdk(black_box(&sdk), black_box(answer)))
    });
    group.bench_function("baseline", |b| {
        b.iter(|| work::baseline(black_box(&baseline), black_box(answer)))
    });
    group.finish();
}

fn emulator_verify(c: &mut Criterion) {
    let sdk = fixtures::sdk_client("http://127.0.0.1:9");
    let signed = sdk.sign_request(&fixtures::sdk_request()).expect("signed");
    let verifier = RequestVerifier::new(
        SignatureScheme::Sha256WithRsa,
        MerchantSecret::new(fixtures::SECRET).expect("a secret"),
        Some(MerchantPublicKey::parse(fixtures::PUBLIC_KEY_SPKI_BASE64).expect("a key")),
    )
    .expect("a verifier");
    let mut group = c.benchmark_group("emulator_verify");
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(30);
    group.bench_function("rsa_verify_only", |b| {
        b.iter(|| {
            verifier.verify(
                black_box(&signed.timestamp),
                black_box(&signed.body),
                black_box(&signed.signature),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, per_request_cpu, emulator_verify);
criterion_main!(benches);
