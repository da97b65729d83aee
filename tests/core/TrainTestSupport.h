#pragma once
// Helpers shared by the trainer tests (tst_word2vec, tst_glove, tst_fasttexttrain).
#include "vectors/EmbeddingSet.h"

#include <cmath>
#include <cstddef>
#include <cstring>

namespace embex::test {

/// Cosine similarity of two float vectors, in double precision.
inline double cosine(const float *a, const float *b, std::size_t dim)
{
    double ab = 0, aa = 0, bb = 0;
    for (std::size_t i = 0; i < dim; ++i) {
        ab += double(a[i]) * double(b[i]);
        aa += double(a[i]) * double(a[i]);
        bb += double(b[i]) * double(b[i]);
    }
    return ab / std::sqrt(aa * bb);
}

/// Same words in the same order and bit-identical vectors.
inline bool sameVectors(const EmbeddingSet &a, const EmbeddingSet &b)
{
    return a.size() == b.size() && a.dim() == b.dim() && a.words() == b.words() &&
           (a.size() == 0 ||
            std::memcmp(a.row(0), b.row(0), a.size() * a.dim() * sizeof(float)) == 0);
}

} // namespace embex::test
