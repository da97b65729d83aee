#pragma once
#include "search/NeighborIndex.h"
#include "util/Parallel.h"

namespace embex {

/// Levy & Goldberg (2014) analogy objectives.
enum class AnalogyMethod {
    Add, ///< 3CosAdd: argmax cos(x, b̂ - â + ĉ) (gensim most_similar)
    Mul, ///< 3CosMul: argmax cos'(x,b)·cos'(x,c) / (cos'(x,a) + 1e-6), cos' = (1+cos)/2
};

/// "a is to b as c is to ?": the k best vocabulary rows, a, b and c excluded (as gensim does).
/// Scores are the method's objective (cosine for Add). Exact, multithreaded.
std::vector<Neighbor> analogy(const EmbeddingSet &set, WordId a, WordId b, WordId c,
                              std::size_t k, AnalogyMethod method = AnalogyMethod::Add,
                              unsigned threads = defaultThreads());

} // namespace embex
