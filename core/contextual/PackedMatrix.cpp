#include "contextual/PackedMatrix.h"

#include <immintrin.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>

// The Eigen kernel drives Eigen 3.4's internal product kernel directly; its interface is
// internal, so it is used only with the version it was written against.
#if EIGEN_VERSION_AT_LEAST(3, 4, 0) && !EIGEN_VERSION_AT_LEAST(3, 4, 90)
#define EMBEX_EIGEN_GEBP 1
#else
#define EMBEX_EIGEN_GEBP 0
#endif

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define EMBEX_AVX512_KERNEL 1
#else
#define EMBEX_AVX512_KERNEL 0
#endif

namespace embex::detail {

namespace {

using Index = Eigen::Index;
using RowMajorF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// ---- Eigen's block-panel kernel ------------------------------------------------------------

/// Depth (in) per packed block and activation rows packed at a time.
constexpr Index kEigenDepth = 384;
constexpr Index kEigenTokens = 256;

Index eigenDepthBlocks(Index in)
{
    return (in + kEigenDepth - 1) / kEigenDepth;
}

#if EMBEX_EIGEN_GEBP
// y (rows × out, row-major) = x (rows × in, row-major) · W (in × out, row-major) is computed
// column-major as yᵀ (out × rows) = Wᵀ (out × in) · xᵀ (in × rows), Eigen's own reduction of a
// row-major product: Wᵀ is the left-hand side ("A", packed once), xᵀ the right-hand side ("B",
// packed per call).
using Traits = Eigen::internal::gebp_traits<float, float>;
using Mapper = Eigen::internal::const_blas_data_mapper<float, Index, Eigen::ColMajor>;
using ResMapper =
    Eigen::internal::blas_data_mapper<float, Index, Eigen::ColMajor, Eigen::Unaligned, 1>;
using PackLhs =
    Eigen::internal::gemm_pack_lhs<float, Index, Mapper, Traits::mr, Traits::LhsProgress,
                                   typename Traits::LhsPacket4Packing, Eigen::ColMajor>;
using PackRhs = Eigen::internal::gemm_pack_rhs<float, Index, Mapper, Traits::nr, Eigen::ColMajor>;
using Gebp = Eigen::internal::gebp_kernel<float, float, Index, ResMapper, Traits::mr, Traits::nr>;
#endif

// ---- Embex's AVX-512 kernel ----------------------------------------------------------------
//
// W is packed in micro panels of 32 output columns: panel m holds, for k = 0..in-1, the 32
// values W[k][32m .. 32m+31] (zero beyond `out`). Per call, the activations are packed in
// micro panels of 12 rows: for k in a depth block, x[r][k] for the 12 rows r, zero-padded. The
// micro-kernel keeps a 12 × 32 tile of y in 24 zmm registers and, per k, loads two W vectors
// and broadcasts 12 activations: 24 FMAs per step, which keeps both 512-bit FMA pipes busy.
// Loop order: depth blocks of 768 (a W panel slice, 96 KB, stays in L2 while every activation
// panel passes), activation blocks of 264 rows (packed, up to 792 KB, also in L2), which
// measured faster than blocks sized for L1 (bench/README.md).

constexpr Index kNr = 32, kMr = 12, kAvxDepth = 768, kAvxTokens = 264;

Index microPanels(Index out)
{
    return (out + kNr - 1) / kNr;
}

#if EMBEX_AVX512_KERNEL
__attribute__((target("avx512f"))) inline void microKernel(const float *xp, const float *wp,
                                                           Index depth, float *y, Index ldy,
                                                           Index rows, __mmask16 mask0,
                                                           __mmask16 mask1)
{
    __m512 c0[kMr], c1[kMr];
#pragma GCC unroll 12
    for (Index r = 0; r < kMr; ++r) {
        if (r < rows) {
            c0[r] = _mm512_maskz_loadu_ps(mask0, y + r * ldy);
            c1[r] = _mm512_maskz_loadu_ps(mask1, y + r * ldy + 16);
        } else {
            c0[r] = _mm512_setzero_ps();
            c1[r] = _mm512_setzero_ps();
        }
    }
    for (Index k = 0; k < depth; ++k) {
        const __m512 w0 = _mm512_load_ps(wp + k * kNr);
        const __m512 w1 = _mm512_load_ps(wp + k * kNr + 16);
        const float *xk = xp + k * kMr;
#pragma GCC unroll 12
        for (Index r = 0; r < kMr; ++r) {
            const __m512 b = _mm512_set1_ps(xk[r]);
            c0[r] = _mm512_fmadd_ps(w0, b, c0[r]);
            c1[r] = _mm512_fmadd_ps(w1, b, c1[r]);
        }
    }
#pragma GCC unroll 12
    for (Index r = 0; r < kMr; ++r)
        if (r < rows) {
            _mm512_mask_storeu_ps(y + r * ldy, mask0, c0[r]);
            _mm512_mask_storeu_ps(y + r * ldy + 16, mask1, c1[r]);
        }
}

__attribute__((target("avx512f"))) void multiplyAddAvx512(const float *x, Index rows, Index in,
                                                          Index out, const float *packed, float *y,
                                                          Index m0, Index m1,
                                                          AlignedFloats &scratch)
{
    scratch.resize(std::size_t((kAvxTokens + kMr) * kAvxDepth));
    float *xp = scratch.data();
    for (Index j0 = 0; j0 < rows; j0 += kAvxTokens) {
        const Index tokens = std::min(kAvxTokens, rows - j0);
        const Index tokenPanels = (tokens + kMr - 1) / kMr;
        for (Index k0 = 0; k0 < in; k0 += kAvxDepth) {
            const Index depth = std::min(kAvxDepth, in - k0);
            // Pack the activations: panel t, step k, row r at xp[(t * depth + k) * 12 + r].
            for (Index t = 0; t < tokenPanels; ++t) {
                float *dst = xp + t * depth * kMr;
                for (Index r = 0; r < kMr; ++r) {
                    const Index row = j0 + t * kMr + r;
                    if (row < j0 + tokens) {
                        const float *src = x + row * in + k0;
                        for (Index k = 0; k < depth; ++k)
                            dst[k * kMr + r] = src[k];
                    } else {
                        for (Index k = 0; k < depth; ++k)
                            dst[k * kMr + r] = 0.0f;
                    }
                }
            }
            for (Index m = m0; m < m1; ++m) {
                const Index cols = std::min(kNr, out - m * kNr);
                const auto mask0 = __mmask16(cols >= 16 ? 0xFFFF : (1u << cols) - 1);
                const auto mask1 = __mmask16(cols >= 32   ? 0xFFFF
                                             : cols <= 16 ? 0
                                                          : (1u << (cols - 16)) - 1);
                const float *wp = packed + (m * in + k0) * kNr;
                for (Index t = 0; t < tokenPanels; ++t)
                    microKernel(xp + t * depth * kMr, wp, depth, y + (j0 + t * kMr) * out + m * kNr,
                                out, std::min(kMr, tokens - t * kMr), mask0, mask1);
            }
        }
    }
}
#endif

std::atomic<int> g_kernel{-1}; ///< -1: not chosen yet

} // namespace

bool avx512Available()
{
#if EMBEX_AVX512_KERNEL
    static const bool available = __builtin_cpu_supports("avx512f");
    return available;
#else
    return false;
#endif
}

GemmKernel defaultGemmKernel()
{
    int k = g_kernel.load(std::memory_order_relaxed);
    if (k < 0) {
        const char *env = std::getenv("EMBEX_GEMM");
        const bool eigen = env && std::strcmp(env, "eigen") == 0;
        k = int(!eigen && avx512Available() ? GemmKernel::Avx512 : GemmKernel::Eigen);
        g_kernel.store(k, std::memory_order_relaxed);
    }
    return GemmKernel(k);
}

void setDefaultGemmKernel(GemmKernel kernel)
{
    if (kernel == GemmKernel::Avx512 && !avx512Available())
        kernel = GemmKernel::Eigen;
    g_kernel.store(int(kernel), std::memory_order_relaxed);
}

PackedMatrix::PackedMatrix(const float *w, Index in, Index out, GemmKernel kernel)
    : m_in(in), m_out(out),
      m_kernel(kernel == GemmKernel::Avx512 && avx512Available() ? GemmKernel::Avx512
                                                                 : GemmKernel::Eigen)
{
    if (m_kernel == GemmKernel::Avx512)
        packAvx512(w);
    else
        packEigen(w);
}

void PackedMatrix::packAvx512(const float *w)
{
    m_data.assign(std::size_t(microPanels(m_out) * m_in * kNr), 0.0f);
    for (Index m = 0; m < microPanels(m_out); ++m) {
        const Index cols = std::min(kNr, m_out - m * kNr);
        for (Index k = 0; k < m_in; ++k)
            std::memcpy(m_data.data() + (m * m_in + k) * kNr, w + k * m_out + m * kNr,
                        std::size_t(cols) * sizeof(float));
    }
}

void PackedMatrix::packEigen(const float *w)
{
#if EMBEX_EIGEN_GEBP
    // Blocks in panel-major order, each starting on a 64-byte boundary (the kernel loads the
    // packed panels with aligned loads).
    std::size_t total = 0;
    for (Index p = 0; p < panelCount(); ++p)
        for (Index kb = 0; kb < eigenDepthBlocks(m_in); ++kb) {
            m_offsets.push_back(total);
            const Index rows = panelBegin(p + 1) - panelBegin(p);
            const Index depth = std::min(kEigenDepth, m_in - kb * kEigenDepth);
            total += (std::size_t(rows * depth) + 15) / 16 * 16;
        }
    m_data.assign(total, 0.0f);
    const Mapper lhs(w, m_out); // Wᵀ, column-major out × in
    PackLhs pack;
    for (Index p = 0; p < panelCount(); ++p)
        for (Index kb = 0; kb < eigenDepthBlocks(m_in); ++kb) {
            const Index rows = panelBegin(p + 1) - panelBegin(p);
            const Index depth = std::min(kEigenDepth, m_in - kb * kEigenDepth);
            pack(m_data.data() + m_offsets[std::size_t(p * eigenDepthBlocks(m_in) + kb)],
                 lhs.getSubMapper(panelBegin(p), kb * kEigenDepth), depth, rows);
        }
#else
    m_plain.assign(w, w + m_in * m_out);
#endif
}

void PackedMatrix::multiplyAdd(const float *x, Index rows, float *y, Index p0, Index p1,
                               AlignedFloats &scratch) const
{
    if (rows == 0 || p0 >= p1 || m_in == 0)
        return;
#if EMBEX_AVX512_KERNEL
    if (m_kernel == GemmKernel::Avx512) {
        const Index perPanel = kPanel / kNr;
        multiplyAddAvx512(x, rows, m_in, m_out, m_data.data(), y, p0 * perPanel,
                          std::min(p1 * perPanel, microPanels(m_out)), scratch);
        return;
    }
#endif
    multiplyAddEigen(x, rows, y, p0, p1, scratch);
}

void PackedMatrix::multiplyAddEigen(const float *x, Index rows, float *y, Index p0, Index p1,
                                    AlignedFloats &scratch) const
{
#if EMBEX_EIGEN_GEBP
    const Index tokens = std::min(kEigenTokens, rows);
    scratch.resize(std::size_t(std::min(kEigenDepth, m_in) * ((tokens + 3) / 4 * 4)) + 16);
    const Mapper rhs(x, m_in);     // xᵀ, column-major in × rows
    const ResMapper res(y, m_out); // yᵀ, column-major out × rows
    PackRhs packRhs;
    Gebp gebp;
    const Index blocks = eigenDepthBlocks(m_in);
    for (Index j = 0; j < rows; j += kEigenTokens) {
        const Index n = std::min(kEigenTokens, rows - j);
        for (Index kb = 0; kb < blocks; ++kb) {
            const Index depth = std::min(kEigenDepth, m_in - kb * kEigenDepth);
            packRhs(scratch.data(), rhs.getSubMapper(kb * kEigenDepth, j), depth, n);
            for (Index p = p0; p < p1; ++p)
                gebp(res.getSubMapper(panelBegin(p), j),
                     m_data.data() + m_offsets[std::size_t(p * blocks + kb)], scratch.data(),
                     panelBegin(p + 1) - panelBegin(p), depth, n, 1.0f);
        }
    }
#else
    (void)scratch;
    const Index c0 = panelBegin(p0), c1 = panelBegin(p1);
    Eigen::Map<const RowMajorF> xm(x, rows, m_in);
    Eigen::Map<const RowMajorF> wm(m_plain.data(), m_in, m_out);
    Eigen::Map<RowMajorF> ym(y, rows, m_out);
    ym.middleCols(c0, c1 - c0).noalias() += xm * wm.middleCols(c0, c1 - c0);
#endif
}

} // namespace embex::detail
