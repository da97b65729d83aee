#pragma once
// Zero-padded FFT convolutions on a square grid, the core of the FFT-accelerated 2-D repulsion.
// Our own radix-2 FFT (sizes are powers of two) instead of FFTW: no extra dependency, and the
// transforms are shaped for this one job (see GridConvolver).
#include "util/ThreadTeam.h"

#include <cstddef>
#include <span>
#include <vector>

namespace embex::detail {

/// The two convolutions of t-SNE's 2-D repulsion on an n × n node grid (node spacing h), through
/// zero-padded 2-D FFTs of size m × m (m a power of two, n ≤ m/2, so the circular convolutions
/// equal the linear ones):
///   fx + i·fy = (Kx + i·Ky) ⊛ w   and   Z = Σ w · (K1 ⊛ w) = (1/m²) Σ_k K̂1(k) |Ŵ(k)|²,
/// with K1(d) = 1 / (1 + |d|²), Kx(d) = d_x K1(d)², Ky(d) = d_y K1(d)², d = h · (dc, dr) the
/// offset between nodes (columns are x, rows are y). The force kernels are applied directly, and
/// Z comes from Parseval's identity, so nothing cancels (FIt-SNE's formulation with charges
/// 1, x, y, x² + y² loses Z entirely on sparse layouts) and one forward plus one inverse
/// transform do it all. The kernels' spectra are kept until setKernels() is called again.
///
/// Single precision, split complex, eight columns per SIMD lane vector, radix-4 stages. No
/// reordering: the forward transforms are decimation in frequency (natural order in,
/// digit-reversed out), the inverse ones their adjoints (digit-reversed in, natural out), and the
/// products happen in digit-reversed order. The zero padding is never transformed (columns ≥ n
/// in the first pass, the upper half in each first stage, the unwanted outputs in each last
/// stage).
///
/// Results depend only on the inputs, not on the team size. Not thread-safe; one object per
/// concurrent user.
class GridConvolver
{
public:
    /// Sets the FFT size m (a power of two, ≥ 16) and the node spacing h > 0, and transforms
    /// the kernels.
    void setKernels(std::size_t m, double h, ThreadTeam &team);

    /// w: n × n row-major charges (n ≤ m/2). Writes fx and fy (n × n each) and returns Z (the
    /// sum over all ordered node pairs, self pairs included).
    double apply(const float *w, std::size_t n, float *fx, float *fy, ThreadTeam &team);

    std::size_t fftSize() const { return m_m; }
    double spacing() const { return m_h; }

private:
    std::size_t m_m = 0;
    double m_h = 0.0;
    std::vector<float> m_twRe, m_twIm;         ///< e^{-2πi t/m}, t < m
    std::vector<float> m_k1Hat;                ///< m × m real spectrum of K1, / m²
    std::vector<float> m_gRe, m_gIm;           ///< m × m spectrum of Kx + i·Ky, / m²
    std::vector<float> m_re, m_im;             ///< m × width intermediate (after the first pass)
    std::vector<double> m_blockZ;              ///< Parseval partial sums, one per block
    std::vector<std::vector<float>> m_buffers; ///< per thread: m × lanes re, then im
};

} // namespace embex::detail
