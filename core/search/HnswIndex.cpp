#include "search/HnswIndex.h"

#include "search/Knn.h"
#include "search/TopKScan.h"

#include <algorithm>
#include <stdexcept>

namespace embex {

struct HnswIndex::Impl
{
    std::unique_ptr<HnswGraph> graph;
};

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
    m_impl = std::make_unique<Impl>();
    if (n == 0)
        return;
    HnswGraph::Params params;
    params.m = m_options.m;
    params.efConstruction = m_options.efConstruction;
    params.seed = m_options.seed;
    params.threads = m_options.threads;
    m_impl->graph =
        std::make_unique<HnswGraph>(ConstRowMap(unit.data(), Eigen::Index(n), Eigen::Index(dim)),
                                    KnnMetric::InnerProduct, params, progress, "building graph");
    // The candidate list size is set once, here, and never changed: each search then uses
    // max(ef, k + exclude.size()), exactly the candidate list search() asks for.
    m_impl->graph->setEf(std::max<std::size_t>(1, m_options.efSearch));
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

    const auto found = m_impl->graph->search(q.data(), std::min(n, k + skip.size()));
    std::vector<Neighbor> result;
    result.reserve(found.size());
    for (const auto &f : found) {
        const auto id = WordId(f.second);
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
