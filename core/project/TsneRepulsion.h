#pragma once
// The repulsive half of the t-SNE gradient, three ways: exact O(N²) (the oracle), FFT-accelerated
// interpolation for 2-D layouts (Linderman et al. 2019, "FIt-SNE") and Barnes-Hut trees
// (van der Maaten 2014; quadtree in 2-D, octree in 3-D).
#include "util/Parallel.h"
#include "util/ThreadTeam.h"

#include <Eigen/Core>

#include <cstddef>

namespace embex {

/// A layout in double precision: N × dims, row-major, row i = point i.
using DoubleRowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Repulsive forces of a layout, with q_ij = 1 / (1 + ‖y_i − y_j‖²) (Student t, one degree of
/// freedom). The repulsive term of the KL gradient is force / z.
struct TsneRepulsion
{
    /// N × dims; row i = Σ_{j≠i} q_ij² (y_i − y_j).
    DoubleRowMatrix force;
    /// Z = Σ_{i≠j} q_ij (ordered pairs, so each pair counts twice).
    double z = 0.0;
};

/// Parameters of the FFT interpolation (FIt-SNE's defaults). The layout's bounding square is
/// cut into nb × nb boxes with nb = max(minIntervals, ⌈side · intervalsPerUnit⌉), raised until
/// the FFT size 2 · interpolationPoints · nb reaches the next power of two (more, smaller boxes
/// for free); each box holds interpolationPoints² equispaced Lagrange nodes.
struct FftRepulsionOptions
{
    /// Boxes per unit of layout length. Default 1 (FIt-SNE's intervals_per_integer).
    double intervalsPerUnit = 1.0;
    /// Fewest boxes per axis. Default 50 (FIt-SNE's min_num_intervals).
    std::size_t minIntervals = 50;
    /// Interpolation nodes per box and axis, 1 to 8. Default 3 (FIt-SNE's n_interpolation_points).
    std::size_t interpolationPoints = 3;
};

/// Exact forces and Z by summing over all pairs (double precision), for any dims ≥ 1.
/// O(N² · dims); parallel over points, the result does not depend on the thread count.
TsneRepulsion tsneRepulsionExact(const DoubleRowMatrix &y, unsigned threads = defaultThreads());

namespace detail {
/// The exact sums on a raw n × dims row-major layout (any dims ≥ 1); writes force, returns Z.
/// Each point sums over the others in index order; Z adds the points' sums in index order.
double exactRepulsion(const double *y, std::size_t n, std::size_t dims, double *force,
                      ThreadTeam &team);
} // namespace detail

/// FFT-accelerated interpolation (see detail::FftRepulsion); y must have 2 columns
/// (std::invalid_argument otherwise). O(N · p² + M² log M) with M the FFT size; single-precision
/// FFTs. The result does not depend on the thread count. Accuracy with the defaults (FIt-SNE's
/// grid): relative force error ‖Δ‖ / ‖exact‖ below 1e-2 for layouts up to about 30 units
/// across, 2e-2 to 6e-2 on spread-out ones such as final t-SNE layouts (the interpolation error
/// of close pairs; FIt-SNE's own accuracy), at most 1e-1 in tst_tsne; Z within 1e-3 or so.
/// interpolationPoints = 5 and intervalsPerUnit = 2 bring the forces below 1e-2 everywhere, for
/// an FFT about four times larger.
TsneRepulsion tsneRepulsionFft(const DoubleRowMatrix &y, const FftRepulsionOptions &options = {},
                               unsigned threads = defaultThreads());

/// Barnes-Hut approximation; y must have 2 or 3 columns (std::invalid_argument otherwise). A cell
/// of side s whose centre of mass is at distance d from the point stands for all its points when
/// s / d < theta and the point lies outside the cell; theta = 0 gives the exact sums (up to
/// summation order). The result does not depend on the thread count.
TsneRepulsion tsneRepulsionBarnesHut(const DoubleRowMatrix &y, double theta = 0.5,
                                     unsigned threads = defaultThreads());

} // namespace embex
