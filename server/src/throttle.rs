//! Limits on guessing and flooding: wrong passwords per email, and the customer calls (chat
//! profile, live chat token, ticket) per client address.
//!
//! Both are plain state with the time passed in, so that tests drive them with made-up
//! instants; the HTTP handlers pass `tokio::time::Instant::now()`.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Wrong passwords allowed for one email before sign-in waits.
pub const FREE_ATTEMPTS: u32 = 5;
/// The wait after [`FREE_ATTEMPTS`] wrong passwords; each further one doubles it.
pub const FIRST_WAIT: Duration = Duration::from_secs(30);
/// The longest wait.
pub const MAX_WAIT: Duration = Duration::from_secs(3600);
/// Most emails or addresses remembered; past it, the stale ones are forgotten first.
const MAX_ENTRIES: usize = 100_000;

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
    blocked_until: Option<Instant>,
}

/// Wrong passwords per email (lower-cased): after [`FREE_ATTEMPTS`], sign-in is refused for a
/// wait that doubles with each further wrong password, up to [`MAX_WAIT`]. A right password
/// clears the count.
#[derive(Debug, Default)]
pub struct LoginThrottle {
    // A std Mutex: held only to read or edit the map, never across an `.await`.
    failures: Mutex<HashMap<String, Failures>>,
}

impl LoginThrottle {
    /// `Err(wait)` while sign-in with `email` must wait.
    pub fn check(&self, email: &str, now: Instant) -> Result<(), Duration> {
        let failures = self.lock();
        match failures
            .get(&email.to_lowercase())
            .and_then(|f| f.blocked_until)
        {
            Some(until) if until > now => Err(until - now),
            _ => Ok(()),
        }
    }

    /// Records a wrong password; returns the wait it imposes, if any.
    pub fn failed(&self, email: &str, now: Instant) -> Option<Duration> {
        let mut failures = self.lock();
        if failures.len() >= MAX_ENTRIES {
            failures.retain(|_, f| now.duration_since(f.last) < MAX_WAIT);
        }
        let entry = failures.entry(email.to_lowercase()).or_insert(Failures {
            count: 0,
            last: now,
            blocked_until: None,
        });
        entry.count += 1;
        entry.last = now;
        let wait = wait_after(entry.count)?;
        entry.blocked_until = Some(now + wait);
        Some(wait)
    }

    /// A right password: the count starts again.
    pub fn succeeded(&self, email: &str) {
        self.lock().remove(&email.to_lowercase());
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Failures>> {
        self.failures.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The wait after `count` wrong passwords in a row.
fn wait_after(count: u32) -> Option<Duration> {
    let beyond = count.checked_sub(FREE_ATTEMPTS)?;
    let factor = 1u32.checked_shl(beyond.min(16)).unwrap_or(u32::MAX);
    Some(FIRST_WAIT.saturating_mul(factor).min(MAX_WAIT))
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

/// A token bucket per client address: `per_minute` requests a minute, in bursts up to the
/// same number.
#[derive(Debug)]
pub struct AddressLimiter {
    per_minute: u32,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

impl AddressLimiter {
    /// A limiter allowing `per_minute` requests a minute per address (at least 1).
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute: per_minute.max(1),
            buckets: Mutex::default(),
        }
    }

    /// Takes one request for `address`; `Err(wait)` when it must wait that long.
    pub fn take(&self, address: IpAddr, now: Instant) -> Result<(), Duration> {
        let capacity = f64::from(self.per_minute);
        let per_sec = capacity / 60.0;
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() >= MAX_ENTRIES {
            // A bucket idle for a minute is full again: forgetting it changes nothing.
            buckets.retain(|_, b| now.duration_since(b.last) < Duration::from_secs(60));
        }
        let bucket = buckets.entry(address).or_insert(Bucket {
            tokens: capacity,
            last: now,
        });
        let refill = now.duration_since(bucket.last).as_secs_f64() * per_sec;
        bucket.tokens = (bucket.tokens + refill).min(capacity);
        bucket.last = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / per_sec))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_wrong_passwords_are_free_then_the_wait_doubles_and_expires() {
        let throttle = LoginThrottle::default();
        let start = Instant::now();
        for attempt in 1..FREE_ATTEMPTS {
            assert_eq!(throttle.failed("Ann@Example.com", start), None, "{attempt}");
            assert!(throttle.check("ann@example.com", start).is_ok());
        }
        assert_eq!(throttle.failed("ann@example.com", start), Some(FIRST_WAIT));
        assert_eq!(throttle.check("ANN@example.com", start), Err(FIRST_WAIT));
        // Another email is not affected.
        assert!(throttle.check("bob@example.com", start).is_ok());

        let later = start + FIRST_WAIT - Duration::from_secs(1);
        assert_eq!(
            throttle.check("ann@example.com", later),
            Err(Duration::from_secs(1))
        );
        let after = start + FIRST_WAIT;
        assert!(throttle.check("ann@example.com", after).is_ok());
        // The next wrong password waits twice as long, then four times.
        assert_eq!(
            throttle.failed("ann@example.com", after),
            Some(FIRST_WAIT * 2)
        );
        assert_eq!(
            throttle.failed("ann@example.com", after),
            Some(FIRST_WAIT * 4)
        );
        for _ in 0..20 {
            throttle.failed("ann@example.com", after);
        }
        assert_eq!(throttle.check("ann@example.com", after), Err(MAX_WAIT));
        // A right password clears it all.
        throttle.succeeded("ann@example.com");
        assert!(throttle.check("ann@example.com", after).is_ok());
        assert_eq!(throttle.failed("ann@example.com", after), None);
    }

    #[test]
    fn an_address_gets_its_burst_then_one_request_per_refill() {
        let limiter = AddressLimiter::new(60);
        let start = Instant::now();
        let one: IpAddr = "127.0.0.1".parse().unwrap();
        let two: IpAddr = "::1".parse().unwrap();
        for _ in 0..60 {
            assert!(limiter.take(one, start).is_ok());
        }
        assert_eq!(limiter.take(one, start), Err(Duration::from_secs(1)));
        assert!(limiter.take(two, start).is_ok());
        let later = start + Duration::from_secs(1);
        assert!(limiter.take(one, later).is_ok());
        assert!(limiter.take(one, later).is_err());
    }
}
