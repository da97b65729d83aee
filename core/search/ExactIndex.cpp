#include "search/ExactIndex.h"

#include "search/TopKScan.h"

#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>

#ifdef __AVX2__
#include <immintrin.h>
#define EMBEX_CODE_FILTER 1
#endif

namespace embex {
namespace {

/// Codes run from −127 to 127: maddubs' sums of two products then never saturate
/// (2 · 127² < 2^15).
constexpr float kCodeMax = 127.0f;

/// Codes for the values v[0, dim) (finite, largest magnitude `largest`): round(v / scale) with
/// scale = largest / 127; returns the scale (0 for a zero vector, whose codes are all 0), and the
/// Euclidean norm of v − scale · codes in `error` (double).
float encode(const float *v, std::size_t dim, std::int8_t *codes, double &error)
{
    float largest = 0.0f;
    for (std::size_t j = 0; j < dim; ++j)
        largest = std::max(largest, std::abs(v[j]));
    error = 0.0;
    if (largest == 0.0f) {
        std::fill_n(codes, dim, std::int8_t(0));
        return 0.0f;
    }
    const float scale = largest / kCodeMax;
    for (std::size_t j = 0; j < dim; ++j) {
        const float c = std::clamp(std::nearbyint(v[j] / scale), -kCodeMax, kCodeMax);
        codes[j] = std::int8_t(c);
        const double e = double(v[j]) - double(scale) * double(c);
        error += e * e;
    }
    error = std::sqrt(error);
    return scale;
}

#ifdef EMBEX_CODE_FILTER
/// out[i] = scales[i] · qScale · Σ_j rows[i][j] · q[j] for n rows of `stride` int8 codes (stride
/// a multiple of 16, zero padded; q likewise). The integer sums are exact; qAbs = |q| and the
/// rows take q's signs (maddubs multiplies unsigned by signed bytes), so rows are read once.
void codeDotRows(const std::int8_t *rows, std::size_t n, std::size_t stride, const float *scales,
                 const std::int8_t *qAbs, const std::int8_t *qSign, float qScale, float *out)
{
    const __m256i ones = _mm256_set1_epi16(1);
    const std::size_t wide = stride - stride % 32;
    auto step = [&](const std::int8_t *r, std::size_t j, __m256i acc) {
        const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(qAbs + j));
        const __m256i sg = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(qSign + j));
        const __m256i b =
            _mm256_sign_epi8(_mm256_loadu_si256(reinterpret_cast<const __m256i *>(r + j)), sg);
        return _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_maddubs_epi16(a, b), ones));
    };
    auto tail = [&](const std::int8_t *r, __m256i acc) {
        if (wide == stride)
            return acc;
        const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i *>(qAbs + wide));
        const __m128i sg = _mm_loadu_si128(reinterpret_cast<const __m128i *>(qSign + wide));
        const __m128i b =
            _mm_sign_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i *>(r + wide)), sg);
        const __m128i p = _mm_madd_epi16(_mm_maddubs_epi16(a, b), _mm256_castsi256_si128(ones));
        return _mm256_add_epi32(acc, _mm256_zextsi128_si256(p));
    };
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const std::int8_t *r0 = rows + i * stride;
        const std::int8_t *r1 = r0 + stride;
        const std::int8_t *r2 = r1 + stride;
        const std::int8_t *r3 = r2 + stride;
        __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
        for (std::size_t j = 0; j < wide; j += 32) {
            a0 = step(r0, j, a0);
            a1 = step(r1, j, a1);
            a2 = step(r2, j, a2);
            a3 = step(r3, j, a3);
        }
        a0 = tail(r0, a0);
        a1 = tail(r1, a1);
        a2 = tail(r2, a2);
        a3 = tail(r3, a3);
        const __m256i h = _mm256_hadd_epi32(_mm256_hadd_epi32(a0, a1), _mm256_hadd_epi32(a2, a3));
        const __m128i dots =
            _mm_add_epi32(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
        const __m128 scaled = _mm_mul_ps(_mm_loadu_ps(scales + i), _mm_set1_ps(qScale));
        _mm_storeu_ps(out + i, _mm_mul_ps(_mm_cvtepi32_ps(dots), scaled));
    }
    for (; i < n; ++i) {
        const std::int8_t *r0 = rows + i * stride;
        __m256i a0 = _mm256_setzero_si256();
        for (std::size_t j = 0; j < wide; j += 32)
            a0 = step(r0, j, a0);
        a0 = tail(r0, a0);
        __m128i s = _mm_add_epi32(_mm256_castsi256_si128(a0), _mm256_extracti128_si256(a0, 1));
        s = _mm_hadd_epi32(s, s);
        s = _mm_hadd_epi32(s, s);
        out[i] = float(_mm_cvtsi128_si32(s)) * (scales[i] * qScale);
    }
}
#endif

} // namespace

ExactIndex::ExactIndex(EmbeddingSetPtr set, unsigned threads, [[maybe_unused]] bool filter)
    : m_set(std::move(set)), m_threads(std::max(1u, threads))
{
    if (!m_set)
        throw std::invalid_argument("ExactIndex: no embedding set");
#ifdef EMBEX_CODE_FILTER
    // No unit-normalised copy of the matrix: unit rows are made a block (or a candidate) at a
    // time with EmbeddingSet::unitRows, the same values normalized() holds.
    const std::size_t n = m_set->size(), dim = m_set->dim();
    if (!filter || n == 0 || dim == 0)
        return;
    m_codeStride = (dim + 15) / 16 * 16;
    m_codes.assign(n * m_codeStride, 0);
    m_codeScales.assign(n, 0.0f);
    std::vector<double> worst(m_threads, 0.0);
    parallelRanges(n, m_threads, [&](std::size_t begin, std::size_t end, unsigned t) {
        std::vector<float> row(dim);
        for (std::size_t i = begin; i < end; ++i) {
            m_set->unitRows(i, 1, row.data());
            const float *u = row.data();
            std::int8_t *c = m_codes.data() + i * m_codeStride;
            if (!std::all_of(u, u + dim, [](float x) { return std::isfinite(x); })) {
                // The float32 score of this row is NaN and the row is never returned: so is
                // its coded score.
                m_codeScales[i] = std::numeric_limits<float>::quiet_NaN();
                continue;
            }
            double error = 0.0;
            m_codeScales[i] = encode(u, dim, c, error);
            worst[t] = std::max(worst[t], error);
        }
    });
    m_codeError = *std::max_element(worst.begin(), worst.end());
#endif
}

std::vector<Neighbor> ExactIndex::search(const float *query, std::size_t k,
                                         std::span<const WordId> exclude) const
{
    const std::vector<float> q = detail::unitVector(query, m_set->dim());
    const bool zero = std::all_of(q.begin(), q.end(), [](float x) { return x == 0.0f; });
    const bool finite = std::all_of(q.begin(), q.end(), [](float x) { return std::isfinite(x); });
    // The filter pays off when few rows pass it: not for a zero query (every row ties at 0),
    // nor when k is a large share of the set. Both paths give the same result.
    if (m_codes.empty() || zero || !finite || k >= m_set->size() / 16)
        return searchFloat(q, k, exclude);
    return searchCoded(q, k, exclude);
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

std::vector<Neighbor> ExactIndex::searchCoded(const std::vector<float> &q, std::size_t k,
                                              std::span<const WordId> exclude) const
{
#ifndef EMBEX_CODE_FILTER
    return searchFloat(q, k, exclude);
#else
    const std::size_t n = m_set->size(), dim = m_set->dim(), stride = m_codeStride;
    k = std::min(k, n);
    if (k == 0)
        return {};
    // The query coded like the rows, as magnitudes and signs for codeDotRows.
    std::vector<std::int8_t> qCodes(stride, 0), qAbs(stride, 0), qSign(stride, 0);
    double qError = 0.0;
    const float qScale = encode(q.data(), dim, qCodes.data(), qError);
    for (std::size_t j = 0; j < dim; ++j) {
        qAbs[j] = std::int8_t(std::abs(qCodes[j]));
        qSign[j] = std::int8_t(qCodes[j] < 0 ? -1 : 1);
    }
    // With u = û + e (a row, its decoded codes, the error) and q = q̂ + f likewise, the coded
    // score û·q̂ (summed exactly in integers) differs from u·q by at most
    // ‖û‖‖f‖ + ‖e‖‖q̂‖ + ‖e‖‖f‖ ≤ (1 + E)F + E(1 + F) + EF for unit u and q, E the largest row
    // error, F the query's. Margins: the unit norms hold only up to rounding, the float32
    // score differs from u·q by at most stride · 2^-24 (the sum of |u_j q_j| is at most 1),
    // and the coded score's conversion and two products add a few ulps.
    const double e = m_codeError, f = qError;
    const float bound = float(1.01 * ((1.0 + e) * f + e * (1.0 + f) + e * f) +
                              3.0 * double(stride) * 0x1p-24 + 1e-6);
    const std::vector<WordId> skip = detail::sortedIds(exclude);
    const std::size_t blocks = (n + detail::kBlockRows - 1) / detail::kBlockRows;
    const unsigned threads = std::max(1u, std::min<unsigned>(m_threads, unsigned(blocks)));
    constexpr float kInf = std::numeric_limits<float>::infinity();

    // Per thread: a min-heap of the k best lower bounds (coded score - B), and the candidates:
    // rows whose upper bound (coded score + B) reaches the k-th best lower bound seen so far.
    struct Part
    {
        std::vector<float> lower;
        std::vector<Neighbor> candidates; // similarity = coded score
    };
    std::vector<Part> parts(threads);
    parallelRanges(blocks, threads, [&](std::size_t firstBlock, std::size_t endBlock, unsigned t) {
        Part &p = parts[t];
        p.lower.reserve(k);
        std::vector<float> scores(detail::kBlockRows);
        float cut = -kInf; // a row can matter only if its coded score is at least this
        std::size_t pruneAt = std::max<std::size_t>(4 * k, 4096);
        for (std::size_t blk = firstBlock; blk < endBlock; ++blk) {
            const std::size_t begin = blk * detail::kBlockRows;
            const std::size_t end = std::min(n, begin + detail::kBlockRows);
            codeDotRows(m_codes.data() + begin * stride, end - begin, stride,
                        m_codeScales.data() + begin, qAbs.data(), qSign.data(), qScale,
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
