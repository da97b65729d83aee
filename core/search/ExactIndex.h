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
/// 8-bit filter (on by default where the build has AVX2, as x86-64-v3 does): the scan is bound
/// by memory bandwidth, so the index also keeps each unit row as 8-bit codes times a per-row
/// scale (dim rounded up to 16 bytes plus 4 bytes per row: under a third of the float32
/// matrix) and scans those first, with the query coded the same way; the integer dot products
/// are exact. Every coded score is within a proven bound B of the float32 score (from the
/// largest row coding error, the query's, and float32 summation error), so the rows that can
/// reach the top k are exactly those whose coded score is at least the k-th best coded score
/// minus 2B; only they are re-scored in float32. The result is identical, bit for bit, to the
/// plain float32 scan.
///
/// Results are identical (ids and bit-identical similarities) for every thread count; equal
/// rows get equal similarities, so exact ties come out by smaller id. Rows whose similarity is
/// NaN (non-finite input values) are never returned. search() is const and thread-safe; each
/// call starts its own threads and allocates only small per-call buffers.
class ExactIndex : public NeighborIndex
{
public:
    /// Throws std::invalid_argument if set is null. threads = 0 counts as 1. filter = false
    /// scans the float32 matrix only (no extra memory).
    explicit ExactIndex(EmbeddingSetPtr set, unsigned threads = defaultThreads(),
                        bool filter = true);
    std::vector<Neighbor> search(const float *query, std::size_t k,
                                 std::span<const WordId> exclude = {}) const override;
    const EmbeddingSet &set() const override { return *m_set; }
    /// Whether searches go through the 8-bit codes (false without AVX2 or when turned off).
    bool usesFilter() const { return !m_codes.empty(); }

private:
    std::vector<Neighbor> searchFloat(const std::vector<float> &q, std::size_t k,
                                      std::span<const WordId> exclude) const;
    std::vector<Neighbor> searchCoded(const std::vector<float> &q, std::size_t k,
                                      std::span<const WordId> exclude) const;

    EmbeddingSetPtr m_set;
    unsigned m_threads;
    std::vector<std::int8_t> m_codes; ///< 8-bit unit rows, m_codeStride per row (zero padded)
    std::vector<float> m_codeScales;  ///< row i ≈ m_codeScales[i] · its codes (NaN: skip it)
    std::size_t m_codeStride = 0;     ///< dim rounded up to 16
    double m_codeError = 0;           ///< the largest ‖row − scale · codes‖ of a finite row
};

} // namespace embex
