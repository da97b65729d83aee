#pragma once
// GloVe's word-word co-occurrence counts (internal to core/train; public for tests).
//
// X_ij = Σ 1/|p − q| over the ordered pairs of positions p ≠ q of one sentence with
// |p − q| ≤ window, word i at p and word j at q. X is symmetric, so each unordered pair i ≤ j is
// stored once; a word next to itself (i = j) collects 2/d per pair of positions, as in GloVe's
// cooccur.c, which adds both orders.
//
// Counts are fixed-point integers (unit 1 / scale(): scale = lcm(1..window) while that fits in
// 32 bits, so every 1/d is exact, else 2^32 with 1/d rounded to the nearest unit), so sums do
// not depend on the order of additions: the same corpus gives the same table for any thread
// count or memory cap.
//
// Storage, after GloVe's cooccur.c: pairs of frequent words (ids are frequency ranks; pairs with
// (i + 1)(j + 1) ≤ P) are counted in a dense triangle, one per thread (a quarter of the memory
// cap, at most 16 MiB each; P is the largest bound that fits); all others are appended to a
// per-thread buffer (an eighth of the cap, plus as much to sort it) that, when full, is
// radix-sorted and summed into a sorted run. Runs stay in memory until they pass half the cap,
// then go to an anonymous temporary file in the system temp folder (unlinked at once, so nothing
// is left behind even after a crash). finish() merges the dense tables and the runs into one
// stream sorted by (i, j). Memory is the cap plus one batch of sentences; the caller's copy of
// the result (GloVe keeps 16 bytes per pair) is not counted.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace embex::detail {

class CooccurrenceCounter
{
public:
    struct Options
    {
        int window = 10;                                ///< words on each side; default 10
        std::size_t memoryBytes = std::size_t(1) << 30; ///< soft cap while counting; 1 GiB
        unsigned threads = 1;                           ///< counting threads; default 1
    };

    /// Counts for word ids 0..vocabSize-1 (id = frequency rank: 0 is the most frequent word).
    CooccurrenceCounter(std::size_t vocabSize, const Options &options);
    ~CooccurrenceCounter();
    CooccurrenceCounter(const CooccurrenceCounter &) = delete;
    CooccurrenceCounter &operator=(const CooccurrenceCounter &) = delete;

    /// Adds a batch of sentences in compressed form: sentence s is ids[offsets[s],
    /// offsets[s + 1]) for s < sentences (offsets has sentences + 1 entries). Ids must be below
    /// vocabSize (std::out_of_range otherwise). Uses options.threads threads; not thread-safe.
    void add(const std::uint32_t *ids, const std::uint64_t *offsets, std::size_t sentences);
    /// One sentence (convenience for tests).
    void addSentence(const std::vector<std::uint32_t> &ids);

    /// Calls emit(i, j, X_ij) for every pair i ≤ j with X_ij > 0, in increasing (i, j) order.
    /// `check` is called now and then (it may throw to abort, e.g. Progress::check). The counter
    /// is spent afterwards.
    void finish(const std::function<void(std::uint32_t, std::uint32_t, double)> &emit,
                const std::function<void()> &check = {});

    /// Fixed-point unit: counts are integers in units of 1 / scale().
    double scale() const { return m_scale; }
    /// Dense cells per thread (0 when the cap leaves no room for a dense table).
    std::size_t denseCells() const { return m_denseCells; }
    /// Sorted runs written so far, and how many of them went to the temporary file.
    std::size_t runs() const;
    std::size_t spilledRuns() const { return m_spilledRuns; }

private:
    struct Run;
    struct Worker;
    void countRange(Worker &w, const std::uint32_t *ids, const std::uint64_t *offsets,
                    std::size_t begin, std::size_t end);
    void flushBuffer(Worker &w);
    void spillIfNeeded();
    void spill(Run &run);

    std::size_t m_vocab = 0;
    int m_window = 10;
    std::size_t m_memory = 0;
    double m_scale = 1;
    std::vector<std::uint64_t> m_increment; // [d] = scale / d in fixed point
    // Dense triangle: row i holds columns i..m_rowEnd[i]-1, starting at m_rowStart[i].
    std::vector<std::uint64_t> m_rowStart;
    std::vector<std::uint32_t> m_rowEnd;
    std::size_t m_denseCells = 0;
    unsigned m_bitsJ = 1; // bits of j in a sparse key (i << m_bitsJ | j)
    std::size_t m_bufferCapacity = 0;
    std::vector<std::unique_ptr<Worker>> m_workers;
    int m_spillFd = -1;
    std::uint64_t m_spillSize = 0;
    std::size_t m_spilledRuns = 0;
};

} // namespace embex::detail
