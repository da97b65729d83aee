// Projection quality: exact layout neighbours on a uniform grid, kNN preservation and
// trustworthiness (the original-space search is in QualityKnn.cpp).
#include "project/Quality.h"
#include "project/QualityDistance.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

namespace embex {
namespace {

using Eigen::Index;
using Exact = std::pair<double, std::uint32_t>;

void requireFinite(ConstRowMap m, const char *what)
{
    for (Index i = 0; i < m.rows(); ++i)
        if (!m.row(i).allFinite())
            throw std::invalid_argument(std::string(what) + ": row " + std::to_string(i) +
                                        " has a non-finite value");
}

/// Points bucketed into a uniform grid of about two points per cell over the 0.1%–99.9%
/// quantile box; the outer cells along each axis reach to infinity, so outliers land in them
/// and cost no empty cells.
template <int D> class LayoutGrid
{
public:
    explicit LayoutGrid(ConstRowMap y) : m_y(y)
    {
        const std::size_t n = std::size_t(y.rows());
        std::array<double, D> extent{};
        std::vector<float> column(n);
        for (int a = 0; a < D; ++a) {
            for (std::size_t i = 0; i < n; ++i)
                column[i] = y(Index(i), a);
            const auto lo = std::size_t(std::floor(0.001 * double(n - 1)));
            const auto hi = std::size_t(std::ceil(0.999 * double(n - 1)));
            std::nth_element(column.begin(), column.begin() + std::ptrdiff_t(lo), column.end());
            m_lo[a] = double(column[lo]);
            std::nth_element(column.begin(), column.begin() + std::ptrdiff_t(hi), column.end());
            extent[a] = double(column[hi]) - m_lo[a];
            m_cells[a] = 1;
        }
        // Cell counts proportional to the extents, about n / 2 cells in all. An axis too thin
        // for one cell of the common size gets a single cell, and the rest share the budget.
        std::array<bool, D> free{};
        for (int a = 0; a < D; ++a)
            free[a] = extent[a] > 0.0;
        const double target = std::max(1.0, double(n) / 2.0);
        for (;;) {
            int count = 0;
            double logVolume = 0.0;
            for (int a = 0; a < D; ++a)
                if (free[a]) {
                    ++count;
                    logVolume += std::log(extent[a]);
                }
            if (count == 0)
                break;
            const double logSize = (logVolume - std::log(target)) / count;
            bool removed = false;
            for (int a = 0; a < D; ++a)
                if (free[a] && std::log(extent[a]) - logSize < 0.0) {
                    free[a] = false;
                    removed = true;
                }
            if (removed)
                continue;
            for (int a = 0; a < D; ++a)
                if (free[a]) {
                    const double c = std::round(std::exp(std::log(extent[a]) - logSize));
                    m_cells[a] = int(std::clamp(c, 1.0, double(1 << 20)));
                }
            break;
        }
        std::size_t total = 1;
        for (int a = 0; a < D; ++a) {
            m_width[a] = extent[a] / m_cells[a];
            m_stride[a] = total;
            total *= std::size_t(m_cells[a]);
        }

        // Counting sort by cell; ids stay ascending within a cell.
        m_start.assign(total + 1, 0);
        std::vector<std::size_t> cellOfPoint(n);
        for (std::size_t i = 0; i < n; ++i) {
            cellOfPoint[i] = linear(cellOf(i));
            ++m_start[cellOfPoint[i] + 1];
        }
        for (std::size_t c = 0; c < total; ++c)
            m_start[c + 1] += m_start[c];
        m_ids.resize(n);
        m_coords.resize(n);
        std::vector<std::size_t> fill(m_start.begin(), m_start.end() - 1);
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t slot = fill[cellOfPoint[i]]++;
            m_ids[slot] = std::uint32_t(i);
            for (int a = 0; a < D; ++a)
                m_coords[slot][std::size_t(a)] = y(Index(i), a);
        }
    }

    /// Points in cell order (ids ascending within a cell): queries in this order touch
    /// neighbouring memory.
    const std::vector<std::uint32_t> &order() const { return m_ids; }

    /// The k nearest (k ≤ n − 1) of point i, sorted by (squared distance, id), into `best`.
    void query(std::size_t i, std::size_t k, std::vector<Exact> &best) const
    {
        best.clear();
        const std::array<int, D> c = cellOf(i);
        std::array<double, D> q{};
        for (int a = 0; a < D; ++a)
            q[std::size_t(a)] = double(m_y(Index(i), a));
        for (int r = 0;; ++r) {
            forEachRingCell(c, r, [&](std::size_t cell) {
                for (std::size_t s = m_start[cell]; s < m_start[cell + 1]; ++s) {
                    const std::uint32_t j = m_ids[s];
                    if (j == i)
                        continue;
                    double dist = 0.0;
                    for (int a = 0; a < D; ++a) {
                        const double diff = q[std::size_t(a)] - double(m_coords[s][std::size_t(a)]);
                        dist += diff * diff;
                    }
                    const Exact e{dist, j};
                    if (best.size() == k && !(e < best.back()))
                        continue;
                    if (best.size() == k)
                        best.pop_back();
                    best.insert(std::upper_bound(best.begin(), best.end(), e), e);
                }
            });
            // Every unscanned point lies beyond one of the block's inner faces (a face on the
            // grid's edge has nothing beyond it). The slack covers the rounding of the cell
            // index, so the bound never exceeds the true distance.
            double bound = std::numeric_limits<double>::infinity();
            for (int a = 0; a < D; ++a) {
                const double slack =
                    1e-9 * (m_width[a] + std::abs(m_lo[a]) + std::abs(q[std::size_t(a)]));
                if (c[std::size_t(a)] - r > 0) {
                    const double face = m_lo[a] + (c[std::size_t(a)] - r) * m_width[a];
                    bound = std::min(bound, q[std::size_t(a)] - face - slack);
                }
                if (c[std::size_t(a)] + r < m_cells[a] - 1) {
                    const double face = m_lo[a] + (c[std::size_t(a)] + r + 1) * m_width[a];
                    bound = std::min(bound, face - q[std::size_t(a)] - slack);
                }
            }
            if (bound == std::numeric_limits<double>::infinity())
                return; // the whole grid is scanned
            if (best.size() == k && bound > 0.0 && best.back().first < bound * bound)
                return;
        }
    }

private:
    std::array<int, D> cellOf(std::size_t i) const
    {
        std::array<int, D> c{};
        for (int a = 0; a < D; ++a) {
            if (m_cells[a] == 1)
                continue;
            const double v = std::floor((double(m_y(Index(i), a)) - m_lo[a]) / m_width[a]);
            c[std::size_t(a)] = int(std::clamp(v, 0.0, double(m_cells[a] - 1)));
        }
        return c;
    }

    std::size_t linear(const std::array<int, D> &c) const
    {
        std::size_t idx = 0;
        for (int a = 0; a < D; ++a)
            idx += std::size_t(c[std::size_t(a)]) * m_stride[a];
        return idx;
    }

    /// Calls fn(linear cell index) for each grid cell at Chebyshev distance exactly r from c:
    /// an odometer over the first D − 1 axes, and along the last axis the whole range where an
    /// earlier axis is already at distance r, otherwise only the two end cells.
    template <class Fn> void forEachRingCell(const std::array<int, D> &c, int r, const Fn &fn) const
    {
        std::array<int, D> lo{}, hi{}, x{};
        for (int a = 0; a < D; ++a) {
            lo[std::size_t(a)] = std::max(0, c[std::size_t(a)] - r);
            hi[std::size_t(a)] = std::min(m_cells[a] - 1, c[std::size_t(a)] + r);
            x[std::size_t(a)] = lo[std::size_t(a)];
        }
        constexpr int last = D - 1;
        for (;;) {
            bool onRing = r == 0;
            for (int a = 0; a < last; ++a)
                onRing = onRing || std::abs(x[std::size_t(a)] - c[std::size_t(a)]) == r;
            if (onRing) {
                for (x[last] = lo[last]; x[last] <= hi[last]; ++x[last])
                    fn(linear(x));
            } else {
                if (c[last] - r >= 0) {
                    x[last] = c[last] - r;
                    fn(linear(x));
                }
                if (c[last] + r < m_cells[last]) {
                    x[last] = c[last] + r;
                    fn(linear(x));
                }
            }
            int a = 0;
            for (; a < last; ++a) {
                if (++x[std::size_t(a)] <= hi[std::size_t(a)])
                    break;
                x[std::size_t(a)] = lo[std::size_t(a)];
            }
            if (a == last)
                return;
        }
    }

    ConstRowMap m_y;
    std::array<double, D> m_lo{}, m_width{};
    std::array<int, D> m_cells{};
    std::array<std::size_t, D> m_stride{};
    std::vector<std::size_t> m_start;
    std::vector<std::uint32_t> m_ids;
    std::vector<std::array<float, D>> m_coords;
};

template <int D>
void gridNeighbors(ConstRowMap y, unsigned threads, Progress &progress, NeighborLists &out)
{
    const LayoutGrid<D> grid(y);
    const auto &order = grid.order();
    const std::size_t n = out.n, k = out.k;
    std::atomic<std::size_t> done{0};
    parallelRanges(n, threads, [&](std::size_t begin, std::size_t end, unsigned t) {
        std::vector<Exact> best;
        best.reserve(k + 1);
        for (std::size_t s = begin; s < end; ++s) {
            if ((s - begin) % 4096 == 0) {
                progress.check();
                if (t == 0)
                    progress.report(double(done.load()) / double(n), "layout neighbours");
            }
            const std::size_t i = order[s];
            grid.query(i, k, best);
            for (std::size_t r = 0; r < k; ++r) {
                out.ids[i * k + r] = best[r].second;
                out.distances[i * k + r] = best[r].first;
            }
            if ((s - begin) % 4096 == 4095)
                done.fetch_add(4096);
        }
    });
}

} // namespace

NeighborLists layoutNeighbors(ConstRowMap layout, std::size_t k, unsigned threads,
                              Progress &progress)
{
    if (k == 0)
        throw std::invalid_argument("layout neighbours: k must be at least 1");
    requireFinite(layout, "layout");
    const int dims = int(layout.cols());
    if (dims < 1 || dims > 3) {
        OriginalKnnOptions o;
        o.cosine = false;
        o.threads = threads;
        o.exactMaxN = std::numeric_limits<std::size_t>::max();
        return originalNeighbors(layout, k, o, progress);
    }
    const std::size_t n = std::size_t(layout.rows());
    NeighborLists out = NeighborLists::sized(n, k);
    if (out.k == 0)
        return out;
    threads = std::max(1u, threads);
    if (dims == 1)
        gridNeighbors<1>(layout, threads, progress, out);
    else if (dims == 2)
        gridNeighbors<2>(layout, threads, progress, out);
    else
        gridNeighbors<3>(layout, threads, progress, out);
    progress.report(1.0, "layout neighbours");
    return out;
}

namespace {

/// Per point, how many of its original neighbours are among its layout neighbours.
std::vector<std::uint32_t> keptCounts(const NeighborLists &original, const NeighborLists &layout)
{
    if (original.n != layout.n || original.k != layout.k)
        throw std::invalid_argument(
            "kNN preservation: the neighbour lists differ in size (" + std::to_string(original.n) +
            " × " + std::to_string(original.k) + " and " + std::to_string(layout.n) + " × " +
            std::to_string(layout.k) + ")");
    const std::size_t n = original.n, k = original.k;
    std::vector<std::uint32_t> kept(n, 0);
    if (k == 0)
        return kept;
    parallelRanges(n, defaultThreads(), [&](std::size_t begin, std::size_t end, unsigned) {
        std::vector<std::uint32_t> a(k), b(k);
        for (std::size_t i = begin; i < end; ++i) {
            std::copy_n(original.ids.begin() + std::ptrdiff_t(i * k), k, a.begin());
            std::copy_n(layout.ids.begin() + std::ptrdiff_t(i * k), k, b.begin());
            std::sort(a.begin(), a.end());
            std::sort(b.begin(), b.end());
            std::uint32_t common = 0;
            for (std::size_t p = 0, q = 0; p < k && q < k;) {
                if (a[p] < b[q]) {
                    ++p;
                } else if (b[q] < a[p]) {
                    ++q;
                } else {
                    ++common;
                    ++p;
                    ++q;
                }
            }
            kept[i] = common;
        }
    });
    return kept;
}

/// Both neighbour lists of the data (the original-space search is most of the time).
std::pair<NeighborLists, NeighborLists> bothNeighbors(ConstRowMap original, ConstRowMap layout,
                                                      std::size_t k, bool cosine, unsigned threads,
                                                      Progress &progress)
{
    if (original.rows() != layout.rows())
        throw std::invalid_argument("kNN preservation: " + std::to_string(original.rows()) +
                                    " original rows but " + std::to_string(layout.rows()) +
                                    " layout rows");
    if (k == 0)
        throw std::invalid_argument("kNN preservation: k must be at least 1");
    requireFinite(layout, "layout");
    OriginalKnnOptions o;
    o.cosine = cosine;
    o.threads = threads;
    SubProgress first(progress, 0.0, 0.95), second(progress, 0.95, 1.0);
    NeighborLists a = originalNeighbors(original, k, o, first);
    NeighborLists b = layoutNeighbors(layout, k, threads, second);
    return {std::move(a), std::move(b)};
}

} // namespace

std::vector<float> knnPreservation(const NeighborLists &original, const NeighborLists &layout)
{
    const std::vector<std::uint32_t> kept = keptCounts(original, layout);
    std::vector<float> result(kept.size(), 1.0f);
    if (original.k > 0)
        for (std::size_t i = 0; i < kept.size(); ++i)
            result[i] = float(double(kept[i]) / double(original.k));
    return result;
}

double meanKnnPreservation(const NeighborLists &original, const NeighborLists &layout)
{
    const std::vector<std::uint32_t> kept = keptCounts(original, layout);
    if (kept.empty())
        return 0.0;
    if (original.k == 0)
        return 1.0;
    unsigned long long total = 0;
    for (auto c : kept)
        total += c;
    return double(total) / (double(original.n) * double(original.k));
}

std::vector<float> knnPreservation(ConstRowMap original, ConstRowMap layout, std::size_t k,
                                   bool cosine, unsigned threads, Progress &progress)
{
    const auto [a, b] = bothNeighbors(original, layout, k, cosine, threads, progress);
    return knnPreservation(a, b);
}

double meanKnnPreservation(ConstRowMap original, ConstRowMap layout, std::size_t k, bool cosine,
                           unsigned threads, Progress &progress)
{
    const auto [a, b] = bothNeighbors(original, layout, k, cosine, threads, progress);
    return meanKnnPreservation(a, b);
}

double trustworthiness(ConstRowMap original, ConstRowMap layout, std::size_t k, bool cosine,
                       unsigned threads, Progress &progress)
{
    const std::size_t n = std::size_t(original.rows());
    if (layout.rows() != original.rows())
        throw std::invalid_argument("trustworthiness: " + std::to_string(original.rows()) +
                                    " original rows but " + std::to_string(layout.rows()) +
                                    " layout rows");
    if (n > kTrustworthinessMaxN)
        throw std::invalid_argument("trustworthiness: " + std::to_string(n) +
                                    " rows; the exact O(n²) computation is limited to " +
                                    std::to_string(kTrustworthinessMaxN));
    if (k == 0 || 2 * k >= n)
        throw std::invalid_argument("trustworthiness: k must be at least 1 and less than n / 2 "
                                    "(k = " +
                                    std::to_string(k) + ", n = " + std::to_string(n) + ")");
    requireFinite(original, "original");
    threads = std::max(1u, threads);
    SubProgress layoutPart(progress, 0.0, 0.05);
    const NeighborLists lay = layoutNeighbors(layout, k, threads, layoutPart);

    // Original-space distances in double through matrix products (unit rows for cosine,
    // centred rows for euclidean), within `bound` of the exact distances of Quality.h, which
    // decide wherever the products cannot (exact ties between duplicate rows, near ties).
    const std::vector<double> norms = detail::qualityRowNorms(original);
    Eigen::MatrixXd x = original.cast<double>();
    Eigen::VectorXd sq;
    double bound = 8.0 * (double(x.cols()) + 16.0) * 0x1p-53;
    if (cosine) {
        for (Index i = 0; i < x.rows(); ++i)
            if (norms[std::size_t(i)] > 0.0)
                x.row(i) /= norms[std::size_t(i)];
    } else {
        x.rowwise() -= x.colwise().mean();
        sq = x.rowwise().squaredNorm();
        const double maxNorm = std::sqrt(sq.maxCoeff());
        bound *= 4.0 * maxNorm * maxNorm;
    }

    constexpr std::size_t kBlock = 32;
    const std::size_t blocks = (n + kBlock - 1) / kBlock;
    std::atomic<std::size_t> next{0}, done{0};
    std::vector<unsigned long long> penalties(threads, 0);
    runWorkers(threads, [&](unsigned t) {
        Eigen::MatrixXd products;
        std::vector<Exact> targets(k);
        std::vector<std::size_t> below(k + 1);
        for (;;) {
            const std::size_t blk = next.fetch_add(1);
            if (blk >= blocks)
                return;
            progress.check();
            const std::size_t q0 = blk * kBlock, qn = std::min(kBlock, n - q0);
            products.noalias() = x.middleRows(Index(q0), Index(qn)) * x.transpose();
            for (std::size_t r = 0; r < qn; ++r) {
                const std::size_t i = q0 + r;
                // The layout neighbours ("targets") sorted by exact original distance.
                for (std::size_t s = 0; s < k; ++s) {
                    const std::uint32_t j = lay.ids[i * k + s];
                    targets[s] = {detail::qualityDistance(original, norms, cosine, i, j), j};
                }
                std::sort(targets.begin(), targets.end());
                // below[p] counts the points l ≠ i whose first target not before (d_il, l) is
                // target p (p = k: none); the rank of target s, 1 for the nearest point, is
                // then below[0] + … + below[s] (it counts itself).
                std::fill(below.begin(), below.end(), 0);
                const double farthest = targets.back().first + bound;
                for (std::size_t l = 0; l < n; ++l) {
                    if (l == i)
                        continue;
                    const double g = products(Index(r), Index(l));
                    const double approx = cosine ? 1.0 - g : sq[Index(i)] + sq[Index(l)] - 2.0 * g;
                    if (approx > farthest) {
                        ++below[k];
                        continue;
                    }
                    // Targets below approx − bound are surely nearer than l, those above
                    // approx + bound surely farther; otherwise the exact distance decides.
                    auto it =
                        std::lower_bound(targets.begin(), targets.end(), approx - bound,
                                         [](const Exact &e, double v) { return e.first < v; });
                    if (it != targets.end() && it->first <= approx + bound) {
                        const Exact e{detail::qualityDistance(original, norms, cosine, i, l),
                                      std::uint32_t(l)};
                        it = std::lower_bound(targets.begin(), targets.end(), e);
                    }
                    ++below[std::size_t(it - targets.begin())];
                }
                std::size_t rank = 0;
                for (std::size_t s = 0; s < k; ++s) {
                    rank += below[s];
                    if (rank > k)
                        penalties[t] += rank - k;
                }
            }
            const std::size_t now = done.fetch_add(qn) + qn;
            if (t == 0)
                progress.report(0.05 + 0.95 * double(now) / double(n), "trustworthiness");
        }
    });
    unsigned long long total = 0;
    for (auto p : penalties)
        total += p;
    // scikit-learn's expression, in its order.
    const double scale = 2.0 / (double(n * k) * (2.0 * double(n) - 3.0 * double(k) - 1.0));
    return 1.0 - double(total) * scale;
}

} // namespace embex
