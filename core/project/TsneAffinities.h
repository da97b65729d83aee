#pragma once
// The input side of t-SNE: k nearest neighbours, per-point Gaussian bandwidths calibrated to the
// perplexity, and the symmetrised sparse joint probabilities P.
#include "project/TsneOptions.h"
#include "search/Knn.h"
#include "util/Progress.h"
#include "vectors/EmbeddingSet.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace embex {

/// A sparse n × n matrix in compressed rows (CSR). Row i holds the columns
/// cols[rowPtr[i] .. rowPtr[i+1]) with values vals[...] (same range).
struct SparseAffinities
{
    std::size_t n = 0;
    std::vector<std::size_t> rowPtr; ///< n + 1 offsets
    std::vector<std::uint32_t> cols;
    std::vector<float> vals;
};

/// The perplexity actually used for n points: the requested one clamped to
/// [1, max(1, (n − 1) / 3)].
double tsneEffectivePerplexity(std::size_t n, double perplexity);

/// Neighbours used for a perplexity: min(n − 1, ⌊3 · perplexity⌋), at least 1 when n ≥ 2.
std::size_t tsneNeighborCount(std::size_t n, double effectivePerplexity);

/// k nearest neighbours of the rows of `data` (n × d, borrowed) by options.distance: exact (float
/// GEMM in blocks, then the k winners' distances recomputed in double) when n ≤
/// options.exactKnnMaxN, else HNSW (hnswlib; inner product on unit rows for cosine, L2 for
/// Euclidean). The exact path is deterministic and independent of the thread count; for HNSW see
/// TsneOptions::hnswBuildThreads. The distances are the squared distances d² as the Gaussian
/// sees them (TsneDistance: (1 − cos)² or ‖x − y‖²), recomputed exactly in double for the
/// returned pairs; each row is sorted by (distance, id). Progress: fraction and "neighbours";
/// throws Cancelled.
NeighborLists tsneNeighbors(ConstRowMap data, std::size_t k, const TsneOptions &options,
                            Progress &progress = nullProgress());

/// Conditional probabilities P(j | i) = exp(−β_i D_ij) / Σ_j exp(−β_i D_ij) (D = the squared
/// distances of `neighbors`) over each point's
/// neighbours, β_i found by bisection so that the entropy (nats) is log(perplexity) within 1e-5
/// (at most 200 steps; rows that cannot reach it, e.g. all distances equal, keep the closest β).
/// Result: CSR with k entries per row in neighbour order; each row sums to 1. Parallel over
/// rows, independent of the thread count.
SparseAffinities tsneConditionalAffinities(const NeighborLists &neighbors, double perplexity,
                                           unsigned threads = defaultThreads());

/// The joint P = (C + Cᵀ) / 2n of a conditional C: symmetric (bit for bit), summing to 1,
/// columns sorted within each row.
SparseAffinities tsneSymmetrize(const SparseAffinities &conditional);

/// All three steps with options.perplexity (clamped by tsneEffectivePerplexity).
SparseAffinities tsneAffinities(ConstRowMap data, const TsneOptions &options,
                                Progress &progress = nullProgress());

} // namespace embex
