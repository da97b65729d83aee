// word2vec binary vectors, as written by word2vec.c (-binary 1) and gensim
// (save_word2vec_format(binary=True)):
//
//   "<count> <dim>\n"                      ASCII header
//   "<word> " + dim × float32 (LE) [+ "\n"]  per row; word2vec.c writes the "\n", gensim does not
//
// Reading is a block-buffered scan: find the space after the word, memcpy the floats.
#include "io/BinarySupport.h"
#include "io/ReaderSupport.h"
#include "io/Readers.h"
#include "util/AtomicFile.h"
#include "util/FormatError.h"
#include "util/InputStream.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace embex::detail {

namespace {

constexpr std::size_t kBlockBytes = std::size_t(4) << 20;
constexpr std::uint64_t kReportEvery = std::uint64_t(1) << 20;
static_assert(kBlockBytes >= kMaxDim * sizeof(float) + kMaxWordBytes + 1);

/// A window over an InputStream: ensure(n) makes n bytes visible at ptr() unless the data
/// ends first (n ≤ kBlockBytes: the largest request is a row of kMaxDim floats). offset() is the
/// uncompressed position of ptr() in the file.
class BlockReader
{
public:
    explicit BlockReader(InputStream &in) : m_in(in), m_buf(kBlockBytes) {}

    std::size_t ensure(std::size_t n)
    {
        if (m_end - m_pos >= n || m_eof)
            return m_end - m_pos;
        std::memmove(m_buf.data(), m_buf.data() + m_pos, m_end - m_pos);
        m_base += m_pos;
        m_end -= m_pos;
        m_pos = 0;
        while (m_end < m_buf.size()) {
            std::size_t got = m_in.read(m_buf.data() + m_end, m_buf.size() - m_end);
            if (got == 0) {
                m_eof = true;
                break;
            }
            m_end += got;
        }
        return m_end - m_pos;
    }
    const char *ptr() const { return m_buf.data() + m_pos; }
    std::size_t avail() const { return m_end - m_pos; }
    void advance(std::size_t n) { m_pos += n; }
    std::uint64_t offset() const { return m_base + m_pos; }

private:
    InputStream &m_in;
    std::vector<char> m_buf;
    std::size_t m_pos = 0;
    std::size_t m_end = 0;
    std::uint64_t m_base = 0;
    bool m_eof = false;
};

bool parseU64(std::string_view s, std::uint64_t &v)
{
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size();
}

struct Header
{
    std::uint64_t count = 0;
    std::size_t dim = 0;
};

Header readHeader(BlockReader &r, const std::string &path)
{
    constexpr std::size_t kMaxHeader = 256;
    r.ensure(kMaxHeader);
    std::string_view head(r.ptr(), std::min(r.avail(), kMaxHeader));
    auto nl = head.find('\n');
    if (nl == std::string_view::npos)
        throw FormatError::atByte(path, 0,
                                  "no header line: expected \"count dim\" and a newline in the "
                                  "first " +
                                      std::to_string(kMaxHeader) + " bytes");
    std::string_view line = head.substr(0, nl);
    std::vector<std::string_view> fields;
    for (std::size_t i = 0; i < line.size();) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
            ++i;
        std::size_t b = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
            ++i;
        if (i > b)
            fields.push_back(line.substr(b, i - b));
    }
    Header h;
    std::uint64_t dim = 0;
    if (fields.size() != 2 || !parseU64(fields[0], h.count) || !parseU64(fields[1], dim))
        throw FormatError::atByte(path, 0,
                                  "header must be two non-negative integers \"count dim\", "
                                  "found '" +
                                      printable(line) + "'");
    if (dim < 1 || dim > kMaxDim)
        throw FormatError::atByte(path, 0,
                                  "header dimension " + std::to_string(dim) + " is outside 1.." +
                                      std::to_string(kMaxDim));
    if (h.count > UINT32_MAX)
        throw FormatError::atByte(path, 0,
                                  "header count " + std::to_string(h.count) +
                                      " exceeds the limit of " + std::to_string(UINT32_MAX) +
                                      " words");
    h.dim = static_cast<std::size_t>(dim);
    r.advance(nl + 1);
    return h;
}

} // namespace

EmbeddingSetPtr readWord2VecBinary(const std::string &path, const LoadOptions &opts,
                                   Progress &progress)
{
    (void)opts;
    InputStream in(path);
    BlockReader r(in);
    const Header h = readHeader(r, path);
    const std::size_t dim = h.dim;
    const std::size_t rowBytes = dim * sizeof(float);

    // Smallest possible row: a one-byte word, the space, the floats.
    const std::uint64_t minRow = rowBytes + 2;
    const std::uint64_t bodyBytes = in.fileSize() - std::min(in.fileSize(), r.offset());
    std::uint64_t reserveRows = h.count;
    if (!in.compressed()) {
        if (h.count > bodyBytes / minRow)
            throw FormatError::atByte(
                path, 0,
                "header claims " + std::to_string(h.count) + " rows of " + std::to_string(dim) +
                    " floats (≥ " + std::to_string(h.count * minRow) + " bytes) but the file has " +
                    std::to_string(in.fileSize()) + " bytes");
    } else {
        // Unknown uncompressed size: reserve no more than the .gz could possibly expand to.
        reserveRows = std::min(reserveRows, maxGzipExpansion(in.fileSize()) / minRow);
    }

    requireMemoryForRows(path, reserveRows, dim);
    std::vector<std::string> words;
    std::vector<float> data;
    words.reserve(static_cast<std::size_t>(reserveRows));
    data.reserve(static_cast<std::size_t>(reserveRows) * dim);

    std::size_t badUtf8 = 0;
    std::string badExample;
    std::uint64_t nextReport = kReportEvery;
    const double fileSize = std::max<double>(1.0, static_cast<double>(in.fileSize()));

    for (std::uint64_t row = 1; row <= h.count; ++row) {
        if (r.offset() >= nextReport) {
            nextReport = r.offset() + kReportEvery;
            progress.check();
            progress.report(static_cast<double>(in.fileOffset()) / fileSize, "reading");
        }
        // word2vec.c ends each row with '\n'; it belongs to the previous row.
        for (;;) {
            if (r.avail() == 0 && r.ensure(1) == 0)
                throw FormatError::atByte(path, r.offset(),
                                          "file ends after " + std::to_string(row - 1) +
                                              " rows, header says " + std::to_string(h.count));
            if (*r.ptr() != '\n')
                break;
            r.advance(1);
        }
        const std::size_t window = r.ensure(kMaxWordBytes + 1);
        const std::size_t look = std::min(window, kMaxWordBytes + 1);
        const auto *space = static_cast<const char *>(std::memchr(r.ptr(), ' ', look));
        if (!space) {
            if (look > kMaxWordBytes)
                throw FormatError::atByte(path, r.offset(),
                                          "row " + std::to_string(row) + ": no space within " +
                                              std::to_string(kMaxWordBytes) +
                                              " bytes; a word is at most " +
                                              std::to_string(kMaxWordBytes) + " bytes");
            throw FormatError::atByte(path, r.offset(),
                                      "truncated row " + std::to_string(row) + ": word '" +
                                          printable(std::string_view(r.ptr(), look)) +
                                          "' is not followed by a space and vectors");
        }
        const auto wordLen = static_cast<std::size_t>(space - r.ptr());
        if (wordLen == 0)
            throw FormatError::atByte(path, r.offset(),
                                      "row " + std::to_string(row) + " has an empty word");
        std::string word(r.ptr(), wordLen);
        r.advance(wordLen + 1);

        const std::uint64_t floatsAt = r.offset();
        if (r.ensure(rowBytes) < rowBytes)
            throw FormatError::atByte(path, floatsAt,
                                      "truncated row " + std::to_string(row) + " for word '" +
                                          printable(word) + "': needs " + std::to_string(rowBytes) +
                                          " bytes, " + std::to_string(r.avail()) + " left");
        const std::size_t at = data.size();
        data.resize(at + dim);
        std::memcpy(data.data() + at, r.ptr(), rowBytes);
        r.advance(rowBytes);
        if (std::size_t bad = firstNonFinite(data.data() + at, dim); bad != dim)
            throw FormatError::atByte(path, floatsAt + bad * sizeof(float),
                                      "row " + std::to_string(row) + " (word '" + printable(word) +
                                          "') has " + nonFiniteName(data[at + bad]) +
                                          " at column " + std::to_string(bad + 1));

        if (!isValidUtf8(word)) {
            word = sanitizeUtf8(word);
            if (badUtf8++ == 0)
                badExample = word;
        }
        words.push_back(std::move(word));
    }

    // Only newlines may follow the last row.
    for (;;) {
        if (r.avail() == 0 && r.ensure(1) == 0)
            break;
        if (*r.ptr() != '\n' && *r.ptr() != '\r')
            throw FormatError::atByte(path, r.offset(),
                                      "unexpected data after the " + std::to_string(h.count) +
                                          " rows the header announces");
        r.advance(1);
    }

    std::size_t dups = dropDuplicateWords(words, data, dim);
    auto set = std::make_shared<EmbeddingSet>(std::move(words), std::move(data), dim);
    set->setSourceFormat("word2vec-bin");
    if (badUtf8)
        set->addWarning(std::to_string(badUtf8) +
                        " words had invalid UTF-8; invalid bytes were replaced by U+FFFD "
                        "(first: '" +
                        badExample + "')");
    if (dups)
        set->addWarning(std::to_string(dups) +
                        " duplicate words were dropped (the first occurrence is kept)");
    progress.report(1.0, "reading");
    return set;
}

void writeWord2VecBinary(const EmbeddingSet &set, const std::string &path, Progress &progress)
{
    for (std::size_t i = 0; i < set.size(); ++i) {
        const std::string &w = set.words()[i];
        if (w.empty() || w.find_first_of(" \n") != std::string::npos)
            throw std::invalid_argument(path + ": word2vec binary cannot store the word '" +
                                        printable(w) + "' (row " + std::to_string(i + 1) +
                                        "): words must be non-empty, without spaces or "
                                        "newlines");
    }
    AtomicFile out(path);
    out.write(std::to_string(set.size()) + " " + std::to_string(set.dim()) + "\n");
    const std::size_t rowBytes = set.dim() * sizeof(float);
    const std::size_t every = std::max<std::size_t>(1, (std::size_t(1) << 20) / (rowBytes + 8));
    for (std::size_t i = 0; i < set.size(); ++i) {
        if (i % every == 0) {
            progress.check();
            progress.report(static_cast<double>(i) / static_cast<double>(set.size()), "writing");
        }
        out.write(set.words()[i]);
        out.write(" ", 1);
        out.write(set.row(static_cast<WordId>(i)), rowBytes);
        out.write("\n", 1);
    }
    out.commit();
    progress.report(1.0, "writing");
}

} // namespace embex::detail
