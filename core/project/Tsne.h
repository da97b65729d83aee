#pragma once
// t-SNE (van der Maaten & Hinton 2008) with sparse kNN affinities, FFT-accelerated
// interpolation for 2-D layouts (Linderman et al. 2019, "FIt-SNE") and Barnes-Hut for 3-D
// (van der Maaten 2014). Options + resumable status, after LTLA's qdtsne (docs/ARCHITECTURE.md,
// "Algorithms: options, seeds and resumable state").
#include "project/TsneAffinities.h"
#include "project/TsneOptions.h"
#include "project/TsneRepulsion.h"
#include "util/Progress.h"
#include "vectors/EmbeddingSet.h"

#include <cstddef>
#include <memory>
#include <span>

namespace embex {

namespace detail {
class TsneRepulsionEngine;
} // namespace detail

/// An optimisation in progress: the affinities, the layout and the optimiser state (update
/// vectors, gains, iteration). run() continues it; run(a) followed by run(b) gives the same
/// layout, bit for bit, as run(a + b).
///
/// Each iteration: repulsion (exact O(N²) below 1,000 points, otherwise FFT interpolation in 2-D
/// and Barnes-Hut in 3-D) and the attractive
/// forces Σ_j p_ij q_ij (y_i − y_j) (sparse, parallel over rows); gradient
/// g_i = exaggeration · attractive_i − repulsive_i / Z; clipping (TsneOptions::maxGradNorm);
/// delta-bar-delta gains (+0.2 where gradient and update disagree in sign, ×0.8 where they
/// agree, at least 0.01); update = momentum · update − learningRate · gain · g; recentring on the
/// mean. Every sum runs in an order fixed by the data, so the same inputs give the same layout
/// for any thread count.
///
/// Value type (copyable, movable). Not thread-safe: const members may run concurrently with
/// each other, not with run().
class TsneStatus
{
public:
    /// Starts from given affinities (symmetric, summing to 1, e.g. from tsneAffinities()) and an
    /// initial layout (N × options.dims). `options` are validated (std::invalid_argument) and
    /// resolved: options().learningRate is the value used.
    TsneStatus(SparseAffinities p, DoubleRowMatrix initial, const TsneOptions &options);

    /// Runs up to `iterations` more iterations, never past options().maxIterations. Checks
    /// progress.cancelled() before every iteration and throws Cancelled; the status then holds
    /// the last completed iteration and can be continued. Reports the fraction of this call's
    /// iterations done, stage "optimizing".
    void run(std::size_t iterations, Progress &progress = nullProgress());
    /// run() to options().maxIterations.
    void runToEnd(Progress &progress = nullProgress());

    /// Iterations done so far.
    std::size_t iteration() const { return m_iteration; }
    bool finished() const { return m_iteration >= std::size_t(m_options.maxIterations); }
    /// Number of points N.
    std::size_t size() const { return m_p.n; }
    /// Current layout, N × dims floats, row i = point i (updated at the end of every run()).
    const RowMatrix &layout() const { return m_layout; }
    /// The same in the double precision the optimiser works in.
    const DoubleRowMatrix &layoutDouble() const { return m_y; }

    /// KL(P ‖ Q) of the current layout (nats; without exaggeration, whatever the phase):
    /// Σ p_ij log p_ij + Σ p_ij log(1 + ‖y_i − y_j‖²) + log Z. Z is exact (O(N²)) for
    /// N ≤ 2,000, otherwise the FFT (2-D) or Barnes-Hut (3-D) estimate, which costs about one
    /// iteration. 0 for N < 2.
    double klDivergence() const;

    /// The joint affinities P (CSR, symmetric, summing to 1).
    const SparseAffinities &affinities() const { return m_p; }
    /// The options in use: validated, learningRate resolved, perplexity as clamped by tsneInit.
    const TsneOptions &options() const { return m_options; }

private:
    void syncLayout();

    /// The repulsion's buffers and kernel spectra, kept between run() calls so that short calls
    /// (a GUI frame every few iterations) do not rebuild them. Copies start without; it only
    /// saves time and never changes a result.
    struct EngineCache
    {
        EngineCache() = default;
        EngineCache(const EngineCache &) {}
        EngineCache &operator=(const EngineCache &)
        {
            engine.reset();
            return *this;
        }
        EngineCache(EngineCache &&) noexcept = default;
        EngineCache &operator=(EngineCache &&) noexcept = default;
        ~EngineCache() = default;
        std::shared_ptr<detail::TsneRepulsionEngine> engine;
    };

    TsneOptions m_options;
    SparseAffinities m_p;
    DoubleRowMatrix m_y, m_update, m_gains;
    RowMatrix m_layout;
    std::size_t m_iteration = 0;
    EngineCache m_engine;
};

/// The initial layout (N × options.dims): the first `dims` principal components (of the
/// unit-normalised rows for cosine; embex::pca, one thread, so the result does not depend on
/// options.threads), scaled so the first coordinate has standard deviation 1e-4 (as openTSNE and
/// scikit-learn). Components PCA cannot give (input dimension < dims, or all points equal) are
/// seeded Gaussian noise of the same scale. Costs one PCA of the rows, linear in N (timings in
/// bench/README.md), far less than the affinities: a GUI can draw it as the first frame while
/// the affinities are computed.
DoubleRowMatrix tsneInitialLayout(ConstRowMap data, const TsneOptions &options);

/// Affinities (tsneAffinities) and the initial layout (tsneInitialLayout).
///
/// N = 1 gives a single point at the origin that never moves; N = 0 and non-finite input values
/// throw std::invalid_argument, as do invalid options. Progress: "neighbours" (most of the
/// time), "affinities", "initialising"; throws Cancelled.
TsneStatus tsneInit(ConstRowMap data, const TsneOptions &options,
                    Progress &progress = nullProgress());

/// The same on selected rows of a set (all rows if `rows` is empty; layout row i belongs to
/// rows[i]). Throws std::invalid_argument for an id out of range.
TsneStatus tsneInit(const EmbeddingSet &set, std::span<const WordId> rows,
                    const TsneOptions &options, Progress &progress = nullProgress());

/// Convenience: tsneInit() and run to the end; returns the N × dims layout. Progress covers
/// both (initialisation about the first 30%).
RowMatrix tsne(ConstRowMap data, const TsneOptions &options, Progress &progress = nullProgress());

} // namespace embex
