#include "search/Knn.h"

#define EMBEX_HNSW_UNIT embexKnn
#include "search/Hnswlib.h"

#include <algorithm>
#include <atomic>
#include <limits>
#include <stdexcept>

namespace embex {
namespace {

using Eigen::Index;

// Query rows per work item and candidate rows per product block: the 256 × 2048 float block of
// products (2 MB) stays in L2/L3 while it is scanned.
constexpr std::size_t kQueryBlock = 256;
constexpr std::size_t kPointBlock = 2048;
// Points inserted into the HNSW graph per work item: small enough for even load and frequent
// cancel checks.
constexpr std::size_t kInsertChunk = 256;
// Rows searched between progress reports and cancel checks.
constexpr std::size_t kSearchChunk = 1024;

} // namespace

NeighborLists NeighborLists::sized(std::size_t n, std::size_t k)
{
    NeighborLists out;
    out.n = n;
    out.k = std::min(k, n > 0 ? n - 1 : 0);
    out.ids.assign(n * out.k, 0);
    out.distances.assign(n * out.k, 0.0);
    return out;
}

void NeighborLists::setRow(std::size_t i, std::vector<std::pair<double, std::uint32_t>> &candidates)
{
    std::sort(candidates.begin(), candidates.end());
    for (std::size_t r = 0; r < k; ++r) {
        ids[i * k + r] = candidates[r].second;
        distances[i * k + r] = candidates[r].first;
    }
}

void exactKnnScan(ConstRowMap rows, std::size_t m, KnnMetric metric, unsigned threads,
                  Progress &progress, const KnnSink &sink)
{
    const std::size_t n = std::size_t(rows.rows());
    m = std::min(m, n > 0 ? n - 1 : 0);
    if (m == 0)
        return;
    const bool inner = metric == KnnMetric::InnerProduct;
    Eigen::VectorXf sq;
    if (!inner)
        sq = rows.rowwise().squaredNorm();
    const std::size_t blocks = (n + kQueryBlock - 1) / kQueryBlock;
    std::atomic<std::size_t> next{0}, done{0};
    std::atomic<bool> failed{false};
    runWorkers(std::max(1u, threads), [&](unsigned t) {
        try {
            RowMatrix products;
            std::vector<std::vector<KnnCandidate>> heaps(kQueryBlock);
            while (!failed.load(std::memory_order_relaxed)) {
                const std::size_t blk = next.fetch_add(1);
                if (blk >= blocks)
                    return;
                progress.check();
                const std::size_t q0 = blk * kQueryBlock, qn = std::min(kQueryBlock, n - q0);
                for (auto &h : heaps)
                    h.clear();
                for (std::size_t p0 = 0; p0 < n; p0 += kPointBlock) {
                    const std::size_t pn = std::min(kPointBlock, n - p0);
                    products.noalias() = rows.middleRows(Index(q0), Index(qn)) *
                                         rows.middleRows(Index(p0), Index(pn)).transpose();
                    for (std::size_t r = 0; r < qn; ++r) {
                        auto &heap = heaps[r];
                        const std::size_t i = q0 + r;
                        const float *g = products.row(Index(r)).data();
                        const float sqi = inner ? 0.0f : sq[Index(i)];
                        // Rows arrive in increasing order, so a full heap takes only strictly
                        // smaller distances: ties stay with the smaller row.
                        float worst = heap.size() == m ? heap.front().first
                                                       : std::numeric_limits<float>::infinity();
                        for (std::size_t c = 0; c < pn; ++c) {
                            const std::size_t j = p0 + c;
                            if (j == i)
                                continue;
                            const float f = inner ? 1.0f - g[c] : sqi + sq[Index(j)] - 2.0f * g[c];
                            if (heap.size() < m) {
                                heap.emplace_back(f, std::uint32_t(j));
                                std::push_heap(heap.begin(), heap.end());
                                if (heap.size() == m)
                                    worst = heap.front().first;
                            } else if (f < worst) {
                                std::pop_heap(heap.begin(), heap.end());
                                heap.back() = {f, std::uint32_t(j)};
                                std::push_heap(heap.begin(), heap.end());
                                worst = heap.front().first;
                            }
                        }
                    }
                }
                for (std::size_t r = 0; r < qn; ++r)
                    sink(t, q0 + r, heaps[r]);
                const std::size_t now = done.fetch_add(qn) + qn;
                if (t == 0)
                    progress.report(double(now) / double(n), "neighbours");
            }
        } catch (...) {
            failed.store(true, std::memory_order_relaxed);
            throw;
        }
    });
}

NeighborLists exactKnn(ConstRowMap rows, std::size_t k, KnnMetric metric, unsigned threads,
                       Progress &progress,
                       const std::function<double(std::size_t, std::size_t)> &distance)
{
    NeighborLists out = NeighborLists::sized(std::size_t(rows.rows()), k);
    k = out.k;
    if (k == 0)
        return out;
    threads = std::max(1u, threads);
    std::vector<std::vector<std::pair<double, std::uint32_t>>> scratch(threads);
    exactKnnScan(rows, k, metric, threads, progress,
                 [&](unsigned t, std::size_t i, std::vector<KnnCandidate> &candidates) {
                     auto &exact = scratch[t];
                     exact.clear();
                     for (const auto &c : candidates)
                         exact.emplace_back(distance(i, c.second), c.second);
                     out.setRow(i, exact);
                 });
    return out;
}

struct HnswGraph::Impl
{
    std::unique_ptr<hnswlib::SpaceInterface<float>> space;
    std::unique_ptr<hnswlib::HierarchicalNSW<float>> graph;
};

HnswGraph::HnswGraph(ConstRowMap rows, KnnMetric metric, const Params &params, Progress &progress,
                     std::string_view stage)
    : m_impl(std::make_unique<Impl>()), m_size(std::size_t(rows.rows()))
{
    if (params.m < 2)
        throw std::invalid_argument("HNSW: m must be at least 2");
    const std::size_t n = m_size, d = std::size_t(rows.cols());
    if (metric == KnnMetric::InnerProduct)
        m_impl->space = std::make_unique<hnswlib::InnerProductSpace>(d);
    else
        m_impl->space = std::make_unique<hnswlib::L2Space>(d);
    if (n == 0)
        return;
    m_impl->graph = std::make_unique<hnswlib::HierarchicalNSW<float>>(
        m_impl->space.get(), n, params.m, std::max<std::size_t>(1, params.efConstruction),
        params.seed);
    auto &graph = *m_impl->graph;

    progress.report(0.0, stage);
    // The first point is added alone: it becomes the entry point the other inserts start from.
    graph.addPoint(rows.row(0).data(), 0);
    std::atomic<std::size_t> next{1}, done{1};
    std::atomic<bool> failed{false};
    runWorkers(std::max(1u, params.threads), [&](unsigned t) {
        try {
            while (!failed.load(std::memory_order_relaxed) && !progress.cancelled()) {
                const std::size_t begin = next.fetch_add(kInsertChunk);
                if (begin >= n)
                    return;
                const std::size_t end = std::min(n, begin + kInsertChunk);
                for (std::size_t i = begin; i < end; ++i)
                    graph.addPoint(rows.row(Index(i)).data(), i);
                const std::size_t total = done.fetch_add(end - begin) + (end - begin);
                if (t == 0)
                    progress.report(double(total) / double(n), stage);
            }
        } catch (...) {
            failed.store(true, std::memory_order_relaxed);
            throw;
        }
    });
    progress.check();
    progress.report(1.0, stage);
}

HnswGraph::~HnswGraph() = default;

void HnswGraph::setEf(std::size_t ef)
{
    // hnswlib 0.6 reads ef as a plain member inside the const searchKnn.
    if (m_impl->graph)
        m_impl->graph->setEf(std::max<std::size_t>(1, ef));
}

std::vector<KnnCandidate> HnswGraph::search(const float *q, std::size_t count) const
{
    std::vector<KnnCandidate> found;
    if (!m_impl->graph || count == 0)
        return found;
    // searchKnn returns a max-queue on (distance, label): it pops the farthest first.
    auto queue = m_impl->graph->searchKnn(q, std::min(count, m_size));
    found.resize(queue.size());
    for (std::size_t r = found.size(); r-- > 0; queue.pop())
        found[r] = {queue.top().first, std::uint32_t(queue.top().second)};
    return found;
}

void hnswKnnScan(const HnswGraph &graph, ConstRowMap rows, std::size_t count, unsigned threads,
                 Progress &progress, const KnnSink &sink)
{
    const std::size_t n = std::size_t(rows.rows());
    std::atomic<std::size_t> searched{0};
    parallelRanges(n, std::max(1u, threads), [&](std::size_t begin, std::size_t end, unsigned t) {
        for (std::size_t i = begin; i < end; ++i) {
            if ((i - begin) % kSearchChunk == 0) {
                progress.check();
                if (t == 0)
                    progress.report(double(searched.load()) / double(n), "neighbours");
            }
            std::vector<KnnCandidate> found = graph.search(rows.row(Index(i)).data(), count);
            sink(t, i, found);
            if ((i - begin) % kSearchChunk == kSearchChunk - 1)
                searched.fetch_add(kSearchChunk);
        }
    });
}

} // namespace embex
