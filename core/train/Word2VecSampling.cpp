// The word2vec samplers: unigram^0.75 negatives (alias method) and subsampling probabilities.
#include "train/Word2VecKernels.h"

#include <cmath>
#include <limits>

namespace embex::detail::w2v {

namespace {

constexpr double kTwo32 = 4294967296.0;
constexpr std::uint32_t kFull = std::numeric_limits<std::uint32_t>::max();

} // namespace

AliasSampler::AliasSampler(const std::vector<std::uint64_t> &counts, double power)
{
    const std::size_t n = counts.size();
    if (n == 0)
        return;
    m_table.assign(n, Entry{kFull, 0});
    std::vector<double> q(n);
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
        q[i] = std::pow(double(counts[i]), power);
        sum += q[i];
    }
    // Vose's construction: columns of height 1, each split between its own word (below the
    // threshold) and one alias.
    std::vector<std::uint32_t> small, large;
    for (std::size_t i = 0; i < n; ++i) {
        q[i] = sum > 0 ? q[i] * double(n) / sum : 1.0;
        (q[i] < 1.0 ? small : large).push_back(std::uint32_t(i));
    }
    while (!small.empty() && !large.empty()) {
        const std::uint32_t s = small.back(), l = large.back();
        small.pop_back();
        large.pop_back();
        m_table[s] = {std::uint32_t(std::min(q[s] * kTwo32, double(kFull))), l};
        q[l] = (q[l] + q[s]) - 1.0;
        (q[l] < 1.0 ? small : large).push_back(l);
    }
    // What is left is full up to rounding.
    for (auto *rest : {&small, &large})
        for (std::uint32_t i : *rest)
            m_table[i] = {kFull, i};
}

double AliasSampler::probability(std::uint32_t w) const
{
    double p = 0;
    for (std::size_t i = 0; i < m_table.size(); ++i) {
        const Entry &e = m_table[i];
        const double accept = double(e.threshold) / kTwo32;
        if (e.alias == i) {
            if (i == w)
                p += 1.0;
            continue;
        }
        if (i == w)
            p += accept;
        if (e.alias == w)
            p += 1.0 - accept;
    }
    return p / double(m_table.size());
}

std::vector<float> keepProbabilities(const std::vector<std::uint64_t> &counts, double sample)
{
    std::vector<float> keep(counts.size(), 1.0f);
    if (sample <= 0)
        return keep;
    double total = 0;
    for (auto c : counts)
        total += double(c);
    const double threshold = sample * total;
    for (std::size_t i = 0; i < counts.size(); ++i) {
        const double c = double(counts[i]);
        if (c > 0)
            keep[i] = float(std::min(1.0, (std::sqrt(c / threshold) + 1.0) * threshold / c));
    }
    return keep;
}

} // namespace embex::detail::w2v
