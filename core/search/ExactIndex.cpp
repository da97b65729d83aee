#include "search/ExactIndex.h"

#include "search/TopKScan.h"

#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>

#if defined(__F16C__) && defined(__FMA__)
#include <immintrin.h>
#define EMBEX_HALF_FILTER 1
#endif

namespace embex {
namespace {

#ifdef EMBEX_HALF_FILTER
constexpr std::size_t kHalfLanes = 8;

/// out[i] = dot(half rows[i], q) for n rows of `stride` float16 values (stride a multiple of 8,
/// zero padded; q padded likewise). Four rows share each load of q.
void halfDotRows(const std::uint16_t *rows, std::size_t n, std::size_t stride, const float *q,
                 float *out)
{
    auto load = [](const std::uint16_t *p) {
        return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i *>(p)));
    };
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const std::uint16_t *r0 = rows + i * stride;
        const std::uint16_t *r1 = r0 + stride;
        const std::uint16_t *r2 = r1 + stride;
        const std::uint16_t *r3 = r2 + stride;
        __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
        for (std::size_t j = 0; j < stride; j += kHalfLanes) {
            const __m256 qj = _mm256_loadu_ps(q + j);
            a0 = _mm256_fmadd_ps(load(r0 + j), qj, a0);
            a1 = _mm256_fmadd_ps(load(r1 + j), qj, a1);
            a2 = _mm256_fmadd_ps(load(r2 + j), qj, a2);
            a3 = _mm256_fmadd_ps(load(r3 + j), qj, a3);
        }
        const __m256 h = _mm256_hadd_ps(_mm256_hadd_ps(a0, a1), _mm256_hadd_ps(a2, a3));
        _mm_storeu_ps(out + i, _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1)));
    }
    for (; i < n; ++i) {
        const std::uint16_t *r0 = rows + i * stride;
        __m256 a0 = _mm256_setzero_ps();
        for (std::size_t j = 0; j < stride; j += kHalfLanes)
            a0 = _mm256_fmadd_ps(load(r0 + j), _mm256_loadu_ps(q + j), a0);
        __m128 s = _mm_add_ps(_mm256_castps256_ps128(a0), _mm256_extractf128_ps(a0, 1));
        s = _mm_hadd_ps(s, s);
        out[i] = _mm_cvtss_f32(_mm_hadd_ps(s, s));
    }
}
#endif

} // namespace

ExactIndex::ExactIndex(EmbeddingSetPtr set, unsigned threads, [[maybe_unused]] bool halfFilter)
    : m_set(std::move(set)), m_threads(std::max(1u, threads))
{
    if (!m_set)
        throw std::invalid_argument("ExactIndex: no embedding set");
        // No unit-normalised copy of the matrix: unit rows are made a block (or a candidate) at a
        // time with EmbeddingSet::unitRows, the same values normalized() holds.
#ifdef EMBEX_HALF_FILTER
    const std::size_t n = m_set->size(), dim = m_set->dim();
    if (!halfFilter || n == 0 || dim == 0)
        return;
    m_halfStride = (dim + kHalfLanes - 1) / kHalfLanes * kHalfLanes;
    m_half.assign(n * m_halfStride, 0);
    std::vector<double> worst(m_threads, 0.0);
    parallelRanges(n, m_threads, [&](std::size_t begin, std::size_t end, unsigned t) {
        std::vector<float> row(m_halfStride, 0.0f), back(m_halfStride);
        for (std::size_t i = begin; i < end; ++i) {
            m_set->unitRows(i, 1, row.data());
            std::uint16_t *h = m_half.data() + i * m_halfStride;
            for (std::size_t j = 0; j < m_halfStride; j += kHalfLanes) {
                const __m128i packed =
                    _mm256_cvtps_ph(_mm256_loadu_ps(row.data() + j), _MM_FROUND_TO_NEAREST_INT);
                _mm_storeu_si128(reinterpret_cast<__m128i *>(h + j), packed);
                _mm256_storeu_ps(back.data() + j, _mm256_cvtph_ps(packed));
            }
            double e = 0.0;
            for (std::size_t j = 0; j < dim; ++j)
                e += (double(row[j]) - double(back[j])) * (double(row[j]) - double(back[j]));
            if (std::isfinite(e)) // NaN rows score NaN in both precisions and are skipped
                worst[t] = std::max(worst[t], std::sqrt(e));
        }
    });
    // |half - float32 score| <= |q·(h - u)| + two float32 dot rounding errors
    //                        <= |h - u| + 2·stride·2^-24 (unit q and rows), with margins for
    // the norms of q and the rows being 1 only up to rounding, and for the additions below.
    const double e = *std::max_element(worst.begin(), worst.end());
    m_halfBound = float(1.01 * e + 3.0 * double(m_halfStride) * 0x1p-24 + 1e-6);
#endif
}

std::vector<Neighbor> ExactIndex::search(const float *query, std::size_t k,
                                         std::span<const WordId> exclude) const
{
    const std::vector<float> q = detail::unitVector(query, m_set->dim());
    const bool zero = std::all_of(q.begin(), q.end(), [](float x) { return x == 0.0f; });
    // The filter pays off when few rows pass it: not for a zero query (every row ties at 0),
    // nor when k is a large share of the set. Both paths give the same result.
    if (m_half.empty() || zero || k >= m_set->size() / 16)
        return searchFloat(q, k, exclude);
    return searchHalf(q, k, exclude);
}

std::vector<Neighbor> ExactIndex::searchFloat(const std::vector<float> &q, std::size_t k,
                                              std::span<const WordId> exclude) const
{
    const std::size_t dim = m_set->dim();
    return detail::scanTopK(
        m_set->size(), k, exclude, m_threads,
        [&](std::size_t begin, std::size_t end, float *out, std::vector<float> &unit) {
            unit.resize((end - begin) * dim);
            m_set->unitRows(begin, end - begin, unit.data());
            detail::dotRows(unit.data(), end - begin, dim, q.data(), out);
        });
}

std::vector<Neighbor> ExactIndex::searchHalf(const std::vector<float> &q, std::size_t k,
                                             std::span<const WordId> exclude) const
{
#ifndef EMBEX_HALF_FILTER
    return searchFloat(q, k, exclude);
#else
    const std::size_t n = m_set->size(), dim = m_set->dim(), stride = m_halfStride;
    k = std::min(k, n);
    if (k == 0)
        return {};
    std::vector<float> qp(stride, 0.0f);
    std::copy(q.begin(), q.end(), qp.begin());
    const float bound = m_halfBound;
    const std::vector<WordId> skip = detail::sortedIds(exclude);
    const std::size_t blocks = (n + detail::kBlockRows - 1) / detail::kBlockRows;
    const unsigned threads = std::max(1u, std::min<unsigned>(m_threads, unsigned(blocks)));
    constexpr float kInf = std::numeric_limits<float>::infinity();

    // Per thread: a min-heap of the k best lower bounds (half score - B), and the candidates:
    // rows whose upper bound (half score + B) reaches the k-th best lower bound seen so far.
    struct Part
    {
        std::vector<float> lower;
        std::vector<Neighbor> candidates; // similarity = half-precision score
    };
    std::vector<Part> parts(threads);
    parallelRanges(blocks, threads, [&](std::size_t firstBlock, std::size_t endBlock, unsigned t) {
        Part &p = parts[t];
        p.lower.reserve(k);
        std::vector<float> scores(detail::kBlockRows);
        float cut = -kInf; // a row can matter only if its half score is at least this
        std::size_t pruneAt = std::max<std::size_t>(4 * k, 4096);
        for (std::size_t blk = firstBlock; blk < endBlock; ++blk) {
            const std::size_t begin = blk * detail::kBlockRows;
            const std::size_t end = std::min(n, begin + detail::kBlockRows);
            halfDotRows(m_half.data() + begin * stride, end - begin, stride, qp.data(),
                        scores.data());
            auto lo = std::lower_bound(skip.begin(), skip.end(), WordId(begin));
            for (; lo != skip.end() && *lo < end; ++lo)
                scores[*lo - begin] = std::numeric_limits<float>::quiet_NaN();
            for (std::size_t i = 0; i < end - begin; ++i) {
                const float a = scores[i];
                if (!(a >= cut)) // also drops NaN
                    continue;
                p.candidates.push_back({WordId(begin + i), a});
                if (p.lower.size() < k) {
                    p.lower.push_back(a - bound);
                    std::push_heap(p.lower.begin(), p.lower.end(), std::greater<>{});
                } else if (a - bound > p.lower.front()) {
                    std::pop_heap(p.lower.begin(), p.lower.end(), std::greater<>{});
                    p.lower.back() = a - bound;
                    std::push_heap(p.lower.begin(), p.lower.end(), std::greater<>{});
                }
                if (p.lower.size() == k)
                    cut = p.lower.front() - bound;
            }
            if (p.candidates.size() > pruneAt) {
                std::erase_if(p.candidates, [&](const Neighbor &c) { return c.similarity < cut; });
                pruneAt = std::max(pruneAt, 2 * p.candidates.size());
            }
        }
    });

    std::vector<float> lower;
    for (const auto &p : parts)
        lower.insert(lower.end(), p.lower.begin(), p.lower.end());
    float cut = -kInf;
    if (lower.size() >= k) {
        std::nth_element(lower.begin(), lower.begin() + std::ptrdiff_t(k - 1), lower.end(),
                         std::greater<>{});
        cut = lower[k - 1] - bound;
    }
    // Re-score the survivors exactly as the float32 scan would.
    std::vector<float> unit(dim);
    std::vector<Neighbor> result;
    for (const auto &p : parts)
        for (const auto &c : p.candidates) {
            if (c.similarity < cut)
                continue;
            float s = 0.0f;
            m_set->unitRows(c.id, 1, unit.data());
            detail::dotRows(unit.data(), 1, dim, q.data(), &s);
            if (!std::isnan(s))
                result.push_back({c.id, s});
        }
    const std::size_t keep = std::min(k, result.size());
    std::partial_sort(result.begin(), result.begin() + std::ptrdiff_t(keep), result.end(),
                      detail::Better{});
    result.resize(keep);
    return result;
#endif
}

std::vector<Neighbor> neighborsOf(const NeighborIndex &index, WordId id, std::size_t k)
{
    const EmbeddingSet &set = index.set();
    if (id >= set.size())
        throw std::invalid_argument("neighborsOf: word id " + std::to_string(id) +
                                    " is outside the set (" + std::to_string(set.size()) +
                                    " words)");
    const WordId self[] = {id};
    std::vector<float> unit(set.dim());
    set.unitRows(id, 1, unit.data());
    return index.search(unit.data(), k, self);
}

} // namespace embex
