//! The GPU check of the fused encoder (run by bench/gpu/run.sh on a GPU machine): every fused
//! kernel and cuBLAS mapping against its CPU reference (src/embed/fused/reference.rs) over a grid
//! of shapes, in bf16 and f16, then, given model folders, the whole fused pass against candle's
//! generic path on the same GPU. Prints one PASS/FAIL line per check and exits 1 on any FAIL.
//!
//!   kernel_check [--models-only] [MODEL_DIR...]
#![allow(clippy::print_stdout)]

use candle_core::cuda_backend::cudarc::cublaslt::{CudaBlasLT, Matmul};
use candle_core::{DType, Device, Tensor};
use lakeops::embed::encoder::Encoder;
use lakeops::embed::fused::cuda::{CudaKernels, HalfType};
use lakeops::embed::fused::plan::{self, Attention};
use lakeops::embed::fused::reference::{self, cosine, sample_values};
use lakeops::embed::fused::{Act, Choice, Embeddings, Inputs, Kernels, Norm, Pool};
use lakeops::embed::model::{ModelDir, Pooling};

struct Report {
    failures: usize,
    checks: usize,
}

impl Report {
    /// PASS when the largest difference is within `tolerance` of the reference's largest value.
    fn compare(&mut self, name: &str, got: &[f32], expected: &[f32], tolerance: f32) {
        let mut diff = 0f32;
        let mut scale = 0f32;
        let mut finite = got.len() == expected.len();
        for (g, e) in got.iter().zip(expected) {
            finite &= g.is_finite();
            diff = diff.max((g - e).abs());
            scale = scale.max(e.abs());
        }
        let ok = finite && diff <= tolerance * scale.max(1.0);
        self.line(
            ok,
            &format!("{name} max_abs_diff={diff:.3e} max_ref={scale:.3e}"),
        );
    }

    fn line(&mut self, ok: bool, text: &str) {
        self.checks += 1;
        if !ok {
            self.failures += 1;
        }
        println!("{} {text}", if ok { "PASS" } else { "FAIL" });
    }
}

struct Check<'a, T: HalfType>
where
    CudaBlasLT: Matmul<T>,
{
    k: CudaKernels<T>,
    device: &'a Device,
    name: &'static str,
    /// Relative tolerance: a few units in the last place of the dtype.
    tolerance: f32,
}

impl<T: HalfType> Check<'_, T>
where
    CudaBlasLT: Matmul<T>,
{
    /// Rounds host values through the dtype (what the GPU holds) and uploads them.
    fn half(&self, v: &[f32]) -> (Vec<f32>, <CudaKernels<T> as Kernels>::Half) {
        let t = Tensor::from_slice(v, v.len(), self.device).unwrap();
        let buffer = self.k.half_weight(&t).unwrap();
        let rounded = self.k.to_host(&buffer).unwrap();
        (rounded, buffer)
    }

    fn run(&self, report: &mut Report) {
        let name = self.name;
        // Projections: bias, bias + tanh GELU epilogue, bias + exact GELU pass.
        for &(tokens, inputs, outputs) in &[(1, 768, 2304), (300, 768, 3072), (77, 384, 1536)] {
            let (x, xd) = self.half(&sample_values(tokens * inputs, 1, 1.0));
            let (w, wd) = self.half(&sample_values(outputs * inputs, 2, 0.05));
            let (b, bd) = self.half(&sample_values(outputs, 3, 0.5));
            let g = plan::linear(tokens, inputs, outputs);
            for act in [Act::None, Act::GeluTanh, Act::GeluErf] {
                let mut out = self.k.scratch(tokens * outputs).unwrap();
                self.k.linear(&g, &wd, &xd, &bd, act, &mut out).unwrap();
                let mut expected = vec![0f32; tokens * outputs];
                reference::linear(&g, &w, &x, &b, act, &mut expected);
                report.compare(
                    &format!("linear {name} {tokens}x{inputs}->{outputs} {act:?}"),
                    &self.k.to_host(&out).unwrap(),
                    &expected,
                    self.tolerance,
                );
            }
        }
        // Attention GEMMs and softmax over the shape grid.
        let mut grid = Vec::new();
        for len in [1, 2, 7, 31, 64, 129, 256, 384, 512] {
            for rows in [1, 3, 64] {
                if rows == 64 && len > 129 {
                    continue;
                }
                for (heads, head_dim) in [(12, 64), (12, 32)] {
                    grid.push(Attention {
                        rows,
                        len,
                        heads,
                        head_dim,
                    });
                }
            }
        }
        for (seed, shape) in grid.iter().enumerate() {
            let (rows, len, heads) = (shape.rows, shape.len, shape.heads);
            let label = format!(
                "{name} rows={rows} len={len} heads={heads} head_dim={}",
                shape.head_dim
            );
            let hidden = shape.hidden();
            let (qkv, qkvd) = self.half(&sample_values(rows * len * 3 * hidden, seed as u64, 1.0));
            let alpha = 1.0 / (shape.head_dim as f32).sqrt();
            let mut scores = self.k.scratch(shape.scores_len()).unwrap();
            let mut expected = vec![0f32; shape.scores_len()];
            for h in 0..heads {
                let g = shape.scores(h, alpha);
                self.k.gemm(&g, &qkvd, &qkvd, &mut scores).unwrap();
                reference::gemm(&g, &qkv, &qkv, &mut expected);
            }
            let pitch = shape.pitch();
            let unpitch = |v: &[f32]| -> Vec<f32> {
                v.chunks(pitch).flat_map(|r| r[..len].to_vec()).collect()
            };
            report.compare(
                &format!("scores {label}"),
                &unpitch(&self.k.to_host(&scores).unwrap()),
                &unpitch(&expected),
                self.tolerance,
            );
            // Softmax on the GPU's own scores: one full row, one with a single token, the rest
            // partly padded.
            let lengths: Vec<u32> = (0..rows)
                .map(|r| match r {
                    0 => len as u32,
                    1 => 1,
                    _ => (1 + (r * 7919) % len) as u32,
                })
                .collect();
            let lengths_d = self.k.ids(&lengths).unwrap();
            let relative = sample_values(32 * heads, seed as u64 + 5, 2.0);
            let table = plan::relative_table(&relative, heads, len);
            let table_d = self.k.floats(&table).unwrap();
            let gpu_scores = self.k.to_host(&scores).unwrap();
            for with_table in [false, true] {
                let (mut probs, _) = self.half(&gpu_scores);
                let mut probs_d = self
                    .k
                    .half_weight(
                        &Tensor::from_slice(&gpu_scores, gpu_scores.len(), self.device).unwrap(),
                    )
                    .unwrap();
                let t = with_table.then_some(&table_d);
                self.k.softmax(shape, &mut probs_d, t, &lengths_d).unwrap();
                reference::softmax(
                    shape,
                    &mut probs,
                    with_table.then_some(&table[..]),
                    &lengths,
                );
                report.compare(
                    &format!("softmax {label} table={with_table}"),
                    &unpitch(&self.k.to_host(&probs_d).unwrap()),
                    &unpitch(&probs),
                    self.tolerance,
                );
                if with_table {
                    // Context from these probabilities.
                    let probs_gpu = self.k.to_host(&probs_d).unwrap();
                    let mut context = self.k.scratch(rows * len * hidden).unwrap();
                    let mut expected = vec![0f32; rows * len * hidden];
                    for h in 0..heads {
                        let g = shape.context(h);
                        self.k.gemm(&g, &qkvd, &probs_d, &mut context).unwrap();
                        reference::gemm(&g, &qkv, &probs_gpu, &mut expected);
                    }
                    report.compare(
                        &format!("context {label}"),
                        &self.k.to_host(&context).unwrap(),
                        &expected,
                        self.tolerance,
                    );
                }
            }
        }
        // Residual + LayerNorm, embeddings + LayerNorm.
        for (seed, &width) in [32usize, 384, 768, 1024].iter().enumerate() {
            let rows = 333;
            let norm_host = Norm {
                weight: sample_values(width, seed as u64, 0.5)
                    .iter()
                    .map(|w| 1.0 + w)
                    .collect::<Vec<_>>(),
                bias: sample_values(width, seed as u64 + 1, 0.5),
                eps: 1e-5,
            };
            let norm = Norm {
                weight: self.k.floats(&norm_host.weight).unwrap(),
                bias: self.k.floats(&norm_host.bias).unwrap(),
                eps: 1e-5,
            };
            let (x, xd) = self.half(&sample_values(rows * width, seed as u64 + 2, 3.0));
            let (r, rd) = self.half(&sample_values(rows * width, seed as u64 + 3, 3.0));
            let mut out = self.k.scratch(rows * width).unwrap();
            self.k.add_norm(width, &xd, &rd, &norm, &mut out).unwrap();
            let mut expected = vec![0f32; rows * width];
            reference::add_norm(width, &x, &r, &norm_host, &mut expected);
            report.compare(
                &format!("add_norm {name} rows={rows} width={width}"),
                &self.k.to_host(&out).unwrap(),
                &expected,
                self.tolerance,
            );
            let (vocab, positions) = (1000, 514);
            let (word, word_d) = self.half(&sample_values(vocab * width, seed as u64 + 4, 1.0));
            let (pos, pos_d) = self.half(&sample_values(positions * width, seed as u64 + 5, 1.0));
            let (tt, tt_d) = self.half(&sample_values(width, seed as u64 + 6, 1.0));
            let ids: Vec<u32> = (0..rows).map(|i| ((i * 7919) % vocab) as u32).collect();
            let at: Vec<u32> = (0..rows).map(|i| (i % positions) as u32).collect();
            for with_type in [false, true] {
                let host = Embeddings {
                    word: word.clone(),
                    vocab,
                    position: pos.clone(),
                    positions,
                    token_type: with_type.then(|| tt.clone()),
                };
                let tables = Embeddings {
                    word: word_d.clone(),
                    vocab,
                    position: pos_d.clone(),
                    positions,
                    token_type: with_type.then(|| tt_d.clone()),
                };
                let mut out = self.k.scratch(rows * width).unwrap();
                let (ids_d, at_d) = (self.k.ids(&ids).unwrap(), self.k.ids(&at).unwrap());
                self.k
                    .embed_norm(width, &ids_d, &at_d, &tables, &norm, &mut out)
                    .unwrap();
                let mut expected = vec![0f32; rows * width];
                reference::embed_norm(width, &ids, &at, &host, &norm_host, &mut expected);
                report.compare(
                    &format!("embed_norm {name} width={width} token_type={with_type}"),
                    &self.k.to_host(&out).unwrap(),
                    &expected,
                    self.tolerance,
                );
            }
        }
        // Pooling.
        for &(rows, len, width) in &[(1, 1, 768), (5, 37, 768), (64, 256, 384), (3, 512, 1024)] {
            let (x, xd) = self.half(&sample_values(rows * len * width, 9, 2.0));
            let lengths: Vec<u32> = (0..rows).map(|r| (1 + (r * 131) % len) as u32).collect();
            for pooling in [Pooling::Mean, Pooling::Cls, Pooling::Max] {
                for normalize in [false, true] {
                    let shape = Pool {
                        rows,
                        len,
                        width,
                        pooling,
                        normalize,
                    };
                    // Through the staging a batch uses (reused from one iteration to the next).
                    let (uploaded, staging) = self
                        .k
                        .upload(&Inputs {
                            // Unused by pooling; a copy to the GPU needs at least one value.
                            ids: &[0],
                            positions: &[0],
                            lengths: &lengths,
                            table: None,
                            pooled: rows * width,
                        })
                        .unwrap();
                    let got = self
                        .k
                        .pool(&shape, &xd, &uploaded.lengths, staging)
                        .unwrap()
                        .wait()
                        .unwrap()
                        .concat();
                    let expected = reference::pool(&shape, &x, &lengths).concat();
                    // Pooling reads the dtype and sums in f32: only f32 rounding differs.
                    report.compare(
                        &format!("pool {name} rows={rows} len={len} width={width} {pooling:?} normalize={normalize}"),
                        &got,
                        &expected,
                        1e-4,
                    );
                }
            }
        }
    }
}

/// The whole fused pass against candle's generic path on the same GPU, and padded against alone.
fn check_model(dir: &str, device: &Device, report: &mut Report) {
    let model = ModelDir::open(dir, None).unwrap();
    let max = model.max_seq_length;
    let vocab = model.config.vocab_size;
    let lens: Vec<usize> = [1usize, 2, 7, 31, 64, 129, 256, 384, 512]
        .into_iter()
        .map(|l| l.min(max))
        .collect();
    let seqs: Vec<Vec<u32>> = lens
        .iter()
        .enumerate()
        .map(|(s, &n)| {
            sample_values(n, s as u64 + 70, 1.0)
                .iter()
                .map(|v| ((v + 1.0) / 2.0 * (vocab - 1) as f32) as u32)
                .collect()
        })
        .collect();
    let refs: Vec<&[u32]> = seqs.iter().map(Vec::as_slice).collect();
    for (dtype, min_cos) in [(DType::BF16, 0.999f32), (DType::F16, 0.999)] {
        let load = |choice: Choice| Encoder::load(&model, dtype, device, choice).unwrap();
        let generic = load(Choice::Generic);
        let oracle = generic.embed(&refs).unwrap();
        for (choice, gelu) in [("fused", Act::GeluTanh), ("fused-erf", Act::GeluErf)] {
            let fused = load(Choice::Fused(gelu));
            assert_eq!(fused.kernels(), "fused");
            let got = fused.embed(&refs).unwrap();
            let worst = got
                .iter()
                .zip(&oracle)
                .map(|(g, e)| cosine(g, e))
                .fold(1.0, f32::min);
            report.line(
                worst >= min_cos,
                &format!(
                    "encoder {} {dtype:?} {choice} vs generic: min cosine {worst:.6}",
                    model.name
                ),
            );
            let alone = refs
                .iter()
                .zip(&got)
                .map(|(seq, padded)| cosine(&fused.embed(&[seq]).unwrap()[0], padded))
                .fold(1.0, f32::min);
            report.line(
                alone >= 0.9999,
                &format!(
                    "encoder {} {dtype:?} {choice} padded vs alone: min cosine {alone:.6}",
                    model.name
                ),
            );
            // Batches queued before the earlier ones are read back, as `embed` runs them, with
            // one batch's staging reused while another is in flight: each equals its batch run
            // on its own.
            let (first, second) = refs.split_at(refs.len() / 2);
            let a = fused.submit(first).unwrap();
            let b = fused.submit(second).unwrap();
            let a = a.wait().unwrap();
            let c = fused.submit(first).unwrap();
            let (b, c) = (b.wait().unwrap(), c.wait().unwrap());
            let queued = [a, b, c].concat().concat();
            let one_by_one = [
                fused.embed(first).unwrap(),
                fused.embed(second).unwrap(),
                fused.embed(first).unwrap(),
            ]
            .concat()
            .concat();
            report.compare(
                &format!(
                    "encoder {} {dtype:?} {choice} queued vs one at a time",
                    model.name
                ),
                &queued,
                &one_by_one,
                1e-6,
            );
        }
    }
}

fn main() {
    let device = Device::new_cuda(0).expect("a CUDA device");
    let mut report = Report {
        failures: 0,
        checks: 0,
    };
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let models_only = args.first().is_some_and(|a| a == "--models-only");
    if models_only {
        args.remove(0);
    } else {
        Check::<half::bf16> {
            k: CudaKernels::new(&device).unwrap(),
            device: &device,
            name: "bf16",
            tolerance: 1.0 / 64.0,
        }
        .run(&mut report);
        Check::<half::f16> {
            k: CudaKernels::new(&device).unwrap(),
            device: &device,
            name: "f16",
            tolerance: 1.0 / 256.0,
        }
        .run(&mut report);
    }
    for dir in args {
        check_model(&dir, &device, &mut report);
    }
    println!("{} checks, {} failed", report.checks, report.failures);
    if report.failures > 0 {
        std::process::exit(1);
    }
}
