// The fused path's element-wise kernels (see fused/mod.rs), bf16 and f16 storage, f32 math.
// Each has a Rust twin in fused/reference.rs that follows the same algorithm; the GPU check
// (examples/kernel_check.rs) compares them over a grid of shapes.
//
// Rows are handled one warp each, the row held in registers (fixed-size arrays, fully unrolled,
// so they never spill to local memory), two elements per 4-byte load: the host guarantees even
// widths, row starts aligned to 4 bytes, and the sizes below.

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <stdint.h>

// Widest LayerNorm row: 16 pairs per lane = 1,024 values.
#define ROW_PAIRS 16
// Longest attention row: 8 pairs per lane = 512 keys.
#define KEY_PAIRS 8

__device__ __forceinline__ float2 load2(const __nv_bfloat16 *p) {
    return __bfloat1622float2(*reinterpret_cast<const __nv_bfloat162 *>(p));
}
__device__ __forceinline__ float2 load2(const __half *p) {
    return __half22float2(*reinterpret_cast<const __half2 *>(p));
}
__device__ __forceinline__ void store2(__nv_bfloat16 *p, float a, float b) {
    *reinterpret_cast<__nv_bfloat162 *>(p) = __floats2bfloat162_rn(a, b);
}
__device__ __forceinline__ void store2(__half *p, float a, float b) {
    *reinterpret_cast<__half2 *>(p) = __floats2half2_rn(a, b);
}
__device__ __forceinline__ float to_float(__nv_bfloat16 x) { return __bfloat162float(x); }
__device__ __forceinline__ float to_float(__half x) { return __half2float(x); }

__device__ __forceinline__ float warp_sum(float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}
__device__ __forceinline__ float warp_max(float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

// LayerNorm of the row in v (pair p of this lane at v[2k], v[2k+1], p = lane + 32k), written to
// out: mean, then the mean squared deviation, both from registers, as reference::layer_norm_row.
template <typename T>
__device__ __forceinline__ void layer_norm_store(float (&v)[2 * ROW_PAIRS], int width,
                                                 const float *gamma, const float *beta,
                                                 float eps, T *out, int lane) {
    const int pairs = width / 2;
    float sum = 0.f;
#pragma unroll
    for (int k = 0; k < ROW_PAIRS; ++k)
        if (lane + 32 * k < pairs) sum += v[2 * k] + v[2 * k + 1];
    const float mean = warp_sum(sum) / width;
    float dev = 0.f;
#pragma unroll
    for (int k = 0; k < ROW_PAIRS; ++k)
        if (lane + 32 * k < pairs) {
            const float a = v[2 * k] - mean, b = v[2 * k + 1] - mean;
            dev += a * a + b * b;
        }
    const float inv = rsqrtf(warp_sum(dev) / width + eps);
#pragma unroll
    for (int k = 0; k < ROW_PAIRS; ++k) {
        const int c = 2 * (lane + 32 * k);
        if (c < width)
            store2(out + c, (v[2 * k] - mean) * inv * gamma[c] + beta[c],
                   (v[2 * k + 1] - mean) * inv * gamma[c + 1] + beta[c + 1]);
    }
}

// out[r] = LayerNorm(x[r] + residual[r]); one warp per row.
template <typename T>
__device__ void add_norm(const T *x, const T *residual, const float *gamma, const float *beta,
                         float eps, T *out, int rows, int width) {
    const int row = (blockIdx.x * blockDim.x + threadIdx.x) >> 5;
    const int lane = threadIdx.x & 31;
    if (row >= rows) return;
    const size_t at = (size_t)row * width;
    float v[2 * ROW_PAIRS];
#pragma unroll
    for (int k = 0; k < ROW_PAIRS; ++k) {
        const int c = 2 * (lane + 32 * k);
        if (c < width) {
            const float2 a = load2(x + at + c), b = load2(residual + at + c);
            v[2 * k] = a.x + b.x;
            v[2 * k + 1] = a.y + b.y;
        } else {
            v[2 * k] = v[2 * k + 1] = 0.f;
        }
    }
    layer_norm_store(v, width, gamma, beta, eps, out + at, lane);
}

// out[t] = LayerNorm(word[ids[t]] + position[positions[t]] (+ token_type)); one warp per token.
template <typename T>
__device__ void embed_norm(const uint32_t *ids, const uint32_t *positions, const T *word,
                           const T *position, const T *token_type, const float *gamma,
                           const float *beta, float eps, T *out, int rows, int width) {
    const int row = (blockIdx.x * blockDim.x + threadIdx.x) >> 5;
    const int lane = threadIdx.x & 31;
    if (row >= rows) return;
    const T *w = word + (size_t)ids[row] * width;
    const T *p = position + (size_t)positions[row] * width;
    float v[2 * ROW_PAIRS];
#pragma unroll
    for (int k = 0; k < ROW_PAIRS; ++k) {
        const int c = 2 * (lane + 32 * k);
        if (c < width) {
            const float2 a = load2(w + c), b = load2(p + c);
            float2 t = make_float2(0.f, 0.f);
            if (token_type) t = load2(token_type + c);
            v[2 * k] = a.x + b.x + t.x;
            v[2 * k + 1] = a.y + b.y + t.y;
        } else {
            v[2 * k] = v[2 * k + 1] = 0.f;
        }
    }
    layer_norm_store(v, width, gamma, beta, eps, out + (size_t)row * width, lane);
}

// In place over scores [rows, heads, len, pitch] (already scaled by the GEMM): + relative bias
// table[h][i - j + len - 1] (when there is a table), keys j >= length masked, softmax in f32.
// Query rows i >= length become zeros. One warp per (row, head, query).
template <typename T>
__device__ void softmax(T *scores, const float *table, const uint32_t *lengths, int rows,
                        int heads, int len, int pitch) {
    const int warp = (blockIdx.x * blockDim.x + threadIdx.x) >> 5;
    const int lane = threadIdx.x & 31;
    if (warp >= rows * heads * len) return;
    const int i = warp % len;
    const int h = (warp / len) % heads;
    const int valid = (int)lengths[warp / len / heads];
    T *row = scores + (size_t)warp * pitch;
    // Pairs cover 0..2*pairs, which is within the pitch (a multiple of 8, >= len).
    const int pairs = (len + 1) / 2;
    if (i >= valid) {
        for (int p = lane; p < pairs; p += 32) store2(row + 2 * p, 0.f, 0.f);
        return;
    }
    const float *bias = table ? table + (size_t)h * (2 * len - 1) + i + len - 1 : nullptr;
    float v[2 * KEY_PAIRS];
    float m = -INFINITY;
#pragma unroll
    for (int k = 0; k < KEY_PAIRS; ++k) {
        const int j = 2 * (lane + 32 * k);
        float a = -INFINITY, b = -INFINITY;
        if (j < valid) {
            const float2 s = load2(row + j);
            a = s.x + (bias ? bias[-j] : 0.f);
            if (j + 1 < valid) b = s.y + (bias ? bias[-(j + 1)] : 0.f);
        }
        v[2 * k] = a;
        v[2 * k + 1] = b;
        m = fmaxf(m, fmaxf(a, b));
    }
    m = warp_max(m);
    float sum = 0.f;
#pragma unroll
    for (int k = 0; k < 2 * KEY_PAIRS; ++k) {
        v[k] = __expf(v[k] - m);
        sum += v[k];
    }
    const float inv = 1.f / warp_sum(sum);
#pragma unroll
    for (int k = 0; k < KEY_PAIRS; ++k) {
        const int p = lane + 32 * k;
        if (p < pairs) store2(row + 2 * p, v[2 * k] * inv, v[2 * k + 1] * inv);
    }
}

// Exact (erf) GELU in place, for when the tanh form of cuBLASLt's epilogue is not wanted.
template <typename T>
__device__ void gelu_erf(T *x, size_t pairs) {
    for (size_t p = blockIdx.x * (size_t)blockDim.x + threadIdx.x; p < pairs;
         p += (size_t)gridDim.x * blockDim.x) {
        const float2 v = load2(x + 2 * p);
        store2(x + 2 * p, 0.5f * v.x * (1.f + erff(v.x * 0.70710678118654752f)),
               0.5f * v.y * (1.f + erff(v.y * 0.70710678118654752f)));
    }
}

// Pooled vectors [rows, width] in f32 from token states [rows, len, width]: mode 0 mean over the
// first lengths[b] tokens, 1 the first token, 2 the maximum over the first lengths[b]; then the
// L2 normalisation when asked. One block of 256 threads per row, 4 columns per thread at most.
#define POOL_THREADS 256
template <typename T>
__device__ void pool(const T *x, const uint32_t *lengths, float *out, int len, int width,
                     int mode, int normalize) {
    const int b = blockIdx.x;
    const int n = (int)lengths[b];
    const T *base = x + (size_t)b * len * width;
    float acc[4];
    float squares = 0.f;
#pragma unroll
    for (int k = 0; k < 4; ++k) {
        const int c = threadIdx.x + POOL_THREADS * k;
        float a = 0.f;
        if (c < width) {
            if (mode == 1) {
                a = to_float(base[c]);
            } else if (mode == 2) {
                a = -INFINITY;
                for (int t = 0; t < n; ++t) a = fmaxf(a, to_float(base[(size_t)t * width + c]));
            } else {
                for (int t = 0; t < n; ++t) a += to_float(base[(size_t)t * width + c]);
                a /= (float)max(n, 1);
            }
            squares += a * a;
        }
        acc[k] = a;
    }
    float scale = 1.f;
    if (normalize) {
        __shared__ float partial[POOL_THREADS / 32];
        squares = warp_sum(squares);
        if ((threadIdx.x & 31) == 0) partial[threadIdx.x >> 5] = squares;
        __syncthreads();
        float total = 0.f;
#pragma unroll
        for (int w = 0; w < POOL_THREADS / 32; ++w) total += partial[w];
        scale = 1.f / fmaxf(sqrtf(total), 1e-12f);
    }
#pragma unroll
    for (int k = 0; k < 4; ++k) {
        const int c = threadIdx.x + POOL_THREADS * k;
        if (c < width) out[(size_t)b * width + c] = acc[k] * scale;
    }
}

#define INSTANTIATE(T, NAME)                                                                   \
    extern "C" __global__ void add_norm_##NAME(const T *x, const T *residual,                  \
                                               const float *gamma, const float *beta,          \
                                               float eps, T *out, int rows, int width) {       \
        add_norm(x, residual, gamma, beta, eps, out, rows, width);                             \
    }                                                                                          \
    extern "C" __global__ void embed_norm_##NAME(                                              \
        const uint32_t *ids, const uint32_t *positions, const T *word, const T *position,      \
        const T *token_type, const float *gamma, const float *beta, float eps, T *out,         \
        int rows, int width) {                                                                 \
        embed_norm(ids, positions, word, position, token_type, gamma, beta, eps, out, rows,    \
                   width);                                                                     \
    }                                                                                          \
    extern "C" __global__ void softmax_##NAME(T *scores, const float *table,                   \
                                              const uint32_t *lengths, int rows, int heads,    \
                                              int len, int pitch) {                            \
        softmax(scores, table, lengths, rows, heads, len, pitch);                              \
    }                                                                                          \
    extern "C" __global__ void gelu_erf_##NAME(T *x, size_t pairs) { gelu_erf(x, pairs); }     \
    extern "C" __global__ void pool_##NAME(const T *x, const uint32_t *lengths, float *out,    \
                                           int len, int width, int mode, int normalize) {      \
        pool(x, lengths, out, len, width, mode, normalize);                                    \
    }

INSTANTIATE(__nv_bfloat16, bf16)
INSTANTIATE(__half, f16)
