#include "search/HnswIndex.h"

#include "search/TopKScan.h"

#define EMBEX_HNSW_UNIT embexSearch
#include "search/Hnswlib.h"

#include <algorithm>
#include <atomic>
#include <stdexcept>

namespace embex {

struct HnswIndex::Impl
{
    explicit Impl(std::size_t dim) : space(dim) {}
    hnswlib::InnerProductSpace space;
    std::unique_ptr<hnswlib::HierarchicalNSW<float>> graph;
};

namespace {
// Points inserted per work item: small enough for even load and frequent cancel checks.
constexpr std::size_t kChunk = 256;
} // namespace

HnswIndex::HnswIndex(EmbeddingSetPtr set, const Options &options, Progress &progress)
    : m_set(std::move(set)), m_options(options)
{
    if (!m_set)
        throw std::invalid_argument("HnswIndex: no embedding set");
    if (m_options.m < 2)
        throw std::invalid_argument("HnswIndex: m must be at least 2");
    const std::size_t n = m_set->size();
    const std::size_t dim = m_set->dim();
    progress.report(0.0, "normalizing");
    const RowMatrix &unit = m_set->normalized();
    m_impl = std::make_unique<Impl>(dim);
    if (n == 0)
        return;
    // hnswlib 0.6 reads setEf's ef as a plain member inside the const searchKnn, so it is set
    // here once and never changed: searchKnn(q, k) itself searches with max(ef, k), which is
    // exactly the candidate list search() asks for.
    m_impl->graph = std::make_unique<hnswlib::HierarchicalNSW<float>>(
        &m_impl->space, n, m_options.m, m_options.efConstruction, m_options.seed);
    m_impl->graph->setEf(std::max<std::size_t>(1, m_options.efSearch));
    auto &graph = *m_impl->graph;

    progress.report(0.0, "building graph");
    // The first point is added alone: it becomes the entry point the other inserts start from.
    graph.addPoint(unit.row(0).data(), 0);
    std::atomic<std::size_t> next{1}, done{1};
    std::atomic<bool> failed{false};
    const unsigned threads = std::max(1u, m_options.threads);
    // Workers take chunks from a shared counter; worker 0 reports progress.
    parallelRanges(threads, threads, [&](std::size_t, std::size_t, unsigned t) {
        try {
            while (!failed.load(std::memory_order_relaxed) && !progress.cancelled()) {
                const std::size_t begin = next.fetch_add(kChunk);
                if (begin >= n)
                    return;
                const std::size_t end = std::min(n, begin + kChunk);
                for (std::size_t i = begin; i < end; ++i)
                    graph.addPoint(unit.row(Eigen::Index(i)).data(), i);
                const std::size_t total = done.fetch_add(end - begin) + (end - begin);
                if (t == 0)
                    progress.report(double(total) / double(n), "building graph");
            }
        } catch (...) {
            failed.store(true, std::memory_order_relaxed);
            throw;
        }
    });
    progress.check();
    progress.report(1.0, "building graph");
}

HnswIndex::~HnswIndex() = default;

std::vector<Neighbor> HnswIndex::search(const float *query, std::size_t k,
                                        std::span<const WordId> exclude) const
{
    const std::size_t n = m_set->size();
    k = std::min(k, n);
    if (k == 0 || !m_impl->graph)
        return {};
    const std::size_t dim = m_set->dim();
    const RowMatrix &unit = m_set->normalized();
    const std::vector<float> q = detail::unitVector(query, dim);
    const std::vector<WordId> skip = detail::sortedIds(exclude);

    auto found = m_impl->graph->searchKnn(q.data(), std::min(n, k + skip.size()));
    std::vector<Neighbor> result;
    result.reserve(found.size());
    for (; !found.empty(); found.pop()) {
        const auto id = WordId(found.top().second);
        if (std::binary_search(skip.begin(), skip.end(), id))
            continue;
        // The exact cosine, computed like ExactIndex does, not hnswlib's 1 - distance.
        float s = 0.0f;
        detail::dotRows(unit.data() + std::size_t(id) * dim, 1, dim, q.data(), &s);
        if (!std::isnan(s))
            result.push_back({id, s});
    }
    std::sort(result.begin(), result.end(), detail::Better{});
    if (result.size() > k)
        result.resize(k);
    return result;
}

} // namespace embex
