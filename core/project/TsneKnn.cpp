// k nearest neighbours for t-SNE's affinities: exact blocked GEMM or hnswlib.
#include "project/TsneAffinities.h"

#define EMBEX_HNSW_UNIT embexTsne
#include "search/Hnswlib.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <memory>
#include <utility>

namespace embex {
namespace {

using Eigen::Index;

// Query rows per work item and candidate rows per GEMM block: the 256 × 2048 float block of
// products (2 MB) stays in L2/L3 while it is scanned.
constexpr std::size_t kQueryBlock = 256;
constexpr std::size_t kPointBlock = 2048;
// Points inserted into the HNSW graph per work item.
constexpr std::size_t kInsertChunk = 256;

/// A candidate, ordered by (distance, id).
using Candidate = std::pair<float, std::uint32_t>;

/// The rows as the search sees them: unit rows for cosine (zero rows stay zero), the input
/// otherwise.
RowMatrix prepareRows(ConstRowMap data, TsneDistance distance)
{
    RowMatrix x = data;
    if (distance == TsneDistance::Cosine)
        for (Index i = 0; i < x.rows(); ++i) {
            const double norm = x.row(i).cast<double>().norm();
            if (norm > 0.0)
                x.row(i) = (x.row(i).cast<double>() / norm).cast<float>();
        }
    return x;
}

/// The squared metric distance between two prepared rows, in double: (1 − cos)² or ‖a − b‖².
double exactDistance(const float *a, const float *b, std::size_t d, TsneDistance distance)
{
    double s = 0.0;
    if (distance == TsneDistance::Cosine) {
        for (std::size_t t = 0; t < d; ++t)
            s += double(a[t]) * double(b[t]);
        const double c = std::max(0.0, 1.0 - s);
        return c * c;
    }
    for (std::size_t t = 0; t < d; ++t) {
        const double diff = double(a[t]) - double(b[t]);
        s += diff * diff;
    }
    return s;
}

/// Writes row i of the result from candidate ids: exact distances, sorted by (distance, id).
void finishRow(const RowMatrix &x, std::size_t i, const std::vector<std::uint32_t> &ids,
               TsneDistance distance, TsneNeighbors &out)
{
    const std::size_t d = std::size_t(x.cols()), k = out.k;
    std::vector<std::pair<double, std::uint32_t>> row;
    row.reserve(ids.size());
    for (std::uint32_t j : ids)
        row.emplace_back(exactDistance(x.row(Index(i)).data(), x.row(Index(j)).data(), d, distance),
                         j);
    std::sort(row.begin(), row.end());
    for (std::size_t r = 0; r < k; ++r) {
        out.ids[i * k + r] = row[r].second;
        out.distances[i * k + r] = row[r].first;
    }
}

void exactNeighbors(const RowMatrix &x, TsneDistance distance, unsigned threads, Progress &progress,
                    TsneNeighbors &out)
{
    const std::size_t n = std::size_t(x.rows()), k = out.k;
    Eigen::VectorXf sq = x.rowwise().squaredNorm();
    const std::size_t blocks = (n + kQueryBlock - 1) / kQueryBlock;
    std::atomic<std::size_t> next{0}, done{0};
    parallelRanges(threads, threads, [&](std::size_t, std::size_t, unsigned t) {
        RowMatrix products;
        std::vector<std::vector<Candidate>> heaps(kQueryBlock);
        std::vector<std::uint32_t> ids;
        for (;;) {
            const std::size_t blk = next.fetch_add(1);
            if (blk >= blocks)
                return;
            progress.check();
            const std::size_t q0 = blk * kQueryBlock, qn = std::min(kQueryBlock, n - q0);
            for (auto &h : heaps)
                h.clear();
            for (std::size_t p0 = 0; p0 < n; p0 += kPointBlock) {
                const std::size_t pn = std::min(kPointBlock, n - p0);
                products.noalias() = x.middleRows(Index(q0), Index(qn)) *
                                     x.middleRows(Index(p0), Index(pn)).transpose();
                for (std::size_t r = 0; r < qn; ++r) {
                    auto &heap = heaps[r];
                    const float *g = products.row(Index(r)).data();
                    const float sqq = sq[Index(q0 + r)];
                    for (std::size_t c = 0; c < pn; ++c) {
                        const auto j = std::uint32_t(p0 + c);
                        if (j == q0 + r)
                            continue;
                        const float dist = distance == TsneDistance::Cosine
                                               ? 1.0f - g[c]
                                               : sqq + sq[Index(j)] - 2.0f * g[c];
                        const Candidate cand{dist, j};
                        if (heap.size() < k) {
                            heap.push_back(cand);
                            std::push_heap(heap.begin(), heap.end());
                        } else if (cand < heap.front()) {
                            std::pop_heap(heap.begin(), heap.end());
                            heap.back() = cand;
                            std::push_heap(heap.begin(), heap.end());
                        }
                    }
                }
            }
            for (std::size_t r = 0; r < qn; ++r) {
                ids.clear();
                for (const auto &c : heaps[r])
                    ids.push_back(c.second);
                finishRow(x, q0 + r, ids, distance, out);
            }
            const std::size_t now = done.fetch_add(qn) + qn;
            if (t == 0)
                progress.report(double(now) / double(n), "neighbours");
        }
    });
}

void hnswNeighbors(const RowMatrix &x, TsneDistance distance, const TsneOptions &options,
                   Progress &progress, TsneNeighbors &out)
{
    const std::size_t n = std::size_t(x.rows()), d = std::size_t(x.cols()), k = out.k;
    std::unique_ptr<hnswlib::SpaceInterface<float>> space;
    if (distance == TsneDistance::Cosine)
        space = std::make_unique<hnswlib::InnerProductSpace>(d);
    else
        space = std::make_unique<hnswlib::L2Space>(d);
    hnswlib::HierarchicalNSW<float> graph(space.get(), n, std::max<std::size_t>(2, options.hnswM),
                                          std::max<std::size_t>(1, options.hnswEfConstruction),
                                          std::size_t(options.seed));
    // searchKnn uses max(ef, k); ef is set once, before the parallel queries (it is a plain
    // member read by the const search).
    const std::size_t ef = options.hnswEfSearch > 0 ? options.hnswEfSearch : k + 10;
    graph.setEf(std::max(ef, k + 1));

    // Build: the first point alone (the entry point), then chunks from a shared counter.
    progress.report(0.0, "neighbour graph");
    graph.addPoint(x.row(0).data(), 0);
    const unsigned buildThreads =
        std::max(1u, options.hnswBuildThreads > 0 ? options.hnswBuildThreads : options.threads);
    std::atomic<std::size_t> next{1}, done{1};
    parallelRanges(buildThreads, buildThreads, [&](std::size_t, std::size_t, unsigned t) {
        for (;;) {
            progress.check();
            const std::size_t begin = next.fetch_add(kInsertChunk);
            if (begin >= n)
                return;
            const std::size_t end = std::min(n, begin + kInsertChunk);
            for (std::size_t i = begin; i < end; ++i)
                graph.addPoint(x.row(Index(i)).data(), i);
            const std::size_t now = done.fetch_add(end - begin) + (end - begin);
            if (t == 0)
                progress.report(0.6 * double(now) / double(n), "neighbour graph");
        }
    });

    // Queries: k + 1 results, the point itself dropped (or the farthest, if the point did not
    // come back, e.g. among duplicates).
    std::atomic<std::size_t> searched{0};
    parallelRanges(
        n, std::max(1u, options.threads), [&](std::size_t begin, std::size_t end, unsigned t) {
            std::vector<std::uint32_t> ids;
            for (std::size_t i = begin; i < end; ++i) {
                if ((i - begin) % 1024 == 0) {
                    progress.check();
                    const std::size_t now = searched.load();
                    if (t == 0)
                        progress.report(0.6 + 0.4 * double(now) / double(n), "neighbours");
                }
                auto found = graph.searchKnn(x.row(Index(i)).data(), k + 1);
                ids.clear();
                for (; !found.empty(); found.pop())
                    if (found.top().second != i)
                        ids.push_back(std::uint32_t(found.top().second));
                // The queue pops farthest first: keep the k nearest.
                std::reverse(ids.begin(), ids.end());
                if (ids.size() > k)
                    ids.resize(k);
                // Too few (tiny graphs): fill with the lowest unused ids so every
                // row has k entries.
                for (std::uint32_t j = 0; ids.size() < k; ++j)
                    if (j != i && std::find(ids.begin(), ids.end(), j) == ids.end())
                        ids.push_back(j);
                finishRow(x, i, ids, distance, out);
                if ((i - begin) % 1024 == 1023)
                    searched.fetch_add(1024);
            }
        });
}

} // namespace

TsneNeighbors tsneNeighbors(ConstRowMap data, std::size_t k, const TsneOptions &options,
                            Progress &progress)
{
    const std::size_t n = std::size_t(data.rows());
    TsneNeighbors out;
    out.n = n;
    out.k = std::min(k, n > 0 ? n - 1 : 0);
    out.ids.resize(n * out.k);
    out.distances.resize(n * out.k);
    if (out.k == 0)
        return out;
    const RowMatrix x = prepareRows(data, options.distance);
    if (n <= options.exactKnnMaxN)
        exactNeighbors(x, options.distance, std::max(1u, options.threads), progress, out);
    else
        hnswNeighbors(x, options.distance, options, progress, out);
    progress.report(1.0, "neighbours");
    return out;
}

} // namespace embex
