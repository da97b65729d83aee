#pragma once
#include "search/NeighborIndex.h"
#include "util/Parallel.h"

namespace embex {

/// Levy & Goldberg (2014) analogy objectives.
enum class AnalogyMethod {
    Add, ///< 3CosAdd: argmax cos(x, b̂ - â + ĉ) (gensim most_similar)
    Mul, ///< 3CosMul: argmax cos'(x,b)·cos'(x,c) / (cos'(x,a) + 1e-6), cos' = (1+cos)/2
};

/// "a is to b as c is to ?": the k best vocabulary rows, a, b and c excluded (as gensim does),
/// best first, ties by smaller id. Scores are the method's objective: for Add the cosine to
/// (b̂ + ĉ - â)/3, as gensim's most_similar(positive=[b, c], negative=[a]); for Mul
/// gensim's most_similar_cosmul(positive=[b, c], negative=[a]) score. Exact (brute force over
/// set.normalized()), multithreaded, thread-safe; the result does not depend on `threads`.
/// Throws std::invalid_argument when a, b or c is not a row of the set.
std::vector<Neighbor> analogy(const EmbeddingSet &set, WordId a, WordId b, WordId c, std::size_t k,
                              AnalogyMethod method = AnalogyMethod::Add,
                              unsigned threads = defaultThreads());

} // namespace embex
