//! [`Kernels`] on an NVIDIA GPU: projections through cuBLASLt with their bias (and GELU) in the
//! epilogue, the attention GEMMs through cuBLAS's strided-batched GEMM with pointer offsets into
//! the QKV buffer, and our own kernels (`kernels.cu`, compiled to PTX by build.rs) for the rest.
//! Everything runs on candle's stream, in order, and nothing here waits for the GPU: a batch's
//! inputs go up and its pooled vectors come back through page-locked staging buffers, and only
//! [`Readback::wait`] blocks, on an event recorded after the copy back.

use std::ffi::c_void;
use std::mem::ManuallyDrop;
use std::sync::{Arc, Mutex, PoisonError};

use candle_core::cuda_backend::cudarc::cublas::{result as blas, sys as blas_sys, CudaBlas};
use candle_core::cuda_backend::cudarc::cublaslt::{Activation, CudaBlasLT, Matmul, MatmulConfig};
use candle_core::cuda_backend::cudarc::driver::{
    sys, CudaEvent, CudaFunction, CudaSlice, CudaStream, DevicePtr, DevicePtrMut, DeviceRepr,
    LaunchArgs, LaunchConfig, PinnedHostSlice, PushKernelArg, ValidAsZeroBits,
};
use candle_core::cuda_backend::CudaDType;
use candle_core::{DType, Result, Storage, Tensor};
use half::{bf16, f16};

use super::plan::{Attention, Gemm};
use super::{Act, Bound, Embeddings, Forward, Inputs, Kernels, Norm, Pool, Uploaded};
use crate::embed::encoder::{Encoder, Pending};
use crate::embed::model::Pooling;

const PTX: &str = include_str!(concat!(env!("OUT_DIR"), "/kernels.ptx"));
const MODULE: &str = "lakeops_fused";

/// A storage type of the fused path.
pub trait HalfType:
    CudaDType + DeviceRepr + ValidAsZeroBits + candle_core::WithDType + Send + Sync + 'static
where
    CudaBlasLT: Matmul<Self>,
{
    const SUFFIX: &'static str;
    const CUDA: blas_sys::cudaDataType;
}

impl HalfType for bf16 {
    const SUFFIX: &'static str = "bf16";
    const CUDA: blas_sys::cudaDataType = blas_sys::cudaDataType::CUDA_R_16BF;
}

impl HalfType for f16 {
    const SUFFIX: &'static str = "f16";
    const CUDA: blas_sys::cudaDataType = blas_sys::cudaDataType::CUDA_R_16F;
}

fn wrap<E: std::fmt::Display>(what: &'static str) -> impl Fn(E) -> candle_core::Error {
    move |e| candle_core::Error::msg(format!("{what}: {e}"))
}

struct Functions {
    add_norm: CudaFunction,
    embed_norm: CudaFunction,
    softmax: CudaFunction,
    gelu_erf: CudaFunction,
    pool: CudaFunction,
}

pub struct CudaKernels<T> {
    stream: Arc<CudaStream>,
    blas: Arc<CudaBlas>,
    lt: CudaBlasLT,
    functions: Functions,
    /// Staging buffers no batch holds, for the next batches.
    spare: Arc<Mutex<Vec<Buffers>>>,
    _dtype: std::marker::PhantomData<T>,
}

/// Page-locked host memory for one batch: its token ids, positions and lengths go up from
/// `ints`, its relative table from the start of `floats`, and its pooled vectors come back into
/// `floats` after the table.
struct Buffers {
    ints: PinnedHostSlice<u32>,
    floats: PinnedHostSlice<f32>,
    /// Recorded on the stream after the last copy queued from or into the buffers.
    copied: CudaEvent,
}

/// Most staging buffers kept spare: two batches are in flight at once (`Embedder::embed_ids`),
/// and a third, larger set may be on its way back.
const SPARE: usize = 3;

/// A batch's staging buffers. Copies between the GPU and pageable memory may wait for all work
/// queued before them on the stream (CUDA's "API synchronization behavior"), so batch n+1's
/// uploads would wait for batch n to finish; from page-locked memory they are queued like
/// kernels. The buffers stay with their batch until its vectors are read, then go back to the
/// spare list, so a copy never reads or writes buffers another batch is filling.
pub struct Staging {
    buffers: ManuallyDrop<Buffers>,
    /// Where the pooled vectors come back in `floats`.
    pooled_at: usize,
    /// False once recording `copied` failed: the buffers are never reused or freed then.
    recorded: bool,
    spare: Arc<Mutex<Vec<Buffers>>>,
}

impl Staging {
    /// Marks the copies queued so far as the buffers' last use.
    fn record(&mut self, stream: &CudaStream) -> Result<()> {
        self.recorded = self.buffers.copied.record(stream).is_ok();
        if !self.recorded {
            candle_core::bail!("cannot record the copies' event on the GPU stream");
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        // SAFETY: taken once, here; `buffers` is not touched after.
        let buffers = unsafe { ManuallyDrop::take(&mut self.buffers) };
        // A batch dropped on an error may still have copies in flight: wait for them. If the GPU
        // cannot say they are done, the buffers are leaked, never reused or freed under a copy.
        if !self.recorded || buffers.copied.synchronize().is_err() {
            std::mem::forget(buffers);
            return;
        }
        let mut spare = self.spare.lock().unwrap_or_else(PoisonError::into_inner);
        spare.push(buffers);
        if spare.len() > SPARE {
            // Freeing page-locked memory may wait for the device: keep the largest sets, so
            // this happens a few times per run, not per batch.
            if let Some(smallest) =
                (0..spare.len()).min_by_key(|&i| spare[i].ints.len() + spare[i].floats.len())
            {
                spare.swap_remove(smallest);
            }
        }
    }
}

/// A batch's pooled vectors on their way back into its staging buffers.
struct Readback {
    staging: Staging,
    rows: usize,
    width: usize,
}

impl Pending for Readback {
    fn wait(self: Box<Self>) -> Result<Vec<Vec<f32>>> {
        let buffers = &self.staging.buffers;
        buffers
            .copied
            .synchronize()
            .map_err(wrap("copy from the GPU"))?;
        let floats = buffers
            .floats
            .as_slice()
            .map_err(wrap("copy from the GPU"))?;
        let at = self.staging.pooled_at;
        Ok(floats[at..at + self.rows * self.width]
            .chunks(self.width)
            .map(<[f32]>::to_vec)
            .collect())
    }
}

/// Rows per block for the one-warp-per-row kernels.
const WARPS: u32 = 8;

fn warp_rows(rows: usize) -> LaunchConfig {
    LaunchConfig {
        grid_dim: ((rows as u32).div_ceil(WARPS), 1, 1),
        block_dim: (32 * WARPS, 1, 1),
        shared_mem_bytes: 0,
    }
}

/// Keeps freed memory in the stream-ordered pool across synchronisations. With CUDA's default
/// release threshold (0) every batch's read-back trims the pool, and the next batch maps its
/// buffers (about 1 GB for 512 MPNet sequences of 256 tokens) from the driver again. Only a
/// speed setting: if the driver refuses, nothing else changes.
fn keep_pool_memory(stream: &CudaStream) {
    let mut pool: sys::CUmemoryPool = std::ptr::null_mut();
    let mut threshold = u64::MAX;
    // SAFETY: plain driver calls on the stream's own device with valid out-pointers.
    unsafe {
        if sys::cuDeviceGetDefaultMemPool(&mut pool, stream.context().cu_device())
            == sys::CUresult::CUDA_SUCCESS
        {
            let _ = sys::cuMemPoolSetAttribute(
                pool,
                sys::CUmemPool_attribute::CU_MEMPOOL_ATTR_RELEASE_THRESHOLD,
                &mut threshold as *mut u64 as *mut c_void,
            );
        }
    }
}

fn launch(mut builder: LaunchArgs<'_>, cfg: LaunchConfig) -> Result<()> {
    // SAFETY: every caller passes the argument list its kernel declares (kernels.cu), and buffers
    // the host sized for the launch's rows and widths (the `Kernels` contracts).
    unsafe { builder.launch(cfg) }.map_err(wrap("kernel launch"))?;
    Ok(())
}

fn op(transpose: bool) -> blas_sys::cublasOperation_t {
    if transpose {
        blas_sys::cublasOperation_t::CUBLAS_OP_T
    } else {
        blas_sys::cublasOperation_t::CUBLAS_OP_N
    }
}

impl<T: HalfType> CudaKernels<T>
where
    CudaBlasLT: Matmul<T>,
{
    pub fn new(device: &candle_core::Device) -> Result<Self> {
        let device = device.as_cuda_device()?;
        let load = |name: &str| -> Result<CudaFunction> {
            Ok(device
                .get_or_load_custom_func(&format!("{name}_{}", T::SUFFIX), MODULE, PTX)?
                .into_cuda_function())
        };
        let stream = device.cuda_stream();
        keep_pool_memory(&stream);
        Ok(CudaKernels {
            lt: CudaBlasLT::new(stream.clone()).map_err(wrap("cuBLASLt"))?,
            blas: device.cublas_handle(),
            stream,
            functions: Functions {
                add_norm: load("add_norm")?,
                embed_norm: load("embed_norm")?,
                softmax: load("softmax")?,
                gelu_erf: load("gelu_erf")?,
                pool: load("pool")?,
            },
            spare: Arc::default(),
            _dtype: std::marker::PhantomData,
        })
    }

    /// Staging with room for `ints` and `floats` values: a spare set when one is large enough,
    /// else a new one (sizes rounded up to a power of two, so a run allocates a handful).
    fn staging(&self, ints: usize, floats: usize) -> Result<Staging> {
        let reused = {
            let mut spare = self.spare.lock().unwrap_or_else(PoisonError::into_inner);
            spare
                .iter()
                .position(|b| b.ints.len() >= ints && b.floats.len() >= floats)
                .map(|i| spare.swap_remove(i))
        };
        let buffers = match reused {
            Some(buffers) => buffers,
            None => {
                let context = self.stream.context();
                // SAFETY: any bit pattern is a valid u32 or f32, and every batch writes the part
                // of the buffers it copies before queueing the copy.
                let (ints, floats) = unsafe {
                    (
                        context.alloc_pinned_with_flags::<u32>(ints.max(1).next_power_of_two(), 0),
                        context
                            .alloc_pinned_with_flags::<f32>(floats.max(1).next_power_of_two(), 0),
                    )
                };
                Buffers {
                    ints: ints.map_err(wrap("page-locked allocation"))?,
                    floats: floats.map_err(wrap("page-locked allocation"))?,
                    copied: context
                        .new_event(Some(sys::CUevent_flags::CU_EVENT_BLOCKING_SYNC))
                        .map_err(wrap("event"))?,
                }
            }
        };
        Ok(Staging {
            buffers: ManuallyDrop::new(buffers),
            pooled_at: 0,
            recorded: true,
            spare: self.spare.clone(),
        })
    }

    /// Queues the copies of one batch's inputs from `staging`, which holds them.
    fn copy_inputs(
        &self,
        staging: &Staging,
        inputs: &Inputs<'_>,
    ) -> Result<Uploaded<CudaKernels<T>>> {
        let ints = staging
            .buffers
            .ints
            .as_slice()
            .map_err(wrap("copy to the GPU"))?;
        let floats = staging
            .buffers
            .floats
            .as_slice()
            .map_err(wrap("copy to the GPU"))?;
        let (ids, rest) = ints.split_at(inputs.ids.len());
        let (positions, rest) = rest.split_at(inputs.positions.len());
        let lengths = &rest[..inputs.lengths.len()];
        let up = |host: &[u32]| {
            self.stream
                .clone_htod(host)
                .map_err(wrap("copy to the GPU"))
        };
        Ok(Uploaded {
            ids: up(ids)?,
            positions: up(positions)?,
            lengths: up(lengths)?,
            table: match inputs.table {
                Some(table) => Some(
                    self.stream
                        .clone_htod(&floats[..table.len()])
                        .map_err(wrap("copy to the GPU"))?,
                ),
                None => None,
            },
        })
    }

    /// A buffer's contents in f32, on the host (for the GPU check).
    pub fn to_host(&self, buffer: &CudaSlice<T>) -> Result<Vec<f32>> {
        let host = self
            .stream
            .clone_dtoh(buffer)
            .map_err(wrap("copy from the GPU"))?;
        Ok(host.into_iter().map(|v| v.to_f64() as f32).collect())
    }

    /// A contiguous copy of `t`, converted to `U`, owned by the fused path.
    fn copy_of<U: CudaDType + DeviceRepr>(&self, t: &Tensor, dtype: DType) -> Result<CudaSlice<U>> {
        let t = t.to_dtype(dtype)?.contiguous()?;
        let (storage, layout) = t.storage_and_layout();
        let Storage::Cuda(storage) = &*storage else {
            candle_core::bail!("fused encoder: a weight is not on the GPU");
        };
        let Some((start, end)) = layout.contiguous_offsets() else {
            candle_core::bail!("fused encoder: a weight is not contiguous");
        };
        let slice = storage.as_cuda_slice::<U>()?.slice(start..end);
        self.stream.clone_dtod(&slice).map_err(wrap("copy"))
    }
}

impl<T: HalfType> Kernels for CudaKernels<T>
where
    CudaBlasLT: Matmul<T>,
{
    type Half = CudaSlice<T>;
    type Float = CudaSlice<f32>;
    type Ids = CudaSlice<u32>;
    type Staging = Staging;

    fn scratch(&self, len: usize) -> Result<CudaSlice<T>> {
        // SAFETY: the `Kernels` contract: every user writes a scratch buffer before reading it.
        unsafe { self.stream.alloc::<T>(len.max(1)) }.map_err(wrap("allocation"))
    }

    fn ids(&self, host: &[u32]) -> Result<CudaSlice<u32>> {
        self.stream
            .clone_htod(host)
            .map_err(wrap("copy to the GPU"))
    }

    fn floats(&self, host: &[f32]) -> Result<CudaSlice<f32>> {
        self.stream
            .clone_htod(host)
            .map_err(wrap("copy to the GPU"))
    }

    fn upload(&self, inputs: &Inputs<'_>) -> Result<(Uploaded<Self>, Staging)> {
        let table = inputs.table.unwrap_or_default();
        let ints = inputs.ids.len() + inputs.positions.len() + inputs.lengths.len();
        let mut staging = self.staging(ints, table.len() + inputs.pooled)?;
        staging.pooled_at = table.len();
        {
            let ints = staging
                .buffers
                .ints
                .as_mut_slice()
                .map_err(wrap("staging"))?;
            let (ids, rest) = ints.split_at_mut(inputs.ids.len());
            let (positions, rest) = rest.split_at_mut(inputs.positions.len());
            ids.copy_from_slice(inputs.ids);
            positions.copy_from_slice(inputs.positions);
            rest[..inputs.lengths.len()].copy_from_slice(inputs.lengths);
            let floats = staging
                .buffers
                .floats
                .as_mut_slice()
                .map_err(wrap("staging"))?;
            floats[..table.len()].copy_from_slice(table);
        }
        let uploaded = self.copy_inputs(&staging, inputs);
        // Recorded even when a copy failed: those queued before it may still read the buffers.
        staging.record(&self.stream)?;
        Ok((uploaded?, staging))
    }

    fn half_weight(&self, t: &Tensor) -> Result<CudaSlice<T>> {
        self.copy_of(t, T::DTYPE)
    }

    fn float_weight(&self, t: &Tensor) -> Result<CudaSlice<f32>> {
        self.copy_of(t, DType::F32)
    }

    fn linear(
        &self,
        g: &Gemm,
        weight: &CudaSlice<T>,
        x: &CudaSlice<T>,
        bias: &CudaSlice<T>,
        act: Act,
        out: &mut CudaSlice<T>,
    ) -> Result<()> {
        let cfg = MatmulConfig {
            transa: g.transa,
            transb: g.transb,
            transc: false,
            m: g.m as u64,
            n: g.n as u64,
            k: g.k as u64,
            alpha: g.alpha,
            lda: g.lda as i64,
            ldb: g.ldb as i64,
            beta: 0.0,
            ldc: g.ldc as i64,
            stride_a: None,
            stride_b: None,
            stride_c: None,
            stride_bias: None,
            batch_size: None,
        };
        let epilogue = (act == Act::GeluTanh).then_some(Activation::Gelu);
        // SAFETY: the plan's m, n, k and leading dimensions match the buffers' sizes
        // (`plan::linear` of the forward pass's own shapes).
        unsafe {
            self.lt
                .matmul(cfg, weight, x, out, Some(bias), epilogue.as_ref())
        }
        .map_err(wrap("cuBLASLt matmul"))?;
        if act == Act::GeluErf {
            let pairs = g.m * g.n / 2;
            let cfg = LaunchConfig {
                grid_dim: ((pairs as u32).div_ceil(256).min(65_535), 1, 1),
                block_dim: (256, 1, 1),
                shared_mem_bytes: 0,
            };
            let mut b = self.stream.launch_builder(&self.functions.gelu_erf);
            b.arg(&mut *out).arg(&pairs);
            launch(b, cfg)?;
        }
        Ok(())
    }

    fn gemm(
        &self,
        g: &Gemm,
        a: &CudaSlice<T>,
        b: &CudaSlice<T>,
        c: &mut CudaSlice<T>,
    ) -> Result<()> {
        let size = std::mem::size_of::<T>() as u64;
        let (alpha, beta) = (g.alpha, 0f32);
        let (a_ptr, _a) = a.device_ptr(&self.stream);
        let (b_ptr, _b) = b.device_ptr(&self.stream);
        let (c_ptr, _c) = c.device_ptr_mut(&self.stream);
        // SAFETY: offsets, leading dimensions and strides come from `plan::Attention`, whose
        // extents lie within the QKV, score and context buffers the forward pass sized from the
        // same shape (checked on the CPU by the plan tests).
        unsafe {
            blas::gemm_strided_batched_ex(
                *self.blas.handle(),
                op(g.transa),
                op(g.transb),
                g.m as i32,
                g.n as i32,
                g.k as i32,
                &alpha as *const f32 as *const c_void,
                (a_ptr + g.a_offset as u64 * size) as *const c_void,
                T::CUDA,
                g.lda as i32,
                g.stride_a as i64,
                (b_ptr + g.b_offset as u64 * size) as *const c_void,
                T::CUDA,
                g.ldb as i32,
                g.stride_b as i64,
                &beta as *const f32 as *const c_void,
                (c_ptr + g.c_offset as u64 * size) as *mut c_void,
                T::CUDA,
                g.ldc as i32,
                g.stride_c as i64,
                g.batch as i32,
                blas_sys::cublasComputeType_t::CUBLAS_COMPUTE_32F,
                blas_sys::cublasGemmAlgo_t::CUBLAS_GEMM_DEFAULT,
            )
        }
        .map_err(wrap("cuBLAS strided-batched GEMM"))
    }

    fn softmax(
        &self,
        shape: &Attention,
        scores: &mut CudaSlice<T>,
        table: Option<&CudaSlice<f32>>,
        lengths: &CudaSlice<u32>,
    ) -> Result<()> {
        let rows = shape.rows * shape.heads * shape.len;
        let (r, h, l, p) = (
            shape.rows as i32,
            shape.heads as i32,
            shape.len as i32,
            shape.pitch() as i32,
        );
        let null = 0u64;
        let mut b = self.stream.launch_builder(&self.functions.softmax);
        b.arg(scores);
        match table {
            Some(t) => b.arg(t),
            None => b.arg(&null),
        };
        b.arg(lengths).arg(&r).arg(&h).arg(&l).arg(&p);
        launch(b, warp_rows(rows))
    }

    fn add_norm(
        &self,
        width: usize,
        x: &CudaSlice<T>,
        residual: &CudaSlice<T>,
        norm: &Norm<CudaSlice<f32>>,
        out: &mut CudaSlice<T>,
    ) -> Result<()> {
        let rows = x.len() / width;
        let (r, w) = (rows as i32, width as i32);
        let mut b = self.stream.launch_builder(&self.functions.add_norm);
        b.arg(x)
            .arg(residual)
            .arg(&norm.weight)
            .arg(&norm.bias)
            .arg(&norm.eps)
            .arg(out)
            .arg(&r)
            .arg(&w);
        launch(b, warp_rows(rows))
    }

    fn embed_norm(
        &self,
        width: usize,
        ids: &CudaSlice<u32>,
        positions: &CudaSlice<u32>,
        tables: &Embeddings<CudaSlice<T>>,
        norm: &Norm<CudaSlice<f32>>,
        out: &mut CudaSlice<T>,
    ) -> Result<()> {
        let rows = ids.len();
        let (r, w) = (rows as i32, width as i32);
        let null = 0u64;
        let mut b = self.stream.launch_builder(&self.functions.embed_norm);
        b.arg(ids)
            .arg(positions)
            .arg(&tables.word)
            .arg(&tables.position);
        match &tables.token_type {
            Some(t) => b.arg(t),
            None => b.arg(&null),
        };
        b.arg(&norm.weight)
            .arg(&norm.bias)
            .arg(&norm.eps)
            .arg(out)
            .arg(&r)
            .arg(&w);
        launch(b, warp_rows(rows))
    }

    fn pool(
        &self,
        shape: &Pool,
        x: &CudaSlice<T>,
        lengths: &CudaSlice<u32>,
        mut staging: Staging,
    ) -> Result<Box<dyn Pending>> {
        let mut out = self
            .stream
            .alloc_zeros::<f32>(shape.rows * shape.width)
            .map_err(wrap("allocation"))?;
        let mode: i32 = match shape.pooling {
            Pooling::Mean => 0,
            Pooling::Cls => 1,
            Pooling::Max => 2,
        };
        let (len, width, normalize) =
            (shape.len as i32, shape.width as i32, shape.normalize as i32);
        let cfg = LaunchConfig {
            grid_dim: (shape.rows as u32, 1, 1),
            block_dim: (256, 1, 1),
            shared_mem_bytes: 0,
        };
        let mut b = self.stream.launch_builder(&self.functions.pool);
        b.arg(x)
            .arg(lengths)
            .arg(&mut out)
            .arg(&len)
            .arg(&width)
            .arg(&mode)
            .arg(&normalize);
        launch(b, cfg)?;
        let at = staging.pooled_at;
        let copied = {
            let floats = staging
                .buffers
                .floats
                .as_mut_slice()
                .map_err(wrap("staging"))?;
            self.stream
                .memcpy_dtoh(&out, &mut floats[at..at + out.len()])
                .map_err(wrap("copy from the GPU"))
        };
        staging.record(&self.stream)?;
        copied?;
        Ok(Box::new(Readback {
            staging,
            rows: shape.rows,
            width: shape.width,
        }))
    }
}

/// The fused path for `encoder`'s weights, in its dtype (bf16 or f16).
pub fn bind(encoder: &Encoder, gelu: Act) -> Result<Box<dyn Forward>> {
    fn bound<T: HalfType>(encoder: &Encoder, gelu: Act) -> Result<Box<dyn Forward>>
    where
        CudaBlasLT: Matmul<T>,
    {
        let kernels = CudaKernels::<T>::new(encoder.device())?;
        let weights = encoder.fused_weights(&kernels, gelu)?;
        Ok(Box::new(Bound { kernels, weights }))
    }
    match encoder.dtype() {
        DType::BF16 => bound::<bf16>(encoder, gelu),
        DType::F16 => bound::<f16>(encoder, gelu),
        other => candle_core::bail!("the fused encoder runs bf16 or f16, not {other:?}"),
    }
}
