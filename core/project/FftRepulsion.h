#pragma once
// FIt-SNE's 2-D repulsion as a reusable object (buffers kept between iterations).
#include "project/Fft.h"
#include "project/TsneRepulsion.h"
#include "util/ThreadTeam.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace embex::detail {

/// Computes TsneRepulsion for 2-D layouts by polynomial interpolation on a box grid and FFT
/// convolution (after Linderman et al. 2019, "FIt-SNE"). Per call: box the points (counting
/// sort, so each box's points are contiguous and every node is written by one box only), spread
/// unit charges onto each box's p × p nodes with Lagrange weights, convolve with the force
/// kernels (GridConvolver, which also gives Z), and interpolate the forces back with the same
/// weights. The kernels' spectra are kept between calls while the box width and FFT size stay
/// the same. Every sum runs in an order fixed by the data, so the result does not depend on the
/// team size. Not thread-safe; one object per optimisation.
class FftRepulsion
{
public:
    explicit FftRepulsion(const FftRepulsionOptions &options);
    /// y: n × 2 row-major; force: n × 2 row-major output. Returns Z.
    double compute(const double *y, std::size_t n, double *force, ThreadTeam &team);
    /// How many times the kernel's spectrum was computed (for tests and benchmarks).
    std::size_t kernelUpdates() const { return m_kernelUpdates; }

private:
    FftRepulsionOptions m_options;
    GridConvolver m_conv;
    std::size_t m_kernelUpdates = 0;
    std::vector<float> m_grids;            ///< charges, fx, fy: nodes × nodes each
    std::vector<std::uint32_t> m_order;    ///< point ids sorted by box
    std::vector<std::uint32_t> m_boxStart; ///< boxes + 1 offsets into m_order
    std::vector<std::uint32_t> m_box;      ///< box of each point
    std::vector<double> m_weights;         ///< per point: p x-weights then p y-weights
    std::vector<double> m_selfKernel;      ///< K1 between the p² nodes of one box
    std::vector<double> m_self;            ///< per point: interpolated self-interaction
};

} // namespace embex::detail
