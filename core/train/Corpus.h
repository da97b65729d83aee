#pragma once
// Training corpora: streaming tokenisation, the vocabulary, and sentences as word ids.
#include "util/Progress.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace embex {

class InputStream;

/// How text becomes tokens. The rules (documented for users in the README):
/// - Tokens are separated by whitespace (space, tab, CR, LF, VT, FF, and U+00A0 / U+3000).
/// - lowercase: ASCII letters and the two-byte UTF-8 letters with a simple case pair (Latin-1,
///   Latin Extended-A, Greek, Cyrillic) are lower-cased; other characters are kept as they are.
/// - Punctuation::Strip: leading and trailing punctuation (ASCII punctuation and the Unicode
///   quotes, dashes and ellipsis) is removed from each token, so "(word," becomes "word";
///   inner punctuation stays ("don't", "u.s.", "term-end"); tokens left empty are dropped.
///   Punctuation::Keep: tokens are exactly the whitespace-separated strings (word2vec.c).
/// - sentencePerLine: each line is a sentence (blank lines are skipped). Otherwise the text
///   is running prose: a sentence ends at a blank line or after a token ending in . ! or ?.
/// - Sentences longer than maxSentenceWords are cut into pieces of that many tokens.
/// - Invalid UTF-8 bytes are replaced by U+FFFD.
struct TokenizerOptions
{
    enum class Punctuation { Strip, Keep };
    bool lowercase = true;                        ///< default true
    Punctuation punctuation = Punctuation::Strip; ///< default Strip
    bool sentencePerLine = true;                  ///< default true
    std::size_t maxSentenceWords = 10000;         ///< default 10000 (gensim's limit)
    std::size_t maxTokenBytes = 100;              ///< longer tokens are dropped; default 100
};

/// Splits one line of text into tokens by the rules above (sentence splitting aside): appends
/// to `out`. Exposed for tests and for the GUI's preview.
void tokenizeLine(std::string_view line, const TokenizerOptions &options,
                  std::vector<std::string> &out);

/// Streams sentences (lists of tokens) from a text file, plain or gzip. Never holds more than
/// one line (capped at 16 MiB; longer lines are split at whitespace) in memory.
class CorpusReader
{
public:
    /// Throws std::runtime_error naming the file if it cannot be opened (missing, directory,
    /// FIFO...).
    CorpusReader(std::string path, TokenizerOptions options);
    ~CorpusReader();
    CorpusReader(const CorpusReader &) = delete;
    CorpusReader &operator=(const CorpusReader &) = delete;

    /// Next non-empty sentence; false at the end of the file. `tokens` is overwritten.
    bool next(std::vector<std::string> &tokens);
    /// Back to the start of the file.
    void rewind();
    /// Fraction of the file consumed (by bytes on disk), in [0, 1].
    double fraction() const;
    /// 1-based line number of the last line read (for messages).
    std::uint64_t line() const { return m_line; }
    const std::string &path() const { return m_path; }
    const TokenizerOptions &options() const { return m_options; }

private:
    bool readLine(std::string &line);
    bool fillBuffer();

    std::string m_path;
    TokenizerOptions m_options;
    std::unique_ptr<InputStream> m_in;
    std::vector<char> m_buf;
    std::size_t m_bufPos = 0, m_bufEnd = 0;
    bool m_eof = false;
    std::uint64_t m_line = 0;
    std::string m_lineText;
    std::string m_carry; // the rest of an over-long line cut at whitespace, read next
    std::vector<std::string> m_pending; // tokens of the current line not yet returned
    std::size_t m_pendingPos = 0;
};

/// Vocabulary options.
struct VocabOptions
{
    std::uint64_t minCount = 5; ///< words seen fewer times are dropped; default 5
    std::size_t maxSize = 0;    ///< keep at most this many (most frequent); 0 = no cap
    /// Bound on distinct words tracked while counting (memory). When exceeded, words seen
    /// only once so far are pruned, then twice, ... as word2vec.c does; the counts of pruned
    /// words are lost (reported in warnings). Default 20 million.
    std::size_t maxTrackedWords = 20'000'000;
};

/// Words of a corpus sorted by descending count (ties: byte order of the word), ids 0..n-1.
class Vocabulary
{
public:
    Vocabulary() = default;
    /// Builds a vocabulary from explicit (word, count) pairs (sorted and filtered as above).
    Vocabulary(std::vector<std::pair<std::string, std::uint64_t>> counts,
               const VocabOptions &options);

    std::size_t size() const { return m_words.size(); }
    const std::string &word(std::uint32_t id) const { return m_words[id]; }
    std::uint64_t count(std::uint32_t id) const { return m_counts[id]; }
    const std::vector<std::string> &words() const { return m_words; }
    const std::vector<std::uint64_t> &counts() const { return m_counts; }
    std::optional<std::uint32_t> find(std::string_view word) const;

    /// Sum of counts of the kept words (the tokens training sees before subsampling).
    std::uint64_t trainWords() const { return m_trainWords; }
    /// All tokens of the corpus, kept or not.
    std::uint64_t corpusWords() const { return m_corpusWords; }
    std::uint64_t sentences() const { return m_sentences; }
    /// Distinct words before min-count / max-size filtering.
    std::uint64_t distinctWords() const { return m_distinct; }
    const std::vector<std::string> &warnings() const { return m_warnings; }

private:
    friend class TrainingCorpus;
    struct Hash
    {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept
        {
            return std::hash<std::string_view>{}(s);
        }
    };
    std::vector<std::string> m_words;
    std::vector<std::uint64_t> m_counts;
    std::unordered_map<std::string, std::uint32_t, Hash, std::equal_to<>> m_index;
    std::uint64_t m_trainWords = 0, m_corpusWords = 0, m_sentences = 0, m_distinct = 0;
    std::vector<std::string> m_warnings;
};

/// A corpus prepared for training: the vocabulary plus its sentences as word ids (words not
/// in the vocabulary removed). Small corpora (up to cacheLimitWords tokens) are encoded once
/// and kept in memory; bigger ones are re-read from the file on every pass.
///
/// Reading is single-threaded; trainers hand out the sentences of a pass to their threads.
class TrainingCorpus
{
public:
    struct Options
    {
        TokenizerOptions tokenizer;
        VocabOptions vocab;
        /// Corpora with at most this many tokens are kept in memory as ids (4 bytes a token).
        /// Default 100 million (400 MB).
        std::uint64_t cacheLimitWords = 100'000'000;
    };

    /// Reads the file once to count words (progress stage "counting words"), and again to
    /// encode it when it fits the cache. Throws std::runtime_error naming the file on read
    /// errors, and if no word reaches min-count ("corpus.txt: no word occurs 5 times or
    /// more (1,234 distinct words, most frequent 'the' 4 times); lower min-count").
    static std::shared_ptr<TrainingCorpus> open(const std::string &path, const Options &options,
                                                Progress &progress = nullProgress());
    /// A corpus from sentences already in memory (tests, the GUI's pasted text).
    static std::shared_ptr<TrainingCorpus>
    fromSentences(const std::vector<std::vector<std::string>> &sentences,
                  const VocabOptions &vocab);

    const Vocabulary &vocabulary() const { return m_vocab; }
    const std::string &path() const { return m_path; }
    bool cached() const { return m_cached; }

    /// One pass over the corpus, in file order. Not thread-safe: one pass at a time.
    class Pass
    {
    public:
        /// Next sentence as ids (may be empty if all its words were dropped); false at the end.
        bool next(std::vector<std::uint32_t> &ids);
        /// Fraction of the pass done, in [0, 1].
        double fraction() const;

    private:
        friend class TrainingCorpus;
        const TrainingCorpus *m_corpus = nullptr;
        std::size_t m_sentence = 0;             // cached mode
        std::unique_ptr<CorpusReader> m_reader; // streaming mode
        std::vector<std::string> m_tokens;
    };
    Pass pass() const;

    /// Cached mode only: all ids in one array and sentence boundaries (sentence i is
    /// ids[offsets[i], offsets[i+1])). Empty in streaming mode.
    const std::vector<std::uint32_t> &cachedIds() const { return m_ids; }
    const std::vector<std::uint64_t> &cachedOffsets() const { return m_offsets; }

private:
    std::string m_path;
    Options m_options;
    Vocabulary m_vocab;
    bool m_cached = false;
    std::vector<std::uint32_t> m_ids;
    std::vector<std::uint64_t> m_offsets;
};

} // namespace embex
