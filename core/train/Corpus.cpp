#include "train/Corpus.h"

#include "util/InputStream.h"
#include "util/Utf8.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <stdexcept>

namespace embex {

namespace {

constexpr std::size_t kReadChunk = std::size_t(1) << 20;
constexpr std::size_t kMaxLineBytes = std::size_t(16) << 20;

/// Length of the whitespace sequence at s[i] (0 if none): ASCII space/tab/CR/LF/VT/FF,
/// U+00A0 and U+3000.
std::size_t spaceAt(std::string_view s, std::size_t i)
{
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == ' ' || (c >= '\t' && c <= '\r'))
        return 1;
    if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0)
        return 2;
    if (c == 0xE3 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
        static_cast<unsigned char>(s[i + 2]) == 0x80)
        return 3;
    return 0;
}

/// Length of a punctuation character at the start (forward) of s, 0 if none.
std::size_t punctFront(std::string_view s)
{
    if (s.empty())
        return 0;
    unsigned char c = static_cast<unsigned char>(s[0]);
    if (c < 0x80)
        return (c > ' ' && c < 0x7F && !std::isalnum(c)) ? 1 : 0;
    if (s.size() >= 2 && c == 0xC2) {
        unsigned char d = static_cast<unsigned char>(s[1]);
        if (d == 0xAB || d == 0xBB || d == 0xA1 || d == 0xBF) // « » ¡ ¿
            return 2;
    }
    if (s.size() >= 3 && c == 0xE2 && static_cast<unsigned char>(s[1]) == 0x80) {
        unsigned char d = static_cast<unsigned char>(s[2]);
        // – — ‘ ’ ‚ “ ” „ … ‹ ›
        if ((d >= 0x93 && d <= 0x94) || (d >= 0x98 && d <= 0x9E) || d == 0xA6 || d == 0xB9 ||
            d == 0xBA)
            return 3;
    }
    return 0;
}

/// Length of a punctuation character ending s, 0 if none.
std::size_t punctBack(std::string_view s)
{
    if (s.empty())
        return 0;
    unsigned char c = static_cast<unsigned char>(s.back());
    if (c < 0x80)
        return punctFront(s.substr(s.size() - 1));
    for (std::size_t n : {std::size_t(2), std::size_t(3)})
        if (s.size() >= n && punctFront(s.substr(s.size() - n)) == n)
            return n;
    return 0;
}

/// Simple lower-case mapping of a code point below U+0800 (two-byte UTF-8 stays two-byte).
char32_t lowerTwoByte(char32_t cp)
{
    if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)
        return cp + 0x20;
    if ((cp >= 0x100 && cp <= 0x12F) || (cp >= 0x132 && cp <= 0x137) ||
        (cp >= 0x14A && cp <= 0x177))
        return (cp % 2 == 0) ? cp + 1 : cp;
    if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E))
        return (cp % 2 == 1) ? cp + 1 : cp;
    if (cp == 0x178)
        return 0xFF;
    if (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2)
        return cp + 0x20;
    if (cp == 0x386)
        return 0x3AC;
    if (cp >= 0x388 && cp <= 0x38A)
        return cp + 0x25;
    if (cp == 0x38C)
        return 0x3CC;
    if (cp == 0x38E || cp == 0x38F)
        return cp + 0x3F;
    if (cp >= 0x410 && cp <= 0x42F)
        return cp + 0x20;
    if (cp >= 0x400 && cp <= 0x40F)
        return cp + 0x50;
    return cp;
}

void lowercaseInPlace(std::string &s)
{
    for (std::size_t i = 0; i < s.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c >= 'A' && c <= 'Z') {
            s[i] = static_cast<char>(c + 32);
        } else if ((c & 0xE0) == 0xC0 && i + 1 < s.size()) {
            char32_t cp = (char32_t(c & 0x1F) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3F);
            char32_t lo = lowerTwoByte(cp);
            if (lo != cp) {
                s[i] = static_cast<char>(0xC0 | (lo >> 6));
                s[i + 1] = static_cast<char>(0x80 | (lo & 0x3F));
            }
            ++i;
        }
    }
}

/// Calls emit(token, endsSentence) for each token of the line.
template <typename Emit>
void forEachToken(std::string_view line, const TokenizerOptions &options, Emit &&emit)
{
    std::string clean;
    if (!isValidUtf8(line)) {
        clean = sanitizeUtf8(line);
        line = clean;
    }
    std::size_t i = 0;
    std::string token;
    while (i < line.size()) {
        std::size_t sp;
        while (i < line.size() && (sp = spaceAt(line, i)) > 0)
            i += sp;
        std::size_t start = i;
        while (i < line.size() && spaceAt(line, i) == 0)
            ++i;
        if (start == i)
            break;
        std::string_view raw = line.substr(start, i - start);
        char last = raw.back();
        bool ends = last == '.' || last == '!' || last == '?';
        std::string_view t = raw;
        if (options.punctuation == TokenizerOptions::Punctuation::Strip) {
            while (std::size_t n = punctFront(t))
                t.remove_prefix(n);
            while (std::size_t n = punctBack(t))
                t.remove_suffix(n);
        }
        if (t.empty() || t.size() > options.maxTokenBytes) {
            if (ends)
                emit(std::string_view(), true);
            continue;
        }
        token.assign(t);
        if (options.lowercase)
            lowercaseInPlace(token);
        emit(std::string_view(token), ends);
    }
}

} // namespace

void tokenizeLine(std::string_view line, const TokenizerOptions &options,
                  std::vector<std::string> &out)
{
    forEachToken(line, options, [&](std::string_view t, bool) {
        if (!t.empty())
            out.emplace_back(t);
    });
}

// ---------------------------------------------------------------------------------------------

CorpusReader::CorpusReader(std::string path, TokenizerOptions options)
    : m_path(std::move(path)), m_options(options)
{
    if (m_options.maxSentenceWords == 0)
        m_options.maxSentenceWords = 1;
    m_in = std::make_unique<InputStream>(m_path);
    m_buf.resize(kReadChunk);
}

CorpusReader::~CorpusReader() = default;

void CorpusReader::rewind()
{
    m_in = std::make_unique<InputStream>(m_path);
    m_bufPos = m_bufEnd = 0;
    m_eof = false;
    m_line = 0;
    m_carry.clear();
    m_pending.clear();
    m_pendingPos = 0;
}

double CorpusReader::fraction() const
{
    auto size = m_in->fileSize();
    if (size == 0)
        return 1.0;
    return std::min(1.0, double(m_in->fileOffset()) / double(size));
}

bool CorpusReader::fillBuffer()
{
    if (m_eof)
        return false;
    m_bufPos = 0;
    m_bufEnd = m_in->read(m_buf.data(), m_buf.size());
    if (m_bufEnd == 0)
        m_eof = true;
    return m_bufEnd > 0;
}

bool CorpusReader::readLine(std::string &line)
{
    line.clear();
    bool any = false;
    if (!m_carry.empty()) {
        line.swap(m_carry);
        m_carry.clear();
        any = true;
    }
    for (;;) {
        if (m_bufPos == m_bufEnd && !fillBuffer())
            break;
        any = true;
        const char *begin = m_buf.data() + m_bufPos;
        const char *nl = static_cast<const char *>(std::memchr(begin, '\n', m_bufEnd - m_bufPos));
        std::size_t n = nl ? std::size_t(nl - begin) : m_bufEnd - m_bufPos;
        std::size_t room = kMaxLineBytes - line.size();
        if (n > room) {
            line.append(begin, room);
            m_bufPos += room;
            // Cut at the last whitespace so that no token is split; the rest comes next.
            const std::size_t cut = line.find_last_of(" \t\r\v\f");
            if (cut != std::string::npos && cut > 0) {
                m_carry.assign(line, cut + 1);
                line.resize(cut);
            }
            ++m_line;
            return true;
        }
        line.append(begin, n);
        m_bufPos += n;
        if (nl) {
            ++m_bufPos;
            ++m_line;
            return true;
        }
    }
    if (any)
        ++m_line;
    return any;
}

bool CorpusReader::next(std::vector<std::string> &tokens)
{
    tokens.clear();
    const std::size_t maxWords = m_options.maxSentenceWords;
    if (m_options.sentencePerLine) {
        for (;;) {
            if (m_pendingPos < m_pending.size()) {
                std::size_t n = std::min(maxWords, m_pending.size() - m_pendingPos);
                auto first = m_pending.begin() + std::ptrdiff_t(m_pendingPos);
                tokens.assign(std::make_move_iterator(first),
                              std::make_move_iterator(first + std::ptrdiff_t(n)));
                m_pendingPos += n;
                return true;
            }
            m_pending.clear();
            m_pendingPos = 0;
            if (!readLine(m_lineText))
                return false;
            tokenizeLine(m_lineText, m_options, m_pending);
        }
    }
    // Running text: tokens of the current line are queued in m_pending with sentence ends
    // marked by empty strings.
    for (;;) {
        while (m_pendingPos < m_pending.size()) {
            std::string &t = m_pending[m_pendingPos++];
            if (t.empty()) {
                if (!tokens.empty())
                    return true;
                continue;
            }
            tokens.push_back(std::move(t));
            if (tokens.size() >= maxWords)
                return true;
        }
        m_pending.clear();
        m_pendingPos = 0;
        if (!readLine(m_lineText))
            return !tokens.empty();
        bool blank = true;
        forEachToken(m_lineText, m_options, [&](std::string_view t, bool ends) {
            blank = false;
            if (!t.empty())
                m_pending.emplace_back(t);
            if (ends)
                m_pending.emplace_back();
        });
        if (blank && m_lineText.find_first_not_of(" \t\r\f\v") == std::string::npos)
            m_pending.emplace_back(); // a blank line ends the sentence
    }
}

// ---------------------------------------------------------------------------------------------

Vocabulary::Vocabulary(std::vector<std::pair<std::string, std::uint64_t>> counts,
                       const VocabOptions &options)
{
    m_distinct = counts.size();
    for (const auto &c : counts)
        m_corpusWords += c.second;
    std::erase_if(counts, [&](const auto &c) { return c.second < options.minCount; });
    std::sort(counts.begin(), counts.end(), [](const auto &a, const auto &b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    if (options.maxSize > 0 && counts.size() > options.maxSize)
        counts.resize(options.maxSize);
    m_words.reserve(counts.size());
    m_counts.reserve(counts.size());
    m_index.reserve(counts.size());
    for (auto &c : counts) {
        m_index.emplace(c.first, std::uint32_t(m_words.size()));
        m_trainWords += c.second;
        m_counts.push_back(c.second);
        m_words.push_back(std::move(c.first));
    }
}

std::optional<std::uint32_t> Vocabulary::find(std::string_view word) const
{
    auto it = m_index.find(word);
    if (it == m_index.end())
        return std::nullopt;
    return it->second;
}

// ---------------------------------------------------------------------------------------------

namespace {

std::string withThousands(std::uint64_t v)
{
    std::string s = std::to_string(v);
    for (int i = int(s.size()) - 3; i > 0; i -= 3)
        s.insert(std::size_t(i), ",");
    return s;
}

using CountMap = std::unordered_map<std::string, std::uint64_t, std::hash<std::string>>;

Vocabulary finishVocabulary(CountMap &counts, const VocabOptions &options, const std::string &name,
                            std::uint64_t corpusWords)
{
    std::string top;
    std::uint64_t topCount = 0;
    for (const auto &[w, c] : counts)
        if (c > topCount || (c == topCount && w < top)) {
            top = w;
            topCount = c;
        }
    std::vector<std::pair<std::string, std::uint64_t>> list;
    list.reserve(counts.size());
    for (auto &[w, c] : counts)
        list.emplace_back(w, c);
    std::size_t distinct = list.size();
    counts.clear();
    Vocabulary vocab(std::move(list), options);
    if (vocab.size() == 0) {
        if (corpusWords == 0)
            throw std::runtime_error(name + ": the corpus has no words");
        throw std::runtime_error(name + ": no word occurs " + std::to_string(options.minCount) +
                                 " times or more (" + withThousands(distinct) +
                                 " distinct words, most frequent '" + top + "' " +
                                 std::to_string(topCount) + " times); lower min-count");
    }
    return vocab;
}

} // namespace

std::shared_ptr<TrainingCorpus> TrainingCorpus::open(const std::string &path,
                                                     const Options &options, Progress &progress)
{
    auto corpus = std::make_shared<TrainingCorpus>();
    corpus->m_path = path;
    corpus->m_options = options;

    CorpusReader reader(path, options.tokenizer);
    CountMap counts;
    std::vector<std::string> tokens;
    std::uint64_t sentences = 0, words = 0, pruned = 0, minReduce = 1;
    std::size_t sinceReport = 0;
    progress.report(0, "counting words");
    while (reader.next(tokens)) {
        ++sentences;
        words += tokens.size();
        for (auto &t : tokens) {
            auto it = counts.find(t);
            if (it != counts.end())
                ++it->second;
            else
                counts.emplace(std::move(t), 1);
        }
        if (counts.size() > options.vocab.maxTrackedWords) {
            std::erase_if(counts, [&](const auto &kv) {
                if (kv.second > minReduce)
                    return false;
                pruned += kv.second;
                return true;
            });
            ++minReduce;
        }
        if (++sinceReport >= 1024) {
            sinceReport = 0;
            progress.check();
            progress.report(reader.fraction() * (words <= options.cacheLimitWords ? 0.5 : 1.0),
                            "counting words");
        }
    }
    Vocabulary vocab = finishVocabulary(counts, options.vocab, path, words);
    vocab.m_corpusWords = words;
    vocab.m_sentences = sentences;
    if (pruned > 0)
        vocab.m_warnings.push_back("more than " + withThousands(options.vocab.maxTrackedWords) +
                                   " distinct words: rare words were dropped while counting (" +
                                   withThousands(pruned) + " tokens; words seen up to " +
                                   std::to_string(minReduce - 1) + " times)");
    corpus->m_vocab = std::move(vocab);

    if (words <= options.cacheLimitWords) {
        CorpusReader again(path, options.tokenizer);
        corpus->m_ids.reserve(std::size_t(corpus->m_vocab.trainWords()));
        corpus->m_offsets.push_back(0);
        sinceReport = 0;
        while (again.next(tokens)) {
            for (const auto &t : tokens)
                if (auto id = corpus->m_vocab.find(t))
                    corpus->m_ids.push_back(*id);
            if (corpus->m_ids.size() > corpus->m_offsets.back())
                corpus->m_offsets.push_back(corpus->m_ids.size());
            if (++sinceReport >= 1024) {
                sinceReport = 0;
                progress.check();
                progress.report(0.5 + 0.5 * again.fraction(), "reading the corpus");
            }
        }
        corpus->m_cached = true;
    }
    progress.report(1, corpus->m_cached ? "reading the corpus" : "counting words");
    return corpus;
}

std::shared_ptr<TrainingCorpus>
TrainingCorpus::fromSentences(const std::vector<std::vector<std::string>> &sentences,
                              const VocabOptions &vocab)
{
    auto corpus = std::make_shared<TrainingCorpus>();
    corpus->m_path = "(text)";
    corpus->m_options.vocab = vocab;
    CountMap counts;
    std::uint64_t words = 0;
    for (const auto &s : sentences)
        for (const auto &t : s) {
            ++counts[t];
            ++words;
        }
    corpus->m_vocab = finishVocabulary(counts, vocab, corpus->m_path, words);
    corpus->m_vocab.m_corpusWords = words;
    corpus->m_vocab.m_sentences = sentences.size();
    corpus->m_offsets.push_back(0);
    for (const auto &s : sentences) {
        for (const auto &t : s)
            if (auto id = corpus->m_vocab.find(t))
                corpus->m_ids.push_back(*id);
        if (corpus->m_ids.size() > corpus->m_offsets.back())
            corpus->m_offsets.push_back(corpus->m_ids.size());
    }
    corpus->m_cached = true;
    return corpus;
}

TrainingCorpus::Pass TrainingCorpus::pass() const
{
    Pass p;
    p.m_corpus = this;
    if (!m_cached)
        p.m_reader = std::make_unique<CorpusReader>(m_path, m_options.tokenizer);
    return p;
}

bool TrainingCorpus::Pass::next(std::vector<std::uint32_t> &ids)
{
    ids.clear();
    if (!m_reader) {
        const auto &off = m_corpus->m_offsets;
        if (m_sentence + 1 >= off.size())
            return false;
        ids.assign(m_corpus->m_ids.begin() + std::ptrdiff_t(off[m_sentence]),
                   m_corpus->m_ids.begin() + std::ptrdiff_t(off[m_sentence + 1]));
        ++m_sentence;
        return true;
    }
    if (!m_reader->next(m_tokens))
        return false;
    for (const auto &t : m_tokens)
        if (auto id = m_corpus->m_vocab.find(t))
            ids.push_back(*id);
    return true;
}

double TrainingCorpus::Pass::fraction() const
{
    if (m_reader)
        return m_reader->fraction();
    const auto &off = m_corpus->m_offsets;
    if (off.size() <= 1)
        return 1.0;
    return double(m_sentence) / double(off.size() - 1);
}

} // namespace embex
