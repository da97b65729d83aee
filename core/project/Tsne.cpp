#include "project/Tsne.h"

#include "project/BarnesHut.h"
#include "project/FftRepulsion.h"
#include "project/Pca.h"
#include "util/ThreadTeam.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <numbers>
#include <random>
#include <stdexcept>
#include <string>

namespace embex {
namespace {

using Eigen::Index;

// The initial layout's first coordinate gets this standard deviation (openTSNE, scikit-learn).
constexpr double kInitialScale = 1e-4;
// Below this many points the repulsion is summed exactly (O(N²) per iteration; its cost at the
// limit is in bench/README.md).
constexpr std::size_t kExactRepulsionMaxN = 1000;
// KL divergence uses the exact Z up to this many points.
constexpr std::size_t kExactKlMaxN = 2000;
constexpr double kMinGain = 0.01;
// Points per partial sum of the recentring mean: fixed, so the sum does not depend on threads.
constexpr std::size_t kMeanChunk = 4096;

/// Standard normal samples: mt19937_64 + Box–Muller, identical across standard libraries
/// (docs/ARCHITECTURE.md, "Algorithms: options, seeds and resumable state").
class NormalSampler
{
public:
    explicit NormalSampler(std::uint64_t seed) : m_gen(seed) {}
    double operator()()
    {
        constexpr double kScale = 1.0 / 9007199254740992.0;     // 2^-53
        const double u1 = double((m_gen() >> 11) + 1) * kScale; // (0, 1]
        const double u2 = double(m_gen() >> 11) * kScale;       // [0, 1)
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
    }

private:
    std::mt19937_64 m_gen;
};

void require(bool ok, const std::string &what)
{
    if (!ok)
        throw std::invalid_argument("t-SNE: " + what);
}

void validate(const TsneOptions &o)
{
    require(o.dims == 2 || o.dims == 3, "dims must be 2 or 3 (got " + std::to_string(o.dims) + ")");
    require(std::isfinite(o.perplexity) && o.perplexity > 0, "perplexity must be > 0");
    require(std::isfinite(o.learningRate) && o.learningRate >= 0, "learningRate must be >= 0");
    require(o.maxIterations >= 0, "maxIterations must be >= 0");
    require(std::isfinite(o.exaggeration) && o.exaggeration > 0, "exaggeration must be > 0");
    require(o.exaggerationIterations >= 0, "exaggerationIterations must be >= 0");
    require(o.momentumStart >= 0 && o.momentumStart < 1, "momentumStart must be in [0, 1)");
    require(o.momentumFinal >= 0 && o.momentumFinal < 1, "momentumFinal must be in [0, 1)");
    require(o.momentumSwitch >= 0, "momentumSwitch must be >= 0");
    require(std::isfinite(o.theta) && o.theta >= 0, "theta must be >= 0");
    require(o.maxGradNorm > 0, "maxGradNorm must be > 0 (infinity turns clipping off)");
    require(std::isfinite(o.fftIntervalsPerUnit) && o.fftIntervalsPerUnit > 0,
            "fftIntervalsPerUnit must be > 0");
    require(o.fftMinIntervals >= 1, "fftMinIntervals must be >= 1");
    require(o.fftInterpolationPoints >= 1 && o.fftInterpolationPoints <= 8,
            "fftInterpolationPoints must be between 1 and 8");
}

FftRepulsionOptions fftOptions(const TsneOptions &o)
{
    return {o.fftIntervalsPerUnit, o.fftMinIntervals, o.fftInterpolationPoints};
}

} // namespace

/// The repulsion engine, kept across iterations and run() calls: exact below
/// kExactRepulsionMaxN points (faster there than the smallest FFT grid or a tree, and exact), FFT
/// interpolation in 2-D, Barnes-Hut in 3-D.
class detail::TsneRepulsionEngine
{
public:
    TsneRepulsionEngine(const TsneOptions &o, std::size_t n) : m_dims(std::size_t(o.dims))
    {
        if (n < kExactRepulsionMaxN)
            return;
        if (o.dims == 2)
            m_fft = std::make_unique<detail::FftRepulsion>(fftOptions(o));
        else
            m_bh = std::make_unique<detail::BarnesHutRepulsion>(std::size_t(o.dims), o.theta);
    }
    double compute(const DoubleRowMatrix &y, double *force, ThreadTeam &team)
    {
        const auto n = std::size_t(y.rows());
        if (m_fft)
            return m_fft->compute(y.data(), n, force, team);
        if (m_bh)
            return m_bh->compute(y.data(), n, force, team);
        return detail::exactRepulsion(y.data(), n, m_dims, force, team);
    }

private:
    std::size_t m_dims;
    std::unique_ptr<detail::FftRepulsion> m_fft;
    std::unique_ptr<detail::BarnesHutRepulsion> m_bh;
};

namespace {

/// One gradient-descent iteration for D output dimensions; writes the new, recentred layout.
template <std::size_t D>
void iterate(const SparseAffinities &p, const TsneOptions &o, double exaggeration, double momentum,
             const DoubleRowMatrix &y, const DoubleRowMatrix &repulsive, double z,
             DoubleRowMatrix &update, DoubleRowMatrix &gains, DoubleRowMatrix &next,
             ThreadTeam &team)
{
    const std::size_t n = p.n;
    const double lr = o.learningRate, invZ = z > 0 ? 1.0 / z : 0.0;
    const double maxStep = o.maxGradNorm;
    const double *yd = y.data();
    team.forRanges(n, [&](std::size_t begin, std::size_t end, unsigned) {
        for (std::size_t i = begin; i < end; ++i) {
            const double *yi = yd + i * D;
            double attr[D] = {};
            for (std::size_t e = p.rowPtr[i]; e < p.rowPtr[i + 1]; ++e) {
                const double *yj = yd + std::size_t(p.cols[e]) * D;
                double diff[D], d2 = 0.0;
                for (std::size_t d = 0; d < D; ++d) {
                    diff[d] = yi[d] - yj[d];
                    d2 += diff[d] * diff[d];
                }
                const double w = double(p.vals[e]) / (1.0 + d2);
                for (std::size_t d = 0; d < D; ++d)
                    attr[d] += w * diff[d];
            }
            double g[D], norm2 = 0.0;
            const double *rep = repulsive.data() + i * D;
            for (std::size_t d = 0; d < D; ++d) {
                g[d] = exaggeration * attr[d] - rep[d] * invZ;
                norm2 += g[d] * g[d];
            }
            const double step = lr * std::sqrt(norm2);
            if (step > maxStep)
                for (double &v : g)
                    v *= maxStep / step;
            double *u = update.data() + i * D, *gain = gains.data() + i * D;
            double *out = next.data() + i * D;
            for (std::size_t d = 0; d < D; ++d) {
                gain[d] = (g[d] > 0.0) != (u[d] > 0.0) ? gain[d] + 0.2 : gain[d] * 0.8;
                gain[d] = std::max(gain[d], kMinGain);
                u[d] = momentum * u[d] - lr * gain[d] * g[d];
                out[d] = yi[d] + u[d];
            }
        }
    });
    // Recentre: partial sums over fixed chunks, added in order.
    const std::size_t chunks = (n + kMeanChunk - 1) / kMeanChunk;
    std::vector<double> partial(chunks * D, 0.0);
    team.forRanges(chunks, [&](std::size_t begin, std::size_t end, unsigned) {
        for (std::size_t c = begin; c < end; ++c)
            for (std::size_t i = c * kMeanChunk; i < std::min(n, (c + 1) * kMeanChunk); ++i)
                for (std::size_t d = 0; d < D; ++d)
                    partial[c * D + d] += next.data()[i * D + d];
    });
    double mean[D] = {};
    for (std::size_t c = 0; c < chunks; ++c)
        for (std::size_t d = 0; d < D; ++d)
            mean[d] += partial[c * D + d];
    for (double &m : mean)
        m /= double(n);
    team.forRanges(n, [&](std::size_t begin, std::size_t end, unsigned) {
        for (std::size_t i = begin; i < end; ++i)
            for (std::size_t d = 0; d < D; ++d)
                next.data()[i * D + d] -= mean[d];
    });
}

} // namespace

DoubleRowMatrix tsneInitialLayout(ConstRowMap data, const TsneOptions &o)
{
    validate(o);
    const Index n = data.rows(), dims = o.dims;
    DoubleRowMatrix y = DoubleRowMatrix::Zero(n, dims);
    if (n < 2)
        return y;
    PcaOptions po;
    po.components = std::size_t(dims);
    po.center = true;
    po.normalizeRows = o.distance == TsneDistance::Cosine;
    po.threads = 1;
    po.seed = o.seed;
    const PcaResult pc = pca(data, po);
    const Index k = std::min<Index>(pc.coords.cols(), dims);
    y.leftCols(k) = pc.coords.leftCols(k).cast<double>();
    auto stddev = [&](Index c) {
        const double mean = y.col(c).mean();
        return std::sqrt((y.col(c).array() - mean).square().mean());
    };
    const double s0 = stddev(0);
    const bool scaled = s0 > 0 && std::isfinite(s0);
    if (scaled)
        y *= kInitialScale / s0;
    // A component with (next to) no variance would keep every point on one line or plane.
    NormalSampler normal(o.seed);
    for (Index c = 0; c < dims; ++c) {
        if (scaled && stddev(c) > 1e-6 * kInitialScale)
            continue;
        for (Index i = 0; i < n; ++i)
            y(i, c) = kInitialScale * normal();
    }
    return y;
}

TsneStatus::TsneStatus(SparseAffinities p, DoubleRowMatrix initial, const TsneOptions &options)
    : m_options(options), m_p(std::move(p)), m_y(std::move(initial))
{
    validate(m_options);
    require(m_p.rowPtr.size() == m_p.n + 1 && m_p.cols.size() == m_p.vals.size() &&
                m_p.rowPtr.back() == m_p.cols.size(),
            "affinities are not a valid CSR matrix");
    require(m_y.rows() == Index(m_p.n) && m_y.cols() == m_options.dims,
            "the initial layout must be N x dims");
    if (m_options.learningRate == 0)
        m_options.learningRate = std::max(200.0, double(m_p.n) / m_options.exaggeration);
    m_update = DoubleRowMatrix::Zero(m_y.rows(), m_y.cols());
    m_gains = DoubleRowMatrix::Ones(m_y.rows(), m_y.cols());
    syncLayout();
}

void TsneStatus::syncLayout()
{
    m_layout = m_y.cast<float>();
}

void TsneStatus::runToEnd(Progress &progress)
{
    run(std::size_t(m_options.maxIterations), progress);
}

void TsneStatus::run(std::size_t iterations, Progress &progress)
{
    const auto maxIter = std::size_t(m_options.maxIterations);
    const std::size_t first = m_iteration;
    const std::size_t target = first + std::min(iterations, maxIter - std::min(maxIter, first));
    if (m_p.n < 2) {
        progress.check();
        m_iteration = target;
        return;
    }
    ThreadTeam team(m_options.threads);
    if (!m_engine.engine)
        m_engine.engine = std::make_shared<detail::TsneRepulsionEngine>(m_options, m_p.n);
    detail::TsneRepulsionEngine &repulsion = *m_engine.engine;
    DoubleRowMatrix repulsive(m_y.rows(), m_y.cols()), next(m_y.rows(), m_y.cols());
    try {
        for (; m_iteration < target; ++m_iteration) {
            progress.check();
            const bool early = m_iteration < std::size_t(m_options.exaggerationIterations);
            const double exaggeration = early ? m_options.exaggeration : 1.0;
            const double momentum = m_iteration < std::size_t(m_options.momentumSwitch)
                                        ? m_options.momentumStart
                                        : m_options.momentumFinal;
            const double z = repulsion.compute(m_y, repulsive.data(), team);
            if (m_options.dims == 2)
                iterate<2>(m_p, m_options, exaggeration, momentum, m_y, repulsive, z, m_update,
                           m_gains, next, team);
            else
                iterate<3>(m_p, m_options, exaggeration, momentum, m_y, repulsive, z, m_update,
                           m_gains, next, team);
            m_y.swap(next);
            progress.report(double(m_iteration + 1 - first) / double(target - first), "optimizing");
        }
    } catch (...) {
        syncLayout();
        throw;
    }
    syncLayout();
}

double TsneStatus::klDivergence() const
{
    const std::size_t n = m_p.n;
    if (n < 2)
        return 0.0;
    double z = 0.0;
    if (n <= kExactKlMaxN) {
        z = tsneRepulsionExact(m_y, m_options.threads).z;
    } else {
        ThreadTeam team(m_options.threads);
        detail::TsneRepulsionEngine repulsion(m_options, n);
        DoubleRowMatrix force(m_y.rows(), m_y.cols());
        z = repulsion.compute(m_y, force.data(), team);
    }
    const auto dims = std::size_t(m_options.dims);
    std::vector<double> rows(n, 0.0);
    parallelRanges(n, m_options.threads, [&](std::size_t begin, std::size_t end, unsigned) {
        for (std::size_t i = begin; i < end; ++i) {
            double s = 0.0;
            for (std::size_t e = m_p.rowPtr[i]; e < m_p.rowPtr[i + 1]; ++e) {
                const double pij = double(m_p.vals[e]);
                if (pij <= 0.0)
                    continue;
                double d2 = 0.0;
                for (std::size_t d = 0; d < dims; ++d) {
                    const double diff =
                        m_y.data()[i * dims + d] - m_y.data()[std::size_t(m_p.cols[e]) * dims + d];
                    d2 += diff * diff;
                }
                s += pij * (std::log(pij) + std::log1p(d2));
            }
            rows[i] = s;
        }
    });
    double kl = 0.0;
    for (double r : rows)
        kl += r;
    return kl + std::log(z);
}

TsneStatus tsneInit(ConstRowMap data, const TsneOptions &options, Progress &progress)
{
    validate(options);
    const auto n = std::size_t(data.rows());
    require(n > 0, "no rows to embed");
    require(data.cols() > 0, "the rows have no dimensions");
    for (Index i = 0; i < data.rows(); ++i)
        if (!data.row(i).allFinite())
            throw std::invalid_argument("t-SNE: row " + std::to_string(i) +
                                        " has a non-finite value");
    TsneOptions opt = options;
    opt.perplexity = tsneEffectivePerplexity(n, options.perplexity);
    SubProgress knn(progress, 0.0, 0.9);
    SparseAffinities p = tsneAffinities(data, opt, knn);
    progress.check();
    progress.report(0.9, "initialising");
    DoubleRowMatrix y = tsneInitialLayout(data, opt);
    progress.report(1.0, "initialising");
    return TsneStatus(std::move(p), std::move(y), opt);
}

TsneStatus tsneInit(const EmbeddingSet &set, std::span<const WordId> rows,
                    const TsneOptions &options, Progress &progress)
{
    if (rows.empty())
        return tsneInit(set.matrix(), options, progress);
    RowMatrix sub(Index(rows.size()), Index(set.dim()));
    for (std::size_t r = 0; r < rows.size(); ++r) {
        if (rows[r] >= set.size())
            throw std::invalid_argument("t-SNE: row id " + std::to_string(rows[r]) +
                                        " is out of range (the set has " +
                                        std::to_string(set.size()) + " rows)");
        sub.row(Index(r)) = set.matrix().row(Index(rows[r]));
    }
    return tsneInit(ConstRowMap(sub.data(), sub.rows(), sub.cols()), options, progress);
}

RowMatrix tsne(ConstRowMap data, const TsneOptions &options, Progress &progress)
{
    SubProgress init(progress, 0.0, 0.3), optimize(progress, 0.3, 1.0);
    TsneStatus status = tsneInit(data, options, init);
    status.runToEnd(optimize);
    return status.layout();
}

} // namespace embex
