//! Where webhooks may go. Only `https` URLs, or `http` to this machine (loopback) for
//! development; and no address that is not public (loopback, private, link-local, carrier NAT,
//! unique local…) unless the operator allows them (`--webhook-allow-private`), so that a portal
//! admin cannot make the server probe its own network. Names are resolved by
//! [`GuardedResolver`], which refuses before any connection is made; redirects are not
//! followed.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::Url;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Checks a webhook URL's form and, when its host is an address, the address; the error says
/// what is wrong, for the admin.
pub fn check_url(text: &str, allow_private: bool) -> Result<Url, String> {
    let url = Url::parse(text.trim()).map_err(|_| format!("`{text}` is not a URL"))?;
    let host = url.host_str().unwrap_or_default();
    if host.is_empty() {
        return Err(format!("`{text}` names no host"));
    }
    let loopback = is_loopback_host(&url);
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => return Err("a webhook URL must be https (http only to this machine)".into()),
        _ => return Err("a webhook URL must be https".into()),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("a webhook URL may not carry a user name or password".into());
    }
    if let Some(ip) = host_ip(&url)
        && !permitted(ip, allow_private)
    {
        return Err(refusal(ip));
    }
    if loopback && !allow_private {
        return Err(format!(
            "{host} is this machine: the server's operator must allow it (--webhook-allow-private)"
        ));
    }
    Ok(url)
}

/// Resolves the URL's host now and checks every address (a registration's early answer; each
/// delivery is checked again, as names change).
pub async fn check_resolved(url: &Url, allow_private: bool) -> Result<(), String> {
    if host_ip(url).is_some() {
        return Ok(());
    }
    let host = url.host_str().unwrap_or_default();
    let port = url.port_or_known_default().unwrap_or(443);
    let addresses = tokio::net::lookup_host((host, port))
        .await
        .map_err(|_| format!("{host} could not be resolved"))?;
    for address in addresses {
        if !permitted(address.ip(), allow_private) {
            return Err(refusal(address.ip()));
        }
    }
    Ok(())
}

fn refusal(ip: IpAddr) -> String {
    format!(
        "{ip} is not a public address: the server's operator must allow private addresses \
         (--webhook-allow-private)"
    )
}

/// The host as an address, when it is one.
fn host_ip(url: &Url) -> Option<IpAddr> {
    match url.host()? {
        url::Host::Ipv4(ip) => Some(IpAddr::V4(ip)),
        url::Host::Ipv6(ip) => Some(IpAddr::V6(ip)),
        url::Host::Domain(_) => None,
    }
}

fn is_loopback_host(url: &Url) -> bool {
    match host_ip(url) {
        Some(ip) => ip.is_loopback(),
        None => {
            let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
            host == "localhost" || host.ends_with(".localhost")
        }
    }
}

/// Whether the server may send to `ip`: public addresses always, others only when allowed;
/// multicast, broadcast and unspecified never.
pub fn permitted(ip: IpAddr, allow_private: bool) -> bool {
    match classify(ip) {
        Class::Public => true,
        Class::Private => allow_private,
        Class::Never => false,
    }
}

enum Class {
    Public,
    Private,
    Never,
}

fn classify(ip: IpAddr) -> Class {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => classify_v4(v4),
            None => classify_v6(v6),
        },
    }
}

fn classify_v4(ip: Ipv4Addr) -> Class {
    let [a, b, c, _] = ip.octets();
    if ip.is_unspecified() || ip.is_broadcast() || ip.is_multicast() || a == 0 || a >= 240 {
        return Class::Never;
    }
    let private = ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_documentation()
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (b == 18 || b == 19));
    if private {
        Class::Private
    } else {
        Class::Public
    }
}

fn classify_v6(ip: Ipv6Addr) -> Class {
    let first = ip.segments()[0];
    if ip.is_unspecified() || ip.is_multicast() {
        return Class::Never;
    }
    // NAT64 (64:ff9b::/96) carries an IPv4 address: judge that one.
    if ip.segments()[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        let [.., a, b, c, d] = ip.octets();
        return classify_v4(Ipv4Addr::new(a, b, c, d));
    }
    let private = ip.is_loopback()
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        || first == 0x2001 && ip.segments()[1] == 0x0db8;
    if private {
        Class::Private
    } else {
        Class::Public
    }
}

/// The resolver of the webhook client: answers only addresses it may send to, and fails
/// (before any connection) when a name resolves to another.
#[derive(Debug, Clone, Copy)]
pub struct GuardedResolver {
    pub allow_private: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let host = name.as_str().to_string();
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if let Some(bad) = found.iter().find(|a| !permitted(a.ip(), allow_private)) {
                return Err(refusal(bad.ip()).into());
            }
            let addrs: Addrs = Box::new(found.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_https_passes_and_the_rest_is_refused_unless_allowed() {
        assert!(check_url("https://hooks.example.com/parlor", false).is_ok());
        assert!(check_url("https://93.184.216.34/x", false).is_ok());
        for refused in [
            "http://hooks.example.com/x",
            "ftp://hooks.example.com/x",
            "https://10.1.2.3/x",
            "https://192.168.0.10/x",
            "https://172.16.5.4/x",
            "https://169.254.169.254/latest/meta-data",
            "https://100.64.0.1/x",
            "https://[fd00::1]/x",
            "https://[fe80::1]/x",
            "https://[::ffff:10.0.0.1]/x",
            "https://[64:ff9b::a00:1]/x",
            "http://127.0.0.1:9000/x",
            "http://localhost:9000/x",
            "https://user:pw@hooks.example.com/x",
            "not a url",
        ] {
            assert!(check_url(refused, false).is_err(), "{refused} passed");
        }
        assert!(check_url("http://127.0.0.1:9000/x", true).is_ok());
        assert!(check_url("http://[::1]:9000/x", true).is_ok());
        assert!(check_url("https://10.1.2.3/x", true).is_ok());
        // Allowing private addresses does not allow plain http beyond this machine.
        assert!(check_url("http://10.1.2.3/x", true).is_err());
        assert!(check_url("https://0.0.0.0/x", true).is_err());
        assert!(check_url("https://224.0.0.1/x", true).is_err());
    }
}
