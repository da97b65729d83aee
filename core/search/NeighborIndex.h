#pragma once
// Built once, searched many times (docs/ARCHITECTURE.md, "core/search"): cosine = normalise
// once, then inner product.
#include "vectors/EmbeddingSet.h"

#include <cstddef>
#include <span>
#include <vector>

namespace embex {

/// One search result: a row of the set and its cosine similarity to the query.
struct Neighbor
{
    WordId id;
    float similarity;
};

/// Top-k cosine search over the rows of an EmbeddingSet. Implementations are immutable after
/// construction and search() is thread-safe.
class NeighborIndex
{
public:
    virtual ~NeighborIndex() = default;
    /// The k rows most cosine-similar to `query` (dim floats, any norm; a zero query gives
    /// similarity 0 everywhere), best first, ties broken by smaller id; rows listed in
    /// `exclude` are skipped. Returns fewer than k when the set is smaller.
    virtual std::vector<Neighbor> search(const float *query, std::size_t k,
                                         std::span<const WordId> exclude = {}) const = 0;
    virtual const EmbeddingSet &set() const = 0;
};

/// Neighbours of a vocabulary word, the word itself excluded.
std::vector<Neighbor> neighborsOf(const NeighborIndex &index, WordId id, std::size_t k);

} // namespace embex
