#include "train/Cooccurrence.h"

#include "util/Parallel.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <numeric>
#include <queue>
#include <stdexcept>
#include <string>

#include <unistd.h>

namespace embex::detail {

namespace {

/// One sparse count: key = i << bitsJ | j (i ≤ j), value in fixed-point units.
struct SparseRec
{
    std::uint64_t key;
    std::uint64_t value;
};

constexpr std::uint64_t kMaxScale = std::uint64_t(1) << 32;
/// 16 MiB of dense counts per thread: on Brown, a small table per thread counted faster than a
/// large one (bench/README.md).
constexpr std::size_t kMaxDenseCells = std::size_t(1) << 21;

/// Sorts by key with an LSD radix sort over the bytes that vary (keys use `bits` bits).
void radixSort(std::vector<SparseRec> &a, std::vector<SparseRec> &tmp, unsigned bits)
{
    const std::size_t n = a.size();
    if (n < 2)
        return;
    const unsigned passes = (bits + 7) / 8;
    std::vector<std::size_t> hist(std::size_t(passes) * 256, 0);
    for (const auto &r : a)
        for (unsigned p = 0; p < passes; ++p)
            ++hist[p * 256 + ((r.key >> (8 * p)) & 0xff)];
    tmp.resize(n);
    for (unsigned p = 0; p < passes; ++p) {
        std::size_t *h = hist.data() + p * 256;
        if (*std::max_element(h, h + 256) == n)
            continue; // every key has the same byte here
        std::size_t sum = 0;
        for (int b = 0; b < 256; ++b) {
            const std::size_t c = h[b];
            h[b] = sum;
            sum += c;
        }
        for (const auto &r : a)
            tmp[h[(r.key >> (8 * p)) & 0xff]++] = r;
        a.swap(tmp);
    }
}

std::string tempFolder()
{
    std::error_code ec;
    auto dir = std::filesystem::temp_directory_path(ec);
    return ec ? std::string("/tmp") : dir.string();
}

} // namespace

struct CooccurrenceCounter::Run
{
    std::vector<SparseRec> data; // in memory; empty once spilled
    std::uint64_t offset = 0;    // byte offset in the spill file
    std::size_t count = 0;
    bool spilled = false;
};

struct CooccurrenceCounter::Worker
{
    std::vector<std::uint64_t> dense;
    std::vector<SparseRec> buffer;
    std::vector<SparseRec> scratch;
    std::vector<Run> runs;
    std::size_t runBytes = 0; // bytes of runs held in memory
};

CooccurrenceCounter::CooccurrenceCounter(std::size_t vocabSize, const Options &options)
    : m_vocab(vocabSize), m_window(std::max(1, options.window)), m_memory(options.memoryBytes)
{
    if (vocabSize >= (std::size_t(1) << 31))
        throw std::invalid_argument("co-occurrence counting supports at most 2^31 words");
    // Fixed point: lcm(1..window) makes every 1/d exact; past 2^32 fall back to rounding.
    std::uint64_t scale = 1;
    for (int d = 2; d <= m_window && scale <= kMaxScale; ++d)
        scale = std::lcm(scale, std::uint64_t(d));
    if (scale > kMaxScale)
        scale = kMaxScale;
    m_scale = double(scale);
    m_increment.assign(std::size_t(m_window) + 1, 0);
    for (int d = 1; d <= m_window; ++d)
        m_increment[std::size_t(d)] = scale % std::uint64_t(d) == 0
                                          ? scale / std::uint64_t(d)
                                          : std::uint64_t(std::llround(double(scale) / double(d)));

    while (m_bitsJ < 32 && (std::uint64_t(1) << m_bitsJ) < vocabSize)
        ++m_bitsJ;
    const unsigned threads = std::max(1u, options.threads);

    // A quarter of the cap for the dense triangles (one per thread), but at most kMaxDenseCells
    // each: past that, random access to the table (and zeroing it) costs more than sorting the
    // pairs. An eighth for the sparse buffers (plus as much for the radix sort's scratch), half
    // for the sorted runs in memory.
    const std::size_t cellsPerThread =
        std::min(kMaxDenseCells, m_memory / 4 / sizeof(std::uint64_t) / threads);
    const std::uint64_t n = vocabSize;
    auto cellsFor = [&](std::uint64_t product) {
        std::uint64_t cells = 0;
        for (std::uint64_t i = 0; i < n && (i + 1) * (i + 1) <= product; ++i)
            cells += std::min<std::uint64_t>(n, product / (i + 1)) - i;
        return cells;
    };
    // Largest product bound P whose triangle fits (binary search; cellsFor grows with P).
    std::uint64_t lo = 0, hi = n * n + 1;
    while (lo + 1 < hi) {
        const std::uint64_t mid = lo + (hi - lo) / 2;
        (cellsFor(mid) <= cellsPerThread ? lo : hi) = mid;
    }
    const std::uint64_t product = lo;
    m_rowStart.assign(vocabSize, 0);
    m_rowEnd.resize(vocabSize);
    std::uint64_t cells = 0;
    for (std::uint64_t i = 0; i < n; ++i) {
        m_rowStart[i] = cells;
        std::uint64_t end = i;
        if ((i + 1) * (i + 1) <= product)
            end = std::min<std::uint64_t>(n, product / (i + 1));
        m_rowEnd[i] = std::uint32_t(end);
        cells += end - i;
    }
    m_denseCells = std::size_t(cells);
    m_bufferCapacity = std::max<std::size_t>(4096, m_memory / 8 / sizeof(SparseRec) / threads);
    for (unsigned t = 0; t < threads; ++t) {
        auto w = std::make_unique<Worker>();
        w->dense.assign(m_denseCells, 0);
        m_workers.push_back(std::move(w));
    }
}

CooccurrenceCounter::~CooccurrenceCounter()
{
    if (m_spillFd >= 0)
        ::close(m_spillFd);
}

std::size_t CooccurrenceCounter::runs() const
{
    std::size_t n = 0;
    for (const auto &w : m_workers)
        n += w->runs.size();
    return n;
}

void CooccurrenceCounter::addSentence(const std::vector<std::uint32_t> &ids)
{
    const std::uint64_t offsets[2] = {0, ids.size()};
    add(ids.data(), offsets, 1);
}

void CooccurrenceCounter::add(const std::uint32_t *ids, const std::uint64_t *offsets,
                              std::size_t sentences)
{
    if (sentences == 0)
        return;
    const std::uint64_t first = offsets[0], last = offsets[sentences];
    for (std::uint64_t k = first; k < last; ++k)
        if (ids[k] >= m_vocab)
            throw std::out_of_range("co-occurrence counting: word id " + std::to_string(ids[k]) +
                                    " is outside the vocabulary of " + std::to_string(m_vocab));
    const auto threads = unsigned(m_workers.size());
    // Contiguous sentence ranges with about the same number of tokens per thread.
    std::vector<std::size_t> cut{0};
    for (unsigned t = 1; t < threads; ++t) {
        const std::uint64_t target = first + (last - first) * t / threads;
        cut.push_back(
            std::size_t(std::lower_bound(offsets, offsets + sentences, target) - offsets));
    }
    cut.push_back(sentences);
    runWorkers(threads,
               [&](unsigned t) { countRange(*m_workers[t], ids, offsets, cut[t], cut[t + 1]); });
    spillIfNeeded();
}

void CooccurrenceCounter::countRange(Worker &w, const std::uint32_t *ids,
                                     const std::uint64_t *offsets, std::size_t begin,
                                     std::size_t end)
{
    const std::uint64_t *inc = m_increment.data();
    const std::uint64_t *rowStart = m_rowStart.data();
    const std::uint32_t *rowEnd = m_rowEnd.data();
    std::uint64_t *dense = w.dense.data();
    const auto window = std::size_t(m_window);
    for (std::size_t s = begin; s < end; ++s) {
        const std::uint32_t *sent = ids + offsets[s];
        const auto len = std::size_t(offsets[s + 1] - offsets[s]);
        for (std::size_t q = 1; q < len; ++q) {
            const std::uint32_t wq = sent[q];
            const std::size_t from = q > window ? q - window : 0;
            for (std::size_t p = from; p < q; ++p) {
                const std::uint32_t wp = sent[p];
                const std::uint32_t a = std::min(wp, wq), b = std::max(wp, wq);
                // A word next to itself: both orders land in the same cell.
                const std::uint64_t v = inc[q - p] << (a == b ? 1 : 0);
                if (b < rowEnd[a]) {
                    dense[rowStart[a] + (b - a)] += v;
                } else {
                    w.buffer.push_back({std::uint64_t(a) << m_bitsJ | b, v});
                    if (w.buffer.size() >= m_bufferCapacity)
                        flushBuffer(w);
                }
            }
        }
    }
}

void CooccurrenceCounter::flushBuffer(Worker &w)
{
    if (w.buffer.empty())
        return;
    if (w.buffer.capacity() < m_bufferCapacity)
        w.buffer.reserve(m_bufferCapacity);
    radixSort(w.buffer, w.scratch, 2 * m_bitsJ);
    std::size_t unique = 0;
    for (std::size_t k = 0; k < w.buffer.size(); ++k)
        if (k == 0 || w.buffer[k].key != w.buffer[k - 1].key)
            ++unique;
    Run run;
    run.data.reserve(unique);
    for (const auto &r : w.buffer) {
        if (!run.data.empty() && run.data.back().key == r.key)
            run.data.back().value += r.value;
        else
            run.data.push_back(r);
    }
    run.count = run.data.size();
    w.runBytes += run.count * sizeof(SparseRec);
    w.runs.push_back(std::move(run));
    w.buffer.clear();
    if (w.buffer.capacity() < m_bufferCapacity)
        w.buffer.reserve(m_bufferCapacity);
    w.scratch.clear();
}

void CooccurrenceCounter::spillIfNeeded()
{
    std::size_t bytes = 0;
    for (const auto &w : m_workers)
        bytes += w->runBytes;
    if (bytes <= m_memory / 2)
        return;
    for (auto &w : m_workers) {
        for (auto &run : w->runs)
            if (!run.spilled)
                spill(run);
        w->runBytes = 0;
    }
}

void CooccurrenceCounter::spill(Run &run)
{
    if (m_spillFd < 0) {
        std::string path = tempFolder() + "/embex-glove-XXXXXX";
        m_spillFd = ::mkstemp(path.data());
        if (m_spillFd < 0)
            throw std::runtime_error("GloVe: cannot create a temporary file in " + tempFolder() +
                                     ": " + std::strerror(errno));
        ::unlink(path.c_str()); // gone from the folder now; the data lives until close()
    }
    const auto *p = reinterpret_cast<const char *>(run.data.data());
    std::size_t left = run.count * sizeof(SparseRec);
    run.offset = m_spillSize;
    while (left > 0) {
        const ssize_t got = ::pwrite(m_spillFd, p, left, off_t(m_spillSize));
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            throw std::runtime_error("GloVe: cannot write co-occurrences to a temporary file in " +
                                     tempFolder() + ": " + std::strerror(errno) +
                                     " (lower the memory cap or free disk space)");
        p += got;
        left -= std::size_t(got);
        m_spillSize += std::uint64_t(got);
    }
    std::vector<SparseRec>().swap(run.data);
    run.spilled = true;
    ++m_spilledRuns;
}

namespace {

/// Reads one sorted run, from memory or from the spill file through a small buffer.
class RunReader
{
public:
    RunReader(const SparseRec *mem, std::size_t count) : m_mem(mem), m_count(count) {}
    RunReader(int fd, std::uint64_t offset, std::size_t count, std::size_t bufferRecords)
        : m_fd(fd), m_offset(offset), m_count(count), m_buf(std::max<std::size_t>(bufferRecords, 1))
    {}
    bool done() const { return m_pos >= m_count; }
    const SparseRec &current()
    {
        if (!m_mem && (m_pos < m_bufFirst || m_pos >= m_bufFirst + m_bufCount))
            fill();
        return m_mem ? m_mem[m_pos] : m_buf[m_pos - m_bufFirst];
    }
    void next() { ++m_pos; }

private:
    void fill()
    {
        m_bufFirst = m_pos;
        m_bufCount = std::min(m_buf.size(), m_count - m_pos);
        auto *p = reinterpret_cast<char *>(m_buf.data());
        std::size_t left = m_bufCount * sizeof(SparseRec);
        auto at = off_t(m_offset + m_pos * sizeof(SparseRec));
        while (left > 0) {
            const ssize_t got = ::pread(m_fd, p, left, at);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0)
                throw std::runtime_error(std::string("GloVe: cannot read back co-occurrences "
                                                     "from the temporary file: ") +
                                         (got < 0 ? std::strerror(errno) : "file is short"));
            p += got;
            left -= std::size_t(got);
            at += got;
        }
    }

    const SparseRec *m_mem = nullptr;
    int m_fd = -1;
    std::uint64_t m_offset = 0;
    std::size_t m_count = 0, m_pos = 0;
    std::vector<SparseRec> m_buf;
    std::size_t m_bufFirst = 0, m_bufCount = 0;
};

} // namespace

void CooccurrenceCounter::finish(
    const std::function<void(std::uint32_t, std::uint32_t, double)> &emit,
    const std::function<void()> &check)
{
    for (auto &w : m_workers) {
        flushBuffer(*w);
        std::vector<SparseRec>().swap(w->buffer);
        std::vector<SparseRec>().swap(w->scratch);
    }
    // Sum the per-thread dense triangles into the first.
    std::vector<std::uint64_t> &dense = m_workers[0]->dense;
    for (std::size_t t = 1; t < m_workers.size(); ++t) {
        const auto &other = m_workers[t]->dense;
        for (std::size_t k = 0; k < dense.size(); ++k)
            dense[k] += other[k];
        std::vector<std::uint64_t>().swap(m_workers[t]->dense);
    }

    std::vector<RunReader> readers;
    std::size_t fileRuns = 0;
    for (const auto &w : m_workers)
        for (const auto &run : w->runs)
            fileRuns += run.spilled ? 1 : 0;
    const std::size_t bufRecords =
        fileRuns ? std::clamp<std::size_t>(m_memory / 4 / sizeof(SparseRec) / fileRuns, 256,
                                           std::size_t(1) << 16)
                 : 0;
    for (const auto &w : m_workers)
        for (const auto &run : w->runs) {
            if (run.count == 0)
                continue;
            if (run.spilled)
                readers.emplace_back(m_spillFd, run.offset, run.count, bufRecords);
            else
                readers.emplace_back(run.data.data(), run.count);
        }

    const double unit = 1.0 / m_scale;
    const std::uint64_t maskJ = (std::uint64_t(1) << m_bitsJ) - 1;
    std::size_t nextDenseRow = 0, emitted = 0;
    auto denseRowsUpTo = [&](std::size_t row) { // emits the dense cells of rows < row
        for (; nextDenseRow < row; ++nextDenseRow) {
            const std::size_t i = nextDenseRow;
            const std::uint64_t *cell = dense.data() + m_rowStart[i];
            for (std::uint32_t j = std::uint32_t(i); j < m_rowEnd[i]; ++j, ++cell)
                if (*cell)
                    emit(std::uint32_t(i), j, double(*cell) * unit);
            if (check && (++emitted & 1023) == 0)
                check();
        }
    };

    // k-way merge of the runs; equal keys (from different runs) are summed.
    using Item = std::pair<std::uint64_t, std::size_t>; // key, reader
    std::priority_queue<Item, std::vector<Item>, std::greater<>> heap;
    for (std::size_t r = 0; r < readers.size(); ++r)
        heap.emplace(readers[r].current().key, r);
    std::size_t sinceCheck = 0;
    while (!heap.empty()) {
        const std::uint64_t key = heap.top().first;
        std::uint64_t value = 0;
        while (!heap.empty() && heap.top().first == key) {
            const std::size_t r = heap.top().second;
            heap.pop();
            value += readers[r].current().value;
            readers[r].next();
            if (!readers[r].done())
                heap.emplace(readers[r].current().key, r);
        }
        const auto i = std::uint32_t(key >> m_bitsJ), j = std::uint32_t(key & maskJ);
        denseRowsUpTo(std::size_t(i) + 1);
        emit(i, j, double(value) * unit);
        if (check && ++sinceCheck == 65536) {
            sinceCheck = 0;
            check();
        }
    }
    denseRowsUpTo(m_vocab);

    for (auto &w : m_workers) {
        w->runs.clear();
        std::vector<std::uint64_t>().swap(w->dense);
    }
}

} // namespace embex::detail
