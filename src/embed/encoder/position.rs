//! MPNet's relative-position buckets, as transformers computes them.

/// MPNet's relative-position bucket of every (query, key) pair for a sequence of `len`, row-major:
/// 16 buckets per direction, exact up to distance 8, then logarithmic up to 128.
pub fn relative_buckets(len: usize) -> Vec<u32> {
    let mut out = Vec::with_capacity(len * len);
    for query in 0..len as i64 {
        for key in 0..len as i64 {
            out.push(relative_bucket(query - key));
        }
    }
    out
}

/// `n` is query minus key (transformers' `-relative_position`).
pub fn relative_bucket(n: i64) -> u32 {
    const HALF: i64 = 16;
    const EXACT: i64 = 8;
    const MAX_DISTANCE: f32 = 128.0;
    let direction = if n < 0 { HALF } else { 0 };
    let n = n.abs();
    let magnitude = if n < EXACT {
        n
    } else {
        // Computed in f32 as transformers does, so the thresholds match it exactly.
        let scaled = (n as f32 / EXACT as f32).ln() / (MAX_DISTANCE / EXACT as f32).ln()
            * (HALF - EXACT) as f32;
        (EXACT + scaled as i64).min(HALF - 1)
    };
    (direction + magnitude) as u32
}
