#pragma once
// Internal to core/train: the Huffman tree of word2vec's hierarchical softmax.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace embex::detail {

/// The binary Huffman code of every word, built from the word counts as word2vec.c's
/// CreateBinaryTree does (two queues over the counts in ascending order; on a tie the inner
/// node is taken first; the second-smallest child gets bit 1). A tree over n words has n - 1
/// inner nodes, numbered 0 .. n-2 in order of creation, the root last (n - 2). A single word
/// has an empty code.
class HuffmanCodes
{
public:
    HuffmanCodes() = default;
    /// counts: one per word (any order; word2vec's vocabulary is sorted by descending count).
    explicit HuffmanCodes(const std::vector<std::uint64_t> &counts);

    struct Path
    {
        const std::uint32_t *points; ///< inner nodes from the root down
        const std::uint8_t *codes;   ///< the branch taken at each (0 or 1)
        int length;
    };
    /// The path from the root to word w.
    Path path(std::uint32_t w) const
    {
        const std::size_t b = m_offsets[w], e = m_offsets[w + 1];
        return {m_points.data() + b, m_codes.data() + b, int(e - b)};
    }
    std::size_t words() const { return m_offsets.empty() ? 0 : m_offsets.size() - 1; }
    /// Number of inner nodes (rows of syn1): words() - 1, or 0.
    std::size_t innerNodes() const { return words() > 1 ? words() - 1 : 0; }

private:
    std::vector<std::uint32_t> m_points;
    std::vector<std::uint8_t> m_codes;
    std::vector<std::size_t> m_offsets; ///< word w: [m_offsets[w], m_offsets[w + 1])
};

} // namespace embex::detail
