#pragma once
#include "search/NeighborIndex.h"
#include "util/Parallel.h"

namespace embex {

/// Exact cosine top-k by brute force over the normalised matrix: float32 Eigen products
/// (SIMD), rows split across threads, per-thread bounded heaps merged at the end. This is the
/// oracle every approximate index is measured against.
class ExactIndex : public NeighborIndex
{
public:
    explicit ExactIndex(EmbeddingSetPtr set, unsigned threads = defaultThreads());
    std::vector<Neighbor> search(const float *query, std::size_t k,
                                 std::span<const WordId> exclude = {}) const override;
    const EmbeddingSet &set() const override { return *m_set; }

private:
    EmbeddingSetPtr m_set;
    unsigned m_threads;
};

} // namespace embex
