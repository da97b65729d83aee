#pragma once
// How faithful a low-dimensional layout is to the space it came from: kNN preservation (per
// point, for "projection honesty" colouring) and trustworthiness (Venna & Kaski 2001, the same
// number as sklearn.manifold.trustworthiness).
//
// Distances, all evaluated in double from the float inputs, summing over coordinates in order:
// - original space, cosine:    1 − (a·b) / (‖a‖ ‖b‖); a zero row has distance 1 to everything.
// - original space, euclidean and layouts: Σ_t (a_t − b_t)² (squared, same order).
// Neighbour lists are sorted by (distance, index): exact ties go to the smaller index.
#include "search/Knn.h"
#include "util/Parallel.h"
#include "util/Progress.h"
#include "vectors/EmbeddingSet.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace embex {

/// Above this many rows the original-space neighbours come from HNSW (approximate).
inline constexpr std::size_t kQualityExactMaxN = 20000;
/// trustworthiness() is exact and O(N²·d); it refuses more rows than this.
inline constexpr std::size_t kTrustworthinessMaxN = 50000;

/// How originalNeighbors() searches. Every field has a usable default.
struct OriginalKnnOptions
{
    /// Cosine (default, word vectors) or euclidean distance.
    bool cosine = true;
    /// Worker threads (0 counts as 1). Default: all cores.
    unsigned threads = defaultThreads();
    /// Exact search up to this many rows, HNSW above. Default kQualityExactMaxN (20,000).
    std::size_t exactMaxN = kQualityExactMaxN;
    /// HNSW graph degree, construction and search candidate lists (search: 0 = auto,
    /// max(64, 4k); always at least k + 1). Defaults 16, 64, 0: on the first 100,000 words of
    /// GloVe 6B 100-d (cosine) the 10 nearest come back with recall 0.96 (0.99 at 50,000) in
    /// about 18 CPU-seconds; efConstruction 100 and efSearch 128 reach 0.986 for 70% more time.
    std::size_t hnswM = 16;
    std::size_t hnswEfConstruction = 64;
    std::size_t hnswEfSearch = 0;
    /// Seed of the HNSW level generator. Default 42.
    std::uint64_t seed = 42;
};

/// k nearest neighbours of every row of `original` (n × d, borrowed for the call), k clamped to
/// n − 1, with their exact distances (the formulas at the top of this file).
///
/// Exact for n ≤ options.exactMaxN: float32 matrix products in blocks (unit rows for cosine,
/// centred rows for euclidean) pick candidates, whose distances are then recomputed in double
/// (the formulas at the top of this file); a proven bound on the float32 error decides whether
/// the candidates surely hold the exact k nearest, and a point where it cannot tell (many near
/// ties) is re-scanned. The result equals a double-precision brute force sorted by (distance,
/// index), for any thread count.
///
/// Above exactMaxN: hnswlib (inner product on unit rows, or L2 on centred rows), candidates
/// re-ranked in double. Approximate; with threads > 1 the graph is built in parallel and may
/// differ slightly from run to run (threads = 1 is deterministic).
///
/// Throws std::invalid_argument for k = 0 or non-finite values, Cancelled when progress is
/// cancelled. Progress: fraction and "neighbours". Thread-safe for concurrent calls.
NeighborLists originalNeighbors(ConstRowMap original, std::size_t k,
                                const OriginalKnnOptions &options,
                                Progress &progress = nullProgress());

/// Exact euclidean k nearest neighbours of every row of `layout` (n × dims), k clamped to
/// n − 1, ties by index, with their squared distances. 1 to 3 dims: a uniform grid over the layout
/// (cells of about two points; the 0.1%–99.9% quantile box, outer cells extend to infinity so
/// outliers cost nothing), each point scanning rings of cells until no unscanned cell can hold a
/// closer point: O(n × k) for spread-out points (timings in bench/README.md; only many exactly
/// coincident points make it quadratic in their number). More dims: the exact search of
/// originalNeighbors(). Parallel over points, the same result for any thread count. Throws
/// std::invalid_argument for k = 0 or non-finite values.
NeighborLists layoutNeighbors(ConstRowMap layout, std::size_t k,
                              unsigned threads = defaultThreads(),
                              Progress &progress = nullProgress());

/// Per point: |original_i ∩ layout_i| / k, the fraction of its k original-space neighbours that
/// are also among its k layout neighbours. Both lists must have the same n and k
/// (std::invalid_argument otherwise). n = 1 (no neighbours) gives 1.
std::vector<float> knnPreservation(const NeighborLists &original, const NeighborLists &layout);

/// The same from the data: originalNeighbors() with default options but `cosine` and
/// `threads`, layoutNeighbors(), then the fractions. `original` and `layout` must have the same
/// number of rows; row i of both is point i. Progress: the original-space search is most of it.
std::vector<float> knnPreservation(ConstRowMap original, ConstRowMap layout, std::size_t k,
                                   bool cosine, unsigned threads = defaultThreads(),
                                   Progress &progress = nullProgress());

/// The mean of knnPreservation(original, layout), exactly: kept neighbours over n · k (1 for
/// n = 1, 0 for n = 0).
double meanKnnPreservation(const NeighborLists &original, const NeighborLists &layout);

/// The same from the data (see knnPreservation()).
double meanKnnPreservation(ConstRowMap original, ConstRowMap layout, std::size_t k, bool cosine,
                           unsigned threads = defaultThreads(),
                           Progress &progress = nullProgress());

/// Trustworthiness of the layout at k, as sklearn.manifold.trustworthiness(X, Y, n_neighbors=k,
/// metric="cosine" or "euclidean"):
///   T(k) = 1 − 2 / (n k (2n − 3k − 1)) · Σ_i Σ_{j ∈ N_k^layout(i)} max(0, r(i, j) − k)
/// where r(i, j) is the rank of j among i's neighbours in the original space (1 = nearest).
/// 1 = no false neighbours in the layout. Ranks follow the order of Quality.h, (distance,
/// index), so exact ties (duplicate rows) are settled by index where scikit-learn's argsort
/// settles them arbitrarily. Exact: O(n²·d) double-precision products (about a second for
/// n = 10,000, d = 100 on 2 cores), the exact distances wherever the products are too close to
/// call, O(n) memory per thread.
/// Throws std::invalid_argument when the row counts differ, k = 0, k ≥ n / 2 (scikit-learn's
/// limit), n > kTrustworthinessMaxN (50,000) or values are non-finite; Cancelled when cancelled.
double trustworthiness(ConstRowMap original, ConstRowMap layout, std::size_t k, bool cosine,
                       unsigned threads = defaultThreads(), Progress &progress = nullProgress());

} // namespace embex
