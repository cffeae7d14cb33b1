//! Each reference kernel (scaled masked softmax with the bias table, residual + LayerNorm,
//! embeddings + LayerNorm, masked mean pooling) against the generic candle ops.

use super::*;

/// The generic path's softmax: scores + [B, H, L, L] bias + padding mask, candle's softmax.
fn generic_softmax(
    shape: &Attention,
    scores: &[f32],
    bias: Option<&[f32]>,
    lengths: &[u32],
    dtype: DType,
) -> Vec<f32> {
    // Always f32 here (see the caller); the parameter keeps the bf16 path one call away.
    let (rows, heads, len) = (shape.rows, shape.heads, shape.len);
    let s = tensor(scores, &[rows, heads, len, len]);
    let mask: Vec<f32> = lengths
        .iter()
        .flat_map(|&n| (0..len).map(move |j| if j < n as usize { 0.0 } else { -1e9 }))
        .collect();
    let mut s = s.broadcast_add(&tensor(&mask, &[rows, 1, 1, len])).unwrap();
    if let Some(bias) = bias {
        s = s
            .broadcast_add(&tensor(bias, &[1, heads, len, len]))
            .unwrap();
    }
    candle_nn::ops::softmax_last_dim(&s.to_dtype(dtype).unwrap())
        .unwrap()
        .to_dtype(DType::F32)
        .unwrap()
        .flatten_all()
        .unwrap()
        .to_vec1()
        .unwrap()
}

#[test]
fn softmax_reference_matches_candle_with_bias_and_masks() {
    for (seed, len) in [1usize, 2, 7, 31, 64, 129, 256, 384, 512]
        .into_iter()
        .enumerate()
    {
        let (rows, heads) = (3, 2);
        let shape = Attention {
            rows,
            len,
            heads,
            head_dim: 64,
        };
        // One row full, one with a single real token, one half padded.
        let lengths = [len as u32, 1, len.div_ceil(2) as u32];
        let scores = sample_values(rows * heads * len * len, seed as u64, 4.0);
        let relative = sample_values(32 * heads, seed as u64 + 1, 2.0);
        let table = plan::relative_table(&relative, heads, len);
        let full: Vec<f32> = (0..heads)
            .flat_map(|h| {
                relative_buckets(len)
                    .into_iter()
                    .map(move |b| b as usize * heads + h)
            })
            .map(|at| relative[at])
            .collect();
        for (table, full) in [(None, None), (Some(&table), Some(full.as_slice()))] {
            for dtype in [DType::F32, DType::BF16] {
                let input = if dtype == DType::F32 {
                    scores.clone()
                } else {
                    bf16_round(&scores)
                };
                let mut pitched = vec![f32::NAN; shape.scores_len()];
                for (r, row) in pitched.chunks_mut(shape.pitch()).enumerate() {
                    row[..len].copy_from_slice(&input[r * len..][..len]);
                }
                reference::softmax(&shape, &mut pitched, table.map(Vec::as_slice), &lengths);
                let got: Vec<f32> = pitched
                    .chunks(shape.pitch())
                    .flat_map(|row| row[..len].to_vec())
                    .collect();
                let got = if dtype == DType::F32 {
                    got
                } else {
                    bf16_round(&got)
                };
                // The oracle runs in f32 on the same (rounded) scores: candle's own bf16 softmax
                // takes its exponentials in bf16, which is what the kernel improves on.
                let expected = generic_softmax(&shape, &input, full, &lengths, DType::F32);
                // f32: the same math; bf16: the output's rounding (half a unit in the last place
                // at 1 is 2^-9).
                let tolerance = if dtype == DType::F32 { 1e-6 } else { 2.5e-3 };
                for (r, (got, expected)) in got.chunks(len).zip(expected.chunks(len)).enumerate() {
                    let i = r % len;
                    let valid = lengths[r / len / heads] as usize;
                    if i >= valid {
                        assert!(got.iter().all(|&p| p == 0.0), "padded query row not zero");
                        continue;
                    }
                    assert!(
                        max_diff(got, expected) <= tolerance,
                        "len {len} {dtype:?} row {r}: {}",
                        max_diff(got, expected)
                    );
                }
            }
        }
    }
}

fn norm(width: usize, seed: u64) -> Norm<Vec<f32>> {
    Norm {
        weight: sample_values(width, seed, 1.0)
            .iter()
            .map(|w| 1.0 + w)
            .collect(),
        bias: sample_values(width, seed + 1, 0.5),
        eps: 1e-5,
    }
}

/// LayerNorm by candle's composed ops in f64 (`dtype`): the encoder's kernel takes the variance
/// as E[x²] − E[x]², which loses digits in f32 that the two-pass reference keeps, so the oracle
/// is the exact computation.
fn generic_layer_norm(x: &[f32], width: usize, n: &Norm<Vec<f32>>, dtype: DType) -> Vec<f32> {
    let rows = x.len() / width;
    let x = tensor(x, &[rows, width]).to_dtype(dtype).unwrap();
    candle_nn::ops::layer_norm_slow(
        &x,
        &tensor(&n.weight, &[width]).to_dtype(dtype).unwrap(),
        &tensor(&n.bias, &[width]).to_dtype(dtype).unwrap(),
        n.eps,
    )
    .unwrap()
    .to_dtype(DType::F32)
    .unwrap()
    .flatten_all()
    .unwrap()
    .to_vec1()
    .unwrap()
}

#[test]
fn add_norm_reference_matches_candle() {
    for (seed, width) in [2usize, 32, 384, 768, 1024].into_iter().enumerate() {
        let rows = 5;
        let n = norm(width, seed as u64);
        let x = sample_values(rows * width, seed as u64 + 10, 3.0);
        let residual = sample_values(rows * width, seed as u64 + 20, 3.0);
        for dtype in [DType::F32, DType::BF16] {
            let (x, residual) = if dtype == DType::F32 {
                (x.clone(), residual.clone())
            } else {
                (bf16_round(&x), bf16_round(&residual))
            };
            let mut out = vec![f32::NAN; rows * width];
            reference::add_norm(width, &x, &residual, &n, &mut out);
            let sum: Vec<f32> = x.iter().zip(&residual).map(|(a, b)| a + b).collect();
            // The kernel sums in f32 from the rounded inputs; the oracle is exact (f64).
            let expected = generic_layer_norm(&sum, width, &n, DType::F64);
            let (out, tolerance) = if dtype == DType::F32 {
                (out, 1e-5)
            } else {
                (bf16_round(&out), 3e-2)
            };
            assert!(
                max_diff(&out, &expected) <= tolerance,
                "width {width} {dtype:?}: {}",
                max_diff(&out, &expected)
            );
        }
    }
}

#[test]
fn embed_norm_reference_matches_candle() {
    let (vocab, positions, width) = (50, 20, 64);
    let tables = Embeddings {
        word: sample_values(vocab * width, 1, 1.0),
        vocab,
        position: sample_values(positions * width, 2, 1.0),
        positions,
        token_type: Some(sample_values(width, 3, 1.0)),
    };
    let n = norm(width, 4);
    let ids = [0u32, 49, 7, 7, 1];
    let pos = [0u32, 1, 2, 19, 5];
    let mut out = vec![f32::NAN; ids.len() * width];
    reference::embed_norm(width, &ids, &pos, &tables, &n, &mut out);
    let word = tensor(&tables.word, &[vocab, width]);
    let position = tensor(&tables.position, &[positions, width]);
    let sum = word
        .index_select(&Tensor::new(&ids, &Device::Cpu).unwrap(), 0)
        .unwrap()
        .add(
            &position
                .index_select(&Tensor::new(&pos, &Device::Cpu).unwrap(), 0)
                .unwrap(),
        )
        .unwrap()
        .broadcast_add(&tensor(tables.token_type.as_ref().unwrap(), &[width]))
        .unwrap();
    let sum = sum.flatten_all().unwrap().to_vec1::<f32>().unwrap();
    let expected = generic_layer_norm(&sum, width, &n, DType::F64);
    assert!(max_diff(&out, &expected) < 1e-5);
}

#[test]
fn pool_reference_matches_masked_candle_pooling() {
    let (rows, len, width) = (3, 5, 8);
    let lengths = [5u32, 1, 3];
    let x = sample_values(rows * len * width, 5, 2.0);
    let t = tensor(&x, &[rows, len, width]);
    let mask: Vec<f32> = lengths
        .iter()
        .flat_map(|&n| (0..len).map(move |j| if j < n as usize { 1.0 } else { 0.0 }))
        .collect();
    let mask = tensor(&mask, &[rows, len, 1]);
    for pooling in [Pooling::Mean, Pooling::Cls, Pooling::Max] {
        for normalize in [false, true] {
            let shape = Pool {
                rows,
                len,
                width,
                pooling,
                normalize,
            };
            let got: Vec<f32> = reference::pool(&shape, &x, &lengths).concat();
            let expected = match pooling {
                Pooling::Mean => t
                    .broadcast_mul(&mask)
                    .unwrap()
                    .sum(1)
                    .unwrap()
                    .broadcast_div(&mask.sum(1).unwrap())
                    .unwrap(),
                Pooling::Cls => t.narrow(1, 0, 1).unwrap().squeeze(1).unwrap(),
                Pooling::Max => t
                    .broadcast_add(&((1.0 - &mask).unwrap() * -1e9).unwrap())
                    .unwrap()
                    .max(1)
                    .unwrap(),
            };
            let expected = if normalize {
                let n = expected
                    .sqr()
                    .unwrap()
                    .sum_keepdim(1)
                    .unwrap()
                    .sqrt()
                    .unwrap();
                expected.broadcast_div(&n).unwrap()
            } else {
                expected
            };
            let expected = expected.flatten_all().unwrap().to_vec1::<f32>().unwrap();
            assert!(max_diff(&got, &expected) < 1e-5, "{pooling:?} {normalize}");
        }
    }
}
