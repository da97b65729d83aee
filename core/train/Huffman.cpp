#include "train/Huffman.h"

#include <algorithm>
#include <numeric>

namespace embex::detail {

HuffmanCodes::HuffmanCodes(const std::vector<std::uint64_t> &counts)
{
    const std::size_t n = counts.size();
    m_offsets.assign(n + 1, 0);
    if (n < 2)
        return;
    // Leaves in ascending order of count (stable: among equal counts the later word first, as
    // word2vec.c walks its descending vocabulary from the end).
    std::vector<std::uint32_t> leaves(n);
    std::iota(leaves.begin(), leaves.end(), 0u);
    std::stable_sort(leaves.begin(), leaves.end(), [&](std::uint32_t a, std::uint32_t b) {
        return counts[a] != counts[b] ? counts[a] < counts[b] : a > b;
    });

    // Nodes 0..n-1 are the words, n + i is inner node i.
    std::vector<std::uint64_t> weight(2 * n - 1);
    std::vector<std::uint32_t> parent(2 * n - 1, 0);
    std::vector<std::uint8_t> bit(2 * n - 1, 0);
    for (std::size_t w = 0; w < n; ++w)
        weight[w] = counts[w];
    std::size_t nextLeaf = 0, nextInner = n; // queue heads
    const std::size_t innerCount = n - 1;
    auto takeSmallest = [&](std::size_t made) -> std::size_t {
        const bool leafLeft = nextLeaf < n;
        const bool innerLeft = nextInner < n + made;
        // Strict <: on a tie the inner node wins, as in word2vec.c.
        if (leafLeft && (!innerLeft || weight[leaves[nextLeaf]] < weight[nextInner]))
            return leaves[nextLeaf++];
        return nextInner++;
    };
    for (std::size_t i = 0; i < innerCount; ++i) {
        const std::size_t a = takeSmallest(i);
        const std::size_t b = takeSmallest(i);
        weight[n + i] = weight[a] + weight[b];
        parent[a] = parent[b] = std::uint32_t(n + i);
        bit[b] = 1;
    }

    const std::size_t root = 2 * n - 2;
    std::vector<std::uint32_t> points;
    std::vector<std::uint8_t> codes;
    for (std::size_t w = 0; w < n; ++w) {
        points.clear();
        codes.clear();
        for (std::size_t node = w; node != root; node = parent[node]) {
            codes.push_back(bit[node]);
            points.push_back(std::uint32_t(parent[node] - n));
        }
        m_points.insert(m_points.end(), points.rbegin(), points.rend());
        m_codes.insert(m_codes.end(), codes.rbegin(), codes.rend());
        m_offsets[w + 1] = m_points.size();
    }
}

} // namespace embex::detail
