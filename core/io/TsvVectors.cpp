// TensorFlow Embedding Projector files: vectors.tsv (tab-separated floats, one row per point,
// no words, no header) and an optional metadata.tsv beside it with the labels.
//
// The Projector's metadata rule: blank lines are ignored; if the first line has no tab the file
// has one column and no header (each line is a label), otherwise the first line names the
// columns. Missing trailing fields read as empty.
#include "io/ReaderSupport.h"
#include "io/Readers.h"
#include "io/TextParsing.h"
#include "util/FormatError.h"
#include "util/InputStream.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

namespace embex::detail {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t kReadBytes = std::size_t(1) << 20;
constexpr std::size_t kMaxMetadataLineBytes = std::size_t(32) << 20;

bool iequals(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

bool iendsWith(std::string_view s, std::string_view suffix)
{
    return s.size() >= suffix.size() && iequals(s.substr(s.size() - suffix.size()), suffix);
}

// "dir/foo_vectors.tsv.gz" → dir, "foo_vectors", ".tsv" (a trailing .gz is dropped).
struct NameParts
{
    fs::path dir;
    std::string stem;
    std::string ext;
};

NameParts splitName(const std::string &path)
{
    fs::path p(path);
    NameParts parts{p.parent_path(), p.filename().string(), {}};
    if (iendsWith(parts.stem, ".gz"))
        parts.stem.resize(parts.stem.size() - 3);
    auto dot = parts.stem.rfind('.');
    if (dot != std::string::npos && dot > 0) {
        parts.ext = parts.stem.substr(dot);
        parts.stem.resize(dot);
    }
    return parts;
}

// A vectors file whose stem ends in one of these words (any case) has its metadata under the
// same stem with the word replaced by "metadata": vectors.tsv → metadata.tsv (the Projector's
// names), NAME_tensor.tsv → NAME_metadata.tsv (gensim's word2vec2tensor), tensors.tsv,
// NAME.vectors.tsv, NAME-tensors.tsv... Longer words first ("tensors" before "tensor").
constexpr std::string_view kVectorWords[] = {"vectors", "tensors", "tensor"};

// The stem with its trailing vectors/tensors/tensor word replaced by "metadata", or empty.
std::string metadataStem(const std::string &stem)
{
    for (std::string_view w : kVectorWords)
        if (iendsWith(stem, w))
            return stem.substr(0, stem.size() - w.size()) + "metadata";
    return {};
}

// Sibling metadata files to look for, in order.
std::vector<fs::path> metadataCandidates(const std::string &path)
{
    NameParts n = splitName(path);
    std::vector<fs::path> out;
    if (const std::string base = metadataStem(n.stem); !base.empty()) {
        const std::string ext = n.ext.empty() ? ".tsv" : n.ext;
        out.push_back(n.dir / (base + ext));
        out.push_back(n.dir / (base + ext + ".gz"));
    }
    out.push_back(n.dir / (n.stem + ".metadata.tsv"));
    out.push_back(n.dir / (n.stem + "_metadata.tsv"));
    return out;
}

// The metadata file writeTsv writes beside `path`: the first name readTsv looks for.
std::string metadataPathForWriting(const std::string &path)
{
    NameParts n = splitName(path);
    if (const std::string base = metadataStem(n.stem); !base.empty())
        return (n.dir / (base + (n.ext.empty() ? std::string(".tsv") : n.ext))).string();
    return (n.dir / (n.stem + ".metadata.tsv")).string();
}

// Lines of a (possibly gzip) file without their "\n" / "\r\n", with 1-based numbers.
class LineReader
{
public:
    explicit LineReader(const std::string &path) : m_in(path) {}

    bool next(std::string_view &line)
    {
        for (;;) {
            auto nl = m_buf.find('\n', m_scan);
            if (nl != std::string::npos || (m_eof && m_pos < m_buf.size())) {
                std::size_t e = nl == std::string::npos ? m_buf.size() : nl;
                line = std::string_view(m_buf).substr(m_pos, e - m_pos);
                if (!line.empty() && line.back() == '\r')
                    line.remove_suffix(1);
                if (m_line == 0 && line.starts_with("\xEF\xBB\xBF"))
                    line.remove_prefix(3);
                m_pos = m_scan = e == m_buf.size() ? e : e + 1;
                ++m_line;
                return true;
            }
            if (m_eof)
                return false;
            m_buf.erase(0, m_pos);
            m_pos = 0;
            m_scan = m_buf.size();
            if (m_buf.size() > kMaxMetadataLineBytes)
                throw FormatError::atLine(m_in.path(), m_line + 1,
                                          "line is longer than " +
                                              std::to_string(kMaxMetadataLineBytes >> 20) + " MiB");
            std::size_t old = m_buf.size();
            m_buf.resize(old + kReadBytes);
            std::size_t got = m_in.readFully(m_buf.data() + old, kReadBytes);
            m_buf.resize(old + got);
            m_eof = got < kReadBytes;
        }
    }
    std::uint64_t line() const { return m_line; }

private:
    InputStream m_in;
    std::string m_buf;
    std::size_t m_pos = 0, m_scan = 0;
    std::uint64_t m_line = 0;
    bool m_eof = false;
};

std::vector<std::string_view> splitTabs(std::string_view line)
{
    std::vector<std::string_view> out;
    for (;;) {
        auto t = line.find('\t');
        out.push_back(line.substr(0, t));
        if (t == std::string_view::npos)
            return out;
        line.remove_prefix(t + 1);
    }
}

bool isBlankLine(std::string_view s)
{
    return std::all_of(s.begin(), s.end(), [](char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
    });
}

struct Metadata
{
    std::vector<std::string> labels;
    std::vector<std::uint64_t> labelLines;
    std::vector<MetadataColumn> columns;
    std::vector<std::string> warnings;
};

Metadata readMetadata(const std::string &path)
{
    Metadata md;
    LineReader reader(path);
    std::string_view line;
    bool started = false, header = false;
    std::size_t wordColumn = 0;
    std::vector<std::size_t> otherColumns;
    std::size_t columnCount = 1, ragged = 0, badUtf8 = 0;
    std::uint64_t firstRagged = 0, firstBadUtf8 = 0;
    auto clean = [&](std::string_view s) {
        if (isValidUtf8(s))
            return std::string(s);
        if (badUtf8++ == 0)
            firstBadUtf8 = reader.line();
        return sanitizeUtf8(s);
    };
    while (reader.next(line)) {
        if (isBlankLine(line))
            continue;
        if (!started) {
            started = true;
            header = line.find('\t') != std::string_view::npos;
            if (header) {
                auto names = splitTabs(line);
                columnCount = names.size();
                static constexpr std::string_view kWordNames[] = {"word", "label", "name", "token"};
                auto it = std::find_if(names.begin(), names.end(), [](std::string_view n) {
                    return std::any_of(std::begin(kWordNames), std::end(kWordNames),
                                       [&](std::string_view w) { return iequals(n, w); });
                });
                wordColumn = it == names.end() ? 0 : std::size_t(it - names.begin());
                for (std::size_t i = 0; i < names.size(); ++i)
                    if (i != wordColumn) {
                        otherColumns.push_back(i);
                        md.columns.push_back({clean(names[i]), {}});
                    }
                continue;
            }
        }
        std::vector<std::string_view> fields;
        if (header) {
            fields = splitTabs(line);
            if (fields.size() != columnCount && ragged++ == 0)
                firstRagged = reader.line();
            fields.resize(std::max(fields.size(), columnCount));
        } else {
            fields.push_back(line);
        }
        std::string_view label = fields[wordColumn];
        if (label.size() > kMaxWordBytes)
            throw FormatError::atLine(path, reader.line(),
                                      "label is " + std::to_string(label.size()) +
                                          " bytes long (limit " + std::to_string(kMaxWordBytes) +
                                          ")");
        md.labels.push_back(clean(label));
        md.labelLines.push_back(reader.line());
        for (std::size_t k = 0; k < otherColumns.size(); ++k)
            md.columns[k].values.push_back(clean(fields[otherColumns[k]]));
    }
    if (ragged > 0)
        md.warnings.push_back(fs::path(path).filename().string() + ": " + std::to_string(ragged) +
                              " rows do not have " + std::to_string(columnCount) +
                              " columns like the header (first at line " +
                              std::to_string(firstRagged) + "); missing fields read as empty");
    if (badUtf8 > 0)
        md.warnings.push_back(fs::path(path).filename().string() + ": " + std::to_string(badUtf8) +
                              " values had invalid UTF-8 (first at line " +
                              std::to_string(firstBadUtf8) + "); invalid bytes replaced by U+FFFD");
    return md;
}

// Projector labels may repeat; words may not. Later repeats get "#2", "#3"... (skipping names
// that occur elsewhere in the file), so every row keeps its vector and its metadata.
void renameRepeatedLabels(Metadata &md, const std::string &metaPath)
{
    std::unordered_set<std::string> taken(md.labels.begin(), md.labels.end());
    if (taken.size() == md.labels.size())
        return;
    std::unordered_set<std::string_view> seen;
    std::unordered_map<std::string, std::size_t> nextSuffix;
    std::size_t renamed = 0;
    std::string first;
    std::uint64_t firstLine = 0;
    for (std::size_t i = 0; i < md.labels.size(); ++i) {
        std::string &label = md.labels[i];
        if (seen.insert(label).second)
            continue;
        std::size_t &n = nextSuffix.try_emplace(label, 2).first->second;
        std::string candidate;
        do {
            candidate = label + "#" + std::to_string(n++);
        } while (taken.count(candidate));
        if (renamed++ == 0) {
            first = label;
            firstLine = md.labelLines[i];
        }
        taken.insert(candidate);
        label = std::move(candidate);
        seen.insert(label);
    }
    md.warnings.push_back(std::to_string(renamed) +
                          " repeated labels renamed with #2, #3... suffixes (first: " +
                          quoteForMessage(first) + " at line " + std::to_string(firstLine) +
                          " of " + fs::path(metaPath).filename().string() + ")");
}

std::string tsvField(std::string_view s)
{
    std::string out(s);
    std::replace_if(
        out.begin(), out.end(), [](char c) { return c == '\t' || c == '\n' || c == '\r'; }, ' ');
    return out;
}

} // namespace

EmbeddingSetPtr readTsv(const std::string &path, const LoadOptions &opts, Progress &progress)
{
    std::string metaPath = opts.metadataPath;
    if (metaPath.empty()) {
        for (const auto &candidate : metadataCandidates(path)) {
            std::error_code ec;
            if (fs::is_regular_file(candidate, ec)) {
                metaPath = candidate.string();
                break;
            }
        }
    }
    std::optional<Metadata> md;
    if (!metaPath.empty())
        md = readMetadata(metaPath);

    TextMatrix m = readTextMatrix(path, TextLayout::Tsv, opts.threads, progress);
    std::vector<std::string> words;
    std::vector<std::string> warnings = std::move(m.warnings);
    if (md) {
        if (md->labels.size() != m.rows)
            throw FormatError(metaPath,
                              "has " + std::to_string(md->labels.size()) +
                                  (md->columns.empty() ? " labels" : " rows after the header") +
                                  " but " + fs::path(path).filename().string() + " has " +
                                  std::to_string(m.rows) + " vectors");
        renameRepeatedLabels(*md, metaPath);
        words = std::move(md->labels);
        warnings.insert(warnings.end(), md->warnings.begin(), md->warnings.end());
    } else {
        words.reserve(m.rows);
        for (std::size_t i = 0; i < m.rows; ++i)
            words.push_back(std::to_string(i));
        warnings.push_back("no metadata file; words are row numbers (looked for " +
                           metadataCandidates(path).front().filename().string() + ")");
    }
    auto set = std::make_shared<EmbeddingSet>(std::move(words), std::move(m.data), m.dim);
    if (md && !md->columns.empty())
        set->setMetadata(std::move(md->columns));
    set->setSourceFormat("tsv");
    for (auto &w : warnings)
        set->addWarning(std::move(w));
    progress.report(1.0, "reading");
    return set;
}

void writeTsv(const EmbeddingSet &set, const std::string &path, Progress &progress)
{
    const std::size_t dim = set.dim();
    if (dim == 0)
        throw std::invalid_argument(path + ": cannot write vectors of dimension 0");
    // The Projector skips blank metadata lines, so a blank label would shift every later row.
    for (const auto &w : set.words())
        if (isBlankLine(tsvField(w)))
            throw std::invalid_argument(path + ": word " + quoteForMessage(w) +
                                        " is blank and cannot be written as a Projector label");
    const auto &columns = set.metadata();
    const std::string metaPath = metadataPathForWriting(path);

    AtomicFile vectors(path);
    writeTextRows(
        vectors, set.size(),
        [&](std::size_t i, std::string &out) {
            appendValues(out, set.row(WordId(i)), dim, '\t', false);
            out += '\n';
        },
        progress, "writing vectors");

    AtomicFile metadata(metaPath);
    if (!columns.empty()) {
        std::string header = "word";
        for (const auto &c : columns)
            header += "\t" + tsvField(c.name);
        metadata.write(header + "\n");
    }
    writeTextRows(
        metadata, set.size(),
        [&](std::size_t i, std::string &out) {
            out += tsvField(set.word(WordId(i)));
            for (const auto &c : columns) {
                out += '\t';
                out += tsvField(c.values[i]);
            }
            out += '\n';
        },
        progress, "writing metadata");
    vectors.commit();
    metadata.commit();
}

} // namespace embex::detail
