//! Stage 4: the transformer encoder (BERT and MPNet), pooling and normalisation, on candle.
//!
//! One encoder serves both architectures: they differ only in their embeddings (BERT: absolute
//! positions and a token type; MPNet: positions offset past the padding index) and in the
//! additive attention bias (BERT: the padding mask; MPNet: the padding mask plus a bucketed
//! relative-position bias). That bias is built once per batch, in f32, and shared by every layer;
//! GEMMs run in the model dtype while LayerNorm, softmax and pooling run in f32, so bf16/f16 keep
//! sentence-transformers' accuracy and a padding mask can never turn into NaN.

use candle_core::{DType, Device, Module, Tensor};
use candle_nn::{Embedding, VarBuilder};

use super::fused::{self, Act, Choice, Kernels};
use super::model::{Architecture, ModelDir, Pooling};
use super::ops::{self, AddNorm};

/// What masked keys get added to their scores: finite in the scores' dtype, so that softmax gives
/// exact zeros and never NaN (an `f32::MIN` cast to bf16 is `-inf`; f16 ends at 65504).
fn masked(dtype: DType) -> f64 {
    if dtype == DType::F16 {
        -6e4
    } else {
        -1e9
    }
}

struct Norm {
    weight: Tensor,
    bias: Tensor,
    eps: f32,
}

impl Norm {
    fn load(vb: &VarBuilder, size: usize, eps: f64) -> candle_core::Result<Norm> {
        Ok(Norm {
            weight: vb.get(size, "weight")?,
            bias: vb.get(size, "bias")?,
            eps: eps as f32,
        })
    }

    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        ops::layer_norm(x, &self.weight, &self.bias, self.eps)
    }
}

/// Weights as stored ([out, in]); each projection is one 2-D GEMM over all tokens of the batch.
/// With [`Encoder::fold_bias`] each weight is `[out, in + BIAS_COLUMNS]` and the biases are `None`.
struct Layer {
    /// q, k and v in one GEMM.
    qkv: Tensor,
    qkv_bias: Option<Tensor>,
    attn_out: Tensor,
    attn_norm: AddNorm,
    up: Tensor,
    up_bias: Option<Tensor>,
    down: Tensor,
    out_norm: AddNorm,
}

/// Columns appended to a folded projection's weight: its bias, then zeros, so that the inner
/// dimension stays a multiple of 8 (16-byte rows for half-precision tensor cores).
const BIAS_COLUMNS: usize = 8;

/// Where a projection's bias is added. Off the fused CPU kernels, adding a `[N]` bias to an
/// `[M, N]` activation is candle's generic broadcast kernel, which does 64-bit index arithmetic
/// per element: on an H100 those adds were 55% of MPNet's GPU time, more than every GEMM
/// together. Folded, the bias is one more input column of the GEMM (the activation gets a
/// column of ones), which costs a fast 2-D copy and 1% more GEMM work, and the bias is summed in
/// the GEMM's f32 accumulator instead of after rounding.
fn fold_bias(device: &Device, dtype: DType) -> bool {
    !(device.is_cpu() && dtype == DType::F32)
}

/// `weight` `[out, in]` and `bias` `[out]` as `[out, in + BIAS_COLUMNS]`.
fn folded(weight: Tensor, bias: &Tensor) -> candle_core::Result<Tensor> {
    let out = weight.dim(0)?;
    let zeros = Tensor::zeros((out, BIAS_COLUMNS - 1), weight.dtype(), weight.device())?;
    Tensor::cat(&[weight, bias.reshape((out, 1))?, zeros], 1)
}

pub struct Encoder {
    architecture: Architecture,
    word: Embedding,
    position: Tensor,
    /// BERT's token-type-0 row, added to every token.
    token_type: Option<Tensor>,
    embed_norm: Norm,
    layers: Vec<Layer>,
    /// MPNet's [buckets, heads] relative-position table (f32).
    relative: Option<Tensor>,
    heads: usize,
    head_dim: usize,
    pad_id: u32,
    pooling: Pooling,
    normalize: bool,
    /// Biases folded into the projection weights (see [`fold_bias`]).
    fold_bias: bool,
    dtype: DType,
    device: Device,
    /// The fused GPU path, when it runs this model (see [`fused`]).
    fused: Option<Box<dyn fused::Forward>>,
}

/// A projection's weight and bias.
fn linear(vb: &VarBuilder, input: usize, output: usize) -> candle_core::Result<(Tensor, Tensor)> {
    Ok((vb.get((output, input), "weight")?, vb.get(output, "bias")?))
}

fn fused_qkv(parts: [&VarBuilder; 3], hidden: usize) -> candle_core::Result<(Tensor, Tensor)> {
    let mut weights = Vec::with_capacity(3);
    let mut biases = Vec::with_capacity(3);
    for vb in parts {
        let (w, b) = linear(vb, hidden, hidden)?;
        weights.push(w);
        biases.push(b);
    }
    Ok((Tensor::cat(&weights, 0)?, Tensor::cat(&biases, 0)?))
}

/// The residual block closing a projection: its bias (unless folded), then LayerNorm (weights in
/// f32).
fn add_norm(
    bias: Option<Tensor>,
    norm: &VarBuilder,
    size: usize,
    eps: f64,
) -> candle_core::Result<AddNorm> {
    Ok(AddNorm {
        bias,
        weight: norm.get(size, "weight")?,
        beta: norm.get(size, "bias")?,
        eps: eps as f32,
    })
}

impl Encoder {
    /// `choice`: the kernels for a GPU in bf16/f16; anything else runs the generic path.
    pub fn load(
        model: &ModelDir,
        dtype: DType,
        device: &Device,
        choice: Choice,
    ) -> candle_core::Result<Encoder> {
        let c = &model.config;
        let fused_act = match choice {
            Choice::Fused(act)
                if !device.is_cpu()
                    && matches!(dtype, DType::BF16 | DType::F16)
                    && fused::supports(
                        c.hidden_size,
                        c.intermediate_size,
                        model.max_seq_length,
                    ) =>
            {
                Some(act)
            }
            _ => None,
        };
        let fold = fused_act.is_none() && fold_bias(device, dtype);
        #[allow(unused_mut)]
        let mut encoder = Self::load_with(model, dtype, device, fold)?;
        #[cfg(feature = "cuda")]
        if let Some(act) = fused_act {
            encoder.fused = Some(fused::cuda::bind(&encoder, act)?);
        }
        Ok(encoder)
    }

    /// Which kernels run the forward pass: `fused` or `generic`.
    pub fn kernels(&self) -> &'static str {
        if self.fused.is_some() {
            "fused"
        } else {
            "generic"
        }
    }

    pub fn device(&self) -> &Device {
        &self.device
    }

    pub fn dtype(&self) -> DType {
        self.dtype
    }

    /// This encoder's weights on `kernels`, for the fused path. Needs separate biases (loaded
    /// with `fold = false`).
    pub fn fused_weights<K: Kernels>(
        &self,
        kernels: &K,
        gelu: Act,
    ) -> candle_core::Result<fused::Weights<K::Half, K::Float>> {
        let half = |t: &Tensor| kernels.half_weight(t);
        let norm = |weight: &Tensor, bias: &Tensor, eps: f32| -> candle_core::Result<_> {
            Ok(fused::Norm {
                weight: kernels.float_weight(weight)?,
                bias: kernels.float_weight(bias)?,
                eps,
            })
        };
        let bias = |b: &Option<Tensor>| match b {
            Some(b) => half(b),
            None => candle_core::bail!("the fused encoder needs unfolded biases"),
        };
        let mut layers = Vec::with_capacity(self.layers.len());
        for l in &self.layers {
            layers.push(fused::Layer {
                qkv: half(&l.qkv)?,
                qkv_bias: bias(&l.qkv_bias)?,
                attn_out: half(&l.attn_out)?,
                attn_out_bias: bias(&l.attn_norm.bias)?,
                attn_norm: norm(&l.attn_norm.weight, &l.attn_norm.beta, l.attn_norm.eps)?,
                up: half(&l.up)?,
                up_bias: bias(&l.up_bias)?,
                down: half(&l.down)?,
                down_bias: bias(&l.out_norm.bias)?,
                out_norm: norm(&l.out_norm.weight, &l.out_norm.beta, l.out_norm.eps)?,
            });
        }
        let word = self.word.embeddings();
        let hidden = self.heads * self.head_dim;
        Ok(fused::Weights {
            architecture: self.architecture,
            embeddings: fused::Embeddings {
                word: half(word)?,
                vocab: word.dim(0)?,
                position: half(&self.position)?,
                positions: self.position.dim(0)?,
                token_type: self.token_type.as_ref().map(half).transpose()?,
            },
            embed_norm: norm(
                &self.embed_norm.weight,
                &self.embed_norm.bias,
                self.embed_norm.eps,
            )?,
            intermediate: self.layers.first().map_or(0, |l| l.up.dim(0).unwrap_or(0)),
            layers,
            relative: match &self.relative {
                Some(r) => Some(r.to_dtype(DType::F32)?.flatten_all()?.to_vec1()?),
                None => None,
            },
            hidden,
            heads: self.heads,
            pad_id: self.pad_id,
            pooling: self.pooling,
            normalize: self.normalize,
            gelu,
        })
    }

    pub(super) fn load_with(
        model: &ModelDir,
        dtype: DType,
        device: &Device,
        fold: bool,
    ) -> candle_core::Result<Encoder> {
        // SAFETY: the weights file is memory-mapped read-only for the life of the run; like every
        // safetensors reader we rely on nobody truncating it underneath us.
        let weights =
            unsafe { VarBuilder::from_mmaped_safetensors(&[&model.weights], dtype, device)? };
        let prefix = ["", "bert.", "mpnet."]
            .into_iter()
            .find(|p| weights.contains_tensor(&format!("{p}embeddings.word_embeddings.weight")))
            .unwrap_or("");
        let vb = weights.pp(prefix.trim_end_matches('.'));
        let vb = if prefix.is_empty() {
            weights.clone()
        } else {
            vb
        };
        let norms = vb.clone().set_dtype(DType::F32);
        let c = &model.config;
        let hidden = c.hidden_size;
        let emb = vb.pp("embeddings");
        let word = Embedding::new(
            emb.get((c.vocab_size, hidden), "word_embeddings.weight")?,
            hidden,
        );
        let position = emb.get(
            (c.max_position_embeddings, hidden),
            "position_embeddings.weight",
        )?;
        let token_type = match model.architecture {
            Architecture::Bert => {
                let table = emb.get_unchecked("token_type_embeddings.weight")?;
                Some(table.get(0)?)
            }
            Architecture::Mpnet => None,
        };
        let embed_norm = Norm::load(&norms.pp("embeddings.LayerNorm"), hidden, c.layer_norm_eps)?;
        let mut layers = Vec::with_capacity(c.num_hidden_layers);
        for i in 0..c.num_hidden_layers {
            let layer = vb.pp(format!("encoder.layer.{i}"));
            let layer_norms = norms.pp(format!("encoder.layer.{i}"));
            let ((qkv, qkv_bias), (attn_out, attn_out_bias), attn_norm) = match model.architecture {
                Architecture::Bert => {
                    let s = layer.pp("attention.self");
                    (
                        fused_qkv([&s.pp("query"), &s.pp("key"), &s.pp("value")], hidden)?,
                        linear(&layer.pp("attention.output.dense"), hidden, hidden)?,
                        layer_norms.pp("attention.output.LayerNorm"),
                    )
                }
                Architecture::Mpnet => {
                    let a = layer.pp("attention.attn");
                    (
                        fused_qkv([&a.pp("q"), &a.pp("k"), &a.pp("v")], hidden)?,
                        linear(&a.pp("o"), hidden, hidden)?,
                        layer_norms.pp("attention.LayerNorm"),
                    )
                }
            };
            let (up, up_bias) =
                linear(&layer.pp("intermediate.dense"), hidden, c.intermediate_size)?;
            let (down, down_bias) = linear(&layer.pp("output.dense"), c.intermediate_size, hidden)?;
            let place = |(weight, bias): (Tensor, Tensor)| -> candle_core::Result<_> {
                Ok(if fold {
                    (folded(weight, &bias)?, None)
                } else {
                    (weight, Some(bias))
                })
            };
            let (qkv, qkv_bias) = place((qkv, qkv_bias))?;
            let (attn_out, attn_out_bias) = place((attn_out, attn_out_bias))?;
            let (up, up_bias) = place((up, up_bias))?;
            let (down, down_bias) = place((down, down_bias))?;
            layers.push(Layer {
                qkv,
                qkv_bias,
                attn_out,
                attn_norm: add_norm(attn_out_bias, &attn_norm, hidden, c.layer_norm_eps)?,
                up,
                up_bias,
                down,
                out_norm: add_norm(
                    down_bias,
                    &layer_norms.pp("output.LayerNorm"),
                    hidden,
                    c.layer_norm_eps,
                )?,
            });
        }
        let relative = match model.architecture {
            Architecture::Mpnet => Some(norms.get(
                (c.relative_attention_num_buckets, c.num_attention_heads),
                "encoder.relative_attention_bias.weight",
            )?),
            Architecture::Bert => None,
        };
        Ok(Encoder {
            architecture: model.architecture,
            word,
            position,
            token_type,
            embed_norm,
            layers,
            relative,
            heads: c.num_attention_heads,
            head_dim: hidden / c.num_attention_heads,
            pad_id: c.pad_token_id,
            pooling: model.pooling,
            normalize: model.normalize,
            fold_bias: fold,
            dtype,
            device: device.clone(),
            fused: None,
        })
    }

    /// Embeds a batch of token-id sequences (each already truncated, special tokens included);
    /// returns one vector per sequence, in order.
    pub fn embed(&self, batch: &[&[u32]]) -> candle_core::Result<Vec<Vec<f32>>> {
        if let Some(fused) = &self.fused {
            return fused.forward(batch);
        }
        let rows = batch.len();
        let len = batch.iter().map(|s| s.len()).max().unwrap_or(0);
        if rows == 0 || len == 0 {
            return Ok(vec![Vec::new(); rows]);
        }
        let mut ids = Vec::with_capacity(rows * len);
        let mut mask = Vec::with_capacity(rows * len);
        for seq in batch {
            ids.extend_from_slice(seq);
            ids.extend(std::iter::repeat_n(self.pad_id, len - seq.len()));
            mask.extend(std::iter::repeat_n(1f32, seq.len()));
            mask.extend(std::iter::repeat_n(0f32, len - seq.len()));
        }
        let ids = Tensor::from_vec(ids, (rows, len), &self.device)?;
        let mask = Tensor::from_vec(mask, (rows, len), &self.device)?;
        let mut x = self.embeddings(&ids, batch, len)?;
        let bias = self.attention_bias(&mask, len)?;
        let ones = self.bias_inputs(rows * len)?;
        for layer in &self.layers {
            x = self.layer(layer, &x, &bias, ones.as_ref())?;
        }
        let pooled = self.pool(&x.to_dtype(DType::F32)?, &mask)?;
        let pooled = if self.normalize {
            let norm = pooled.sqr()?.sum_keepdim(1)?.sqrt()?.maximum(1e-12)?;
            pooled.broadcast_div(&norm)?
        } else {
            pooled
        };
        pooled.to_vec2()
    }

    fn embeddings(
        &self,
        ids: &Tensor,
        batch: &[&[u32]],
        len: usize,
    ) -> candle_core::Result<Tensor> {
        let words = self.word.forward(ids)?;
        let x = match self.architecture {
            Architecture::Bert => {
                let positions = self.position.narrow(0, 0, len)?;
                let mut x = words.broadcast_add(&positions)?;
                if let Some(token_type) = &self.token_type {
                    x = x.broadcast_add(token_type)?;
                }
                x
            }
            Architecture::Mpnet => {
                // Real tokens (a prefix of each row) take positions pad+1, pad+2, ...; pads take pad.
                let pad = self.pad_id;
                let positions: Vec<u32> = batch
                    .iter()
                    .flat_map(|seq| {
                        (0..len as u32).map(move |i| {
                            if (i as usize) < seq.len() {
                                pad + 1 + i
                            } else {
                                pad
                            }
                        })
                    })
                    .collect();
                let positions = Tensor::from_vec(positions, (batch.len(), len), &self.device)?;
                let table = Embedding::new(self.position.clone(), self.position.dim(1)?);
                (words + table.forward(&positions)?)?
            }
        };
        self.embed_norm.forward(&x)
    }

    /// The bias every layer adds to its attention scores: [B, 1, 1, L] padding mask for BERT,
    /// [B, H, L, L] padding mask plus relative-position bias for MPNet; summed in f32, stored in
    /// [`ops::attention_bias_dtype`].
    fn attention_bias(&self, mask: &Tensor, len: usize) -> candle_core::Result<Tensor> {
        let (rows, _) = mask.dims2()?;
        let dtype = ops::attention_bias_dtype(&self.device, self.dtype);
        let padding = ((1.0 - mask)? * masked(dtype))?.reshape((rows, 1, 1, len))?;
        let Some(relative) = &self.relative else {
            return padding.to_dtype(dtype);
        };
        let buckets = Tensor::from_vec(relative_buckets(len), len * len, &self.device)?;
        let bias = relative
            .index_select(&buckets, 0)?
            .reshape((len, len, self.heads))?
            .permute((2, 0, 1))?
            .unsqueeze(0)?;
        bias.broadcast_add(&padding)?.to_dtype(dtype)?.contiguous()
    }

    /// With folded biases: the `[tokens, BIAS_COLUMNS]` block appended to every projection's
    /// input, a column of ones and then zeros. Built once per batch.
    fn bias_inputs(&self, tokens: usize) -> candle_core::Result<Option<Tensor>> {
        if !self.fold_bias {
            return Ok(None);
        }
        let ones = Tensor::ones((tokens, 1), self.dtype, &self.device)?;
        let zeros = Tensor::zeros((tokens, BIAS_COLUMNS - 1), self.dtype, &self.device)?;
        Tensor::cat(&[ones, zeros], 1).map(Some)
    }

    fn layer(
        &self,
        layer: &Layer,
        x: &Tensor,
        bias: &Tensor,
        ones: Option<&Tensor>,
    ) -> candle_core::Result<Tensor> {
        let project = |x: &Tensor, weight: &Tensor| match ones {
            Some(ones) => Tensor::cat(&[x, ones], 1)?.matmul(&weight.t()?),
            None => x.matmul(&weight.t()?),
        };
        let (rows, len, hidden) = x.dims3()?;
        let tokens = x.reshape((rows * len, hidden))?;
        let qkv = project(&tokens, &layer.qkv)?.reshape((rows, len, 3 * hidden))?;
        let scale = 1.0 / (self.head_dim as f64).sqrt();
        let heads = ops::split_heads(&qkv, layer.qkv_bias.as_ref(), self.heads, scale)?;
        let context = ops::attention(&heads, bias, self.dtype)?;
        let h = layer
            .attn_norm
            .forward(&project(&context, &layer.attn_out)?, &tokens)?;
        let u = ops::bias_gelu(&project(&h, &layer.up)?, layer.up_bias.as_ref())?;
        let y = layer.out_norm.forward(&project(&u, &layer.down)?, &h)?;
        y.reshape((rows, len, hidden))
    }

    fn pool(&self, x: &Tensor, mask: &Tensor) -> candle_core::Result<Tensor> {
        match self.pooling {
            Pooling::Cls => x.narrow(1, 0, 1)?.squeeze(1),
            Pooling::Mean => {
                let mask = mask.unsqueeze(2)?;
                let sum = x.broadcast_mul(&mask)?.sum(1)?;
                let count = mask.sum(1)?.maximum(1e-9)?;
                sum.broadcast_div(&count)
            }
            Pooling::Max => {
                // Pads get a very negative value so they never win, as sentence-transformers does.
                let mask = mask.unsqueeze(2)?;
                let pad_penalty = ((1.0 - &mask)? * -1e9)?;
                x.broadcast_mul(&mask)?.broadcast_add(&pad_penalty)?.max(1)
            }
        }
    }
}

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
