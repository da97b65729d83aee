// k nearest neighbours for t-SNE's affinities, from the kNN engine (search/Knn.h): its exact
// scan or its HNSW graph picks the candidates, re-ranked here by the exact squared distance.
#include "project/TsneAffinities.h"
#include "search/Knn.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace embex {
namespace {

using Eigen::Index;

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

/// Row i of the result from candidate ids: exact distances, sorted by (distance, id).
void finishRow(const RowMatrix &x, std::size_t i, const std::vector<std::uint32_t> &ids,
               TsneDistance distance, NeighborLists &out)
{
    const std::size_t d = std::size_t(x.cols());
    std::vector<std::pair<double, std::uint32_t>> row;
    row.reserve(ids.size());
    for (std::uint32_t j : ids)
        row.emplace_back(exactDistance(x.row(Index(i)).data(), x.row(Index(j)).data(), d, distance),
                         j);
    out.setRow(i, row);
}

void hnswNeighbors(const RowMatrix &x, TsneDistance distance, const TsneOptions &options,
                   Progress &progress, NeighborLists &out)
{
    const std::size_t k = out.k;
    const ConstRowMap rows(x.data(), x.rows(), x.cols());
    HnswGraph::Params params;
    params.m = std::max<std::size_t>(2, options.hnswM);
    params.efConstruction = options.hnswEfConstruction;
    params.seed = std::size_t(options.seed);
    params.threads = options.hnswBuildThreads > 0 ? options.hnswBuildThreads : options.threads;
    SubProgress building(progress, 0.0, 0.6);
    HnswGraph graph(rows,
                    distance == TsneDistance::Cosine ? KnnMetric::InnerProduct
                                                     : KnnMetric::SquaredEuclidean,
                    params, building, "neighbour graph");
    const std::size_t ef = options.hnswEfSearch > 0 ? options.hnswEfSearch : k + 10;
    graph.setEf(std::max(ef, k + 1));

    // k + 1 results, the point itself dropped (or the farthest, if the point did not come
    // back, e.g. among duplicates).
    const unsigned threads = std::max(1u, options.threads);
    std::vector<std::vector<std::uint32_t>> scratch(threads);
    SubProgress searching(progress, 0.6, 1.0);
    hnswKnnScan(graph, rows, k + 1, threads, searching,
                [&](unsigned t, std::size_t i, std::vector<KnnCandidate> &found) {
                    auto &ids = scratch[t];
                    ids.clear();
                    for (const auto &c : found)
                        if (c.second != i)
                            ids.push_back(c.second);
                    if (ids.size() > k)
                        ids.resize(k);
                    // Too few (tiny graphs): fill with the lowest unused ids so every row has k
                    // entries.
                    for (std::uint32_t j = 0; ids.size() < k; ++j)
                        if (j != i && std::find(ids.begin(), ids.end(), j) == ids.end())
                            ids.push_back(j);
                    finishRow(x, i, ids, distance, out);
                });
}

} // namespace

NeighborLists tsneNeighbors(ConstRowMap data, std::size_t k, const TsneOptions &options,
                            Progress &progress)
{
    const std::size_t n = std::size_t(data.rows());
    NeighborLists out = NeighborLists::sized(n, k);
    if (out.k == 0)
        return out;
    const RowMatrix x = prepareRows(data, options.distance);
    if (n <= options.exactKnnMaxN) {
        const std::size_t d = std::size_t(x.cols());
        out = exactKnn(ConstRowMap(x.data(), x.rows(), x.cols()), k,
                       options.distance == TsneDistance::Cosine ? KnnMetric::InnerProduct
                                                                : KnnMetric::SquaredEuclidean,
                       options.threads, progress, [&](std::size_t i, std::size_t j) {
                           return exactDistance(x.row(Index(i)).data(), x.row(Index(j)).data(), d,
                                                options.distance);
                       });
    } else {
        hnswNeighbors(x, options.distance, options, progress, out);
    }
    progress.report(1.0, "neighbours");
    return out;
}

} // namespace embex
