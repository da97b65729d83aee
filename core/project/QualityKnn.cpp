// Original-space k nearest neighbours for the projection quality measures (Quality.h): the kNN
// engine (search/Knn.h) screens candidates in float32, re-ranked here in double under a proven
// error bound (exact search) or as they come (HNSW, for large sets).
#include "project/Quality.h"
#include "project/QualityDistance.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

namespace embex {
namespace {

using Eigen::Index;

/// An exact candidate (double distance, id).
using Exact = std::pair<double, std::uint32_t>;

/// The rows as the float32 screening sees them, and what relates its distances to the exact
/// ones: |screening distance − scale · exact distance| ≤ bound for every pair.
struct Screening
{
    RowMatrix x;               ///< unit rows (cosine) or centred rows times `scale` (euclidean)
    Eigen::VectorXf sq;        ///< squared norms of x's rows (euclidean)
    std::vector<double> norms; ///< double norms of the input rows (the exact cosine)
    double scale = 1;          ///< a power of two: screening units per exact unit
    double bound = 0;
};

Screening prepare(ConstRowMap data, bool cosine)
{
    const Index n = data.rows(), d = data.cols();
    Screening s;
    s.x.resize(n, d);
    s.norms = detail::qualityRowNorms(data);
    // Error of the float32 screening, with room to spare: the products sum d terms (γ_d), the
    // rows themselves were rounded once (unit or centred), and the distance formula adds a few
    // roundings. Four times the first-order bound (d + 16) · 2^-24 times the squared scale of
    // the rows (1 for unit rows, (2 max‖x‖)² for centred ones).
    const double unit = 4.0 * (double(d) + 16.0) * 0x1p-24;
    if (cosine) {
        for (Index i = 0; i < n; ++i) {
            const double norm = s.norms[std::size_t(i)];
            const float *a = data.data() + i * d;
            for (Index t = 0; t < d; ++t)
                s.x(i, t) = norm > 0.0 ? float(double(a[t]) / norm) : 0.0f;
        }
        s.bound = unit;
        return s;
    }
    // Euclidean: centring keeps the norms, hence the error of ‖a‖² + ‖b‖² − 2a·b, small for
    // data far from the origin; a power-of-two scale keeps float32 away from overflow and
    // subnormals without changing the order of distances.
    Eigen::VectorXd mean = Eigen::VectorXd::Zero(d);
    for (Index i = 0; i < n; ++i)
        mean += data.row(i).cast<double>().transpose();
    if (n > 0)
        mean /= double(n);
    double maxNorm = 0.0;
    for (Index i = 0; i < n; ++i)
        maxNorm = std::max(maxNorm, (data.row(i).cast<double>().transpose() - mean).norm());
    s.scale = maxNorm > 0.0 ? std::ldexp(1.0, -std::ilogb(maxNorm)) : 1.0;
    for (Index i = 0; i < n; ++i)
        for (Index t = 0; t < d; ++t)
            s.x(i, t) = float((double(data(i, t)) - mean[t]) * s.scale);
    s.sq = s.x.rowwise().squaredNorm();
    const double scaledMax = maxNorm * s.scale; // in [1, 2)
    s.bound = unit * 4.0 * scaledMax * scaledMax + 1e-30;
    s.scale *= s.scale; // distances are squared
    return s;
}

/// Screening distance between rows i and j of the prepared matrix, outside the blocked product.
float screeningDistance(const Screening &s, bool cosine, std::size_t i, std::size_t j)
{
    const float g = s.x.row(Index(i)).dot(s.x.row(Index(j)));
    return cosine ? 1.0f - g : s.sq[Index(i)] + s.sq[Index(j)] - 2.0f * g;
}

/// Exact row i by a full scan: every row whose screening distance could be within `limit`
/// (exact units) is scored exactly. With limit = infinity this is the double brute force.
void scanRow(ConstRowMap data, const Screening &s, bool cosine, std::size_t i, double limit,
             std::vector<Exact> &exact, NeighborLists &out)
{
    const std::size_t n = std::size_t(data.rows());
    const double threshold = limit * s.scale + s.bound;
    exact.clear();
    for (std::size_t j = 0; j < n; ++j)
        if (j != i && double(screeningDistance(s, cosine, i, j)) <= threshold)
            exact.emplace_back(detail::qualityDistance(data, s.norms, cosine, i, j),
                               std::uint32_t(j));
    out.setRow(i, exact);
}

void exactSearch(ConstRowMap data, const Screening &s, bool cosine, unsigned threads,
                 Progress &progress, NeighborLists &out)
{
    const std::size_t n = out.n, k = out.k;
    // Twice k plus a margin: the (k+1)-th to m-th screening distances are what separates the
    // certain k from the rest.
    const std::size_t m = std::min(n - 1, 2 * k + 16);
    std::vector<std::vector<Exact>> scratch(threads);
    exactKnnScan(ConstRowMap(s.x.data(), s.x.rows(), s.x.cols()), m,
                 cosine ? KnnMetric::InnerProduct : KnnMetric::SquaredEuclidean, threads, progress,
                 [&](unsigned t, std::size_t i, std::vector<KnnCandidate> &heap) {
                     auto &exact = scratch[t];
                     exact.clear();
                     for (const auto &c : heap)
                         exact.emplace_back(
                             detail::qualityDistance(data, s.norms, cosine, i, c.second), c.second);
                     std::sort(exact.begin(), exact.end());
                     const double kth = exact[k - 1].first;
                     // Every row left out has screening distance ≥ the heap's largest, so exact
                     // distance ≥ that − bound; when this is beyond the k-th exact distance, the
                     // k nearest are surely among the candidates (ties included: strictly
                     // beyond).
                     const bool sure = heap.size() == n - 1 ||
                                       (double(heap.front().first) - s.bound) / s.scale > kth;
                     if (sure)
                         out.setRow(i, exact);
                     else
                         scanRow(data, s, cosine, i, kth, exact, out);
                 });
}

void hnswSearch(ConstRowMap data, const Screening &s, bool cosine,
                const OriginalKnnOptions &options, Progress &progress, NeighborLists &out)
{
    const std::size_t n = out.n, k = out.k;
    const unsigned threads = std::max(1u, options.threads);
    const ConstRowMap rows(s.x.data(), s.x.rows(), s.x.cols());
    HnswGraph::Params params;
    params.m = std::max<std::size_t>(2, options.hnswM);
    params.efConstruction = options.hnswEfConstruction;
    params.seed = std::size_t(options.seed);
    params.threads = threads;
    SubProgress building(progress, 0.0, 0.7);
    HnswGraph graph(rows, cosine ? KnnMetric::InnerProduct : KnnMetric::SquaredEuclidean, params,
                    building, "neighbour graph");
    // All ef results are re-ranked exactly.
    const std::size_t ef =
        std::min(n, std::max(k + 1, options.hnswEfSearch > 0 ? options.hnswEfSearch
                                                             : std::max<std::size_t>(64, 4 * k)));
    graph.setEf(ef);

    std::vector<std::vector<Exact>> scratch(threads);
    SubProgress searching(progress, 0.7, 1.0);
    hnswKnnScan(
        graph, rows, ef, threads, searching,
        [&](unsigned t, std::size_t i, std::vector<KnnCandidate> &found) {
            auto &exact = scratch[t];
            exact.clear();
            for (const auto &c : found)
                if (c.second != i)
                    exact.emplace_back(detail::qualityDistance(data, s.norms, cosine, i, c.second),
                                       c.second);
            if (exact.size() >= k)
                out.setRow(i, exact);
            else // a graph too small to return k (not expected above exactMaxN)
                scanRow(data, s, cosine, i, std::numeric_limits<double>::infinity(), exact, out);
        });
}

} // namespace

NeighborLists originalNeighbors(ConstRowMap original, std::size_t k,
                                const OriginalKnnOptions &options, Progress &progress)
{
    if (k == 0)
        throw std::invalid_argument("neighbours: k must be at least 1");
    const std::size_t n = std::size_t(original.rows());
    for (Index i = 0; i < original.rows(); ++i)
        if (!original.row(i).allFinite())
            throw std::invalid_argument("neighbours: row " + std::to_string(i) +
                                        " has a non-finite value");
    NeighborLists out = NeighborLists::sized(n, k);
    if (out.k == 0)
        return out;
    progress.report(0.0, "neighbours");
    const Screening s = prepare(original, options.cosine);
    if (n <= options.exactMaxN)
        exactSearch(original, s, options.cosine, std::max(1u, options.threads), progress, out);
    else
        hnswSearch(original, s, options.cosine, options, progress, out);
    progress.report(1.0, "neighbours");
    return out;
}

} // namespace embex
