// NumPy .npy matrices (format versions 1.0, 2.0, 3.0) plus a words file, one word per line.
//
//   "\x93NUMPY" major minor, header length (u16 for 1.0, u32 for 2.0/3.0, little-endian),
//   header text: a Python dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (r, d), }
//   padded with spaces and ending in '\n', then the raw data.
//
// Accepted dtypes: float32 and float64 in either byte order ('<f4', '<f8', '>f4', '>f8');
// big-endian data is byte-swapped, float64 is narrowed to float32 (values beyond the float32
// range are an error). C order only. The writer produces what numpy.save writes for a '<f4'
// C-order array (version 1.0, header padded to a multiple of 64 bytes).
#include "io/BinarySupport.h"
#include "io/ReaderSupport.h"
#include "io/Readers.h"
#include "util/AtomicFile.h"
#include "util/FormatError.h"
#include "util/InputStream.h"

#include <algorithm>
#include <cctype>
#include <cfloat>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <vector>

namespace embex::detail {

namespace {

constexpr std::size_t kChunkBytes = std::size_t(4) << 20;
constexpr std::uint32_t kMaxHeaderBytes = 1u << 20;

// ---- header dict parsing -------------------------------------------------------------------

struct NpyHeader
{
    std::string descr;
    bool fortran = false;
    std::vector<std::uint64_t> shape;
    bool haveDescr = false, haveFortran = false, haveShape = false;
};

/// Recursive-descent parser for the tiny subset of Python literals numpy writes.
class DictParser
{
public:
    DictParser(std::string_view text, const std::string &path, std::uint64_t base)
        : m_s(text), m_path(path), m_base(base)
    {}

    NpyHeader parse()
    {
        NpyHeader h;
        skipWs();
        expect('{');
        for (;;) {
            skipWs();
            if (peek() == '}') {
                ++m_i;
                break;
            }
            std::size_t keyAt = m_i;
            std::string key = parseString();
            skipWs();
            expect(':');
            skipWs();
            if (key == "descr") {
                if (peek() != '\'' && peek() != '"')
                    fail(m_i, "'descr' must be a simple dtype string such as '<f4'; "
                              "structured dtypes are not supported");
                h.descr = parseString();
                h.haveDescr = true;
            } else if (key == "fortran_order") {
                h.fortran = parseBool();
                h.haveFortran = true;
            } else if (key == "shape") {
                h.shape = parseTuple();
                h.haveShape = true;
            } else {
                fail(keyAt, "unexpected key '" + printable(key) +
                                "' in the header (expected 'descr', 'fortran_order', 'shape')");
            }
            skipWs();
            if (peek() == ',') {
                ++m_i;
                continue;
            }
            skipWs();
            expect('}');
            break;
        }
        if (!h.haveDescr || !h.haveFortran || !h.haveShape)
            fail(0, "header dict lacks " + std::string(!h.haveDescr     ? "'descr'"
                                                       : !h.haveFortran ? "'fortran_order'"
                                                                        : "'shape'"));
        return h;
    }

private:
    [[noreturn]] void fail(std::size_t at, const std::string &rule) const
    {
        throw FormatError::atByte(m_path, m_base + at, rule);
    }
    char peek() const { return m_i < m_s.size() ? m_s[m_i] : '\0'; }
    void skipWs()
    {
        while (m_i < m_s.size() &&
               (m_s[m_i] == ' ' || m_s[m_i] == '\t' || m_s[m_i] == '\n' || m_s[m_i] == '\r'))
            ++m_i;
    }
    void expect(char c)
    {
        if (peek() != c)
            fail(m_i, std::string("malformed header dict: expected '") + c + "', found '" +
                          printable(m_s.substr(m_i, 20)) + "'");
        ++m_i;
    }
    std::string parseString()
    {
        char q = peek();
        if (q != '\'' && q != '"')
            fail(m_i, "malformed header dict: expected a quoted string, found '" +
                          printable(m_s.substr(m_i, 20)) + "'");
        std::size_t end = m_s.find(q, m_i + 1);
        if (end == std::string_view::npos)
            fail(m_i, "malformed header dict: unterminated string");
        std::string out(m_s.substr(m_i + 1, end - m_i - 1));
        m_i = end + 1;
        return out;
    }
    bool parseBool()
    {
        if (m_s.substr(m_i, 4) == "True") {
            m_i += 4;
            return true;
        }
        if (m_s.substr(m_i, 5) == "False") {
            m_i += 5;
            return false;
        }
        fail(m_i, "'fortran_order' must be True or False");
    }
    std::vector<std::uint64_t> parseTuple()
    {
        expect('(');
        std::vector<std::uint64_t> out;
        for (;;) {
            skipWs();
            if (peek() == ')') {
                ++m_i;
                return out;
            }
            std::size_t b = m_i;
            std::uint64_t v = 0;
            if (!(peek() >= '0' && peek() <= '9'))
                fail(m_i, "'shape' must be a tuple of non-negative integers");
            while (peek() >= '0' && peek() <= '9') {
                auto digit = static_cast<std::uint64_t>(peek() - '0');
                if (v > (UINT64_MAX - digit) / 10)
                    fail(b, "'shape' value is too large");
                v = v * 10 + digit;
                ++m_i;
            }
            if (peek() == 'L') // Python 2 long literal
                ++m_i;
            out.push_back(v);
            skipWs();
            if (peek() == ',') {
                ++m_i;
                continue;
            }
            skipWs();
            expect(')');
            return out;
        }
    }

    std::string_view m_s;
    const std::string &m_path;
    std::uint64_t m_base;
    std::size_t m_i = 0;
};

std::string shapeText(const std::vector<std::uint64_t> &shape)
{
    std::string s = "(";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (i)
            s += ", ";
        s += std::to_string(shape[i]);
    }
    if (shape.size() == 1)
        s += ",";
    return s + ")";
}

// ---- words file ----------------------------------------------------------------------------

std::string npyStem(const std::string &path)
{
    std::string p = path;
    auto endsWith = [&](std::string_view suf) {
        if (p.size() < suf.size())
            return false;
        return std::equal(suf.rbegin(), suf.rend(), p.rbegin(), [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) ==
                   std::tolower(static_cast<unsigned char>(b));
        });
    };
    if (endsWith(".gz"))
        p.resize(p.size() - 3);
    if (endsWith(".npy"))
        p.resize(p.size() - 4);
    return p;
}

std::optional<std::string> findWordsFile(const std::string &npyPath)
{
    namespace fs = std::filesystem;
    const std::string stem = npyStem(npyPath);
    const fs::path dir = fs::path(npyPath).parent_path();
    std::vector<std::string> candidates = {stem + ".words.txt", stem + ".vocab.txt", stem + ".txt",
                                           stem + ".vocab"};
    candidates.push_back((dir / "vocab.txt").string());
    candidates.push_back((dir / "words.txt").string());
    for (const auto &c : candidates) {
        std::error_code ec;
        if (fs::is_regular_file(c, ec))
            return c;
    }
    return std::nullopt;
}

std::vector<std::string> readWordsFile(const std::string &wordsPath, std::uint64_t rows,
                                       const std::string &npyPath, std::size_t &badUtf8)
{
    InputStream in(wordsPath);
    std::vector<std::string> words;
    words.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(rows, in.fileSize() + 1)));
    std::string carry;
    std::vector<char> buf(std::size_t(1) << 20);
    std::uint64_t line = 0;
    auto finishLine = [&](std::string w) {
        ++line;
        if (!w.empty() && w.back() == '\r')
            w.pop_back();
        if (w.empty())
            throw FormatError::atLine(wordsPath, line, "empty line; expected one word per line");
        if (line > rows)
            throw FormatError::atLine(wordsPath, line,
                                      "more words than the " + std::to_string(rows) + " rows of " +
                                          baseName(npyPath) + " (one word per row expected)");
        if (!isValidUtf8(w)) {
            w = sanitizeUtf8(w);
            ++badUtf8;
        }
        words.push_back(std::move(w));
    };
    for (;;) {
        std::size_t got = in.read(buf.data(), buf.size());
        if (got == 0)
            break;
        std::string_view chunk(buf.data(), got);
        std::size_t start = 0;
        for (;;) {
            auto nl = chunk.find('\n', start);
            if (nl == std::string_view::npos)
                break;
            if (carry.empty()) {
                finishLine(std::string(chunk.substr(start, nl - start)));
            } else {
                carry.append(chunk.substr(start, nl - start));
                finishLine(std::move(carry));
                carry.clear();
            }
            start = nl + 1;
        }
        carry.append(chunk.substr(start));
        if (carry.size() > kMaxWordBytes + 1)
            throw FormatError::atLine(wordsPath, line + 1,
                                      "line longer than " + std::to_string(kMaxWordBytes) +
                                          " bytes; expected one word per line");
    }
    if (!carry.empty())
        finishLine(std::move(carry));
    if (line != rows)
        throw FormatError::atLine(wordsPath, std::max<std::uint64_t>(line, 1),
                                  "file ends after " + std::to_string(line) + " words, but " +
                                      baseName(npyPath) + " has " + std::to_string(rows) +
                                      " rows (one word per row expected)");
    return words;
}

std::string formatDouble(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
}

template <typename T> T byteSwapped(T v)
{
    unsigned char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    std::reverse(b, b + sizeof(T));
    std::memcpy(&v, b, sizeof(T));
    return v;
}

/// What the header of a .npy file says, checked: a 2-D C-order float32 or float64 matrix whose
/// data (exactly dataBytes of it in a plain file) follows the header.
struct NpyLayout
{
    NpyHeader header;
    std::uint64_t headerStart = 0; // offset of the header text, for messages
    std::uint64_t dataStart = 0;
    std::size_t itemSize = 4;
    bool bigEndian = false;
    std::uint64_t rows = 0;
    std::size_t dim = 0;
    std::uint64_t dataBytes = 0;
};

/// Phase 1: magic, version, header dictionary and the rules on dtype, order and shape; leaves
/// `in` at the first data byte.
NpyLayout readLayout(InputStream &in, const std::string &path)
{
    unsigned char pre[12];
    std::size_t got = in.readFully(pre, 10);
    if (got < 10 || std::memcmp(pre, "\x93NUMPY", 6) != 0)
        throw FormatError::atByte(path, 0, "not a NumPy .npy file (no \\x93NUMPY magic)");
    const unsigned major = pre[6], minor = pre[7];
    if ((major != 1 && major != 2 && major != 3) || minor != 0)
        throw FormatError::atByte(path, 6,
                                  "unsupported .npy version " + std::to_string(major) + "." +
                                      std::to_string(minor) + " (supported: 1.0, 2.0, 3.0)");
    std::uint32_t headerLen;
    NpyLayout l;
    if (major == 1) {
        headerLen = loadLE<std::uint16_t>(pre + 8);
        l.headerStart = 10;
    } else {
        if (in.readFully(pre + 10, 2) < 2)
            throw FormatError::atByte(path, 10, "truncated header length");
        headerLen = loadLE<std::uint32_t>(pre + 8);
        l.headerStart = 12;
    }
    const std::uint64_t headerStart = l.headerStart;
    if (headerLen > kMaxHeaderBytes ||
        (!in.compressed() && headerStart + headerLen > in.fileSize()))
        throw FormatError::atByte(path, 8,
                                  "header length " + std::to_string(headerLen) +
                                      " runs past the end of the file (" +
                                      std::to_string(in.fileSize()) + " bytes)");
    std::string text(headerLen, '\0');
    if (in.readFully(text.data(), headerLen) < headerLen)
        throw FormatError::atByte(path, headerStart,
                                  "truncated header: " + std::to_string(headerLen) +
                                      " bytes announced");
    l.header = DictParser(text, path, headerStart).parse();
    const NpyHeader &h = l.header;
    l.dataStart = headerStart + headerLen;

    if (h.descr == "<f4" || h.descr == ">f4" || h.descr == "=f4") {
        l.itemSize = 4;
    } else if (h.descr == "<f8" || h.descr == ">f8" || h.descr == "=f8") {
        l.itemSize = 8;
    } else {
        throw FormatError::atByte(path, headerStart,
                                  "dtype '" + printable(h.descr) +
                                      "' is not supported; expected float32 ('<f4') or float64 "
                                      "('<f8'); convert with arr.astype(np.float32)");
    }
    l.bigEndian = h.descr[0] == '>';
    if (h.fortran)
        throw FormatError::atByte(path, headerStart,
                                  "Fortran order not supported; save with "
                                  "np.ascontiguousarray(arr)");
    if (h.shape.size() == 1)
        throw FormatError::atByte(path, headerStart,
                                  "shape " + shapeText(h.shape) +
                                      " is 1-D; expected a 2-D matrix (rows, dim); save a "
                                      "single vector as arr.reshape(1, -1)");
    if (h.shape.size() != 2)
        throw FormatError::atByte(path, headerStart,
                                  "shape " + shapeText(h.shape) + " has " +
                                      std::to_string(h.shape.size()) +
                                      " dimensions; expected a 2-D matrix (rows, dim)");
    const std::uint64_t rows = h.shape[0], dim64 = h.shape[1];
    if (dim64 < 1 || dim64 > kMaxDim)
        throw FormatError::atByte(path, headerStart,
                                  "shape " + shapeText(h.shape) + ": dimension " +
                                      std::to_string(dim64) + " is outside 1.." +
                                      std::to_string(kMaxDim));
    if (rows > UINT32_MAX)
        throw FormatError::atByte(path, headerStart,
                                  "shape " + shapeText(h.shape) + ": " + std::to_string(rows) +
                                      " rows exceed the limit of " + std::to_string(UINT32_MAX) +
                                      " words");
    l.rows = rows;
    l.dim = static_cast<std::size_t>(dim64);
    l.dataBytes = rows * dim64 * l.itemSize; // < 2^32 · 2^19: no overflow
    return l;
}

/// Phase 2: the size of a plain file must match the shape exactly, and the matrix must fit in
/// memory (a .gz is bounded by what it can expand to).
void checkSize(const InputStream &in, const NpyLayout &l, const std::string &path)
{
    const NpyHeader &h = l.header;
    if (!in.compressed()) {
        const std::uint64_t have = in.fileSize() - l.dataStart;
        if (have < l.dataBytes)
            throw FormatError::atByte(path, in.fileSize(),
                                      "truncated data: shape " + shapeText(h.shape) + " of '" +
                                          h.descr + "' needs " + std::to_string(l.dataBytes) +
                                          " bytes after the header, the file has " +
                                          std::to_string(have));
        if (have > l.dataBytes)
            throw FormatError::atByte(path, l.dataStart + l.dataBytes,
                                      std::to_string(have - l.dataBytes) +
                                          " bytes after the data; shape " + shapeText(h.shape) +
                                          " of '" + h.descr + "' needs exactly " +
                                          std::to_string(l.dataBytes));
    }
    // float32 in memory whatever the file's item size.
    const std::uint64_t rowBytes = std::uint64_t(l.dim) * l.itemSize;
    requireMemoryForRows(
        path,
        (in.compressed() ? std::min(l.dataBytes, maxGzipExpansion(in.fileSize())) : l.dataBytes) /
            rowBytes,
        l.dim);
}

/// Phase 3: the data, streamed in chunks of whole items and converted to float32. A value that
/// is not finite (or a float64 outside the float32 range) is a FormatError naming its byte
/// offset, row, column and, when known, word.
std::vector<float> readData(InputStream &in, const NpyLayout &l,
                            const std::vector<std::string> &words, const std::string &path,
                            Progress &progress)
{
    const NpyHeader &h = l.header;
    const std::size_t itemSize = l.itemSize, dim = l.dim;
    const std::uint64_t dataBytes = l.dataBytes;
    std::uint64_t reserveBytes = dataBytes;
    if (in.compressed())
        reserveBytes = std::min(reserveBytes, maxGzipExpansion(in.fileSize()));
    std::vector<float> data;
    data.reserve(static_cast<std::size_t>(reserveBytes / itemSize));

    std::vector<unsigned char> chunk(kChunkBytes - kChunkBytes % itemSize);
    std::uint64_t done = 0;
    const double total = std::max<double>(1.0, static_cast<double>(dataBytes));
    while (done < dataBytes) {
        progress.check();
        progress.report(static_cast<double>(done) / total, "reading");
        const auto want =
            static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), dataBytes - done));
        const std::size_t n = in.readFully(chunk.data(), want);
        if (n < want)
            throw FormatError::atByte(path, l.dataStart + done + n,
                                      "truncated data: shape " + shapeText(h.shape) + " of '" +
                                          h.descr + "' needs " + std::to_string(dataBytes) +
                                          " bytes after the header, the file has " +
                                          std::to_string(done + n));
        const std::size_t items = n / itemSize;
        const std::size_t first = data.size();
        data.resize(first + items);
        float *dst = data.data() + first;
        auto fail = [&](std::size_t item, const std::string &what) {
            const std::size_t flat = first + item;
            const std::size_t row = flat / dim, col = flat % dim;
            std::string who = "row index " + std::to_string(row);
            if (!words.empty())
                who += " (word '" + printable(words[row]) + "')";
            throw FormatError::atByte(path, l.dataStart + done + item * itemSize,
                                      who + " has " + what + " at column index " +
                                          std::to_string(col));
        };
        if (itemSize == 4) {
            std::memcpy(dst, chunk.data(), items * 4);
            if (l.bigEndian)
                for (std::size_t i = 0; i < items; ++i)
                    dst[i] = byteSwapped(dst[i]);
        } else {
            for (std::size_t i = 0; i < items; ++i) {
                double v = loadLE<double>(chunk.data() + i * 8);
                if (l.bigEndian)
                    v = byteSwapped(v);
                if (!std::isfinite(v))
                    fail(i, std::isnan(v) ? "NaN" : (v > 0 ? "+Inf" : "-Inf"));
                if (std::fabs(v) > static_cast<double>(FLT_MAX))
                    fail(i, "the value " + formatDouble(v) + ", outside the float32 range");
                dst[i] = static_cast<float>(v);
            }
        }
        if (std::size_t bad = firstNonFinite(dst, items); bad != items)
            fail(bad, nonFiniteName(dst[bad]));
        done += n;
    }
    in.checkUnchanged(); // a file still being written is not complete
    if (in.compressed()) {
        char extra;
        if (in.read(&extra, 1) != 0)
            throw FormatError::atByte(path, l.dataStart + dataBytes,
                                      "data continues after the " + std::to_string(dataBytes) +
                                          " bytes that shape " + shapeText(h.shape) + " of '" +
                                          h.descr + "' needs");
    }
    return data;
}

} // namespace

EmbeddingSetPtr readNpy(const std::string &path, const LoadOptions &opts, Progress &progress)
{
    InputStream in(path);
    const NpyLayout layout = readLayout(in, path);
    checkSize(in, layout, path);

    // Words first, so value errors can name the word.
    std::vector<std::string> words;
    std::size_t badUtf8 = 0;
    std::optional<std::string> wordsPath;
    if (!opts.wordsPath.empty())
        wordsPath = opts.wordsPath;
    else
        wordsPath = findWordsFile(path);
    if (wordsPath)
        words = readWordsFile(*wordsPath, layout.rows, path, badUtf8);
    std::vector<float> data = readData(in, layout, words, path, progress);

    // Phase 4: the set, with row numbers for words when there is no words file.
    std::vector<std::string> warnings;
    if (!wordsPath) {
        words.reserve(static_cast<std::size_t>(layout.rows));
        for (std::uint64_t i = 0; i < layout.rows; ++i)
            words.push_back(std::to_string(i));
        warnings.push_back("no words file; words are row numbers (looked for " +
                           baseName(npyStem(path)) +
                           ".words.txt, .vocab.txt, .txt, .vocab, "
                           "vocab.txt, words.txt)");
    }
    if (badUtf8)
        warnings.push_back(std::to_string(badUtf8) + " words in " + baseName(*wordsPath) +
                           " had invalid UTF-8; invalid bytes were replaced by U+FFFD");
    if (std::size_t dups = dropDuplicateWords(words, data, layout.dim))
        warnings.push_back(std::to_string(dups) +
                           " duplicate words were dropped (the first occurrence is kept)");
    auto set = std::make_shared<EmbeddingSet>(std::move(words), std::move(data), layout.dim);
    set->setSourceFormat("npy");
    for (auto &w : warnings)
        set->addWarning(std::move(w));
    progress.report(1.0, "reading");
    return set;
}

void writeNpy(const EmbeddingSet &set, const std::string &path, Progress &progress)
{
    for (std::size_t i = 0; i < set.size(); ++i) {
        const std::string &w = set.words()[i];
        if (w.empty() || w.find_first_of("\r\n") != std::string::npos)
            throw std::invalid_argument(path + ": the words file cannot store the word '" +
                                        printable(w) + "' (row index " + std::to_string(i) +
                                        "): words must be non-empty, without line breaks");
    }
    const std::string wordsPath = npyStem(path) + ".words.txt";

    // Byte-for-byte what numpy.save writes (numpy/lib/format.py, _write_array_header).
    std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" +
                       std::to_string(set.size()) + ", " + std::to_string(set.dim()) + "), }";
    constexpr std::size_t kGrowthAxisMaxDigits = 21;
    dict.append(kGrowthAxisMaxDigits -
                    std::min(kGrowthAxisMaxDigits, std::to_string(set.size()).size()),
                ' ');
    const std::size_t hlen = dict.size() + 1; // + '\n'
    const std::size_t pad = 64 - (10 + hlen) % 64;
    dict.append(pad, ' ');
    dict += '\n';
    if (dict.size() > 65535)
        throw std::logic_error("npy header too long");

    AtomicFile words(wordsPath);
    for (const auto &w : set.words()) {
        words.write(w);
        words.write("\n", 1);
    }

    AtomicFile out(path);
    out.write("\x93NUMPY\x01\x00", 8);
    const auto len = static_cast<std::uint16_t>(dict.size());
    unsigned char lenBytes[2] = {static_cast<unsigned char>(len & 0xff),
                                 static_cast<unsigned char>(len >> 8)};
    out.write(lenBytes, 2);
    out.write(dict);
    const std::size_t rowBytes = set.dim() * sizeof(float);
    const std::size_t every = std::max<std::size_t>(1, (std::size_t(4) << 20) / rowBytes);
    for (std::size_t i = 0; i < set.size(); i += every) {
        progress.check();
        progress.report(static_cast<double>(i) / static_cast<double>(set.size()), "writing");
        const std::size_t n = std::min(every, set.size() - i);
        out.write(set.row(static_cast<WordId>(i)), n * rowBytes);
    }
    words.commit();
    out.commit();
    progress.report(1.0, "writing");
}

} // namespace embex::detail
