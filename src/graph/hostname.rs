//! Hostname intersection between listeners and routes, on label boundaries (Gateway API
//! `gateway-api.md` §2.4), and the stricter one-label wildcard match of the mcp-gateway controller.

/// Whether a listener hostname and one route hostname intersect. `*.` wildcards cover one or more
/// whole labels; `*.example.com` never matches `example.com` nor `*.anotherexample.com`.
pub fn intersects(listener: &str, route: &str) -> bool {
    let (l, r) = (listener.to_ascii_lowercase(), route.to_ascii_lowercase());
    if l == r {
        return true;
    }
    match (l.strip_prefix('*'), r.strip_prefix('*')) {
        // Both wildcards: the narrower suffix must sit inside the wider one.
        (Some(ls), Some(rs)) => rs.ends_with(ls) || ls.ends_with(rs),
        (Some(ls), None) => r.len() > ls.len() && r.ends_with(ls),
        (None, Some(rs)) => l.len() > rs.len() && l.ends_with(rs),
        (None, None) => false,
    }
}

/// Whether a listener admits a route's hostnames: absent on either side means "*", otherwise at
/// least one route hostname must intersect the listener's.
pub fn listener_admits(listener: Option<&str>, route_hostnames: &[String]) -> bool {
    match listener.filter(|h| !h.is_empty()) {
        None => true,
        Some(l) => route_hostnames.is_empty() || route_hostnames.iter().any(|h| intersects(l, h)),
    }
}

/// The mcp-gateway controller's match (`httpRouteAttachesToListener`): equal, or a `*.x` listener
/// that covers exactly one extra label.
pub fn controller_matches(listener: &str, route: &str) -> bool {
    let (l, r) = (listener.to_ascii_lowercase(), route.to_ascii_lowercase());
    if l == r {
        return true;
    }
    match l.strip_prefix("*.") {
        Some(suffix) => r
            .strip_suffix(suffix)
            .and_then(|head| head.strip_suffix('.'))
            .is_some_and(|label| !label.is_empty() && !label.contains('.')),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_of_gateway_api_hostname_intersection() {
        let cases = [
            ("a.example.com", "a.example.com", true),
            ("a.example.com", "b.example.com", false),
            ("*.example.com", "www.example.com", true),
            ("*.example.com", "a.b.c.example.com", true),
            ("*.example.com", "example.com", false),
            ("a.b.example.com", "*.example.com", true),
            ("foo.example.com", "*.foo.example.com", false),
            ("*.example.com", "*.foo.example.com", true),
            ("*.foo.example.com", "*.example.com", true),
            ("*.wildcard.io", "*.anotherwildcard.io", false),
            ("*.wildcard.io", "foo.anotherwildcard.io", false),
            ("*.foo.example.com", "*.bar.example.com", false),
            ("Very.Specific.com", "very.specific.com", true),
        ];
        for (l, r, want) in cases {
            assert_eq!(intersects(l, r), want, "listener {l} route {r}");
        }
    }

    #[test]
    fn absent_hostnames_match_everything() {
        assert!(listener_admits(None, &["x.io".into()]));
        assert!(listener_admits(Some("*.x.io"), &[]));
        assert!(!listener_admits(Some("*.x.io"), &["x.io".into()]));
    }

    #[test]
    fn controller_wildcard_covers_one_label_only() {
        assert!(controller_matches("*.mcp.local", "a.mcp.local"));
        assert!(!controller_matches("*.mcp.local", "a.b.mcp.local"));
        assert!(!controller_matches("*.mcp.local", "mcp.local"));
        assert!(!controller_matches("*.mcp.local", "xmcp.local"));
        assert!(controller_matches("a.mcp.local", "a.mcp.local"));
    }
}
