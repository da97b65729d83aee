#pragma once
#include "search/NeighborIndex.h"
#include "util/Parallel.h"
#include "util/Progress.h"

#include <memory>

namespace embex {

/// Approximate cosine top-k through hnswlib (inner product on unit vectors) for very large sets.
/// Results carry exact cosine similarities of the returned rows and are ordered like
/// ExactIndex (best first, ties by id).
class HnswIndex : public NeighborIndex
{
public:
    struct Options
    {
        /// Graph degree (hnswlib M). Default 16.
        std::size_t m = 16;
        /// Candidate list size while building. Default 200.
        std::size_t efConstruction = 200;
        /// Candidate list size while searching (raised to k when smaller). Default 64.
        std::size_t efSearch = 64;
        /// Seed of the level generator. Default 100.
        std::size_t seed = 100;
        /// Build threads. Default: all cores.
        unsigned threads = defaultThreads();
    };

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
