// Embex's own format: a memory-mappable file whose matrix is used in place (zero-copy).
//
// Version 1 layout. Integers are little-endian; offsets count from the start of the file.
//
//   header, 128 bytes
//     0   char[6]  magic "EMBEX\0"
//     6   u16      version = 1
//     8   u32      header size = 128
//    12   u32      dtype: 0 = float32, 1 = float16 (IEEE binary16; builds before float16
//                   support reject it with a clear message)
//    16   u64      file size in bytes (detects truncation before anything else is read)
//    24   u64      count (words = matrix rows), at most 2^32 - 1
//    32   u64      dim, 1..65536
//    40   u64 ×2   words section    offset, size
//    56   u64 ×2   matrix section   offset (a multiple of 64), size (= count · dim · 4 or 2)
//    72   u64 ×2   metadata section offset, size (0, 0 when the set has no metadata)
//    88   u64 ×2   source section   offset, size (0, 0 when empty)
//   104   u32      CRC-32 of the words section
//   108   u32      CRC-32 of the metadata section
//   112   u32      CRC-32 of the source section
//   116   u8[8]    reserved, zero
//   124   u32      CRC-32 (zlib crc32) of header bytes 0..123
//
//   words section     a string table of count strings (UTF-8, 1..4096 bytes, unique)
//   metadata section  u64 ncolumns, then per column a string table of count + 1 strings:
//                     the column name, then one value per word
//   source section    raw UTF-8: the format the set was converted from ("glove", "npy", ...)
//   matrix section    count × dim float32 or float16 (dtype), row-major; row i is the vector
//                     of word i
//
//   string table      u64 n; u64 offsets[n + 1] relative to the blob (offsets[0] = 0,
//                     non-decreasing, offsets[n] = blob size); the blob. The section is
//                     exactly 8 + 8 (n + 1) + blob size bytes.
//
// The writer puts header, words, metadata, source, zero padding, matrix in that order; the
// reader only requires the sections to lie inside the file, after the header, without
// overlapping. The writer refuses NaN/Inf and invalid words, so opening a file checks the
// header, the section bounds and checksums and the words, but never scans a float32 matrix
// (its pages are touched only when used). Gzip-compressed .embex files are read into memory.
//
// A float16 matrix halves the file (the GUI's default set is stored so) but cannot be used in
// place: it is decoded into owned float32 storage (exactly; every half is a float), and an Inf
// or NaN half is reported by its byte offset, row and word.
#include "io/BinarySupport.h"
#include "io/ReaderSupport.h"
#include "io/Readers.h"
#include "util/AtomicFile.h"
#include "util/FormatError.h"
#include "util/Half.h"
#include "util/InputStream.h"
#include "util/MappedFile.h"
#include "util/MemoryBudget.h"

#include <sys/mman.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace embex::detail {

namespace {

constexpr std::uint16_t kVersion = 1;
constexpr std::size_t kHeaderSize = 128;
constexpr std::uint64_t kMatrixAlign = 64;
constexpr std::uint32_t kFloat32 = 0, kFloat16 = 1;

std::uint64_t elementSize(std::uint32_t dtype)
{
    return dtype == kFloat16 ? 2 : 4;
}
const char *dtypeName(std::uint32_t dtype)
{
    return dtype == kFloat16 ? "float16" : "float32";
}

namespace field {
constexpr std::size_t version = 6, headerSize = 8, dtype = 12, fileSize = 16, count = 24, dim = 32,
                      words = 40, matrix = 56, metadata = 72, source = 88, wordsCrc = 104,
                      metadataCrc = 108, sourceCrc = 112, headerCrc = 124;
}

std::uint32_t crc(const unsigned char *p, std::uint64_t n)
{
    return static_cast<std::uint32_t>(
        ::crc32_z(::crc32_z(0L, Z_NULL, 0), p, static_cast<z_size_t>(n)));
}

std::string hex32(std::uint32_t v)
{
    static const char digits[] = "0123456789abcdef";
    std::string s = "0x";
    for (int shift = 28; shift >= 0; shift -= 4)
        s += digits[(v >> shift) & 15];
    return s;
}

struct Section
{
    const char *name;
    std::size_t field; // header offset of the (offset, size) pair
    std::uint64_t offset = 0, size = 0;
};

/// Validated view of an Embex file held in memory (mapped or decompressed).
class Parser
{
public:
    Parser(const unsigned char *base, std::uint64_t size, const std::string &path)
        : m_p(base), m_size(size), m_path(path)
    {}

    [[noreturn]] void fail(std::uint64_t at, const std::string &rule) const
    {
        throw FormatError::atByte(m_path, at, rule);
    }

    /// Checks magic, version, header size, checksum and the file size field. Needs only the
    /// header bytes; returns the file size the header announces.
    static std::uint64_t checkHeader(const unsigned char *h, std::uint64_t have,
                                     const std::string &path)
    {
        if (have < 6 || std::memcmp(h, "EMBEX\0", 6) != 0)
            throw FormatError::atByte(path, 0, "not an Embex file (no \"EMBEX\\0\" magic)");
        if (have < 8)
            throw FormatError::atByte(
                path, have, "truncated header: the file has " + std::to_string(have) + " bytes");
        const auto version = loadLE<std::uint16_t>(h + field::version);
        if (version != kVersion)
            throw FormatError::atByte(path, field::version,
                                      "unsupported Embex version " + std::to_string(version) +
                                          " (this build reads version " + std::to_string(kVersion) +
                                          ")");
        if (have < kHeaderSize)
            throw FormatError::atByte(path, have,
                                      "truncated header: needs " + std::to_string(kHeaderSize) +
                                          " bytes, the file has " + std::to_string(have));
        const auto hsize = loadLE<std::uint32_t>(h + field::headerSize);
        if (hsize != kHeaderSize)
            throw FormatError::atByte(path, field::headerSize,
                                      "header size " + std::to_string(hsize) +
                                          ", version 1 headers are " + std::to_string(kHeaderSize) +
                                          " bytes");
        const auto stored = loadLE<std::uint32_t>(h + field::headerCrc);
        const auto computed = crc(h, field::headerCrc);
        if (stored != computed)
            throw FormatError::atByte(path, field::headerCrc,
                                      "header checksum mismatch (stored " + hex32(stored) +
                                          ", computed " + hex32(computed) +
                                          "): the header is damaged");
        const auto dtype = loadLE<std::uint32_t>(h + field::dtype);
        if (dtype != kFloat32 && dtype != kFloat16)
            throw FormatError::atByte(path, field::dtype,
                                      "dtype " + std::to_string(dtype) +
                                          " is not supported; this build reads float32 (0) and "
                                          "float16 (1)");
        return loadLE<std::uint64_t>(h + field::fileSize);
    }

    struct Result
    {
        std::vector<std::string> words;
        const unsigned char *matrix = nullptr; // dtype elements, little-endian
        std::uint64_t matrixOffset = 0;        // in the file, for messages
        std::uint32_t dtype = kFloat32;
        std::size_t dim = 0;
        std::vector<MetadataColumn> metadata;
        std::string source;
    };

    Result parse()
    {
        const std::uint64_t announced = checkHeader(m_p, m_size, m_path);
        if (announced > m_size)
            fail(m_size, "truncated: the header says the file has " + std::to_string(announced) +
                             " bytes, it has " + std::to_string(m_size));
        if (announced < m_size)
            fail(announced, std::to_string(m_size - announced) +
                                " bytes after the end of the file that the header announces (" +
                                std::to_string(announced) + " bytes)");
        const auto count = u64(field::count);
        const auto dim = u64(field::dim);
        if (count > UINT32_MAX)
            fail(field::count, "count " + std::to_string(count) + " exceeds the limit of " +
                                   std::to_string(UINT32_MAX) + " words");
        if (dim < 1 || dim > kMaxDim)
            fail(field::dim,
                 "dimension " + std::to_string(dim) + " is outside 1.." + std::to_string(kMaxDim));

        std::array<Section, 4> s{{{"words", field::words},
                                  {"matrix", field::matrix},
                                  {"metadata", field::metadata},
                                  {"source", field::source}}};
        for (auto &sec : s) {
            sec.offset = u64(sec.field);
            sec.size = u64(sec.field + 8);
            if (sec.size == 0 && sec.offset == 0)
                continue;
            if (sec.offset < kHeaderSize || sec.offset > m_size || sec.size > m_size - sec.offset)
                fail(sec.field, std::string(sec.name) + " section [" + std::to_string(sec.offset) +
                                    ", +" + std::to_string(sec.size) + ") lies outside the file (" +
                                    std::to_string(kHeaderSize) + ".." + std::to_string(m_size) +
                                    ")");
        }
        for (std::size_t i = 0; i < s.size(); ++i)
            for (std::size_t j = i + 1; j < s.size(); ++j) {
                if (s[i].size == 0 || s[j].size == 0)
                    continue;
                if (s[i].offset < s[j].offset + s[j].size && s[j].offset < s[i].offset + s[i].size)
                    fail(s[j].field, std::string(s[j].name) + " section overlaps the " + s[i].name +
                                         " section");
            }
        const Section &words = s[0], &matrix = s[1], &meta = s[2], &source = s[3];
        const auto dtype = loadLE<std::uint32_t>(m_p + field::dtype);
        const std::uint64_t matrixBytes = count * dim * elementSize(dtype);
        if (matrix.size != matrixBytes)
            fail(field::matrix + 8, "matrix section has " + std::to_string(matrix.size) +
                                        " bytes; " + std::to_string(count) + " × " +
                                        std::to_string(dim) + " " + dtypeName(dtype) + " need " +
                                        std::to_string(matrixBytes));
        if (matrix.offset % kMatrixAlign != 0)
            fail(field::matrix, "matrix offset " + std::to_string(matrix.offset) +
                                    " is not a multiple of " + std::to_string(kMatrixAlign));
        if (count > 0 && words.size == 0)
            fail(field::words, "no words section for " + std::to_string(count) + " words");
        checkCrc(words, field::wordsCrc);
        checkCrc(meta, field::metadataCrc);
        checkCrc(source, field::sourceCrc);

        Result r;
        r.dim = static_cast<std::size_t>(dim);
        r.dtype = dtype;
        r.matrix = matrixBytes ? m_p + matrix.offset : nullptr;
        r.matrixOffset = matrix.offset;
        if (count > 0)
            r.words = readWords(words, static_cast<std::size_t>(count));
        if (meta.size)
            r.metadata = readMetadata(meta, static_cast<std::size_t>(count));
        r.source.assign(reinterpret_cast<const char *>(m_p + source.offset),
                        static_cast<std::size_t>(source.size));
        if (!isValidUtf8(r.source))
            fail(source.offset, "source format name is not valid UTF-8");
        return r;
    }

private:
    std::uint64_t u64(std::uint64_t at) const { return loadLE<std::uint64_t>(m_p + at); }

    void checkCrc(const Section &sec, std::size_t crcField) const
    {
        const auto stored = loadLE<std::uint32_t>(m_p + crcField);
        const auto computed = crc(m_p + sec.offset, sec.size);
        if (stored != computed)
            fail(sec.offset, std::string(sec.name) + " section checksum mismatch (stored " +
                                 hex32(stored) + ", computed " + hex32(computed) +
                                 "): the file is damaged");
    }

    /// A string table of exactly n strings occupying [at, end); returns the offsets' position
    /// and checks every rule except the content of the strings.
    struct Table
    {
        std::uint64_t offsets; // file offset of offsets[0]
        std::uint64_t blob;    // file offset of the blob
    };
    Table table(std::uint64_t at, std::uint64_t end, std::uint64_t n, const char *what) const
    {
        if (end - at < 8)
            fail(at, std::string(what) + ": string table is truncated");
        const auto stored = u64(at);
        if (stored != n)
            fail(at, std::string(what) + ": string table holds " + std::to_string(stored) +
                         " strings, expected " + std::to_string(n));
        const std::uint64_t offs = at + 8;
        if ((end - offs) / 8 < n + 1)
            fail(at, std::string(what) + ": string table of " + std::to_string(n) +
                         " strings needs " + std::to_string(8 * (n + 1)) +
                         " bytes of offsets, the section has " + std::to_string(end - offs));
        const std::uint64_t blob = offs + 8 * (n + 1);
        if (u64(offs) != 0)
            fail(offs, std::string(what) + ": first string offset must be 0");
        return {offs, blob};
    }

    std::vector<std::string> readWords(const Section &sec, std::size_t n) const
    {
        const Table t = table(sec.offset, sec.offset + sec.size, n, "words section");
        const std::uint64_t blobSize = sec.offset + sec.size - t.blob;
        const char *blob = reinterpret_cast<const char *>(m_p + t.blob);
        const unsigned char *offs = m_p + t.offsets;
        if (loadLE<std::uint64_t>(offs + 8 * n) != blobSize)
            fail(t.offsets + 8 * n, "words section: the last offset must equal the blob size " +
                                        std::to_string(blobSize));
        std::vector<std::string> words;
        words.reserve(n);
        std::uint64_t prev = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const auto next = loadLE<std::uint64_t>(offs + 8 * (i + 1));
            if (next <= prev || next - prev > kMaxWordBytes || next > blobSize)
                fail(t.offsets + 8 * (i + 1),
                     "words section: word " + std::to_string(i) + " spans [" +
                         std::to_string(prev) + ", " + std::to_string(next) + ") of a " +
                         std::to_string(blobSize) + "-byte blob; words are 1.." +
                         std::to_string(kMaxWordBytes) + " bytes, in order");
            words.emplace_back(blob + prev, static_cast<std::size_t>(next - prev));
            prev = next;
        }
        // One pass over the whole blob is cheaper than one per word.
        if (!isValidUtf8(std::string_view(blob, static_cast<std::size_t>(blobSize))))
            for (std::size_t i = 0; i < n; ++i)
                if (!isValidUtf8(words[i]))
                    fail(t.blob + loadLE<std::uint64_t>(offs + 8 * i),
                         "words section: word " + std::to_string(i) + " ('" + printable(words[i]) +
                             "') is not valid UTF-8");
        return words;
    }

    std::vector<MetadataColumn> readMetadata(const Section &sec, std::size_t count) const
    {
        const std::uint64_t end = sec.offset + sec.size;
        if (sec.size < 8)
            fail(sec.offset, "metadata section is truncated");
        const auto ncols = u64(sec.offset);
        // Each column needs at least its count and count + 2 offsets.
        if (ncols > (sec.size - 8) / (8 * (std::uint64_t(count) + 3)))
            fail(sec.offset, "metadata section claims " + std::to_string(ncols) +
                                 " columns, more than its " + std::to_string(sec.size) +
                                 " bytes can hold");
        std::vector<MetadataColumn> cols(static_cast<std::size_t>(ncols));
        std::uint64_t at = sec.offset + 8;
        for (std::size_t c = 0; c < cols.size(); ++c) {
            const std::string what = "metadata column " + std::to_string(c);
            const Table t = table(at, end, count + 1, what.c_str());
            const unsigned char *offs = m_p + t.offsets;
            const std::uint64_t blobSize = loadLE<std::uint64_t>(offs + 8 * (count + 1));
            if (blobSize > end - t.blob)
                fail(t.offsets + 8 * (count + 1), what + ": blob of " + std::to_string(blobSize) +
                                                      " bytes runs past the end of the section");
            const char *blob = reinterpret_cast<const char *>(m_p + t.blob);
            std::uint64_t prev = 0;
            auto next = [&](std::size_t i) {
                const auto v = loadLE<std::uint64_t>(offs + 8 * (i + 1));
                if (v < prev || v > blobSize)
                    fail(t.offsets + 8 * (i + 1),
                         what + ": string offsets must be non-decreasing and within the blob");
                std::string s(blob + prev, static_cast<std::size_t>(v - prev));
                prev = v;
                return s;
            };
            cols[c].name = next(0);
            cols[c].values.reserve(count);
            for (std::size_t i = 0; i < count; ++i)
                cols[c].values.push_back(next(i + 1));
            at = t.blob + blobSize;
        }
        if (at != end)
            fail(at, std::to_string(end - at) + " unused bytes at the end of the metadata section");
        return cols;
    }

    const unsigned char *m_p;
    std::uint64_t m_size;
    const std::string &m_path;
};

/// Decodes a float16 matrix into float32. An Inf or NaN half is a FormatError naming its byte
/// offset, row and word (the writer never stores one, so it means a damaged file).
std::vector<float> decodeMatrix(const Parser::Result &r, const std::string &path,
                                Progress &progress)
{
    const std::size_t n = r.words.size() * r.dim;
    std::vector<float> out(n);
    constexpr std::size_t kChunk = std::size_t(1) << 20;
    for (std::size_t begin = 0; begin < n; begin += kChunk) {
        progress.check();
        const std::size_t len = std::min(n, begin + kChunk) - begin;
        const std::size_t bad = decodeHalves(r.matrix + 2 * begin, len, out.data() + begin);
        if (bad == len)
            continue;
        const std::size_t i = begin + bad;
        throw FormatError::atByte(
            path, r.matrixOffset + 2 * i,
            "row " + std::to_string(i / r.dim) + " (word '" + printable(r.words[i / r.dim]) +
                "'), column " + std::to_string(i % r.dim) + ": float16 value " +
                nonFiniteName(out[i]) + "; Embex files hold finite values only");
    }
    return out;
}

EmbeddingSetPtr build(Parser::Result r, std::shared_ptr<const void> keepAlive,
                      const std::string &path, Progress &progress)
{
    std::shared_ptr<EmbeddingSet> set;
    std::vector<float> decoded;
    if (r.dtype == kFloat16) {
        requireMemoryForRows(path, r.words.size(), r.dim, false);
        decoded = decodeMatrix(r, path, progress);
        keepAlive.reset(); // the file's bytes are no longer needed
    }
    try {
        if (r.dtype == kFloat16)
            set = std::make_shared<EmbeddingSet>(std::move(r.words), std::move(decoded), r.dim);
        else
            set = std::make_shared<EmbeddingSet>(std::move(r.words),
                                                 reinterpret_cast<const float *>(r.matrix), r.dim,
                                                 std::move(keepAlive));
        set->setMetadata(std::move(r.metadata));
    } catch (const std::invalid_argument &e) {
        std::string what = e.what();
        if (what.starts_with("EmbeddingSet: "))
            what.erase(0, 14);
        throw FormatError(path, "invalid set: " + what);
    }
    // The set came from an Embex file; r.source (its origin) stays in the file as provenance.
    set->setSourceFormat("embex");
    progress.report(1.0, "reading");
    return set;
}

EmbeddingSetPtr readCompressed(const std::string &path, Progress &progress)
{
    InputStream in(path);
    unsigned char header[kHeaderSize];
    const std::size_t got = in.readFully(header, kHeaderSize);
    const std::uint64_t announced = Parser::checkHeader(header, got, path);
    if (announced < kHeaderSize || announced > maxGzipExpansion(in.fileSize()))
        throw FormatError::atByte(path, field::fileSize,
                                  "header says the file has " + std::to_string(announced) +
                                      " bytes, impossible for a " + std::to_string(in.fileSize()) +
                                      "-byte .gz file");
    // Not value-initialised: pages are committed only as data arrives, so a small .gz that
    // claims a huge size costs nothing before it runs out.
    requireMemory(path, announced, "the decompressed file");
    const auto total = static_cast<std::size_t>(announced);
    std::shared_ptr<unsigned char[]> buf(new unsigned char[total]);
    std::memcpy(buf.get(), header, kHeaderSize);
    std::uint64_t done = kHeaderSize;
    while (done < announced) {
        progress.check();
        progress.report(static_cast<double>(done) / static_cast<double>(announced), "reading");
        const auto want = static_cast<std::size_t>(
            std::min<std::uint64_t>(announced - done, std::uint64_t(16) << 20));
        const std::size_t n = in.readFully(buf.get() + done, want);
        done += n;
        if (n < want)
            throw FormatError::atByte(path, done,
                                      "truncated: the header says the file has " +
                                          std::to_string(announced) + " bytes, it has " +
                                          std::to_string(done));
    }
    unsigned char extra;
    if (in.read(&extra, 1) != 0)
        throw FormatError::atByte(path, announced,
                                  "data after the end of the file that the header announces (" +
                                      std::to_string(announced) + " bytes)");
    auto r = Parser(buf.get(), total, path).parse();
    return build(std::move(r), std::shared_ptr<const void>(buf, buf.get()), path, progress);
}

void appendU64(std::string &out, std::uint64_t v)
{
    char b[8];
    std::memcpy(b, &v, 8);
    out.append(b, 8);
}

template <typename Get> void appendTable(std::string &out, std::size_t n, Get get)
{
    appendU64(out, n);
    std::uint64_t off = 0;
    appendU64(out, 0);
    for (std::size_t i = 0; i < n; ++i) {
        off += get(i).size();
        appendU64(out, off);
    }
    for (std::size_t i = 0; i < n; ++i)
        out += get(i);
}

} // namespace

EmbeddingSetPtr readEmbex(const std::string &path, const LoadOptions &opts, Progress &progress)
{
    (void)opts;
    progress.check();
    requireRegularFile(path);
    auto map = std::make_shared<MappedFile>(path);
    if (map->size() >= 2 && map->data()[0] == 0x1f && map->data()[1] == 0x8b)
        return readCompressed(path, progress);
    // Everything before the matrix (header, words, metadata) is read right away: ask for it in
    // one go rather than page fault by page fault. Only a hint, so the unvalidated offset is
    // merely clamped.
    if (map->size() >= kHeaderSize) {
        const auto matrixAt = loadLE<std::uint64_t>(map->data() + field::matrix);
        const auto end = static_cast<std::size_t>(
            std::min<std::uint64_t>(matrixAt ? matrixAt : map->size(), map->size()));
        ::posix_madvise(const_cast<unsigned char *>(map->data()), end, POSIX_MADV_WILLNEED);
    }
    // A file that shrank while it was validated reads as zeros past its new end (see
    // MappedFile): report that rather than the checksum or offset error it causes.
    auto parse = [&] {
        try {
            return Parser(map->data(), map->size(), path).parse();
        } catch (const FormatError &) {
            map->checkUnchanged();
            throw;
        }
    };
    auto r = parse();
    map->checkUnchanged();
    return build(std::move(r), map, path, progress);
}

void writeEmbex(const EmbeddingSet &set, const std::string &path, Progress &progress, bool float16)
{
    const std::uint32_t dtype = float16 ? kFloat16 : kFloat32;
    const std::size_t n = set.size(), dim = set.dim();
    for (std::size_t i = 0; i < n; ++i) {
        const std::string &w = set.words()[i];
        if (w.empty() || w.size() > kMaxWordBytes || !isValidUtf8(w))
            throw std::invalid_argument(path + ": cannot store the word '" + printable(w) +
                                        "' (row index " + std::to_string(i) +
                                        "): Embex words are 1.." + std::to_string(kMaxWordBytes) +
                                        " bytes of valid UTF-8");
    }
    if (!isValidUtf8(set.sourceFormat()))
        throw std::invalid_argument(path + ": source format name is not valid UTF-8");

    std::string words;
    appendTable(words, n, [&](std::size_t i) -> const std::string & { return set.words()[i]; });
    std::string meta;
    if (!set.metadata().empty()) {
        appendU64(meta, set.metadata().size());
        for (const auto &col : set.metadata())
            appendTable(meta, n + 1, [&](std::size_t i) -> const std::string & {
                return i == 0 ? col.name : col.values[i - 1];
            });
    }
    const std::string &source = set.sourceFormat();

    const std::uint64_t wordsAt = kHeaderSize;
    const std::uint64_t metaAt = wordsAt + words.size();
    const std::uint64_t sourceAt = metaAt + meta.size();
    const std::uint64_t end = sourceAt + source.size();
    const std::uint64_t matrixAt = (end + kMatrixAlign - 1) / kMatrixAlign * kMatrixAlign;
    const std::uint64_t matrixBytes = std::uint64_t(n) * dim * elementSize(dtype);
    const std::uint64_t fileSize = matrixAt + matrixBytes;

    unsigned char h[kHeaderSize] = {};
    auto put32 = [&](std::size_t at, std::uint32_t v) {
        std::memcpy(h + at, &v, 4);
    };
    auto put64 = [&](std::size_t at, std::uint64_t v) {
        std::memcpy(h + at, &v, 8);
    };
    std::memcpy(h, "EMBEX\0", 6);
    const std::uint16_t version = kVersion;
    std::memcpy(h + field::version, &version, 2);
    put32(field::headerSize, kHeaderSize);
    put32(field::dtype, dtype);
    put64(field::fileSize, fileSize);
    put64(field::count, n);
    put64(field::dim, dim);
    auto putSection = [&](std::size_t at, std::uint64_t off, std::uint64_t size) {
        put64(at, size ? off : 0);
        put64(at + 8, size);
    };
    putSection(field::words, wordsAt, words.size());
    putSection(field::matrix, matrixAt, matrixBytes);
    putSection(field::metadata, metaAt, meta.size());
    putSection(field::source, sourceAt, source.size());
    auto bytes = [](const std::string &s) {
        return reinterpret_cast<const unsigned char *>(s.data());
    };
    put32(field::wordsCrc, crc(bytes(words), words.size()));
    put32(field::metadataCrc, crc(bytes(meta), meta.size()));
    put32(field::sourceCrc, crc(bytes(source), source.size()));
    put32(field::headerCrc, crc(h, field::headerCrc));

    AtomicFile out(path);
    out.write(h, kHeaderSize);
    out.write(words);
    out.write(meta);
    out.write(source);
    out.write(std::string(static_cast<std::size_t>(matrixAt - end), '\0'));
    const std::size_t rowBytes = dim * sizeof(float);
    const std::size_t every = std::max<std::size_t>(1, (std::size_t(4) << 20) / rowBytes);
    std::vector<std::uint16_t> halves(float16 ? every * dim : 0);
    for (std::size_t i = 0; i < n; i += every) {
        progress.check();
        progress.report(static_cast<double>(i) / static_cast<double>(n), "writing");
        const std::size_t rows = std::min(every, n - i);
        const float *p = set.row(static_cast<WordId>(i));
        if (std::size_t bad = firstNonFinite(p, rows * dim); bad != rows * dim)
            throw std::invalid_argument(path + ": row index " + std::to_string(i + bad / dim) +
                                        " (word '" + printable(set.words()[i + bad / dim]) +
                                        "') has " + nonFiniteName(p[bad]) +
                                        "; Embex files hold finite values only");
        if (!float16) {
            out.write(p, rows * rowBytes);
            continue;
        }
        for (std::size_t k = 0; k < rows * dim; ++k) {
            // Refused rather than clamped: a value past the largest half would become Inf.
            if (std::abs(p[k]) > kHalfMax)
                throw std::invalid_argument(
                    path + ": row index " + std::to_string(i + k / dim) + " (word '" +
                    printable(set.words()[i + k / dim]) + "') has the value " +
                    std::to_string(p[k]) + " (column " + std::to_string(k % dim) +
                    "), beyond ±65504, the float16 range; save it as float32");
            halves[k] = floatToHalf(p[k]);
        }
        out.write(halves.data(), rows * dim * sizeof(std::uint16_t));
    }
    out.commit();
    progress.report(1.0, "writing");
}

} // namespace embex::detail
