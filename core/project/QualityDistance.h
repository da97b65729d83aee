#pragma once
// Internal to core/project's quality measures: the exact distances of Quality.h, shared by the
// neighbour search (QualityKnn.cpp) and trustworthiness (Quality.cpp). Not part of the API.
#include "vectors/EmbeddingSet.h"

#include <cmath>
#include <cstddef>
#include <vector>

namespace embex::detail {

/// ‖row i‖ in double, summing the squares in order.
inline std::vector<double> qualityRowNorms(ConstRowMap data)
{
    const std::size_t n = std::size_t(data.rows()), d = std::size_t(data.cols());
    std::vector<double> norms(n);
    for (std::size_t i = 0; i < n; ++i) {
        const float *a = data.data() + i * d;
        double sum = 0.0;
        for (std::size_t t = 0; t < d; ++t)
            sum += double(a[t]) * double(a[t]);
        norms[i] = std::sqrt(sum);
    }
    return norms;
}

/// The exact distance of Quality.h between rows i and j: 1 − (a·b) / (‖a‖ ‖b‖) (1 if either
/// row is zero) or Σ (a_t − b_t)², in double, summed in order. `norms` from qualityRowNorms()
/// (used for cosine only).
inline double qualityDistance(ConstRowMap data, const std::vector<double> &norms, bool cosine,
                              std::size_t i, std::size_t j)
{
    const std::size_t d = std::size_t(data.cols());
    const float *a = data.data() + i * d;
    const float *b = data.data() + j * d;
    double s = 0.0;
    if (cosine) {
        for (std::size_t t = 0; t < d; ++t)
            s += double(a[t]) * double(b[t]);
        const double den = norms[i] * norms[j];
        return den > 0.0 ? 1.0 - s / den : 1.0;
    }
    for (std::size_t t = 0; t < d; ++t) {
        const double diff = double(a[t]) - double(b[t]);
        s += diff * diff;
    }
    return s;
}

} // namespace embex::detail
