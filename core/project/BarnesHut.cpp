#include "project/BarnesHut.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>

namespace embex {
namespace detail {
namespace {

// Deeper than this, cells are narrower than double precision can tell apart at any useful
// layout scale; what is left becomes one leaf whose points are summed exactly.
constexpr int kMaxDepth = 48;

} // namespace

BarnesHutRepulsion::BarnesHutRepulsion(std::size_t dims, double theta)
    : m_dims(dims), m_theta(theta)
{
    if (dims != 2 && dims != 3)
        throw std::invalid_argument("Barnes-Hut t-SNE needs a 2-D or 3-D layout");
    if (!(theta >= 0.0) || !std::isfinite(theta))
        throw std::invalid_argument("t-SNE: theta must be a finite number >= 0");
}

double BarnesHutRepulsion::compute(const double *y, std::size_t n, double *force, ThreadTeam &team)
{
    if (n == 0)
        return 0.0;
    return m_dims == 2 ? computeDims<2>(y, n, force, team) : computeDims<3>(y, n, force, team);
}

template <std::size_t D> void BarnesHutRepulsion::build(const double *y, std::size_t n)
{
    constexpr std::size_t kChildren = std::size_t(1) << D;
    m_order.resize(n);
    m_scratch.resize(n);
    for (std::size_t i = 0; i < n; ++i)
        m_order[i] = std::uint32_t(i);

    Node root{};
    double half = 0.0;
    for (std::size_t d = 0; d < D; ++d) {
        double lo = y[d], hi = y[d];
        for (std::size_t i = 1; i < n; ++i) {
            lo = std::min(lo, y[i * D + d]);
            hi = std::max(hi, y[i * D + d]);
        }
        root.centre[d] = 0.5 * (lo + hi);
        half = std::max(half, 0.5 * (hi - lo));
    }
    // A little slack so that the extreme points lie strictly inside.
    root.half = half * (1.0 + 1e-9) + 1e-300;
    root.begin = 0;
    root.end = std::uint32_t(n);
    root.firstChild = -1;
    m_nodes.clear();
    m_nodes.push_back(root);

    struct Pending
    {
        std::uint32_t node;
        int depth;
    };
    std::vector<Pending> stack{{0, 0}};
    while (!stack.empty()) {
        const Pending job = stack.back();
        stack.pop_back();
        Node node = m_nodes[job.node];
        const std::uint32_t b = node.begin, e = node.end;
        node.count = e - b;
        if (node.count == 0) { // an empty cell: a leaf, its centre of mass never read
            for (std::size_t d = 0; d < D; ++d)
                node.com[d] = node.centre[d];
            m_nodes[job.node] = node;
            continue;
        }
        double com[D] = {};
        bool identical = true;
        const double *first = y + std::size_t(m_order[b]) * D;
        for (std::uint32_t k = b; k < e; ++k) {
            const double *p = y + std::size_t(m_order[k]) * D;
            for (std::size_t d = 0; d < D; ++d) {
                com[d] += p[d];
                identical = identical && p[d] == first[d];
            }
        }
        for (std::size_t d = 0; d < D; ++d)
            node.com[d] = com[d] / double(node.count);
        if (node.count <= 1 || identical || job.depth >= kMaxDepth) {
            m_nodes[job.node] = node;
            continue;
        }
        // Stable partition into the 2^D children (bit d set: coordinate d ≥ centre).
        std::array<std::uint32_t, kChildren + 1> start{};
        auto childOf = [&](std::uint32_t id) {
            std::size_t c = 0;
            for (std::size_t d = 0; d < D; ++d)
                if (y[std::size_t(id) * D + d] >= node.centre[d])
                    c |= std::size_t(1) << d;
            return c;
        };
        for (std::uint32_t k = b; k < e; ++k)
            ++start[childOf(m_order[k]) + 1];
        for (std::size_t c = 0; c < kChildren; ++c)
            start[c + 1] += start[c];
        std::array<std::uint32_t, kChildren> fill{};
        for (std::size_t c = 0; c < kChildren; ++c)
            fill[c] = b + start[c];
        for (std::uint32_t k = b; k < e; ++k)
            m_scratch[fill[childOf(m_order[k])]++] = m_order[k];
        std::copy(m_scratch.begin() + b, m_scratch.begin() + e, m_order.begin() + b);

        node.firstChild = std::int32_t(m_nodes.size());
        m_nodes[job.node] = node;
        const double h = 0.5 * node.half;
        for (std::size_t c = 0; c < kChildren; ++c) {
            Node child{};
            for (std::size_t d = 0; d < D; ++d)
                child.centre[d] = node.centre[d] + ((c >> d) & 1 ? h : -h);
            child.half = h;
            child.begin = b + start[c];
            child.end = b + start[c + 1];
            child.firstChild = -1;
            m_nodes.push_back(child);
        }
        for (std::size_t c = kChildren; c-- > 0;)
            stack.push_back({std::uint32_t(std::size_t(node.firstChild) + c), job.depth + 1});
    }
    m_sorted.resize(n * D);
    for (std::size_t k = 0; k < n; ++k)
        for (std::size_t d = 0; d < D; ++d)
            m_sorted[k * D + d] = y[std::size_t(m_order[k]) * D + d];
}

template <std::size_t D>
double BarnesHutRepulsion::computeDims(const double *y, std::size_t n, double *force,
                                       ThreadTeam &team)
{
    constexpr std::size_t kChildren = std::size_t(1) << D;
    build<D>(y, n);
    m_zTerms.resize(n);
    const double theta2 = m_theta * m_theta;
    // Points in tree order: neighbours in the loop walk similar paths (cache friendly).
    team.forRanges(n, [&](std::size_t begin, std::size_t end, unsigned) {
        std::vector<std::uint32_t> stack;
        stack.reserve(kMaxDepth * kChildren + 1);
        for (std::size_t s = begin; s < end; ++s) {
            const std::size_t i = m_order[s];
            const double *yi = y + i * D;
            double f[D] = {};
            double z = 0.0;
            stack.clear();
            stack.push_back(0);
            while (!stack.empty()) {
                const Node &node = m_nodes[stack.back()];
                stack.pop_back();
                if (node.count == 0)
                    continue;
                if (node.firstChild < 0) {
                    for (std::uint32_t k = node.begin; k < node.end; ++k) {
                        if (m_order[k] == i)
                            continue;
                        const double *yj = m_sorted.data() + std::size_t(k) * D;
                        double diff[D], d2 = 0.0;
                        for (std::size_t d = 0; d < D; ++d) {
                            diff[d] = yi[d] - yj[d];
                            d2 += diff[d] * diff[d];
                        }
                        const double q = 1.0 / (1.0 + d2);
                        z += q;
                        for (std::size_t d = 0; d < D; ++d)
                            f[d] += q * q * diff[d];
                    }
                    continue;
                }
                double diff[D], d2 = 0.0;
                bool inside = true;
                for (std::size_t d = 0; d < D; ++d) {
                    diff[d] = yi[d] - node.com[d];
                    d2 += diff[d] * diff[d];
                    inside = inside && std::abs(yi[d] - node.centre[d]) <= node.half;
                }
                const double side = 2.0 * node.half;
                if (!inside && side * side < theta2 * d2) {
                    const double q = 1.0 / (1.0 + d2), cnt = double(node.count);
                    z += cnt * q;
                    for (std::size_t d = 0; d < D; ++d)
                        f[d] += cnt * q * q * diff[d];
                    continue;
                }
                for (std::size_t c = kChildren; c-- > 0;)
                    stack.push_back(std::uint32_t(std::size_t(node.firstChild) + c));
            }
            for (std::size_t d = 0; d < D; ++d)
                force[i * D + d] = f[d];
            m_zTerms[i] = z;
        }
    });
    double z = 0.0;
    for (double t : m_zTerms)
        z += t;
    return z;
}

} // namespace detail

TsneRepulsion tsneRepulsionBarnesHut(const DoubleRowMatrix &y, double theta, unsigned threads)
{
    detail::BarnesHutRepulsion bh(std::size_t(y.cols()), theta);
    TsneRepulsion result;
    result.force.resize(y.rows(), y.cols());
    ThreadTeam team(threads);
    result.z = bh.compute(y.data(), std::size_t(y.rows()), result.force.data(), team);
    return result;
}

} // namespace embex
