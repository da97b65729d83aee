#pragma once
// Internal to core/contextual: a weight matrix stored ready for a matrix-product kernel.
#include <Eigen/Core>

#include <algorithm>
#include <cstddef>
#include <new>
#include <vector>

namespace embex::detail {

/// std::allocator with 64-byte (cache line, AVX-512 register) alignment.
template <typename T> struct CacheLineAllocator
{
    using value_type = T;
    CacheLineAllocator() = default;
    template <typename U> CacheLineAllocator(const CacheLineAllocator<U> &) {}
    T *allocate(std::size_t n)
    {
        return static_cast<T *>(::operator new(n * sizeof(T), std::align_val_t(64)));
    }
    void deallocate(T *p, std::size_t) { ::operator delete(p, std::align_val_t(64)); }
    template <typename U> bool operator==(const CacheLineAllocator<U> &) const { return true; }
};

using AlignedFloats = std::vector<float, CacheLineAllocator<float>>;

/// The product kernels a PackedMatrix can be packed for.
enum class GemmKernel {
    /// Eigen 3.4's general block-panel kernel (gebp), as compiled: AVX2 + FMA in the
    /// x86-64-v3 build.
    Eigen,
    /// Embex's own 12 × 32 AVX-512F kernel, chosen at run time on CPUs that have AVX-512
    /// (the build itself stays x86-64-v3): twice the floating-point width where the CPU executes
    /// 512-bit operations at full width (AMD Zen 5, Intel server cores).
    Avx512,
};

/// Whether this CPU (and OS) runs AVX-512F code.
bool avx512Available();
/// The kernel new PackedMatrix objects use: Avx512 when available unless the environment
/// variable EMBEX_GEMM is "eigen", else Eigen. setDefaultGemmKernel() overrides it (tests,
/// benchmarks); asking for Avx512 where it is unavailable selects Eigen.
GemmKernel defaultGemmKernel();
void setDefaultGemmKernel(GemmKernel kernel);

/// The weights W (in × out) of a dense layer y = x·W, packed once at load for the product
/// kernel, so that a product only packs the (small) activations: Eigen's own product re-packs
/// all of W at every call, which costs 10-20 % of an encoder's time. The output columns are cut
/// into panels of kPanel, which is also the unit of work of a thread.
///
/// The Eigen kernel relies on Eigen 3.4's internal interface (gemm_pack_lhs / gemm_pack_rhs /
/// gebp_kernel); with another Eigen version W is stored plainly and Eigen's product is used.
/// Immutable after construction; multiplyAdd() is thread-safe given distinct scratch buffers.
class PackedMatrix
{
public:
    /// Output columns per panel (a multiple of both kernels' micro panels, 24 and 32).
    static constexpr Eigen::Index kPanel = 96;

    PackedMatrix() = default;
    /// w: in × out, row-major, contiguous.
    PackedMatrix(const float *w, Eigen::Index in, Eigen::Index out,
                 GemmKernel kernel = defaultGemmKernel());

    Eigen::Index rows() const { return m_in; }
    Eigen::Index cols() const { return m_out; }
    GemmKernel kernel() const { return m_kernel; }
    Eigen::Index panelCount() const { return (m_out + kPanel - 1) / kPanel; }
    /// Output columns [panelBegin(p), panelBegin(p + 1)) form panel p.
    Eigen::Index panelBegin(Eigen::Index p) const { return std::min(m_out, p * kPanel); }

    /// y.cols[panels p0..p1) += x · W.cols[same], where x is rows × in and y rows × out, both
    /// row-major and contiguous. scratch is reused between calls.
    void multiplyAdd(const float *x, Eigen::Index rows, float *y, Eigen::Index p0, Eigen::Index p1,
                     AlignedFloats &scratch) const;

    std::size_t sizeInFloats() const { return std::size_t(m_in * m_out); }

private:
    void packEigen(const float *w);
    void packAvx512(const float *w);
    void multiplyAddEigen(const float *x, Eigen::Index rows, float *y, Eigen::Index p0,
                          Eigen::Index p1, AlignedFloats &scratch) const;

    Eigen::Index m_in = 0, m_out = 0;
    GemmKernel m_kernel = GemmKernel::Eigen;
    AlignedFloats m_data;
    std::vector<std::size_t> m_offsets; ///< Eigen: start of block (panel, depth block)
    std::vector<float> m_plain;         ///< W itself, without Eigen 3.4's kernel
};

} // namespace embex::detail
