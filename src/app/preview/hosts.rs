//! Which `Host` headers the preview answers. Bound to loopback (the
//! default), only loopback names, which defeats DNS rebinding: a page from
//! another site that makes its own name resolve to 127.0.0.1 still sends
//! its own name. Bound to another address, the names and addresses this
//! machine is reachable at (for a colleague's browser) plus `--allow-host`
//! names; a loopback name is then believed only from a loopback peer, so
//! nobody on the network gets in by sending `Host: localhost`.

use std::net::IpAddr;

/// The accepted host names, lower-case, IPv6 literals in brackets.
#[derive(Debug, Clone, Default)]
pub struct Hosts {
    names: Vec<String>,
}

impl Hosts {
    /// The names for a server bound to `bind`, started with `--host
    /// host_arg` and `--allow-host` names `allow`.
    pub fn new(bind: IpAddr, host_arg: &str, allow: &[String]) -> Hosts {
        let mut names: Vec<String> = allow.iter().map(|h| h.to_ascii_lowercase()).collect();
        if !bind.is_loopback() {
            let arg = host_arg.trim_start_matches('[').trim_end_matches(']');
            if arg.parse::<IpAddr>().is_err() {
                names.push(arg.to_ascii_lowercase());
            }
            if bind.is_unspecified() {
                names.extend(machine_names());
            } else {
                names.push(literal(bind));
            }
        }
        names.retain(|n| !n.is_empty() && !is_loopback_name(n));
        names.sort();
        names.dedup();
        Hosts { names }
    }

    /// Whether a request for `name` (no port) from `peer` is answered.
    pub fn allows(&self, name: &str, peer: IpAddr) -> bool {
        let name = name.to_ascii_lowercase();
        (is_loopback_name(&name) && peer.is_loopback()) || self.names.contains(&name)
    }

    /// The names besides the loopback ones, for the start message.
    pub fn names(&self) -> &[String] {
        &self.names
    }
}

/// How an address is written in a Host header.
fn literal(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
    }
}

/// This machine's names and interface addresses.
fn machine_names() -> Vec<String> {
    let mut out = Vec::new();
    let host = gethostname::gethostname()
        .to_string_lossy()
        .to_ascii_lowercase();
    if !host.is_empty() {
        out.push(format!("{host}.local"));
        out.push(host);
    }
    for iface in if_addrs::get_if_addrs().unwrap_or_default() {
        if !iface.is_loopback() {
            out.push(literal(iface.ip()));
        }
    }
    out
}

/// The names a browser uses for this machine from this machine.
pub fn is_loopback_name(name: &str) -> bool {
    matches!(name, "localhost" | "127.0.0.1" | "[::1]")
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCAL: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);
    const REMOTE: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 7));

    #[test]
    fn loopback_bind_answers_loopback_names_only() {
        let h = Hosts::new(LOCAL, "127.0.0.1", &[]);
        assert!(h.allows("localhost", LOCAL));
        assert!(h.allows("[::1]", LOCAL));
        assert!(!h.allows("evil.example", LOCAL));
        assert!(h.names().is_empty());
    }

    #[test]
    fn a_network_bind_answers_its_names_and_allowed_hosts() {
        let bind: IpAddr = "192.0.2.1".parse().unwrap();
        let h = Hosts::new(bind, "192.0.2.1", &["My-Laptop.local".into()]);
        assert!(h.allows("192.0.2.1", REMOTE));
        assert!(h.allows("my-laptop.local", REMOTE));
        assert!(!h.allows("other.example", REMOTE));
        // Regression: `Host: localhost` from the network read everything.
        assert!(!h.allows("localhost", REMOTE));
        assert!(h.allows("localhost", LOCAL));
    }

    #[test]
    fn every_interface_answers_the_machine_names() {
        let h = Hosts::new("0.0.0.0".parse().unwrap(), "0.0.0.0", &[]);
        let host = gethostname::gethostname()
            .to_string_lossy()
            .to_ascii_lowercase();
        if !host.is_empty() {
            assert!(h.allows(&host, REMOTE), "{:?}", h.names());
            assert!(h.allows(&format!("{host}.local"), REMOTE));
        }
        assert!(!h.allows("0.0.0.0", REMOTE));
        assert!(!h.allows("localhost", REMOTE));
    }
}
