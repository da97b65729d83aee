// The block-parallel text engine shared by the word2vec/GloVe text reader (TextVectors.cpp)
// and the TSV reader (io/TextParsing.h).
//
// Reading: the calling thread reads blocks of 4 MiB (cut after the last '\n', the rest carried
// into the next block) and hands them to `threads` workers; each worker turns a block into its
// own words + floats. The calling thread absorbs the results in file order (so the first error
// reported is the first in the file, and line numbers are exact), appending them to one matrix
// sized from the file size, and recycles the block buffers: peak memory is about matrix +
// vocabulary + 2 × (threads + 2) blocks. Nothing is allocated from a header count.
#include "io/TextParsing.h"

#include "io/FloatParsing.h"
#include "io/ReaderSupport.h"
#include "io/Readers.h"
#include "util/FormatError.h"
#include "util/InputStream.h"
#include "util/Parallel.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <tuple>
#include <utility>

namespace embex::detail {

namespace {

constexpr std::size_t kDefaultBlockBytes = std::size_t(4) << 20;
// No sane row is longer (65536 values of 500 characters); stops a newline-free file from
// growing the read buffer without bound.
constexpr std::size_t kMaxLineBytes = std::size_t(32) << 20;
// deflate cannot compress better than about 1032:1, which bounds the uncompressed size of .gz.
constexpr std::uint64_t kMaxGzipRatio = 1032;
// Zero bytes after the text of every block: parseFloatSwar reads past the last digit.
constexpr std::size_t kPadding = kFloatReadPadding;

std::atomic<std::size_t> g_blockBytes{kDefaultBlockBytes};

inline bool isBlank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

std::string str(std::uint64_t v)
{
    return std::to_string(v);
}

// One block of the file and, once parsed, what it holds.
struct Chunk
{
    std::unique_ptr<char[]> text;
    std::size_t capacity = 0;
    std::size_t begin = 0; // parsing starts here (after a BOM or a header)
    std::size_t size = 0;

    std::vector<std::string> words;
    std::unique_ptr<float[]> values; // may come recycled from an earlier chunk
    std::size_t valuesCapacity = 0;  // floats
    std::size_t rows = 0;
    std::uint64_t lines = 0;         // lines in [begin, size)
    std::vector<std::size_t> blanks; // for each blank line: the number of rows before it
    std::size_t badUtf8 = 0;
    std::uint64_t firstBadUtf8 = 0; // 0-based line within the chunk
    bool failed = false;
    std::uint64_t errorLine = 0; // 0-based line within the chunk
    std::string errorRule;
    std::exception_ptr exception;
    bool parsed = false; // guarded by the pool's mutex when threads > 1

    // 0-based line within the chunk of row r.
    std::uint64_t lineOfRow(std::size_t r) const
    {
        auto before = std::upper_bound(blanks.begin(), blanks.end(), r) - blanks.begin();
        return r + std::uint64_t(before);
    }
};

// Open-addressing set of word indices (the first occurrence of each word), for duplicate
// detection while the words vector grows: 8 bytes a slot, no allocation per word.
class FirstWordSet
{
public:
    void reserve(std::size_t words, const std::vector<std::string> &all)
    {
        std::size_t slots = 1024;
        while (slots * 7 < words * 10)
            slots *= 2;
        if (slots > m_slots.size())
            rehash(slots, all);
    }
    // False if all[i] equals an earlier inserted word.
    bool insert(const std::vector<std::string> &all, std::uint32_t i)
    {
        if ((m_size + 1) * 10 > m_slots.size() * 7)
            rehash(std::max<std::size_t>(1024, m_slots.size() * 2), all);
        const std::uint64_t h = std::hash<std::string_view>{}(all[i]);
        const auto tag = static_cast<std::uint32_t>(h >> 32);
        const std::size_t mask = m_slots.size() - 1;
        for (std::size_t k = h & mask;; k = (k + 1) & mask) {
            Slot &s = m_slots[k];
            if (s.index == kEmpty) {
                s = {tag, i};
                ++m_size;
                return true;
            }
            if (s.tag == tag && all[s.index] == all[i])
                return false;
        }
    }
    void clear() { m_slots = {}; }

private:
    static constexpr std::uint32_t kEmpty = UINT32_MAX;
    struct Slot
    {
        std::uint32_t tag = 0;
        std::uint32_t index = kEmpty;
    };
    void rehash(std::size_t slots, const std::vector<std::string> &all)
    {
        std::vector<Slot> old = std::exchange(m_slots, std::vector<Slot>(slots));
        const std::size_t mask = slots - 1;
        for (const Slot &s : old) {
            if (s.index == kEmpty)
                continue;
            std::size_t k = std::hash<std::string_view>{}(all[s.index]) & mask;
            while (m_slots[k].index != kEmpty)
                k = (k + 1) & mask;
            m_slots[k] = s;
        }
    }
    std::vector<Slot> m_slots;
    std::size_t m_size = 0;
};

// The rule a value field breaks, for the error message.
std::string valueRule(ValueStatus status, const char *p, const char *e)
{
    const std::string field = quoteForMessage(std::string_view(p, std::size_t(e - p)));
    switch (status) {
    case ValueStatus::NonFinite:
        return "value " + field + " is NaN/Inf (not allowed)";
    case ValueStatus::Overflow:
        return "value " + field + " overflows float32 (not allowed)";
    case ValueStatus::NotNumber:
    case ValueStatus::Ok:
        break;
    }
    return "value " + field + " is not a number";
}

std::string countRule(std::size_t got, std::size_t dim, TextLayout layout)
{
    std::string rule = "row has " + str(got) + " values, ";
    rule += layout == TextLayout::Word2Vec ? "header says " : "the first row has ";
    rule += str(dim);
    rule += got > dim ? " (too many values)" : " (too few values)";
    return rule;
}

void fail(Chunk &c, std::uint64_t line, std::string rule)
{
    c.failed = true;
    c.errorLine = line;
    c.errorRule = std::move(rule);
}

bool takeWord(Chunk &c, const char *w, const char *e, std::uint64_t line)
{
    std::string_view word(w, std::size_t(e - w));
    if (word.size() > kMaxWordBytes) {
        fail(c, line,
             "word is " + str(word.size()) + " bytes long (limit " + str(kMaxWordBytes) + ")");
        return false;
    }
    unsigned char high = 0;
    for (char ch : word)
        high |= static_cast<unsigned char>(ch);
    if ((high & 0x80) && !isValidUtf8(word)) {
        if (c.badUtf8++ == 0)
            c.firstBadUtf8 = line;
        c.words.push_back(sanitizeUtf8(word));
    } else {
        c.words.emplace_back(word);
    }
    return true;
}

void parseChunk(Chunk &c, TextLayout layout, std::size_t dim)
{
    const char *p = c.text.get() + c.begin;
    const char *const end = c.text.get() + c.size;
    const bool hasWord = layout != TextLayout::Tsv;
    // Each row needs at least 2 bytes per value, which bounds the rows of a block whatever its
    // line count.
    std::size_t maxRows = std::min<std::size_t>(std::size_t(std::count(p, end, '\n')) + 1,
                                                std::size_t(end - p) / (2 * dim) + 1);
    if (c.valuesCapacity < maxRows * dim) {
        c.values = std::make_unique_for_overwrite<float[]>(maxRows * dim);
        c.valuesCapacity = maxRows * dim;
    }
    if (hasWord)
        c.words.reserve(maxRows);
    float *out = c.values.get();
    std::uint64_t line = 0;
    for (; p < end; ++line) {
        const char *nl = static_cast<const char *>(std::memchr(p, '\n', std::size_t(end - p)));
        const char *e = nl ? nl : end;
        const char *next = nl ? nl + 1 : end;
        while (e > p && isBlank(e[-1]))
            --e;
        const char *q = p;
        p = next;
        while (q < e && isBlank(*q))
            ++q;
        if (q == e) {
            c.blanks.push_back(c.rows);
            continue;
        }
        if (hasWord) {
            const char *w = q;
            while (q < e && !isBlank(*q))
                ++q;
            if (!takeWord(c, w, q, line))
                return;
        }
        for (std::size_t i = 0; i < dim; ++i) {
            while (q < e && isBlank(*q))
                ++q;
            if (q == e)
                return fail(c, line, countRule(i, dim, layout));
            if (const char *f = parseFloatSwar(q, out[i]); f && (f == e || isBlank(*f))) {
                q = f;
                continue;
            }
            if (const char *f = parseFloatFast(q, e, out[i]); f && (f == e || isBlank(*f))) {
                q = f;
                continue;
            }
            float v;
            auto r = std::from_chars(q, e, v);
            if (r.ec == std::errc() && (r.ptr == e || isBlank(*r.ptr)) && std::isfinite(v)) {
                out[i] = v;
                q = r.ptr;
                continue;
            }
            const char *fieldEnd = q;
            while (fieldEnd < e && !isBlank(*fieldEnd))
                ++fieldEnd;
            if (auto status = parseFloatField(q, fieldEnd, out[i]); status != ValueStatus::Ok)
                return fail(c, line, valueRule(status, q, fieldEnd));
            q = fieldEnd;
        }
        if (q != e) {
            std::size_t extra = 0;
            while (q < e) {
                while (q < e && isBlank(*q))
                    ++q;
                ++extra;
                while (q < e && !isBlank(*q))
                    ++q;
            }
            return fail(c, line, countRule(dim + extra, dim, layout));
        }
        out += dim;
        ++c.rows;
    }
    c.lines = line;
}

// Parses chunks on worker threads.
class ParsePool
{
public:
    ParsePool(unsigned workers, TextLayout layout, std::size_t dim)
    {
        for (unsigned t = 0; t < workers; ++t)
            m_threads.emplace_back([this, layout, dim] { work(layout, dim); });
    }
    ~ParsePool()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_work.notify_all();
        for (auto &t : m_threads)
            t.join();
    }
    ParsePool(const ParsePool &) = delete;
    ParsePool &operator=(const ParsePool &) = delete;

    void submit(Chunk *c)
    {
        {
            std::lock_guard lock(m_mutex);
            m_queue.push_back(c);
        }
        m_work.notify_one();
    }
    bool isParsed(const Chunk &c)
    {
        std::lock_guard lock(m_mutex);
        return c.parsed;
    }
    void waitParsed(const Chunk &c)
    {
        std::unique_lock lock(m_mutex);
        m_done.wait(lock, [&] { return c.parsed; });
    }

private:
    void work(TextLayout layout, std::size_t dim)
    {
        std::unique_lock lock(m_mutex);
        for (;;) {
            m_work.wait(lock, [&] { return m_stop || !m_queue.empty(); });
            if (m_stop)
                return;
            Chunk *c = m_queue.front();
            m_queue.pop_front();
            lock.unlock();
            try {
                parseChunk(*c, layout, dim);
            } catch (...) {
                c->exception = std::current_exception();
            }
            lock.lock();
            c->parsed = true;
            m_done.notify_all();
        }
    }

    std::mutex m_mutex;
    std::condition_variable m_work, m_done;
    std::deque<Chunk *> m_queue;
    bool m_stop = false;
    std::vector<std::thread> m_threads;
};

struct LineTooLong
{};

class TextReader
{
public:
    TextReader(const std::string &path, TextLayout layout, unsigned threads, Progress &progress)
        : m_path(path), m_layout(layout), m_threads(std::max(1u, threads)), m_progress(progress),
          m_in(path), m_blockBytes(g_blockBytes.load())
    {}

    TextMatrix read();

private:
    std::unique_ptr<Chunk> readBlock();
    std::unique_ptr<Chunk> firstContentBlock();
    void parseHeaderLine(std::string_view line);
    void dimFromFirstRow(std::string_view line);
    void absorb(Chunk &c);
    void reserveFor(std::size_t rows, std::uint64_t bytes);
    // Absorbs parsed chunks in order; waits for all when `all`, else only while more than
    // threads + 1 are outstanding.
    void collect(bool all);
    [[noreturn]] void failLineTooLong();
    TextMatrix finish();

    const std::string &m_path;
    TextLayout m_layout;
    unsigned m_threads;
    Progress &m_progress;
    InputStream m_in;
    std::size_t m_blockBytes;
    bool m_eof = false;
    std::string m_carry;
    std::vector<std::unique_ptr<char[]>> m_freeBuffers;
    std::vector<std::pair<std::unique_ptr<float[]>, std::size_t>> m_freeValues;

    std::size_t m_dim = 0;
    std::uint64_t m_headerCount = 0;
    std::uint64_t m_headerLine = 0;
    std::uint64_t m_baseLine = 0; // lines before the next chunk to absorb
    std::size_t m_rows = 0;
    std::uint64_t m_absorbedBytes = 0;
    std::vector<float> m_data;
    std::vector<std::string> m_words;
    FirstWordSet m_seen;
    std::size_t m_dups = 0;
    std::string m_firstDup;
    std::uint64_t m_firstDupLine = 0;
    std::size_t m_badUtf8 = 0;
    std::uint64_t m_firstBadUtf8Line = 0;
    std::vector<std::unique_ptr<Chunk>> m_chunks;
    std::size_t m_collected = 0;
    std::unique_ptr<ParsePool> m_pool; // declared after m_chunks: joined before they are freed
};

std::unique_ptr<Chunk> TextReader::readBlock()
{
    if (m_eof && m_carry.empty())
        return nullptr;
    auto c = std::make_unique<Chunk>();
    c->capacity = std::max(m_blockBytes, 2 * m_carry.size());
    if (!m_in.compressed()) { // small files get small buffers
        const std::uint64_t left = m_in.fileSize() - std::min(m_in.fileSize(), m_in.position());
        c->capacity = std::min<std::size_t>(
            c->capacity, std::size_t(std::max<std::uint64_t>(left + m_carry.size() + 1, 4096)));
    }
    if (c->capacity == m_blockBytes && !m_freeBuffers.empty()) {
        c->text = std::move(m_freeBuffers.back());
        m_freeBuffers.pop_back();
    } else {
        c->text = std::make_unique_for_overwrite<char[]>(c->capacity + kPadding);
    }
    std::memcpy(c->text.get(), m_carry.data(), m_carry.size());
    std::size_t size = m_carry.size();
    m_carry.clear();
    for (;;) {
        if (!m_eof) {
            std::size_t want = c->capacity - size;
            std::size_t got = m_in.readFully(c->text.get() + size, want);
            m_eof = got < want;
            size += got;
        }
        if (m_eof) {
            c->size = size;
            std::memset(c->text.get() + size, 0, kPadding);
            return size == 0 ? nullptr : std::move(c);
        }
        if (const void *nl = memrchr(c->text.get(), '\n', size)) {
            std::size_t cut = std::size_t(static_cast<const char *>(nl) - c->text.get()) + 1;
            m_carry.assign(c->text.get() + cut, size - cut);
            c->size = cut;
            std::memset(c->text.get() + cut, 0, kPadding);
            return c;
        }
        if (size > kMaxLineBytes)
            throw LineTooLong{};
        const std::size_t grown = std::min(c->capacity * 2, kMaxLineBytes + 1);
        auto bigger = std::make_unique_for_overwrite<char[]>(grown + kPadding);
        std::memcpy(bigger.get(), c->text.get(), size);
        c->text = std::move(bigger);
        c->capacity = grown;
    }
}

void TextReader::failLineTooLong()
{
    collect(true);
    throw FormatError::atLine(m_path, m_baseLine + 1,
                              "line is longer than " + str(kMaxLineBytes >> 20) +
                                  " MiB (not a text vector file?)");
}

// Reads blocks until one has a line that is not blank; leaves chunk.begin at that line (or
// after it, for a word2vec header) and sets the dimension.
std::unique_ptr<Chunk> TextReader::firstContentBlock()
{
    bool first = true;
    for (;;) {
        std::unique_ptr<Chunk> c;
        try {
            c = readBlock();
        } catch (const LineTooLong &) {
            failLineTooLong();
        }
        if (!c)
            throw FormatError(m_path,
                              m_baseLine > 0 ? "empty file (only blank lines)" : "empty file");
        const char *text = c->text.get();
        if (first && c->size >= 3 && std::memcmp(text, "\xEF\xBB\xBF", 3) == 0)
            c->begin = 3;
        first = false;
        const char *p = text + c->begin;
        const char *end = text + c->size;
        while (p < end) {
            const char *nl = static_cast<const char *>(std::memchr(p, '\n', std::size_t(end - p)));
            const char *e = nl ? nl : end;
            if (std::any_of(p, e, [](char ch) { return !isBlank(ch); })) {
                std::string_view line(p, std::size_t(e - p));
                if (m_layout == TextLayout::Word2Vec) {
                    parseHeaderLine(line);
                    c->begin = std::size_t((nl ? nl + 1 : end) - text);
                    ++m_baseLine;
                } else {
                    dimFromFirstRow(line);
                    c->begin = std::size_t(p - text);
                }
                return c;
            }
            ++m_baseLine;
            p = nl ? nl + 1 : end;
        }
    }
}

std::vector<std::string_view> splitBlank(std::string_view line)
{
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && isBlank(line[i]))
            ++i;
        std::size_t b = i;
        while (i < line.size() && !isBlank(line[i]))
            ++i;
        if (i > b)
            out.push_back(line.substr(b, i - b));
    }
    return out;
}

bool parseUnsigned(std::string_view s, std::uint64_t &v)
{
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size();
}

void TextReader::parseHeaderLine(std::string_view line)
{
    m_headerLine = m_baseLine + 1;
    auto fail = [&](const std::string &rule) {
        throw FormatError::atLine(m_path, m_headerLine, rule);
    };
    auto fields = splitBlank(line);
    if (fields.size() != 2) {
        std::string rule =
            "expected a header \"count dim\" (two integers), got " + quoteForMessage(line);
        if (fields.size() > 2)
            rule += "; a file without header is GloVe (--format glove)";
        fail(rule);
    }
    std::uint64_t count = 0, dim = 0;
    if (!parseUnsigned(fields[0], count))
        fail("header count " + quoteForMessage(fields[0]) + " is not a non-negative integer");
    if (!parseUnsigned(fields[1], dim))
        fail("header dimension " + quoteForMessage(fields[1]) + " is not an integer");
    if (dim < 1 || dim > kMaxDim)
        fail("header dimension " + str(dim) + " is out of range (1.." + str(kMaxDim) + ")");
    // Every row needs at least 2 bytes per value (a digit and a separator) plus a word byte.
    const std::uint64_t rowBytes = 2 * dim + 1;
    const std::uint64_t size = m_in.fileSize();
    if (!m_in.compressed() && count > size / rowBytes)
        fail("header claims " + str(count) + " rows of " + str(dim) +
             " values but the file has only " + str(size) + " bytes");
    if (m_in.compressed() && size < UINT64_MAX / kMaxGzipRatio &&
        count > size * kMaxGzipRatio / rowBytes)
        fail("header claims " + str(count) + " rows of " + str(dim) +
             " values but the compressed file has only " + str(size) + " bytes");
    requireMemoryForRows(m_path, count, dim);
    m_headerCount = count;
    m_dim = std::size_t(dim);
}

void TextReader::dimFromFirstRow(std::string_view line)
{
    const std::uint64_t lineNo = m_baseLine + 1;
    auto fields = splitBlank(line);
    std::size_t values = fields.size() - (m_layout == TextLayout::Glove ? 1 : 0);
    if (m_layout == TextLayout::Glove) {
        std::uint64_t a, b;
        if (fields.size() == 2 && parseUnsigned(fields[0], a) && parseUnsigned(fields[1], b))
            throw FormatError::atLine(m_path, lineNo,
                                      "first line " + quoteForMessage(line) +
                                          " looks like a word2vec header \"count dim\"; this "
                                          "is word2vec text, not GloVe");
        if (values == 0)
            throw FormatError::atLine(m_path, lineNo,
                                      "row has no values (expected \"word v1 v2 ...\")");
    }
    if (values > kMaxDim)
        throw FormatError::atLine(m_path, lineNo,
                                  "too many values: row has " + str(values) + " (limit " +
                                      str(kMaxDim) + ")");
    m_dim = values;
}

// The row count of the whole file, extrapolated from what was read so far, so that m_data and
// m_words are allocated once and the blocks are appended as they come (no concatenation at the
// end). Capacity that is never written costs address space, not memory.
void TextReader::reserveFor(std::size_t rows, std::uint64_t bytes)
{
    const std::size_t capacity = m_data.capacity() / m_dim;
    const bool hasWord = m_layout != TextLayout::Tsv;
    if (rows <= capacity && (!hasWord || rows <= m_words.capacity()))
        return;
    double total = double(m_in.fileSize());
    if (m_in.compressed() && m_in.fileOffset() > 0)
        total *= double(m_in.position()) / double(m_in.fileOffset());
    const double scale = std::max(1.0, total / double(std::max<std::uint64_t>(bytes, 1)));
    auto want = std::size_t(double(rows) * scale * 1.05) + 64;
    if (!m_in.compressed()) // every row takes at least 2 bytes per value
        want = std::min<std::size_t>(want, std::size_t(m_in.fileSize() / (2 * m_dim)) + 1);
    if (capacity == 0 && m_layout != TextLayout::Word2Vec) // without a header: the estimate
        requireMemoryForRows(
            m_path, std::min<std::uint64_t>(want, std::uint64_t(std::ceil(double(rows) * scale))),
            m_dim, hasWord);
    // Geometric growth if the estimate was short, so appending stays linear.
    want = std::max({want, rows, capacity + capacity / 4});
    m_data.reserve(want * m_dim);
    if (hasWord) {
        m_words.reserve(want);
        m_seen.reserve(want, m_words);
    }
}

void TextReader::absorb(Chunk &c)
{
    if (c.exception)
        std::rethrow_exception(c.exception);
    if (c.failed)
        throw FormatError::atLine(m_path, m_baseLine + c.errorLine + 1, c.errorRule);
    if (c.badUtf8 > 0 && m_badUtf8 == 0)
        m_firstBadUtf8Line = m_baseLine + c.firstBadUtf8 + 1;
    m_badUtf8 += c.badUtf8;
    if (m_rows + c.rows >= UINT32_MAX)
        throw FormatError::atLine(m_path, m_baseLine + 1,
                                  "more than " + str(UINT32_MAX - 1) + " rows (not supported)");
    m_absorbedBytes += c.size - c.begin;
    reserveFor(m_rows + c.rows, m_absorbedBytes);
    m_data.insert(m_data.end(), c.values.get(), c.values.get() + c.rows * m_dim);
    for (std::size_t r = 0; r < c.words.size(); ++r) {
        m_words.push_back(std::move(c.words[r]));
        if (!m_seen.insert(m_words, std::uint32_t(m_words.size() - 1)) && m_dups++ == 0) {
            m_firstDup = m_words.back();
            m_firstDupLine = m_baseLine + c.lineOfRow(r) + 1;
        }
    }
    m_baseLine += c.lines;
    m_rows += c.rows;
    if (c.capacity == m_blockBytes && m_freeBuffers.size() < m_threads + 2)
        m_freeBuffers.push_back(std::move(c.text));
    if (m_freeValues.size() < m_threads + 2)
        m_freeValues.emplace_back(std::move(c.values), c.valuesCapacity);
}

void TextReader::collect(bool all)
{
    while (m_collected < m_chunks.size()) {
        Chunk &c = *m_chunks[m_collected];
        if (m_pool) {
            if (all || m_chunks.size() - m_collected > m_threads + 1)
                m_pool->waitParsed(c);
            else if (!m_pool->isParsed(c))
                return;
        }
        absorb(c);
        m_chunks[m_collected++].reset();
    }
}

TextMatrix TextReader::read()
{
    std::unique_ptr<Chunk> c = firstContentBlock();
    if (m_threads > 1)
        m_pool = std::make_unique<ParsePool>(m_threads, m_layout, m_dim);
    const double fileSize = double(std::max<std::uint64_t>(m_in.fileSize(), 1));
    while (c) {
        if (!m_freeValues.empty()) {
            std::tie(c->values, c->valuesCapacity) = std::move(m_freeValues.back());
            m_freeValues.pop_back();
        }
        m_chunks.push_back(std::move(c));
        if (m_pool)
            m_pool->submit(m_chunks.back().get());
        else
            parseChunk(*m_chunks.back(), m_layout, m_dim);
        // Keep at most threads + 2 blocks of text alive; absorbing in order also stops the
        // reading soon after the first bad row.
        collect(false);
        m_progress.report(std::min(1.0, double(m_in.fileOffset()) / fileSize), "reading");
        m_progress.check();
        try {
            c = readBlock();
        } catch (const LineTooLong &) {
            failLineTooLong();
        }
    }
    collect(true);
    m_pool.reset();
    m_freeBuffers.clear();
    m_freeValues.clear();
    m_chunks.clear();
    if (m_layout == TextLayout::Word2Vec && m_rows != m_headerCount)
        throw FormatError::atLine(m_path, m_headerLine,
                                  "header says " + str(m_headerCount) + " rows, file has " +
                                      str(m_rows));
    m_progress.check();
    return finish();
}

TextMatrix TextReader::finish()
{
    m_seen.clear();
    TextMatrix m;
    m.dim = m_dim;
    m.data = std::move(m_data);
    m.words = std::move(m_words);
    if (m_badUtf8 > 0)
        m.warnings.push_back(str(m_badUtf8) + (m_badUtf8 == 1 ? " word had" : " words had") +
                             " invalid UTF-8 (first at line " + str(m_firstBadUtf8Line) +
                             "); invalid bytes replaced by U+FFFD");
    if (m_dups > 0) {
        dropDuplicateWords(m.words, m.data, m_dim);
        m.warnings.push_back(str(m_dups) + (m_dups == 1 ? " duplicate word" : " duplicate words") +
                             " dropped (first kept), first: " + quoteForMessage(m_firstDup) +
                             " at line " + str(m_firstDupLine));
    }
    m.rows = m_layout == TextLayout::Tsv ? m_rows : m.words.size();
    return m;
}

} // namespace

TextMatrix readTextMatrix(const std::string &path, TextLayout layout, unsigned threads,
                          Progress &progress)
{
    return TextReader(path, layout, threads, progress).read();
}

void setTextBlockBytesForTesting(std::size_t bytes)
{
    g_blockBytes.store(bytes == 0 ? kDefaultBlockBytes : bytes);
}

std::string quoteForMessage(std::string_view s)
{
    constexpr std::size_t kMax = 40;
    if (s.size() > kMax)
        return "'" + sanitizeUtf8(s.substr(0, kMax)) + "...'";
    return "'" + sanitizeUtf8(s) + "'";
}

void appendValues(std::string &out, const float *values, std::size_t dim, char separator,
                  bool leadingSeparator)
{
    for (std::size_t i = 0; i < dim; ++i) {
        if (i > 0 || leadingSeparator)
            out += separator;
        appendShortestFloat(out, values[i]);
    }
}

void writeTextRows(AtomicFile &file, std::size_t rows,
                   const std::function<void(std::size_t, std::string &)> &formatRow,
                   Progress &progress, const char *stage)
{
    const unsigned threads = defaultThreads();
    const std::size_t perThread = 2048;
    std::vector<std::string> parts(threads);
    for (std::size_t start = 0; start < rows;) {
        progress.check();
        const std::size_t stop = std::min(rows, start + perThread * threads);
        for (auto &p : parts)
            p.clear();
        parallelRanges(stop - start, threads, [&](std::size_t b, std::size_t e, unsigned t) {
            for (std::size_t i = b; i < e; ++i)
                formatRow(start + i, parts[t]);
        });
        for (const auto &p : parts)
            file.write(p);
        start = stop;
        progress.report(double(stop) / double(rows), stage);
    }
}
} // namespace embex::detail
