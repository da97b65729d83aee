// Reading analogy and word-pair files, with the line rules gensim applies (Python's str.split,
// float and universal newlines) and a FormatError naming the file and line where gensim would
// skip a line silently.
#include "eval/Evaluation.h"

#include "util/FormatError.h"
#include "util/InputStream.h"
#include "util/Utf8.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace embex {
namespace {

/// Whether cp is whitespace to Python (str.isspace(), what str.split() splits on).
bool isPythonSpace(std::uint32_t cp)
{
    return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20) || cp == 0x85 || cp == 0xA0 ||
           cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
           cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

std::string readAll(const std::string &path)
{
    InputStream in(path);
    std::string text;
    char buffer[1 << 16];
    while (std::size_t n = in.read(buffer, sizeof buffer))
        text.append(buffer, n);
    return text;
}

/// The file's lines without their terminators: "\n" only (as gensim reads analogy files, in
/// binary), or also "\r\n" and "\r" (universal newlines, as it reads pair files). A UTF-8 BOM
/// is dropped.
std::vector<std::string_view> splitLines(std::string_view text, bool universal)
{
    if (text.starts_with("\xEF\xBB\xBF"))
        text.remove_prefix(3);
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n' || (universal && text[i] == '\r')) {
            lines.push_back(text.substr(start, i - start));
            if (universal && text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')
                ++i;
            start = i + 1;
        }
    }
    if (start < text.size())
        lines.push_back(text.substr(start));
    return lines;
}

void requireUtf8(std::string_view line, const std::string &path, std::uint64_t lineNo)
{
    std::uint32_t cp = 0;
    for (std::size_t i = 0; i < line.size();) {
        const std::size_t len = decodeUtf8(line, i, cp);
        if (len == 0)
            throw FormatError::atLine(path, lineNo,
                                      "invalid UTF-8 (byte " + std::to_string(i + 1) + ")");
        i += len;
    }
}

/// Python's str.split(): the words between runs of whitespace (line is valid UTF-8).
std::vector<std::string_view> splitWhitespace(std::string_view line)
{
    std::vector<std::string_view> words;
    std::size_t start = std::string_view::npos;
    std::uint32_t cp = 0;
    for (std::size_t i = 0; i < line.size();) {
        const std::size_t len = decodeUtf8(line, i, cp);
        if (isPythonSpace(cp)) {
            if (start != std::string_view::npos)
                words.push_back(line.substr(start, i - start));
            start = std::string_view::npos;
        } else if (start == std::string_view::npos) {
            start = i;
        }
        i += len;
    }
    if (start != std::string_view::npos)
        words.push_back(line.substr(start));
    return words;
}

/// Python's str.strip() (line is valid UTF-8).
std::string_view stripWhitespace(std::string_view s)
{
    const auto words = splitWhitespace(s);
    if (words.empty())
        return {};
    const std::size_t begin = std::size_t(words.front().data() - s.data());
    const std::size_t end = std::size_t(words.back().data() + words.back().size() - s.data());
    return s.substr(begin, end - begin);
}

std::string quoted(std::string_view s)
{
    constexpr std::size_t kMax = 40;
    std::string out = "'" + std::string(s.substr(0, kMax));
    return out + (s.size() > kMax ? "...'" : "'");
}

/// Python's float() on a score field: surrounding whitespace and a leading '+' allowed.
double parseScore(std::string_view field, const std::string &path, std::uint64_t lineNo)
{
    const std::string_view text = stripWhitespace(field);
    std::string_view s = text;
    if (s.starts_with('+'))
        s.remove_prefix(1);
    double value = 0.0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), value);
    if (s.empty() || s.starts_with('+') || (text.starts_with('+') && s.starts_with('-')) ||
        r.ec == std::errc::invalid_argument || r.ptr != s.data() + s.size())
        throw FormatError::atLine(path, lineNo, "score " + quoted(text) + " is not a number");
    if (r.ec == std::errc::result_out_of_range) // inf or 0, as Python gives
        value = std::strtod(std::string(s).c_str(), nullptr);
    if (!std::isfinite(value))
        throw FormatError::atLine(path, lineNo, "score " + quoted(text) + " is not finite");
    return value;
}

} // namespace

std::size_t AnalogyFile::questionCount() const
{
    std::size_t n = 0;
    for (const auto &s : sections)
        n += s.questions.size();
    return n;
}

AnalogyFile readAnalogyFile(const std::string &path)
{
    const std::string text = readAll(path);
    AnalogyFile file;
    file.path = path;
    std::uint64_t lineNo = 0;
    for (std::string_view line : splitLines(text, false)) {
        ++lineNo;
        requireUtf8(line, path, lineNo);
        if (line.starts_with(": ")) {
            // gensim: line.lstrip(': ').strip()
            const auto first = line.find_first_not_of(": ");
            const std::string_view rest =
                first == std::string_view::npos ? std::string_view() : line.substr(first);
            file.sections.push_back({std::string(stripWhitespace(rest)), {}});
            continue;
        }
        const auto words = splitWhitespace(line);
        if (words.empty())
            continue;
        if (file.sections.empty())
            throw FormatError::atLine(path, lineNo,
                                      "question before the first section line (': name')");
        if (words.size() != 4)
            throw FormatError::atLine(path, lineNo,
                                      "expected 4 words 'A B C D' (A is to B as C is to D), "
                                      "found " +
                                          std::to_string(words.size()));
        file.sections.back().questions.push_back({std::string(words[0]), std::string(words[1]),
                                                  std::string(words[2]), std::string(words[3]),
                                                  lineNo});
    }
    if (file.questionCount() == 0)
        throw FormatError(path, "no analogy questions (': section' lines, then 'A B C D' lines)");
    return file;
}

WordPairFile readWordPairFile(const std::string &path)
{
    const std::string text = readAll(path);
    WordPairFile file;
    file.path = path;
    std::uint64_t lineNo = 0;
    for (std::string_view line : splitLines(text, true)) {
        ++lineNo;
        requireUtf8(line, path, lineNo);
        if (line.starts_with('#') || splitWhitespace(line).empty())
            continue;
        std::vector<std::string_view> fields;
        for (std::size_t start = 0;;) {
            const auto tab = line.find('\t', start);
            fields.push_back(line.substr(start, tab - start));
            if (tab == std::string_view::npos)
                break;
            start = tab + 1;
        }
        if (fields.size() != 3)
            throw FormatError::atLine(path, lineNo,
                                      "expected 3 tab-separated fields (word1, word2, score), "
                                      "found " +
                                          std::to_string(fields.size()));
        file.pairs.push_back({std::string(fields[0]), std::string(fields[1]),
                              parseScore(fields[2], path, lineNo), lineNo});
    }
    if (file.pairs.empty())
        throw FormatError(path, "no word pairs (lines 'word1<TAB>word2<TAB>score')");
    return file;
}

} // namespace embex
