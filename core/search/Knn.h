#pragma once
// The one k-nearest-neighbour engine of core (docs/ARCHITECTURE.md, "core/search"): every row
// of a matrix against every other, exactly (blocked float32 matrix products) or through an HNSW
// graph. t-SNE's affinities and the projection quality measures take their neighbour lists from
// here and add their own re-ranking on top; HnswIndex wraps the same graph for single queries.
#include "util/Parallel.h"
#include "util/Progress.h"
#include "vectors/EmbeddingSet.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

namespace embex {

/// The k nearest neighbours of each of n points, the point itself excluded, nearest first;
/// exact ties in row order (the smaller id first).
struct NeighborLists
{
    std::size_t n = 0, k = 0;
    /// ids[i·k + r] = the r-th nearest neighbour of point i (row-major n × k).
    std::vector<std::uint32_t> ids;
    /// distances[i·k + r] = its distance, in the metric of the function that made the lists
    /// (see there); same layout as ids.
    std::vector<double> distances;

    /// n points with k = min(k, n − 1) neighbours each, every entry 0.
    static NeighborLists sized(std::size_t n, std::size_t k);

    /// Row i from scored candidates (distance, id), at least k of them: sorts them by
    /// (distance, id) and keeps the first k. The one place every re-rank policy writes a row.
    void setRow(std::size_t i, std::vector<std::pair<double, std::uint32_t>> &candidates);
};

/// The float32 distance the engine ranks rows by.
enum class KnnMetric {
    /// 1 − a·b: cosine distance for rows the caller normalised (a zero row stays zero).
    InnerProduct,
    /// ‖a‖² + ‖b‖² − 2 a·b (exact search) or Σ (a_t − b_t)² (HNSW).
    SquaredEuclidean,
};

/// A candidate neighbour: (float distance, row). Pairs order by distance, then by row.
using KnnCandidate = std::pair<float, std::uint32_t>;

/// Receives the candidates of row `row` on worker `worker` (< the thread count).
using KnnSink =
    std::function<void(unsigned worker, std::size_t row, std::vector<KnnCandidate> &candidates)>;

/// All rows against all, exactly in float32: for each row i of `rows` (n × d, borrowed), the m
/// rows j ≠ i with the smallest distance, ties to the smaller j (m ≤ n − 1). Blocks of 256 query
/// rows × 2048 rows go through one matrix product each (2 MB of products stay in cache while
/// they are scanned into per-row bounded heaps); `threads` workers take query blocks from a
/// shared counter. Calls sink(worker, i, candidates) once per row from the workers, candidates
/// as a heap (front() the farthest; the sink may reorder them). The candidates of a row depend
/// neither on the thread count nor on the order of work. Progress: fraction of rows,
/// "neighbours"; cancel is checked between blocks (Cancelled). The first exception of a sink is
/// rethrown after all workers stopped.
void exactKnnScan(ConstRowMap rows, std::size_t m, KnnMetric metric, unsigned threads,
                  Progress &progress, const KnnSink &sink);

/// The float re-rank policy: exactKnnScan() with m = k picks each row's k candidates, which are
/// then sorted by (distance(i, j), j) with the caller's exact distance (e.g. in double).
NeighborLists exactKnn(ConstRowMap rows, std::size_t k, KnnMetric metric, unsigned threads,
                       Progress &progress,
                       const std::function<double(std::size_t, std::size_t)> &distance);

/// An HNSW graph (hnswlib 0.6) over the rows of a matrix (copied into the graph), searched with
/// 1 − a·b (InnerProduct) or the squared euclidean distance.
class HnswGraph
{
public:
    struct Params
    {
        /// Graph degree (hnswlib M), at least 2.
        std::size_t m = 16;
        /// Candidate list size while building (0 counts as 1).
        std::size_t efConstruction = 200;
        /// Seed of the level generator.
        std::size_t seed = 100;
        /// Insertion threads (0 counts as 1). With 1 the graph depends only on the data and the
        /// seed; with more the insertion order, hence the graph, varies from run to run.
        unsigned threads = 1;
    };

    /// Builds the graph: the first row alone (the entry point), then chunks of 256 rows taken by
    /// `threads` workers from a shared counter. Progress: (fraction, stage) from worker 0;
    /// cancel is checked between chunks and ends in Cancelled once all workers stopped; an
    /// exception in one worker stops the others and is rethrown. Throws std::invalid_argument
    /// for m < 2.
    HnswGraph(ConstRowMap rows, KnnMetric metric, const Params &params, Progress &progress,
              std::string_view stage);
    ~HnswGraph();
    HnswGraph(const HnswGraph &) = delete;
    HnswGraph &operator=(const HnswGraph &) = delete;

    /// The candidate list size of later searches (each searches with max(ef, count)). Not
    /// thread-safe: call it before searching.
    void setEf(std::size_t ef);
    /// The (up to) `count` nearest rows found for q, nearest first: (hnswlib's distance, row),
    /// in (distance, row) order. Thread-safe.
    std::vector<KnnCandidate> search(const float *q, std::size_t count) const;
    std::size_t size() const { return m_size; }

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
    std::size_t m_size = 0;
};

/// Searches `graph` for every row of `rows` (`count` results each) with `threads` workers over
/// contiguous ranges of rows; sink(worker, i, found) gets the results of row i (the row itself
/// included if found). Progress: fraction of rows, "neighbours", and cancel checked every 1024
/// rows (Cancelled).
void hnswKnnScan(const HnswGraph &graph, ConstRowMap rows, std::size_t count, unsigned threads,
                 Progress &progress, const KnnSink &sink);

} // namespace embex
