//! [`Histogram`]: durations counted in log-scale buckets, so their quantiles cost a fixed
//! 8 KB however many samples arrive.
//!
//! A duration, in nanoseconds, falls in the bucket named by its highest set bit and the 4
//! bits below it (as in HdrHistogram): 16 buckets per doubling, each as wide as 1/16 of its
//! lower bound. A quantile is reported as the middle of its bucket, so it is within 1/32
//! (about 3%) of the sample it stands for; durations under 16 ns are exact.

use std::time::Duration;

/// Bits kept below a duration's highest set bit: 16 buckets per doubling.
const SUB_BITS: u32 = 4;
/// Buckets per doubling.
const SUB: usize = 1 << SUB_BITS;
/// One bucket for each duration under `SUB` ns, then `SUB` for each higher bit of a `u64`:
/// every duration up to 584 years has its bucket.
const BUCKETS: usize = SUB + (u64::BITS - SUB_BITS) as usize * SUB;

/// How many durations fell in each bucket, and the longest exactly.
pub(crate) struct Histogram {
    buckets: Vec<u64>,
    count: u64,
    max: Duration,
}

impl Default for Histogram {
    fn default() -> Histogram {
        Histogram {
            buckets: vec![0; BUCKETS],
            count: 0,
            max: Duration::ZERO,
        }
    }
}

impl Histogram {
    /// Counts one duration.
    pub(crate) fn record(&mut self, d: Duration) {
        let ns = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        self.buckets[bucket(ns)] += 1;
        self.count += 1;
        self.max = self.max.max(d);
    }

    /// How many durations were counted.
    pub(crate) fn count(&self) -> u64 {
        self.count
    }

    /// The longest duration counted (0 when none).
    pub(crate) fn max(&self) -> Duration {
        self.max
    }

    /// The duration below which a share `q` (0 to 1) of the counted ones fall, by nearest
    /// rank: the median is `quantile(0.5)`; the last rank is the exact maximum. 0 when none
    /// were counted.
    pub(crate) fn quantile(&self, q: f64) -> Duration {
        if self.count == 0 {
            return Duration::ZERO;
        }
        let rank = ((q * self.count as f64).ceil() as u64).clamp(1, self.count);
        if rank == self.count {
            return self.max;
        }
        let mut seen = 0;
        for (i, &n) in self.buckets.iter().enumerate() {
            seen += n;
            if seen >= rank {
                // The middle of a bucket can pass the longest duration in it.
                return Duration::from_nanos(middle(i)).min(self.max);
            }
        }
        self.max
    }

    /// Forgets every duration counted.
    pub(crate) fn clear(&mut self) {
        self.buckets.fill(0);
        self.count = 0;
        self.max = Duration::ZERO;
    }
}

/// The bucket of a duration of `ns` nanoseconds.
fn bucket(ns: u64) -> usize {
    if ns < SUB as u64 {
        return ns as usize;
    }
    // The bits below the top `SUB_BITS + 1` ones are dropped: the width of the bucket.
    let shift = u64::BITS - 1 - ns.leading_zeros() - SUB_BITS;
    let below_top = (ns >> shift) as usize - SUB;
    SUB + shift as usize * SUB + below_top
}

/// The middle of bucket `i`, in nanoseconds (the duration itself under `SUB` ns).
fn middle(i: usize) -> u64 {
    if i < SUB {
        return i as u64;
    }
    let shift = ((i - SUB) / SUB) as u32;
    let low = ((SUB + (i - SUB) % SUB) as u64) << shift;
    low + (1u64 << shift) / 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_duration_lands_in_a_bucket_whose_middle_is_within_3_percent() {
        let mut ns = 1u64;
        while ns < u64::MAX / 2 {
            for v in [ns, ns + ns / 3, ns * 2 - 1] {
                let i = bucket(v);
                assert!(i < BUCKETS, "{v}");
                let m = middle(i) as f64;
                assert!((m - v as f64).abs() <= v as f64 / 32.0, "{v}: {m}");
            }
            ns *= 2;
        }
        assert_eq!(bucket(u64::MAX), BUCKETS - 1);
        assert_eq!(middle(bucket(15)), 15);
    }

    #[test]
    fn quantiles_by_nearest_rank() {
        let mut h = Histogram::default();
        assert_eq!(
            (h.count(), h.quantile(0.5), h.max()),
            (0, Duration::ZERO, Duration::ZERO)
        );
        for ms in 1..=100 {
            h.record(Duration::from_millis(ms));
        }
        let close = |d: Duration, ms: f64| (d.as_secs_f64() * 1e3 - ms).abs() <= ms / 32.0;
        assert!(close(h.quantile(0.5), 50.0), "{:?}", h.quantile(0.5));
        assert!(close(h.quantile(0.9), 90.0), "{:?}", h.quantile(0.9));
        assert_eq!(h.quantile(1.0), Duration::from_millis(100));
        assert_eq!((h.count(), h.max()), (100, Duration::from_millis(100)));
        h.clear();
        assert_eq!((h.count(), h.quantile(0.9)), (0, Duration::ZERO));
    }
}
