#pragma once
// Internal to core/search: the blocked brute-force scan shared by ExactIndex, HnswIndex
// (re-scoring) and analogy(). Not part of the public API.
#include "search/NeighborIndex.h"
#include "util/Parallel.h"

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <vector>

namespace embex::detail {

/// Rows per block. Blocks form a fixed grid over the rows (block b holds rows
/// [b·kBlockRows, (b+1)·kBlockRows)); threads take whole blocks, so the work done for a row never
/// depends on the thread count.
inline constexpr std::size_t kBlockRows = 4096;

/// a·b + c, fused where the build has FMA so that every row is summed the same way.
inline float madd(float a, float b, float c)
{
#ifdef __FMA__
    return std::fma(a, b, c);
#else
    return a * b + c;
#endif
}

/// out[i] = dot(rows[i], q) for n contiguous rows of `dim` floats.
///
/// Eigen's own matrix-vector product sums the last row of an odd-sized product differently
/// (half packets), so two equal rows could score differently by one ulp and break exact ties.
/// Here every row goes through the same sequence of operations — SIMD packets in order, one
/// horizontal sum, then the scalar tail — whatever its position: equal rows give bit-identical
/// scores. Four rows share each load of q.
inline void dotRows(const float *rows, std::size_t n, std::size_t dim, const float *q, float *out)
{
    using Packet = Eigen::internal::packet_traits<float>::type;
    constexpr std::size_t kLanes = Eigen::internal::packet_traits<float>::size;
    namespace ei = Eigen::internal;
    const std::size_t packed = dim - dim % kLanes;
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const float *r0 = rows + i * dim;
        const float *r1 = r0 + dim;
        const float *r2 = r1 + dim;
        const float *r3 = r2 + dim;
        Packet a0 = ei::pset1<Packet>(0.0f), a1 = a0, a2 = a0, a3 = a0;
        for (std::size_t j = 0; j < packed; j += kLanes) {
            const Packet qj = ei::ploadu<Packet>(q + j);
            a0 = ei::pmadd(ei::ploadu<Packet>(r0 + j), qj, a0);
            a1 = ei::pmadd(ei::ploadu<Packet>(r1 + j), qj, a1);
            a2 = ei::pmadd(ei::ploadu<Packet>(r2 + j), qj, a2);
            a3 = ei::pmadd(ei::ploadu<Packet>(r3 + j), qj, a3);
        }
        float s0 = ei::predux(a0), s1 = ei::predux(a1), s2 = ei::predux(a2), s3 = ei::predux(a3);
        for (std::size_t j = packed; j < dim; ++j) {
            s0 = madd(r0[j], q[j], s0);
            s1 = madd(r1[j], q[j], s1);
            s2 = madd(r2[j], q[j], s2);
            s3 = madd(r3[j], q[j], s3);
        }
        out[i] = s0;
        out[i + 1] = s1;
        out[i + 2] = s2;
        out[i + 3] = s3;
    }
    for (; i < n; ++i) {
        const float *r0 = rows + i * dim;
        Packet a0 = ei::pset1<Packet>(0.0f);
        for (std::size_t j = 0; j < packed; j += kLanes)
            a0 = ei::pmadd(ei::ploadu<Packet>(r0 + j), ei::ploadu<Packet>(q + j), a0);
        float s0 = ei::predux(a0);
        for (std::size_t j = packed; j < dim; ++j)
            s0 = madd(r0[j], q[j], s0);
        out[i] = s0;
    }
}

/// q / |q| (norm taken in double, like EmbeddingSet::normalized()); a zero or non-finite-norm
/// query stays as it is when zero, so that every similarity is 0.
inline std::vector<float> unitVector(const float *q, std::size_t dim)
{
    double s = 0.0;
    for (std::size_t j = 0; j < dim; ++j)
        s += double(q[j]) * double(q[j]);
    const double norm = std::sqrt(s);
    std::vector<float> u(dim, 0.0f);
    if (norm > 0.0)
        for (std::size_t j = 0; j < dim; ++j)
            u[j] = float(double(q[j]) / norm);
    return u;
}

/// Ranking order of results: higher similarity first, then smaller id.
struct Better
{
    bool operator()(const Neighbor &a, const Neighbor &b) const
    {
        return a.similarity > b.similarity || (a.similarity == b.similarity && a.id < b.id);
    }
};

/// Sorted, duplicate-free copy of `exclude`.
inline std::vector<WordId> sortedIds(std::span<const WordId> exclude)
{
    std::vector<WordId> ids(exclude.begin(), exclude.end());
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return ids;
}

/// The best min(k, eligible) of rows [0, n), best first, ties by smaller id. Rows are scored a
/// block at a time by score(begin, end, out, scratch), which writes end - begin scores to out
/// (scratch: a per-thread vector it may use freely). Rows in `exclude` and rows scored NaN are
/// skipped. Blocks are spread over `threads` threads, each keeping a bounded heap; the heaps are
/// merged at the end. The result does not depend on `threads` as long as score() gives each row
/// a value that depends on the row alone.
template <class ScoreBlock>
std::vector<Neighbor> scanTopK(std::size_t n, std::size_t k, std::span<const WordId> exclude,
                               unsigned threads, const ScoreBlock &score)
{
    k = std::min(k, n);
    if (k == 0)
        return {};
    const std::vector<WordId> skip = sortedIds(exclude);
    const std::size_t blocks = (n + kBlockRows - 1) / kBlockRows;
    threads = std::max(1u, std::min<unsigned>(threads, unsigned(blocks)));
    std::vector<std::vector<Neighbor>> heaps(threads);

    parallelRanges(blocks, threads, [&](std::size_t firstBlock, std::size_t endBlock, unsigned t) {
        std::vector<Neighbor> &heap = heaps[t];
        heap.reserve(k);
        std::vector<float> scores(kBlockRows);
        std::vector<float> scratch;
        // Heap front = the worst kept row. Rows arrive in increasing id order within a thread,
        // so once the heap is full a row must beat the worst strictly to enter.
        float threshold = -std::numeric_limits<float>::infinity();
        for (std::size_t blk = firstBlock; blk < endBlock; ++blk) {
            const std::size_t begin = blk * kBlockRows;
            const std::size_t end = std::min(n, begin + kBlockRows);
            score(begin, end, scores.data(), scratch);
            auto lo = std::lower_bound(skip.begin(), skip.end(), WordId(begin));
            for (; lo != skip.end() && *lo < end; ++lo)
                scores[*lo - begin] = std::numeric_limits<float>::quiet_NaN();
            std::size_t i = 0;
            for (; heap.size() < k && begin + i < end; ++i) {
                const float s = scores[i];
                if (std::isnan(s))
                    continue;
                heap.push_back({WordId(begin + i), s});
                std::push_heap(heap.begin(), heap.end(), Better{});
                if (heap.size() == k)
                    threshold = heap.front().similarity;
            }
            for (; begin + i < end; ++i) {
                const float s = scores[i];
                if (!(s > threshold))
                    continue;
                std::pop_heap(heap.begin(), heap.end(), Better{});
                heap.back() = {WordId(begin + i), s};
                std::push_heap(heap.begin(), heap.end(), Better{});
                threshold = heap.front().similarity;
            }
        }
    });

    std::vector<Neighbor> all;
    for (const auto &h : heaps)
        all.insert(all.end(), h.begin(), h.end());
    const std::size_t keep = std::min(k, all.size());
    std::partial_sort(all.begin(), all.begin() + std::ptrdiff_t(keep), all.end(), Better{});
    all.resize(keep);
    return all;
}

} // namespace embex::detail
