#pragma once
#include "search/NeighborIndex.h"
#include "util/Parallel.h"
#include "util/Progress.h"

#include <memory>

namespace embex {

/// Approximate cosine top-k through hnswlib (inner product on unit vectors) for very large sets.
/// Results carry exact cosine similarities of the returned rows (computed exactly as ExactIndex
/// computes them) and are ordered like ExactIndex (best first, ties by id).
///
/// The graph keeps its own copy of the unit rows (size × dim floats plus about 2·m ids per row).
/// search() is const and thread-safe: the candidate list size is fixed at construction and
/// searchKnn widens it to k + exclude.size() per call, so nothing is mutated while searching.
/// Determinism: with threads = 1 the graph depends only on the data and the seed; with more
/// build threads the insertion order, hence the graph, varies from run to run (hnswlib 0.6
/// also draws levels from one unguarded generator while inserting in parallel, as its own
/// Python bindings do; ThreadSanitizer reports it).
class HnswIndex : public NeighborIndex
{
public:
    struct Options
    {
        /// Graph degree (hnswlib M). Default 16.
        std::size_t m = 16;
        /// Candidate list size while building. Default 200.
        std::size_t efConstruction = 200;
        /// Candidate list size while searching (raised to k + exclude.size() when smaller).
        /// Default 64.
        std::size_t efSearch = 64;
        /// Seed of the level generator. Default 100.
        std::size_t seed = 100;
        /// Build threads (0 counts as 1). Default: all cores.
        unsigned threads = defaultThreads();
    };

    /// Builds the graph, reporting progress ("building graph") and checking for cancel between
    /// chunks of points. Throws Cancelled, or std::invalid_argument for a null set or m < 2.
    HnswIndex(EmbeddingSetPtr set, const Options &options, Progress &progress = nullProgress());
    ~HnswIndex() override;
    std::vector<Neighbor> search(const float *query, std::size_t k,
                                 std::span<const WordId> exclude = {}) const override;
    const EmbeddingSet &set() const override { return *m_set; }

private:
    struct Impl;
    EmbeddingSetPtr m_set;
    Options m_options;
    std::unique_ptr<Impl> m_impl;
};

} // namespace embex
