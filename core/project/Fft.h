#pragma once
// Zero-padded FFT convolution on a square grid, the core of FIt-SNE's 2-D repulsion.
// Our own radix-2 FFT (sizes are powers of two) instead of FFTW: no extra dependency, and the
// transforms are shaped for this one job (see GridConvolver).
#include "project/TsneParallel.h"

#include <cstddef>
#include <span>
#include <vector>

namespace embex::detail {

/// Linear convolution of n × n real grids with a real kernel that is even in both axes,
/// φ[r][c] = Σ_{r',c' < n} K(|r − r'|, |c − c'|) w[r'][c'], through 2-D FFTs of size m × m
/// (m a power of two, m ≥ 2n so the circular convolution equals the linear one).
///
/// Single precision, split complex, eight columns per SIMD lane vector. No bit reversal: the
/// forward transforms are decimation in frequency (natural order in, bit-reversed out), the
/// inverse ones decimation in time (bit-reversed in, natural out), and the pointwise product
/// with the kernel happens in bit-reversed order. Two real grids travel as the real and
/// imaginary parts of one complex grid: the kernel's transform is real, so the two results
/// come back in the real and imaginary parts. The transforms of the zero padding are skipped
/// (columns ≥ n in the first pass, rows ≥ n in the last).
///
/// Results depend only on the inputs, not on the team size. Not thread-safe; one object per
/// concurrent user.
class GridConvolver
{
public:
    /// Sets the grid size n, the FFT size m (power of two, ≥ 2n) and the kernel, given as its
    /// n × n row-major values kernel[dr·n + dc] = K(dr, dc) for dr, dc < n. Transforms the kernel.
    void setKernel(std::size_t n, std::size_t m, std::span<const float> kernel, ThreadTeam &team);

    /// Replaces each of the grids (n × n row-major floats each; an even count) by its
    /// convolution with the kernel.
    void convolve(std::span<float *const> grids, ThreadTeam &team);

    std::size_t gridSize() const { return m_n; }
    std::size_t fftSize() const { return m_m; }

private:
    std::size_t m_n = 0, m_m = 0;
    std::size_t m_width = 0;          ///< n rounded up to the lane count: columns kept
    std::vector<float> m_twRe, m_twIm; ///< e^{-2πi t/m}, t < m/2
    std::vector<float> m_kernelHat;    ///< m × m real spectrum (bit-reversed rows and columns)
    std::vector<float> m_re, m_im;     ///< m × m_width intermediate (after the first pass)
    std::vector<std::vector<float>> m_buffers; ///< per thread: m × lanes re, then im
};

} // namespace embex::detail
