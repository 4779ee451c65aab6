//! Which callback URLs the emulator takes, and which it calls.

use super::codes::Check;
use super::rejection::Rejection;

/// Any `http://` or `https://` URL with a host, as the gateway takes it. Whether the emulator
/// will contact it is [`delivered_here`]'s business: a merchant's production URL is accepted,
/// and never called.
pub(super) fn check_callback_url(url: &str) -> Result<(), Rejection> {
    let refuse = |why: &str| {
        Rejection::new(
            Check::CallbackUrlRefused,
            format!(
                "callbackUrl {:?} is refused: {why}; send an http:// or https:// URL, e.g. \
                 https://shop.example.com/smilepayz/callback",
                url.chars().take(256).collect::<String>()
            ),
        )
    };
    let uri: http::Uri = url.parse().map_err(|_| refuse("it is not a URL"))?;
    if !matches!(uri.scheme_str(), Some("http" | "https")) {
        return Err(refuse("it is not http:// or https://"));
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err(refuse("it has no host"));
    }
    // `http::Uri` takes any digits as a port; one that is no TCP port would be read as none
    // and delivered to port 80.
    if let Some(port) = port_text(&uri)
        && !matches!(port.parse::<u16>(), Ok(1..))
    {
        return Err(refuse(&format!(
            "its port {port} is not a number from 1 to 65535"
        )));
    }
    Ok(())
}

/// The port as written in the URL's authority, after the host (and any `user@`), if any.
fn port_text(uri: &http::Uri) -> Option<&str> {
    let authority = uri.authority()?.as_str();
    let host_and_port = authority
        .rsplit_once('@')
        .map_or(authority, |(_, rest)| rest);
    let after_host = host_and_port
        .rsplit_once(']')
        .map_or(host_and_port, |(_, rest)| rest);
    after_host.rsplit_once(':').map(|(_, port)| port)
}

/// Why the emulator will not contact a callback URL it accepted, if it will not: it only
/// delivers to loopback `http://` URLs, so nothing leaves the machine.
pub(super) fn delivered_here(url: &str) -> Result<(), String> {
    let uri: http::Uri = url.parse().map_err(|_| "it is not a URL".to_owned())?;
    let loopback = matches!(uri.host(), Some("127.0.0.1" | "localhost" | "[::1]"));
    match (uri.scheme_str(), loopback) {
        (Some("http"), true) => Ok(()),
        (_, false) => Err(format!(
            "not attempted: {} is not this machine, and the emulator sends nothing off it; \
             point callbackUrl at a loopback http:// URL to receive it",
            uri.host().unwrap_or_default()
        )),
        _ => Err(
            "not attempted: the emulator delivers over http:// only; use http://127.0.0.1:PORT/…"
                .to_owned(),
        ),
    }
}
