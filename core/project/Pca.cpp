#include "project/Pca.h"

#include <Eigen/Eigenvalues>
#include <Eigen/QR>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <numbers>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace embex {
namespace detail {
namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;
using BlockRef = Eigen::Ref<const MatrixXd>;

constexpr std::size_t kOversampling = 10;
constexpr int kPowerIterations = 4;
// A block holds about 8 MB of doubles: big enough for efficient rank-k updates, small enough
// to stay in cache-friendly territory and cheap per thread.
constexpr std::size_t kBlockDoubles = std::size_t(1) << 20;
constexpr std::size_t kMaxBlockRows = 4096;
constexpr std::size_t kMinBlockRows = 64;

/// The input rows as the algorithm sees them: selected, optionally unit-normalised, in double.
class RowSource
{
public:
    RowSource(const float *base, std::size_t dim, std::size_t rows, std::span<const WordId> ids,
              bool normalize)
        : m_base(base), m_dim(dim), m_rows(rows), m_ids(ids), m_normalize(normalize)
    {}

    std::size_t rows() const { return m_rows; }
    std::size_t dim() const { return m_dim; }
    std::size_t blockRows() const
    {
        return std::clamp(kBlockDoubles / std::max<std::size_t>(m_dim, 1), kMinBlockRows,
                          kMaxBlockRows);
    }

    /// Writes rows [first, first + count) minus `shift` as the first `count` columns of out
    /// (d × ≥count): column-major d × count is what the rank updates want.
    void load(std::size_t first, std::size_t count, const VectorXd &shift, MatrixXd &out) const
    {
        for (std::size_t j = 0; j < count; ++j) {
            const std::size_t r = m_ids.empty() ? first + j : std::size_t(m_ids[first + j]);
            const Eigen::Map<const Eigen::VectorXf> x(m_base + r * m_dim, Index(m_dim));
            auto col = out.col(Index(j));
            col = x.cast<double>();
            if (m_normalize) {
                const double norm = col.norm();
                if (norm > 0.0)
                    col /= norm;
            }
            col -= shift;
        }
    }

private:
    const float *m_base;
    std::size_t m_dim;
    std::size_t m_rows;
    std::span<const WordId> m_ids;
    bool m_normalize;
};

/// A slice [from, from + span] of the overall progress, with its label.
struct Stage
{
    double from;
    double span;
    std::string_view name;
};

/// Calls fn(block, firstRow, thread) on every block of rows (block = d × count, shifted).
/// Rows are split into `threads` contiguous ranges, each walked in blocks, so the summation
/// order depends only on n, d and the thread count. Only thread 0 reports progress; every
/// thread checks for cancellation between blocks.
template <class Fn>
void forEachBlock(const RowSource &src, const VectorXd &shift, unsigned threads, Progress &progress,
                  const Stage &stage, Fn &&fn)
{
    const std::size_t n = src.rows(), d = src.dim(), blockRows = src.blockRows();
    std::atomic<std::size_t> done{0};
    parallelRanges(n, threads, [&](std::size_t begin, std::size_t end, unsigned t) {
        MatrixXd block(Index(d), Index(std::min(blockRows, end - begin)));
        for (std::size_t first = begin; first < end; first += blockRows) {
            progress.check();
            const std::size_t count = std::min(blockRows, end - first);
            src.load(first, count, shift, block);
            fn(BlockRef(block.leftCols(Index(count))), first, t);
            const std::size_t now = done.fetch_add(count, std::memory_order_relaxed) + count;
            if (t == 0)
                progress.report(stage.from + stage.span * double(now) / double(n), stage.name);
        }
    });
    progress.report(stage.from + stage.span, stage.name);
}

/// Standard normal samples: mt19937_64 + Box–Muller, identical across standard libraries
/// (std::normal_distribution is not; seeds come from the options: docs/ARCHITECTURE.md,
/// "Algorithms: options, seeds and resumable state").
class NormalSampler
{
public:
    explicit NormalSampler(std::uint64_t seed) : m_gen(seed) {}
    double operator()()
    {
        if (m_hasSpare) {
            m_hasSpare = false;
            return m_spare;
        }
        constexpr double kScale = 1.0 / 9007199254740992.0;     // 2^-53
        const double u1 = double((m_gen() >> 11) + 1) * kScale; // (0, 1]: log stays finite
        const double u2 = double(m_gen() >> 11) * kScale;       // [0, 1)
        const double r = std::sqrt(-2.0 * std::log(u1));
        const double a = 2.0 * std::numbers::pi * u2;
        m_spare = r * std::sin(a);
        m_hasSpare = true;
        return r * std::cos(a);
    }

private:
    std::mt19937_64 m_gen;
    double m_spare = 0.0;
    bool m_hasSpare = false;
};

MatrixXd orthonormalize(const MatrixXd &z)
{
    // Householder QR yields an orthonormal basis even for rank-deficient z (e.g. zero data).
    const Eigen::HouseholderQR<MatrixXd> qr(z);
    return qr.householderQ() * MatrixXd::Identity(z.rows(), z.cols());
}

/// Sums per-thread partial results in thread order (deterministic for a given thread count).
template <class M> M sumPartials(const std::vector<M> &partials, Index rows, Index cols)
{
    M total = M::Zero(rows, cols);
    for (const auto &p : partials)
        if (p.size() != 0)
            total += p;
    return total;
}

void throwNonFinite()
{
    throw std::invalid_argument("pca: the input contains NaN or infinite values");
}

struct Eigenpairs
{
    VectorXd values;  // k, decreasing
    MatrixXd vectors; // d × k
    double total = 0; // trace of the covariance
};

/// Exact path: the d × d covariance (lower triangle) summed in double over row blocks, then
/// the symmetric eigen solver.
Eigenpairs exactEigen(const RowSource &src, const VectorXd &mean, std::size_t k, double denom,
                      unsigned threads, Progress &progress)
{
    const auto d = Index(src.dim());
    std::vector<MatrixXd> partial(threads);
    forEachBlock(src, mean, threads, progress, {0.1, 0.6, "covariance"},
                 [&](const BlockRef &block, std::size_t, unsigned t) {
                     auto &c = partial[t];
                     if (c.size() == 0)
                         c = MatrixXd::Zero(d, d);
                     c.selfadjointView<Eigen::Lower>().rankUpdate(block);
                 });
    MatrixXd cov = sumPartials(partial, d, d) / denom;
    if (!cov.allFinite())
        throwNonFinite();
    progress.check();
    progress.report(0.75, "eigen");

    Eigenpairs out;
    out.total = cov.trace();
    const Eigen::SelfAdjointEigenSolver<MatrixXd> es(cov); // reads the lower triangle only
    if (es.info() != Eigen::Success)
        throw std::runtime_error("pca: the eigen solver did not converge");
    out.values.resize(Index(k));
    out.vectors.resize(d, Index(k));
    for (Index j = 0; j < Index(k); ++j) { // eigenvalues come in increasing order
        out.values[j] = std::max(0.0, es.eigenvalues()[d - 1 - j]);
        out.vectors.col(j) = es.eigenvectors().col(d - 1 - j);
    }
    return out;
}

/// Randomized path (Halko, Martinsson & Tropp 2011, randomized subspace iteration): the
/// covariance C = A^T A / (n-1) of the centred rows A is only ever applied to a d × l basis,
/// one pass over the rows per product, so neither d × d nor n × l is stored. The basis is
/// re-orthonormalised (Householder QR) after each product; a final Rayleigh–Ritz step
/// decomposes the l × l matrix V^T C V.
Eigenpairs randomizedEigen(const RowSource &src, const VectorXd &mean, std::size_t k, double denom,
                           unsigned threads, std::uint64_t seed, Progress &progress)
{
    const auto d = Index(src.dim());
    const auto l = Index(std::min(k + kOversampling, src.dim()));
    MatrixXd v(d, l);
    NormalSampler normal(seed);
    for (Index j = 0; j < l; ++j)
        for (Index i = 0; i < d; ++i)
            v(i, j) = normal();
    v = orthonormalize(v);

    constexpr int kPasses = kPowerIterations + 2; // C applied q+1 times, then Rayleigh–Ritz
    const double passSpan = 0.6 / kPasses;        // stays below the 0.75 of "eigen"
    double total = 0.0;
    for (int pass = 0; pass <= kPowerIterations; ++pass) {
        std::vector<MatrixXd> partial(threads);
        std::vector<double> squares(threads, 0.0);
        forEachBlock(src, mean, threads, progress,
                     {0.1 + passSpan * pass, passSpan, "power iterations"},
                     [&](const BlockRef &block, std::size_t, unsigned t) {
                         auto &z = partial[t];
                         if (z.size() == 0)
                             z = MatrixXd::Zero(d, l);
                         const MatrixXd p = block.transpose() * v; // count × l
                         z.noalias() += block * p;
                         if (pass == 0)
                             squares[t] += block.squaredNorm();
                     });
        if (pass == 0) {
            for (double s : squares)
                total += s;
            total /= denom;
            if (!std::isfinite(total))
                throwNonFinite();
        }
        v = orthonormalize(sumPartials(partial, d, l));
    }

    std::vector<MatrixXd> partial(threads);
    forEachBlock(src, mean, threads, progress,
                 {0.1 + passSpan * kPowerIterations + passSpan, passSpan, "power iterations"},
                 [&](const BlockRef &block, std::size_t, unsigned t) {
                     auto &m = partial[t];
                     if (m.size() == 0)
                         m = MatrixXd::Zero(l, l);
                     const MatrixXd p = block.transpose() * v;
                     m.selfadjointView<Eigen::Lower>().rankUpdate(p.transpose());
                 });
    const MatrixXd m = sumPartials(partial, l, l) / denom;
    progress.check();
    progress.report(0.75, "eigen");

    const Eigen::SelfAdjointEigenSolver<MatrixXd> es(m);
    if (es.info() != Eigen::Success)
        throw std::runtime_error("pca: the eigen solver did not converge");
    Eigenpairs out;
    out.total = total;
    out.values.resize(Index(k));
    out.vectors.resize(d, Index(k));
    for (Index j = 0; j < Index(k); ++j) {
        out.values[j] = std::max(0.0, es.eigenvalues()[l - 1 - j]);
        out.vectors.col(j) = (v * es.eigenvectors().col(l - 1 - j)).normalized();
    }
    return out;
}

PcaResult run(const RowSource &src, const PcaOptions &opt, Progress &progress)
{
    const std::size_t n = src.rows(), d = src.dim();
    const std::size_t k = std::min({opt.components, n, d});
    const std::size_t blocks = (n + src.blockRows() - 1) / src.blockRows();
    // More threads than blocks would only add idle threads and d × d partial sums.
    const unsigned threads =
        unsigned(std::clamp<std::size_t>(opt.threads, 1, std::max<std::size_t>(blocks, 1)));

    PcaResult res;
    VectorXd mean = VectorXd::Zero(Index(d));
    progress.check();
    if (opt.center && n > 0) {
        std::vector<VectorXd> partial(threads);
        forEachBlock(src, mean, threads, progress, {0.0, 0.1, "mean"},
                     [&](const BlockRef &block, std::size_t, unsigned t) {
                         auto &s = partial[t];
                         if (s.size() == 0)
                             s = VectorXd::Zero(Index(d));
                         s.noalias() += block.rowwise().sum();
                     });
        mean = sumPartials(partial, Index(d), 1) / double(n);
        if (!mean.allFinite())
            throwNonFinite();
    }
    res.mean = mean.cast<float>();
    if (k == 0) {
        res.coords.setZero(Index(n), 0);
        res.components.setZero(Index(d), 0);
        res.explainedVariance.resize(0);
        res.explainedVarianceRatio.resize(0);
        progress.report(1.0, "done");
        return res;
    }

    const double denom = n > 1 ? double(n - 1) : 1.0;
    Eigenpairs eig = d > opt.exactMaxDim
                         ? randomizedEigen(src, mean, k, denom, threads, opt.seed, progress)
                         : exactEigen(src, mean, k, denom, threads, progress);

    for (Index j = 0; j < eig.vectors.cols(); ++j) { // sign: largest-|.| entry positive
        Index at = 0;
        eig.vectors.col(j).cwiseAbs().maxCoeff(&at);
        if (eig.vectors(at, j) < 0.0)
            eig.vectors.col(j) *= -1.0;
    }
    res.components = eig.vectors.cast<float>();
    res.explainedVariance = eig.values;
    res.explainedVarianceRatio =
        eig.total > 0.0 ? VectorXd(eig.values / eig.total) : VectorXd::Zero(Index(k));
    progress.report(0.8, "projection");

    res.coords.resize(Index(n), Index(k));
    forEachBlock(src, mean, threads, progress, {0.8, 0.2, "projection"},
                 [&](const BlockRef &block, std::size_t first, unsigned) {
                     const Eigen::MatrixXf rowsF = block.transpose().cast<float>();
                     res.coords.middleRows(Index(first), rowsF.rows()).noalias() =
                         rowsF * res.components;
                 });
    return res;
}

} // namespace
} // namespace detail

PcaResult pca(const EmbeddingSet &set, std::span<const WordId> rows, const PcaOptions &opt,
              Progress &progress)
{
    for (std::size_t i = 0; i < rows.size(); ++i)
        if (rows[i] >= set.size())
            throw std::invalid_argument("pca: row " + std::to_string(i) + " has id " +
                                        std::to_string(rows[i]) + ", the set has " +
                                        std::to_string(set.size()) + " words");
    const std::size_t n = rows.empty() ? set.size() : rows.size();
    return detail::run(detail::RowSource(set.data(), set.dim(), n, rows, opt.normalizeRows), opt,
                       progress);
}

PcaResult pca(ConstRowMap data, const PcaOptions &opt, Progress &progress)
{
    return detail::run(detail::RowSource(data.data(), std::size_t(data.cols()),
                                         std::size_t(data.rows()), {}, opt.normalizeRows),
                       opt, progress);
}

} // namespace embex
