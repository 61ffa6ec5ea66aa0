//! A latency histogram with logarithmic buckets: each bucket is 1 % wider than the one before,
//! so any percentile it reports is within 1 % of the true value, whatever the range (1 µs to
//! minutes), in a few kilobytes. Histograms from several processes merge by adding buckets.

use serde::{Deserialize, Serialize};

/// Growth factor between neighbouring buckets.
const GROWTH: f64 = 1.01;

/// Latencies in microseconds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    /// `(bucket, count)` pairs, sorted by bucket, only for buckets that hold something.
    buckets: Vec<(u32, u64)>,
    /// The largest value recorded, exactly.
    max: u64,
    /// How many values were recorded.
    count: u64,
}

fn bucket_of(micros: u64) -> u32 {
    ((micros.max(1) as f64).ln() / GROWTH.ln()).floor() as u32
}

/// The upper bound of a bucket: what a percentile falling in it reports.
fn upper_of(bucket: u32) -> u64 {
    GROWTH.powi(bucket as i32 + 1).ceil() as u64
}

impl Histogram {
    /// Records one latency.
    pub fn record(&mut self, micros: u64) {
        let bucket = bucket_of(micros);
        match self.buckets.binary_search_by_key(&bucket, |(b, _)| *b) {
            Ok(i) => self.buckets[i].1 += 1,
            Err(i) => self.buckets.insert(i, (bucket, 1)),
        }
        self.max = self.max.max(micros);
        self.count += 1;
    }

    /// Adds another histogram's values to this one.
    pub fn merge(&mut self, other: &Histogram) {
        for &(bucket, count) in &other.buckets {
            match self.buckets.binary_search_by_key(&bucket, |(b, _)| *b) {
                Ok(i) => self.buckets[i].1 += count,
                Err(i) => self.buckets.insert(i, (bucket, count)),
            }
        }
        self.max = self.max.max(other.max);
        self.count += other.count;
    }

    /// How many values were recorded.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The largest value recorded.
    pub fn max(&self) -> u64 {
        self.max
    }

    /// The value below which `fraction` (0..=1) of the values lie, within 1 %; `None` when empty.
    pub fn percentile(&self, fraction: f64) -> Option<u64> {
        if self.count == 0 {
            return None;
        }
        let rank = ((fraction * self.count as f64).ceil() as u64).clamp(1, self.count);
        let mut seen = 0;
        for &(bucket, count) in &self.buckets {
            seen += count;
            if seen >= rank {
                return Some(upper_of(bucket).min(self.max));
            }
        }
        Some(self.max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_within_one_percent_of_the_exact_ones() {
        let mut histogram = Histogram::default();
        // 1..=10_000 µs: the exact p50 is 5000, the p99 9900.
        for micros in 1..=10_000 {
            histogram.record(micros);
        }
        let p50 = histogram.percentile(0.5).unwrap() as f64;
        let p99 = histogram.percentile(0.99).unwrap() as f64;
        assert!((p50 / 5000.0 - 1.0).abs() <= 0.011, "p50 {p50}");
        assert!((p99 / 9900.0 - 1.0).abs() <= 0.011, "p99 {p99}");
        assert_eq!(histogram.max(), 10_000);
        assert_eq!(histogram.percentile(1.0), Some(10_000));
    }

    #[test]
    fn merged_histograms_count_both_sides() {
        let mut fast = Histogram::default();
        let mut slow = Histogram::default();
        for _ in 0..90 {
            fast.record(100);
        }
        for _ in 0..10 {
            slow.record(50_000);
        }
        fast.merge(&slow);
        assert_eq!(fast.count(), 100);
        assert!(fast.percentile(0.5).unwrap() < 110);
        assert!(fast.percentile(0.95).unwrap() >= 50_000);
        assert_eq!(Histogram::default().percentile(0.5), None);
    }
}
