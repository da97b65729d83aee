#pragma once
// BERT's WordPiece tokenizer, as Hugging Face's BertTokenizer: special tokens split off
// verbatim, then BasicTokenizer (clean text, CJK ideographs as words, lowercase and accent
// stripping, whitespace and punctuation split), then WordpieceTokenizer (greedy longest match
// with "##" continuations). Every word-piece keeps the bytes of the original text it came from.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace embex {

/// Options of the tokenizer; the defaults are bert-base-uncased's.
struct WordPieceOptions
{
    /// Lowercase every character (Python's str.lower(), one character at a time). Default true.
    bool lowercase = true;
    /// Strip accents (NFD, then drop nonspacing marks). nullopt (default) follows `lowercase`,
    /// as Hugging Face's strip_accents=None.
    std::optional<bool> stripAccents;
    /// Make every CJK ideograph a word of its own. Default true.
    bool splitCjk = true;
    /// Remove NUL, U+FFFD and control characters and turn whitespace into spaces. Default true.
    bool cleanText = true;
    /// The unknown token, the continuation prefix and the longest word (in characters) that is
    /// split into pieces; longer words become the unknown token. Defaults "[UNK]", "##", 100.
    std::string unkToken = "[UNK]";
    std::string continuingPrefix = "##";
    std::size_t maxCharsPerWord = 100;
    /// Tokens matched verbatim (case-sensitive) in the text before anything else and never
    /// split; those outside the vocabulary are dropped. Empty (default): "[PAD]", "[UNK]",
    /// "[CLS]", "[SEP]", "[MASK]".
    std::vector<std::string> specialTokens;
    /// Names of the tokens the encoder needs. Defaults "[CLS]", "[SEP]", "[PAD]", "[MASK]".
    std::string clsToken = "[CLS]", sepToken = "[SEP]", padToken = "[PAD]", maskToken = "[MASK]";

    bool stripsAccents() const { return stripAccents.value_or(lowercase); }
};

/// One word-piece of a text.
struct WordPieceToken
{
    std::int32_t id = 0;
    /// Bytes [begin, end) of the original text this piece came from (a word's pieces split the
    /// word's bytes; an unknown word's single piece covers the whole word).
    std::size_t begin = 0, end = 0;
    /// Index into Tokenization::words of the word the piece belongs to.
    std::size_t word = 0;
};

/// A byte range [begin, end) of a text.
struct ByteSpan
{
    std::size_t begin = 0, end = 0;
    bool operator==(const ByteSpan &) const = default;
};

/// The word-pieces of a text and the words they came from. A word is what BasicTokenizer gives:
/// a run of non-space, non-punctuation characters, a single punctuation character, a single
/// CJK ideograph or a special token. Pieces and words are in text order.
struct Tokenization
{
    std::vector<WordPieceToken> pieces;
    std::vector<ByteSpan> words;
    /// The ids alone.
    std::vector<std::int32_t> ids() const;
};

/// Vocabulary plus options. Immutable; const members are thread-safe.
class WordPieceTokenizer
{
public:
    /// vocab[i] is the token of id i (as vocab.txt). When a token occurs twice the later id
    /// wins, as in Hugging Face's load_vocab. Throws std::invalid_argument when the unknown
    /// token is not in the vocabulary.
    WordPieceTokenizer(std::vector<std::string> vocab, WordPieceOptions options = {});

    /// vocab.txt: one token per line, id = line number - 1 (LF or CRLF). Throws FormatError
    /// (invalid UTF-8, empty file) or std::runtime_error (cannot read).
    static std::vector<std::string> readVocabTxt(const std::string &path);
    /// tokenizer.json (Hugging Face tokenizers): model.vocab, the WordPiece settings, the
    /// BertNormalizer settings and the special added tokens. Throws FormatError for another
    /// model or normalizer type.
    static WordPieceTokenizer fromTokenizerJson(const std::string &path);
    /// A model folder: tokenizer.json if present, else vocab.txt with tokenizer_config.json's
    /// do_lower_case / strip_accents / tokenize_chinese_chars. Without tokenizer_config.json the
    /// vocabulary decides: lowercase unless some ordinary token holds an uppercase letter.
    static WordPieceTokenizer fromFolder(const std::string &folder);

    /// Splits text (UTF-8; invalid bytes count as U+FFFD and are dropped like it) into pieces.
    Tokenization tokenize(std::string_view text) const;

    const WordPieceOptions &options() const { return m_options; }
    std::size_t vocabSize() const { return m_vocab.size(); }
    /// The token of an id ("" for an id out of range).
    const std::string &token(std::int32_t id) const;
    /// The id of a token, if it is in the vocabulary.
    std::optional<std::int32_t> find(std::string_view token) const;
    /// Ids of the special tokens (-1 when the vocabulary lacks one).
    std::int32_t unkId() const { return m_unk; }
    std::int32_t clsId() const { return m_cls; }
    std::int32_t sepId() const { return m_sep; }
    std::int32_t padId() const { return m_pad; }
    std::int32_t maskId() const { return m_mask; }
    /// The special tokens matched verbatim in texts.
    const std::vector<std::string> &specialTokens() const { return m_options.specialTokens; }

private:
    struct Char;
    void basicTokenize(std::string_view text, std::size_t begin, std::size_t end,
                       Tokenization &out) const;
    void wordPieces(const std::vector<Char> &word, std::string_view text, Tokenization &out) const;

    std::vector<std::string> m_vocab;
    std::unordered_map<std::string, std::int32_t> m_index;
    WordPieceOptions m_options;
    std::int32_t m_unk = -1, m_cls = -1, m_sep = -1, m_pad = -1, m_mask = -1;
};

} // namespace embex
