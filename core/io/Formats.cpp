#include "io/Readers.h"
#include "util/AtomicFile.h"
#include "util/FormatError.h"
#include "util/InputStream.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <vector>
#include <zlib.h>

namespace embex {

namespace {

struct NameEntry
{
    Format format;
    std::string_view name;
};
constexpr std::array<NameEntry, 7> kNames{{
    {Format::Word2VecText, "word2vec"},
    {Format::Word2VecBinary, "word2vec-bin"},
    {Format::Glove, "glove"},
    {Format::FastTextBin, "fasttext-bin"},
    {Format::Tsv, "tsv"},
    {Format::Npy, "npy"},
    {Format::Embex, "embex"},
}};

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

std::vector<std::string_view> splitFields(std::string_view line)
{
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && isSpace(line[i]))
            ++i;
        std::size_t b = i;
        while (i < line.size() && !isSpace(line[i]))
            ++i;
        if (i > b)
            out.push_back(line.substr(b, i - b));
    }
    return out;
}

bool isNumber(std::string_view s)
{
    float v;
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

bool isUnsigned(std::string_view s)
{
    std::uint64_t v;
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size();
}

constexpr std::uint32_t kFastTextMagic = 793712314; // 0x2F4F16BA, little-endian int32

} // namespace

std::string_view formatName(Format f)
{
    for (const auto &e : kNames)
        if (e.format == f)
            return e.name;
    return "auto";
}

std::optional<Format> parseFormatName(std::string_view name)
{
    std::string n = lower(std::string(name));
    if (n == "vec" || n == "word2vec-text" || n == "text")
        return Format::Word2VecText;
    if (n == "bin" || n == "word2vec-binary")
        return Format::Word2VecBinary;
    if (n == "fasttext" || n == "ftz")
        return Format::FastTextBin;
    for (const auto &e : kNames)
        if (e.name == n)
            return e.format;
    return std::nullopt;
}

std::optional<Format> formatForExtension(const std::string &path)
{
    std::string p = lower(path);
    if (p.size() > 3 && p.ends_with(".gz"))
        p.resize(p.size() - 3);
    std::string ext = lower(std::filesystem::path(p).extension().string());
    if (ext == ".txt" || ext == ".vec")
        return Format::Word2VecText;
    if (ext == ".bin")
        return Format::Word2VecBinary;
    if (ext == ".glove")
        return Format::Glove;
    if (ext == ".tsv")
        return Format::Tsv;
    if (ext == ".npy")
        return Format::Npy;
    if (ext == ".embex")
        return Format::Embex;
    return std::nullopt;
}

Format detectFormat(const std::string &path)
{
    InputStream in(path);
    std::string head(64 * 1024, '\0');
    head.resize(in.readFully(head.data(), head.size()));
    if (head.empty())
        throw FormatError(path, "empty file");

    if (head.size() >= 8 && std::memcmp(head.data(), "EMBEX\0", 6) == 0)
        return Format::Embex;
    if (head.size() >= 6 && std::memcmp(head.data(), "\x93NUMPY", 6) == 0)
        return Format::Npy;
    if (head.size() >= 4) {
        std::uint32_t magic;
        std::memcpy(&magic, head.data(), 4);
        if (magic == kFastTextMagic)
            return Format::FastTextBin;
    }

    // Text-like formats: look at the first line (after a UTF-8 byte order mark, if any).
    if (head.size() >= 3 && head.compare(0, 3, "\xEF\xBB\xBF") == 0)
        head.erase(0, 3);
    auto nl = head.find('\n');
    std::string_view first(head.data(), nl == std::string::npos ? head.size() : nl);
    // Binary content that is not word2vec binary (whose first line is a text header).
    const bool binary = head.find('\0') < 4096;
    const auto firstFields = splitFields(first);
    const bool w2vHeader =
        firstFields.size() == 2 && isUnsigned(firstFields[0]) && isUnsigned(firstFields[1]);
    if (first.find('\0') != std::string_view::npos || (binary && !w2vHeader))
        throw FormatError(path, "unrecognised binary file: not word2vec, fastText (magic "
                                "2F4F16BA), NumPy or Embex; fastText files older than v0.9 "
                                "(no magic number) are not supported by libfasttext");
    auto fields = splitFields(first);
    if (fields.empty())
        throw FormatError::atLine(path, 1,
                                  "first line is empty; expected a header "
                                  "\"count dim\" or a row \"word v1 v2 ...\"");
    if (fields.size() == 2 && isUnsigned(fields[0]) && isUnsigned(fields[1])) {
        // word2vec header: text or binary? Text rows have only printable bytes and parse as
        // "word" + dim numbers; a binary row has raw float bytes after "word ".
        if (nl == std::string::npos)
            return Format::Word2VecText; // header only; the reader reports the missing rows
        std::string_view rest(head.data() + nl + 1, head.size() - nl - 1);
        std::size_t dim = 0;
        std::from_chars(fields[1].data(), fields[1].data() + fields[1].size(), dim);
        auto nl2 = rest.find('\n');
        std::string_view second = rest.substr(0, nl2);
        auto f2 = splitFields(second);
        bool textRow = f2.size() == dim + 1 &&
                       std::all_of(f2.begin() + 1, f2.end(), [](auto s) { return isNumber(s); });
        if (textRow)
            return Format::Word2VecText;
        // A binary row: "word " then raw bytes. Look for non-text bytes in the first rows.
        bool binaryBytes = std::any_of(rest.begin(), rest.end(), [](char c) {
            auto u = static_cast<unsigned char>(c);
            return u < 0x20 && u != '\n' && u != '\r' && u != '\t';
        });
        if (binaryBytes || dim > 0)
            return binaryBytes ? Format::Word2VecBinary : Format::Word2VecText;
        return Format::Word2VecText;
    }
    bool allNumeric = std::all_of(fields.begin(), fields.end(), [](auto s) { return isNumber(s); });
    if (allNumeric && first.find('\t') != std::string_view::npos)
        return Format::Tsv;
    if (allNumeric && fields.size() == 1)
        return Format::Tsv;
    if (fields.size() >= 2 &&
        std::all_of(fields.begin() + 1, fields.end(), [](auto s) { return isNumber(s); }))
        return Format::Glove;
    if (allNumeric)
        return Format::Tsv;
    throw FormatError::atLine(path, 1,
                              "not a known vector format: expected a header \"count dim\", a "
                              "row \"word v1 v2 ...\" or tab-separated numbers");
}

EmbeddingSetPtr load(const std::string &path, const LoadOptions &options, Progress &progress)
{
    Format f = options.format == Format::Auto ? detectFormat(path) : options.format;
    EmbeddingSetPtr set;
    switch (f) {
    case Format::Word2VecText:
    case Format::Glove:
        return detail::readTextVectors(path, f, options, progress);
    case Format::Word2VecBinary:
        return detail::readWord2VecBinary(path, options, progress);
    case Format::FastTextBin:
        return detail::readFastTextBin(path, options, progress);
    case Format::Tsv:
        return detail::readTsv(path, options, progress);
    case Format::Npy:
        return detail::readNpy(path, options, progress);
    case Format::Embex:
        return detail::readEmbex(path, options, progress);
    case Format::Auto:
        break;
    }
    throw std::logic_error("load: unhandled format");
}

namespace {

bool endsWithGz(const std::string &path)
{
    return lower(path).ends_with(".gz") && path.size() > 3;
}

/// Compresses `src` into `dst` (gzip, atomically) and removes `src`.
void gzipInto(const std::string &src, const std::string &dst)
{
    InputStream in(src);
    AtomicFile out(dst);
    z_stream z{};
    if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error(dst + ": cannot start gzip compression");
    std::vector<unsigned char> inBuf(1 << 20), outBuf(1 << 20);
    int flush = Z_NO_FLUSH;
    do {
        const std::size_t got = in.read(inBuf.data(), inBuf.size());
        flush = got == 0 ? Z_FINISH : Z_NO_FLUSH;
        z.next_in = inBuf.data();
        z.avail_in = static_cast<uInt>(got);
        do {
            z.next_out = outBuf.data();
            z.avail_out = static_cast<uInt>(outBuf.size());
            deflate(&z, flush);
            out.write(outBuf.data(), outBuf.size() - z.avail_out);
        } while (z.avail_out == 0);
    } while (flush != Z_FINISH);
    deflateEnd(&z);
    out.commit();
    std::remove(src.c_str());
}

} // namespace

void save(const EmbeddingSet &set, const std::string &path, const SaveOptions &options,
          Progress &progress)
{
    if (endsWithGz(path)) {
        // Write the plain file beside the target, then compress it into place atomically.
        const std::string plain = path.substr(0, path.size() - 3);
        SaveOptions o = options;
        if (o.format == Format::Auto)
            o.format = formatForExtension(plain).value_or(Format::Word2VecText);
        if (o.format == Format::Tsv || o.format == Format::Npy)
            throw std::invalid_argument(path + ": gzip output is for single-file formats "
                                               "(word2vec, word2vec-bin, glove, embex); TSV and "
                                               "NPY write companion files");
        const std::string tmp = plain + ".embex-uncompressed";
        try {
            save(set, tmp, o, progress);
            gzipInto(tmp, path);
        } catch (...) {
            std::remove(tmp.c_str());
            throw;
        }
        return;
    }
    Format f = options.format;
    if (f == Format::Auto)
        f = formatForExtension(path).value_or(Format::Word2VecText);
    if (options.float16 && f != Format::Embex)
        throw std::invalid_argument(path + ": float16 storage is available for the Embex " +
                                    "format only, not " + std::string(formatName(f)));
    switch (f) {
    case Format::Word2VecText:
        return detail::writeTextVectors(set, path, true, progress);
    case Format::Glove:
        return detail::writeTextVectors(set, path, false, progress);
    case Format::Word2VecBinary:
        return detail::writeWord2VecBinary(set, path, progress);
    case Format::Tsv:
        return detail::writeTsv(set, path, progress);
    case Format::Npy:
        return detail::writeNpy(set, path, progress);
    case Format::Embex:
        return detail::writeEmbex(set, path, progress, options.float16);
    case Format::FastTextBin:
        throw std::invalid_argument(path + ": Embex cannot write fastText .bin models; use "
                                           "--to vec (word2vec text) or embex");
    case Format::Auto:
        break;
    }
    throw std::logic_error("save: unhandled format");
}

} // namespace embex
