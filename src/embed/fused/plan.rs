//! The fused path's shapes as pure functions: every cuBLAS call's m, n, k, leading dimensions,
//! batch strides and pointer offsets, and the relative-position table the softmax kernel reads.
//! They are plain data so that the CPU can check them (see `reference::gemm`): a wrong stride is
//! the costliest bug to find on a short GPU budget.
//!
//! cuBLAS is column-major. A row-major `[rows, cols]` matrix with row pitch `ld` is, read
//! column-major, its transpose `[cols, rows]` with the same `ld`, which is how every mapping below
//! is derived.

use crate::embed::encoder::relative_bucket;

/// One (strided-batched) GEMM in cuBLAS terms: `C = alpha · op(A) · op(B)` for each of `batch`
/// matrices, `C` being `m × n` column-major with leading dimension `ldc`. Offsets and strides are
/// in elements.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gemm {
    pub transa: bool,
    pub transb: bool,
    pub m: usize,
    pub n: usize,
    pub k: usize,
    pub lda: usize,
    pub ldb: usize,
    pub ldc: usize,
    pub a_offset: usize,
    pub b_offset: usize,
    pub c_offset: usize,
    pub stride_a: usize,
    pub stride_b: usize,
    pub stride_c: usize,
    pub batch: usize,
    pub alpha: f32,
}

/// A projection `Y[tokens, outputs] = X[tokens, inputs] · W[outputs, inputs]ᵀ (+ bias[outputs])`
/// with `A = W`, `B = X`: column-major, `C` is `Yᵀ` (`outputs × tokens`), so a bias epilogue,
/// which runs along `m`, adds one bias per output feature.
pub fn linear(tokens: usize, inputs: usize, outputs: usize) -> Gemm {
    Gemm {
        transa: true,
        transb: false,
        m: outputs,
        n: tokens,
        k: inputs,
        lda: inputs,
        ldb: inputs,
        ldc: outputs,
        a_offset: 0,
        b_offset: 0,
        c_offset: 0,
        stride_a: 0,
        stride_b: 0,
        stride_c: 0,
        batch: 1,
        alpha: 1.0,
    }
}

/// The shapes of one batch's self-attention, read straight out of the fused QKV projection
/// `[rows · len, 3 · hidden]` (q, then k, then v, each `heads × head_dim` wide).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attention {
    pub rows: usize,
    pub len: usize,
    pub heads: usize,
    pub head_dim: usize,
}

impl Attention {
    pub fn hidden(&self) -> usize {
        self.heads * self.head_dim
    }

    /// Row pitch of the score matrices: `len` rounded up to 8 elements, so that every row starts
    /// 16-byte aligned for the tensor cores and the softmax kernel's paired loads.
    pub fn pitch(&self) -> usize {
        self.len.div_ceil(8) * 8
    }

    /// Elements of the score buffer `[rows, heads, len, pitch]`.
    pub fn scores_len(&self) -> usize {
        self.rows * self.heads * self.len * self.pitch()
    }

    /// `S[b, h, i, j] = alpha · q[b, i, h] · k[b, j, h]` for one head, batched over the rows
    /// (sequences) of the batch. Column-major `C(j, i)` is `S[b, h, i, j]` at `i · pitch + j`;
    /// `op(A) = kᵀ`-read-as-`k` (`A` is `k` stored `head_dim × len` with `ld = 3 · hidden`,
    /// transposed), `op(B)` is `q` stored the same way, not transposed.
    pub fn scores(&self, head: usize, alpha: f32) -> Gemm {
        let (hidden, pitch) = (self.hidden(), self.pitch());
        Gemm {
            transa: true,
            transb: false,
            m: self.len,
            n: self.len,
            k: self.head_dim,
            lda: 3 * hidden,
            ldb: 3 * hidden,
            ldc: pitch,
            a_offset: hidden + head * self.head_dim,
            b_offset: head * self.head_dim,
            c_offset: head * self.len * pitch,
            stride_a: self.len * 3 * hidden,
            stride_b: self.len * 3 * hidden,
            stride_c: self.heads * self.len * pitch,
            batch: self.rows,
            alpha,
        }
    }

    /// `ctx[b, i, h·D + d] = Σ_j P[b, h, i, j] · v[b, j, h, d]`, written straight into the
    /// `[rows · len, hidden]` layout the output projection reads. Column-major `C(d, i)` at
    /// `i · hidden + h·D + d`; `A` is `v` (`head_dim × len`, `ld = 3 · hidden`), `B` is `P`
    /// (`len × len`, `ld = pitch`), neither transposed.
    pub fn context(&self, head: usize) -> Gemm {
        let (hidden, pitch) = (self.hidden(), self.pitch());
        Gemm {
            transa: false,
            transb: false,
            m: self.head_dim,
            n: self.len,
            k: self.len,
            lda: 3 * hidden,
            ldb: pitch,
            ldc: hidden,
            a_offset: 2 * hidden + head * self.head_dim,
            b_offset: head * self.len * pitch,
            c_offset: head * self.head_dim,
            stride_a: self.len * 3 * hidden,
            stride_b: self.heads * self.len * pitch,
            stride_c: self.len * hidden,
            batch: self.rows,
            alpha: 1.0,
        }
    }
}

/// MPNet's relative-position bias for sequences of `len`, as the softmax kernel reads it:
/// `[heads, 2·len − 1]`, entry `(h, i − j + len − 1)` being the bias of query `i`, key `j`.
/// `relative` is the model's `[buckets, heads]` table. It replaces a `[rows, heads, len, len]`
/// tensor (805 MB for 512 sequences of 256 tokens in bf16) with 12 × 511 floats.
pub fn relative_table(relative: &[f32], heads: usize, len: usize) -> Vec<f32> {
    let width = 2 * len - 1;
    let mut table = vec![0f32; heads * width];
    for d in 0..width {
        let bucket = relative_bucket(d as i64 - (len as i64 - 1)) as usize;
        for h in 0..heads {
            table[h * width + d] = relative[bucket * heads + h];
        }
    }
    table
}
