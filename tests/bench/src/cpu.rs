//! The CPU time this process has used (all threads, user and system), read from
//! `/proc/self/stat` on Linux. Used to turn "requests per second" into "CPU per request",
//! which is what a share of time in RSA verification is a share of.

use std::time::Duration;

/// User plus system CPU time of the whole process so far, or `None` where `/proc` is not
/// available. The resolution is one clock tick (10 ms), so measure over seconds.
pub fn process_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) is in parentheses and may hold spaces; count from after it.
    let after_name = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // Fields 14 and 15 of the file (utime, stime) are 11 and 12 after the name.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // USER_HZ is 100 on every Linux this runs on.
    Some(Duration::from_millis(ticks * 10))
}
