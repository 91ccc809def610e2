//! A small TTL cache for results of read-only tools, keyed by tool and arguments.

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Values that expire `ttl` after they were stored. Bounded: when full, expired entries go
/// first, then the oldest.
#[derive(Debug)]
pub struct TtlCache<V> {
    ttl: Duration,
    capacity: usize,
    entries: HashMap<String, (Instant, V)>,
}

impl<V: Clone> TtlCache<V> {
    /// An empty cache.
    pub fn new(ttl: Duration, capacity: usize) -> Self {
        Self {
            ttl,
            capacity: capacity.max(1),
            entries: HashMap::new(),
        }
    }

    /// The value for `key` if stored less than `ttl` before `now`.
    pub fn get(&self, key: &str, now: Instant) -> Option<V> {
        self.entries
            .get(key)
            .filter(|(at, _)| now.duration_since(*at) < self.ttl)
            .map(|(_, v)| v.clone())
    }

    /// Store `value` for `key` at `now`.
    pub fn put(&mut self, key: String, value: V, now: Instant) {
        if self.ttl.is_zero() {
            return;
        }
        if self.entries.len() >= self.capacity && !self.entries.contains_key(&key) {
            let ttl = self.ttl;
            self.entries
                .retain(|_, (at, _)| now.duration_since(*at) < ttl);
            if self.entries.len() >= self.capacity
                && let Some(oldest) = self
                    .entries
                    .iter()
                    .min_by_key(|(_, (at, _))| *at)
                    .map(|(k, _)| k.clone())
            {
                self.entries.remove(&oldest);
            }
        }
        self.entries.insert(key, (now, value));
    }

    /// Forget everything (after a write through the same server, for example).
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_and_capacity_is_kept() {
        let t0 = Instant::now();
        let mut c = TtlCache::new(Duration::from_secs(5), 2);
        c.put("a".into(), 1, t0);
        assert_eq!(c.get("a", t0 + Duration::from_secs(4)), Some(1));
        assert_eq!(c.get("a", t0 + Duration::from_secs(5)), None);
        c.put("b".into(), 2, t0 + Duration::from_secs(1));
        c.put("c".into(), 3, t0 + Duration::from_secs(2));
        assert_eq!(
            c.get("a", t0 + Duration::from_secs(2)),
            None,
            "oldest evicted"
        );
        assert_eq!(c.get("c", t0 + Duration::from_secs(2)), Some(3));
        c.clear();
        assert_eq!(c.get("c", t0 + Duration::from_secs(2)), None);
    }
}
