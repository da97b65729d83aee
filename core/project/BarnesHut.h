#pragma once
// Barnes-Hut repulsion for t-SNE (van der Maaten 2014): a quadtree (2-D) or octree (3-D).
#include "project/TsneRepulsion.h"
#include "util/ThreadTeam.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace embex::detail {

/// Computes TsneRepulsion with a 2^D-ary space-partitioning tree rebuilt on every call.
/// The tree is built serially, top down, by stable partitions of the point ids (so its shape
/// depends only on the layout); a leaf holds one point or a group of identical points (or
/// whatever is left at depth 48). The traversal is parallel over points, each point summing in
/// a fixed order, so the result does not depend on team size. A cell that contains the point
/// itself is always opened. Not thread-safe; one object per optimisation.
class BarnesHutRepulsion
{
public:
    /// dims 2 or 3; theta ≥ 0.
    BarnesHutRepulsion(std::size_t dims, double theta);
    /// y: n × dims row-major; force: n × dims row-major output. Returns Z.
    double compute(const double *y, std::size_t n, double *force, ThreadTeam &team);

    struct Node
    {
        double centre[3];
        double com[3];
        double half;              ///< half the side of the cell
        std::uint32_t count;      ///< points in the cell
        std::uint32_t begin, end; ///< range in the sorted order
        std::int32_t firstChild;  ///< index of the first of 2^D children; −1 for a leaf
    };

private:
    template <std::size_t D>
    double computeDims(const double *y, std::size_t n, double *force, ThreadTeam &team);
    template <std::size_t D> void build(const double *y, std::size_t n);

    std::size_t m_dims;
    double m_theta;
    std::vector<Node> m_nodes;
    std::vector<std::uint32_t> m_order, m_scratch;
    std::vector<double> m_sorted; ///< coordinates in tree order
    std::vector<double> m_zTerms;
};

} // namespace embex::detail
