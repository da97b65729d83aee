#pragma once
#include "search/NeighborIndex.h"
#include "util/Parallel.h"

#include <cstdint>
#include <vector>

namespace embex {

/// Exact cosine top-k by brute force over the unit-normalised rows (EmbeddingSet::unitRows,
/// made a block at a time, so the index holds no float32 copy of the matrix): float32 SIMD dot
/// products in blocks of 4096 rows, blocks split across `threads` threads, per-thread bounded
/// heaps merged at the end. This is the oracle every approximate index is measured against.
///
/// Half-precision filter (on by default where the build has F16C, as x86-64-v3 does): the scan
/// is bound by memory bandwidth, so the index also keeps the unit rows in float16 (half the
/// bytes; size × dim rounded up to 8 × 2 bytes) and scans those first. Every half-precision
/// score is within a proven bound B of the float32 score (B = the largest row rounding error
/// |û - half(û)| plus float32 summation error), so the rows that can reach the top k are
/// exactly those whose half score is at least the k-th best half score minus 2B; only they are
/// re-scored in float32. The result is identical, bit for bit, to the plain float32 scan.
///
/// Results are identical (ids and bit-identical similarities) for every thread count; equal
/// rows get equal similarities, so exact ties come out by smaller id. Rows whose similarity is
/// NaN (non-finite input values) are never returned. search() is const and thread-safe; each
/// call starts its own threads and allocates only small per-call buffers.
class ExactIndex : public NeighborIndex
{
public:
    /// Throws std::invalid_argument if set is null. threads = 0 counts as 1. halfFilter = false
    /// scans the float32 matrix only (no extra memory).
    explicit ExactIndex(EmbeddingSetPtr set, unsigned threads = defaultThreads(),
                        bool halfFilter = true);
    std::vector<Neighbor> search(const float *query, std::size_t k,
                                 std::span<const WordId> exclude = {}) const override;
    const EmbeddingSet &set() const override { return *m_set; }
    /// Whether searches go through the float16 copy (false without F16C or when turned off).
    bool usesHalfFilter() const { return !m_half.empty(); }

private:
    std::vector<Neighbor> searchFloat(const std::vector<float> &q, std::size_t k,
                                      std::span<const WordId> exclude) const;
    std::vector<Neighbor> searchHalf(const std::vector<float> &q, std::size_t k,
                                     std::span<const WordId> exclude) const;

    EmbeddingSetPtr m_set;
    unsigned m_threads;
    std::vector<std::uint16_t> m_half; ///< float16 unit rows, m_halfStride values per row
    std::size_t m_halfStride = 0;      ///< dim rounded up to 8 (zero padded)
    float m_halfBound = 0;             ///< B: |half score - float32 score| never exceeds it
};

} // namespace embex
