//! Test suites written in Python, as a merchant writes them: they start `smilepayz serve` and
//! drive it through the gateway API and the control API (`tests/python/test_money_flow.py`),
//! and through the dashboard in headless Chromium (`tests/python/test_dashboard.py`).
//!
//! The money flow needs `python3` with `cryptography`; without it the test says so and is
//! skipped, unless `SMILEPAYZ_REQUIRE_PYTHON=1` demands it. The dashboard test also needs
//! Debian's `chromium` and `chromium-driver` (`/usr/bin/chromium`, `/usr/bin/chromedriver`);
//! without them it is skipped unless `SMILEPAYZ_REQUIRE_BROWSER=1`. `.ci/run` installs all of
//! them and sets both variables, so CI never skips.

use std::path::Path;
use std::process::Command;

fn required(variable: &str) -> bool {
    std::env::var(variable).as_deref() == Ok("1")
}

/// Whether the suite can run here; when it cannot, skips saying why, or fails when `demand`
/// is set.
fn available(what: &str, works: bool, why: &str, demand: &str) -> bool {
    if works {
        return true;
    }
    assert!(!required(demand), "{demand}=1, but {why}");
    eprintln!("skipped: {what} needs {why}; set {demand}=1 to make it fail instead");
    false
}

fn python_with_cryptography() -> bool {
    Command::new("python3")
        .args(["-c", "import cryptography"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs one Python test file with unittest, the command under test named by SMILEPAYZ_BIN.
fn run_suite(file: &str) {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python");
    let output = Command::new("python3")
        .args(["-m", "unittest", "-v", file])
        .current_dir(&folder)
        .env("SMILEPAYZ_BIN", env!("CARGO_BIN_EXE_smilepayz"))
        .output()
        .expect("python3 runs");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    eprintln!("{report}");
    assert!(
        output.status.success(),
        "the Python suite {file} failed:\n{report}"
    );
    // unittest exits 0 when every test was skipped too; these suites skip nothing.
    assert!(
        !report.contains("skipped"),
        "the Python suite {file} skipped tests:\n{report}"
    );
}

#[test]
fn a_python_suite_drives_the_money_flow_through_the_control_api() {
    if available(
        "the Python money-flow suite",
        python_with_cryptography(),
        "python3 with `cryptography` (python3 -m pip install cryptography)",
        "SMILEPAYZ_REQUIRE_PYTHON",
    ) {
        run_suite("test_money_flow.py");
    }
}

#[test]
fn the_dashboard_settles_a_transaction_in_headless_chromium() {
    let browser =
        Path::new("/usr/bin/chromium").exists() && Path::new("/usr/bin/chromedriver").exists();
    if available(
        "the dashboard's browser test",
        browser && python_with_cryptography(),
        "Debian's chromium and chromium-driver (apt-get install chromium chromium-driver) and \
         python3 with `cryptography`",
        "SMILEPAYZ_REQUIRE_BROWSER",
    ) {
        run_suite("test_dashboard.py");
    }
}
