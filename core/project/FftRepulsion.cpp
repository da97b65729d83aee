#include "project/FftRepulsion.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace embex {
namespace detail {
namespace {

constexpr std::size_t kMaxPoints = 8;
// A layout narrower than this (all points nearly equal) still gets a grid of this side, so
// box widths never reach zero.
constexpr double kMinSide = 1e-9;
// Largest FFT size. The kernels' spectra take 3·m² floats (200 MB at 4096, reached only by
// layouts about 680 units across; t-SNE of 100,000 words spans about 160).
constexpr std::size_t kMaxFft = 4096;

std::size_t nextPowerOfTwo(std::size_t x)
{
    std::size_t p = 1;
    while (p < x)
        p *= 2;
    return p;
}

/// Lagrange basis of p equispaced nodes (k + ½) / p on [0, 1], evaluated at t.
void lagrange(double t, std::size_t p, const double *denominators, double *out)
{
    for (std::size_t k = 0; k < p; ++k) {
        double v = 1.0;
        for (std::size_t j = 0; j < p; ++j)
            if (j != k)
                v *= t - (double(j) + 0.5) / double(p);
        out[k] = v * denominators[k];
    }
}

} // namespace

FftRepulsion::FftRepulsion(const FftRepulsionOptions &options) : m_options(options)
{
    if (options.interpolationPoints < 1 || options.interpolationPoints > kMaxPoints)
        throw std::invalid_argument("t-SNE: fftInterpolationPoints must be between 1 and 8");
    if (options.minIntervals < 1)
        throw std::invalid_argument("t-SNE: fftMinIntervals must be at least 1");
    if (!(options.intervalsPerUnit > 0.0) || !std::isfinite(options.intervalsPerUnit))
        throw std::invalid_argument("t-SNE: fftIntervalsPerUnit must be positive");
}

double FftRepulsion::compute(const double *y, std::size_t n, double *force, ThreadTeam &team)
{
    if (n == 0)
        return 0.0;
    const std::size_t p = m_options.interpolationPoints;

    // Grid geometry: a square of side `side` from (loX, loY).
    double loX = y[0], hiX = y[0], loY = y[1], hiY = y[1];
    for (std::size_t i = 1; i < n; ++i) {
        loX = std::min(loX, y[2 * i]);
        hiX = std::max(hiX, y[2 * i]);
        loY = std::min(loY, y[2 * i + 1]);
        hiY = std::max(hiY, y[2 * i + 1]);
    }
    const double side = std::max({hiX - loX, hiY - loY, kMinSide});
    // Box width: at most FIt-SNE's min(1 / intervalsPerUnit, side / minIntervals), which fixes
    // the FFT size m (the next power of two of 2p · boxes). Within that m the boxes are then made
    // as small as the grid allows (finer nodes, more accurate, at no extra FFT cost), rounded up
    // to a power of 2^(1/8): the kernels' spectra depend only on the node spacing and m, so they
    // are recomputed only when the layout has grown by another 9% or so. A layout that grew
    // beyond reason (a diverging run) gets wider boxes instead of an FFT larger than kMaxFft
    // (accuracy degrades instead of memory running out).
    const std::size_t maxBoxes = kMaxFft / (2 * p);
    const double widest =
        std::min(1.0 / m_options.intervalsPerUnit, side / double(m_options.minIntervals));
    const double wantedBoxes = std::min(std::ceil(side / widest), double(maxBoxes));
    const std::size_t m =
        std::max<std::size_t>(16, nextPowerOfTwo(2 * p * std::size_t(wantedBoxes)));
    const std::size_t fit = m / (2 * p);
    double boxWidth = std::exp2(std::ceil(8.0 * std::log2(side / double(fit))) / 8.0);
    if (side / boxWidth > double(fit))
        boxWidth = side / double(fit); // rounding; never more boxes than fit
    const std::size_t boxes =
        std::clamp<std::size_t>(std::size_t(std::ceil(side / boxWidth)), 1, fit);
    const std::size_t nodes = boxes * p;
    const double spacing = boxWidth / double(p);

    if (m != m_conv.fftSize() || spacing != m_conv.spacing()) {
        m_conv.setKernels(m, spacing, team);
        ++m_kernelUpdates;
    }

    // Box every point (counting sort: points of a box contiguous, in id order).
    const std::size_t boxCount = boxes * boxes;
    m_box.resize(n);
    m_boxStart.assign(boxCount + 1, 0);
    const double inv = 1.0 / boxWidth;
    auto boxOf = [&](double v, double lo) {
        const double f = (v - lo) * inv;
        return std::min(boxes - 1, std::size_t(std::max(0.0, f)));
    };
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t b = boxOf(y[2 * i + 1], loY) * boxes + boxOf(y[2 * i], loX);
        m_box[i] = std::uint32_t(b);
        ++m_boxStart[b + 1];
    }
    for (std::size_t b = 0; b < boxCount; ++b)
        m_boxStart[b + 1] += m_boxStart[b];
    m_order.resize(n);
    {
        std::vector<std::uint32_t> fill(m_boxStart.begin(), m_boxStart.end() - 1);
        for (std::size_t i = 0; i < n; ++i)
            m_order[fill[m_box[i]]++] = std::uint32_t(i);
    }

    double denominators[kMaxPoints];
    for (std::size_t k = 0; k < p; ++k) {
        double d = 1.0;
        for (std::size_t j = 0; j < p; ++j)
            if (j != k)
                d *= (double(k) - double(j)) / double(p);
        denominators[k] = 1.0 / d;
    }

    // Spread the unit charges: each box row writes only its own node rows.
    const std::size_t gridSize = nodes * nodes;
    m_grids.assign(3 * gridSize, 0.0f);
    float *charge = m_grids.data(), *fx = charge + gridSize, *fy = fx + gridSize;
    m_weights.resize(n * 2 * p);
    team.forRanges(boxes, [&](std::size_t rowBegin, std::size_t rowEnd, unsigned) {
        double acc[kMaxPoints][kMaxPoints];
        for (std::size_t b = rowBegin * boxes; b < rowEnd * boxes; ++b) {
            const std::size_t bx = b % boxes, by = b / boxes;
            if (m_boxStart[b] == m_boxStart[b + 1])
                continue;
            std::fill(&acc[0][0], &acc[0][0] + kMaxPoints * kMaxPoints, 0.0);
            for (std::size_t s = m_boxStart[b]; s < m_boxStart[b + 1]; ++s) {
                const std::size_t i = m_order[s];
                double *wx = m_weights.data() + i * 2 * p, *wy = wx + p;
                lagrange((y[2 * i] - loX) * inv - double(bx), p, denominators, wx);
                lagrange((y[2 * i + 1] - loY) * inv - double(by), p, denominators, wy);
                for (std::size_t a = 0; a < p; ++a)
                    for (std::size_t c = 0; c < p; ++c)
                        acc[a][c] += wy[a] * wx[c];
            }
            for (std::size_t a = 0; a < p; ++a)
                for (std::size_t c = 0; c < p; ++c)
                    charge[(by * p + a) * nodes + bx * p + c] = float(acc[a][c]);
        }
    });

    const double zAll = m_conv.apply(charge, nodes, fx, fy, team);

    // The interpolated interaction of a point with itself, Σ w_a w_b K1(node_a − node_b) over
    // its box's nodes, is 1 only up to the interpolation error; on sparse layouts N such errors
    // outweigh the true Z, so each is subtracted exactly. (The force kernels are odd: the
    // self-force vanishes exactly.)
    const std::size_t p2 = p * p;
    m_selfKernel.resize(p2 * p2);
    for (std::size_t a = 0; a < p2; ++a)
        for (std::size_t b = 0; b < p2; ++b) {
            const std::size_t rowA = a / p, rowB = b / p; // grid rows (integer division)
            const double dx = spacing * (double(a % p) - double(b % p));
            const double dy = spacing * (double(rowA) - double(rowB));
            m_selfKernel[a * p2 + b] = 1.0 / (1.0 + dx * dx + dy * dy);
        }
    m_self.resize(n);
    // Interpolate the forces back to the points.
    team.forRanges(n, [&](std::size_t begin, std::size_t end, unsigned) {
        double tensor[kMaxPoints * kMaxPoints];
        for (std::size_t i = begin; i < end; ++i) {
            const std::size_t b = m_box[i], bx = b % boxes, by = b / boxes;
            const double *wx = m_weights.data() + i * 2 * p, *wy = wx + p;
            double sx = 0.0, sy = 0.0;
            for (std::size_t a = 0; a < p; ++a)
                for (std::size_t c = 0; c < p; ++c) {
                    const double w = wy[a] * wx[c];
                    tensor[a * p + c] = w;
                    const std::size_t node = (by * p + a) * nodes + bx * p + c;
                    sx += w * double(fx[node]);
                    sy += w * double(fy[node]);
                }
            force[2 * i] = sx;
            force[2 * i + 1] = sy;
            double self = 0.0;
            for (std::size_t a = 0; a < p2; ++a) {
                double row = 0.0;
                for (std::size_t c = 0; c < p2; ++c)
                    row += m_selfKernel[a * p2 + c] * tensor[c];
                self += tensor[a] * row;
            }
            m_self[i] = self;
        }
    });
    double z = zAll;
    for (double t : m_self)
        z -= t;
    return z;
}

} // namespace detail

TsneRepulsion tsneRepulsionFft(const DoubleRowMatrix &y, const FftRepulsionOptions &options,
                               unsigned threads)
{
    if (y.cols() != 2)
        throw std::invalid_argument("tsneRepulsionFft: the layout must have 2 columns");
    TsneRepulsion result;
    result.force.resize(y.rows(), 2);
    ThreadTeam team(threads);
    detail::FftRepulsion fft(options);
    result.z = fft.compute(y.data(), std::size_t(y.rows()), result.force.data(), team);
    return result;
}

} // namespace embex
