#pragma once
// Principal component analysis of an embedding matrix: exact (covariance + symmetric eigen
// solver) for moderate dimensions, randomized subspace iteration above PcaOptions::exactMaxDim.
#include "util/Parallel.h"
#include "util/Progress.h"
#include "vectors/EmbeddingSet.h"

#include <Eigen/Core>

#include <cstddef>
#include <cstdint>
#include <span>

namespace embex {

/// Options of pca(). Every field has a usable default.
struct PcaOptions
{
    /// How many principal components to keep; clamped to min(dim, rows).
    std::size_t components = 10;
    /// Subtract the column mean first (standard PCA). Off: the second-moment matrix
    /// X^T X / (n-1) is decomposed instead of the covariance.
    bool center = true;
    /// "Spherize": unit-normalise each row before anything else (cosine geometry). Zero rows
    /// stay zero.
    bool normalizeRows = false;
    /// Worker threads (0 counts as 1). Same thread count → bit-identical result; different
    /// counts differ only by floating-point rounding of the summation order.
    unsigned threads = defaultThreads();
    /// Seed of the Gaussian test matrix of the randomized path (our own Box–Muller sampler).
    std::uint64_t seed = 42;
    /// Dimensions above this use randomized subspace iteration (Halko, Martinsson & Tropp 2011)
    /// with oversampling 10 and 4 power iterations instead of the exact d × d eigenproblem.
    std::size_t exactMaxDim = 1000;
};

/// Result of pca(). k = number of components kept (after clamping), n = rows, d = dim.
struct PcaResult
{
    /// n × k, row i = projection of (centred, possibly normalised) input row i.
    RowMatrix coords;
    /// d × k, unit columns in order of decreasing variance; the sign of each column is fixed so
    /// that its largest-magnitude entry is positive.
    Eigen::MatrixXf components;
    /// d column means used for centring (of the normalised rows if normalizeRows; zeros if
    /// !center or n == 0).
    Eigen::VectorXf mean;
    /// k eigenvalues of the covariance (variance along each component, denominator n-1).
    Eigen::VectorXd explainedVariance;
    /// explainedVariance divided by the total variance (trace of the covariance over all d
    /// dimensions); zeros when the total variance is zero.
    Eigen::VectorXd explainedVarianceRatio;
};

/// PCA of the selected rows of a set (all rows if `rows` is empty; ids may repeat and come in
/// any order, coords row i belongs to rows[i]). Throws std::invalid_argument for an id out of
/// range or non-finite input values, embex::Cancelled when progress is cancelled.
/// Reports progress: about 80% for the covariance (or power iterations), 20% for projection.
/// Thread-safe for concurrent calls on the same set.
PcaResult pca(const EmbeddingSet &set, std::span<const WordId> rows, const PcaOptions &opt,
              Progress &progress = nullProgress());

/// Same on a raw row-major n × d matrix (borrowed for the duration of the call).
PcaResult pca(ConstRowMap data, const PcaOptions &opt, Progress &progress = nullProgress());

} // namespace embex
