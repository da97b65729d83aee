// Original-space k nearest neighbours for the projection quality measures (Quality.h): exact
// (float32 products to pick candidates, double re-ranking under a proven error bound) or
// hnswlib for large sets.
#include "project/Quality.h"
#include "project/QualityDistance.h"

#define EMBEX_HNSW_UNIT embexQuality
#include "search/Hnswlib.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

namespace embex {
namespace {

using Eigen::Index;

// Query rows per work item and candidate rows per product block: the 256 × 2048 float block of
// products (2 MB) stays in cache while it is scanned.
constexpr std::size_t kQueryBlock = 256;
constexpr std::size_t kPointBlock = 2048;
// Points inserted into the HNSW graph per work item.
constexpr std::size_t kInsertChunk = 256;

/// A screening candidate (float32 distance in screening units, id) and an exact one (double).
using Candidate = std::pair<float, std::uint32_t>;
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

/// Sorts `exact` by (distance, id) and writes the first k ids as row i of `out`.
void writeRow(std::vector<Exact> &exact, std::size_t i, NeighborLists &out)
{
    std::sort(exact.begin(), exact.end());
    for (std::size_t r = 0; r < out.k; ++r)
        out.ids[i * out.k + r] = exact[r].second;
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
    writeRow(exact, i, out);
}

void exactSearch(ConstRowMap data, const Screening &s, bool cosine, unsigned threads,
                 Progress &progress, NeighborLists &out)
{
    const std::size_t n = out.n, k = out.k;
    // Twice k plus a margin: the (k+1)-th to m-th screening distances are what separates the
    // certain k from the rest.
    const std::size_t m = std::min(n - 1, 2 * k + 16);
    const std::size_t blocks = (n + kQueryBlock - 1) / kQueryBlock;
    std::atomic<std::size_t> next{0}, done{0};
    parallelRanges(threads, threads, [&](std::size_t, std::size_t, unsigned t) {
        RowMatrix products;
        std::vector<std::vector<Candidate>> heaps(kQueryBlock);
        std::vector<Exact> exact;
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
                products.noalias() = s.x.middleRows(Index(q0), Index(qn)) *
                                     s.x.middleRows(Index(p0), Index(pn)).transpose();
                for (std::size_t r = 0; r < qn; ++r) {
                    auto &heap = heaps[r];
                    const std::size_t i = q0 + r;
                    const float *g = products.row(Index(r)).data();
                    const float sqi = cosine ? 0.0f : s.sq[Index(i)];
                    // Ids arrive in increasing order, so a full heap takes only strictly
                    // smaller distances.
                    float worst = heap.size() == m ? heap.front().first
                                                   : std::numeric_limits<float>::infinity();
                    for (std::size_t c = 0; c < pn; ++c) {
                        const std::size_t j = p0 + c;
                        if (j == i)
                            continue;
                        const float f = cosine ? 1.0f - g[c] : sqi + s.sq[Index(j)] - 2.0f * g[c];
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
            for (std::size_t r = 0; r < qn; ++r) {
                const std::size_t i = q0 + r;
                const auto &heap = heaps[r];
                exact.clear();
                for (const auto &c : heap)
                    exact.emplace_back(detail::qualityDistance(data, s.norms, cosine, i, c.second),
                                       c.second);
                std::sort(exact.begin(), exact.end());
                const double kth = exact[k - 1].first;
                // Every row left out has screening distance ≥ the heap's largest, so exact
                // distance ≥ that − bound; when this is beyond the k-th exact distance, the k
                // nearest are surely among the candidates (ties included: strictly beyond).
                const bool sure =
                    heap.size() == n - 1 || (double(heap.front().first) - s.bound) / s.scale > kth;
                if (sure)
                    writeRow(exact, i, out);
                else
                    scanRow(data, s, cosine, i, kth, exact, out);
            }
            const std::size_t now = done.fetch_add(qn) + qn;
            if (t == 0)
                progress.report(double(now) / double(n), "neighbours");
        }
    });
}

void hnswSearch(ConstRowMap data, const Screening &s, bool cosine,
                const OriginalKnnOptions &options, Progress &progress, NeighborLists &out)
{
    const std::size_t n = out.n, d = std::size_t(data.cols()), k = out.k;
    const unsigned threads = std::max(1u, options.threads);
    std::unique_ptr<hnswlib::SpaceInterface<float>> space;
    if (cosine)
        space = std::make_unique<hnswlib::InnerProductSpace>(d);
    else
        space = std::make_unique<hnswlib::L2Space>(d);
    hnswlib::HierarchicalNSW<float> graph(space.get(), n, std::max<std::size_t>(2, options.hnswM),
                                          std::max<std::size_t>(1, options.hnswEfConstruction),
                                          std::size_t(options.seed));
    // searchKnn searches with max(ef, k); ef is set once, before the parallel queries (a plain
    // member read by the const search). All ef results are re-ranked exactly.
    const std::size_t ef =
        std::min(n, std::max(k + 1, options.hnswEfSearch > 0 ? options.hnswEfSearch
                                                             : std::max<std::size_t>(64, 4 * k)));
    graph.setEf(ef);

    progress.report(0.0, "neighbour graph");
    graph.addPoint(s.x.row(0).data(), 0);
    std::atomic<std::size_t> next{1}, inserted{1};
    parallelRanges(threads, threads, [&](std::size_t, std::size_t, unsigned t) {
        for (;;) {
            progress.check();
            const std::size_t begin = next.fetch_add(kInsertChunk);
            if (begin >= n)
                return;
            const std::size_t end = std::min(n, begin + kInsertChunk);
            for (std::size_t i = begin; i < end; ++i)
                graph.addPoint(s.x.row(Index(i)).data(), i);
            const std::size_t now = inserted.fetch_add(end - begin) + (end - begin);
            if (t == 0)
                progress.report(0.7 * double(now) / double(n), "neighbour graph");
        }
    });

    std::atomic<std::size_t> searched{0};
    parallelRanges(n, threads, [&](std::size_t begin, std::size_t end, unsigned t) {
        std::vector<Exact> exact;
        for (std::size_t i = begin; i < end; ++i) {
            if ((i - begin) % 1024 == 0) {
                progress.check();
                if (t == 0)
                    progress.report(0.7 + 0.3 * double(searched.load()) / double(n), "neighbours");
            }
            auto found = graph.searchKnn(s.x.row(Index(i)).data(), ef);
            exact.clear();
            for (; !found.empty(); found.pop())
                if (found.top().second != i) {
                    const auto j = std::uint32_t(found.top().second);
                    exact.emplace_back(detail::qualityDistance(data, s.norms, cosine, i, j), j);
                }
            if (exact.size() >= k)
                writeRow(exact, i, out);
            else // a graph too small to return k (not expected above exactMaxN): brute force
                scanRow(data, s, cosine, i, std::numeric_limits<double>::infinity(), exact, out);
            if ((i - begin) % 1024 == 1023)
                searched.fetch_add(1024);
        }
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
    NeighborLists out;
    out.n = n;
    out.k = std::min(k, n > 0 ? n - 1 : 0);
    out.ids.resize(n * out.k);
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
