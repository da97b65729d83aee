#include "contextual/WordPiece.h"
#include "contextual/JsonValue.h"
#include "contextual/Unicode.h"
#include "util/FormatError.h"
#include "util/RegularFile.h"
#include "util/Utf8.h"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

namespace embex {

namespace {

using detail::UnicodeClass;

/// BasicTokenizer._is_whitespace: space, tab, newline, carriage return and category Zs.
bool isBertWhitespace(std::uint32_t cp)
{
    if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r')
        return true;
    return cp >= 0x80 && detail::unicodeClass(cp) == UnicodeClass::kSpaceSeparator;
}

/// What separates words after cleaning: BERT's whitespace plus the line and paragraph
/// separators U+2028/U+2029, which survive cleaning (category Zl/Zp) and on which Python's
/// str.split() (whitespace_tokenize) splits. Without cleaning: Unicode White_Space, as the
/// Rust tokenizers' BertPreTokenizer.
bool separatesWords(std::uint32_t cp, bool cleaned)
{
    if (isBertWhitespace(cp) || cp == 0x2028 || cp == 0x2029)
        return true;
    return !cleaned && (cp == 0x0B || cp == 0x0C || cp == 0x85);
}

/// BasicTokenizer._is_control: categories C* except tab, newline and carriage return.
bool isBertControl(std::uint32_t cp)
{
    if (cp == '\t' || cp == '\n' || cp == '\r')
        return false;
    return detail::unicodeClass(cp) == UnicodeClass::kControl;
}

/// BasicTokenizer._is_punctuation: all non-letter, non-number ASCII symbols and category P*.
bool isBertPunctuation(std::uint32_t cp)
{
    if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) ||
        (cp >= 123 && cp <= 126))
        return true;
    return cp >= 0x80 && detail::unicodeClass(cp) == UnicodeClass::kPunctuation;
}

bool fileExists(const std::string &path)
{
    std::error_code ec;
    return std::filesystem::is_regular_file(path, ec);
}

/// A special token's name in tokenizer_config.json: a string or {"content": "..."}.
std::optional<std::string> tokenName(const JsonValue *v)
{
    if (!v)
        return std::nullopt;
    if (v->isString())
        return v->asString();
    if (const JsonValue *c = v->find("content"); c && c->isString())
        return c->asString();
    return std::nullopt;
}

} // namespace

struct WordPieceTokenizer::Char
{
    std::uint32_t cp;
    std::size_t begin, end; ///< bytes of the original text
};

std::vector<std::int32_t> Tokenization::ids() const
{
    std::vector<std::int32_t> out;
    out.reserve(pieces.size());
    for (const auto &p : pieces)
        out.push_back(p.id);
    return out;
}

WordPieceTokenizer::WordPieceTokenizer(std::vector<std::string> vocab, WordPieceOptions options)
    : m_vocab(std::move(vocab)), m_options(std::move(options))
{
    if (m_vocab.size() > std::size_t(INT32_MAX))
        throw std::invalid_argument("vocabulary too large");
    m_index.reserve(m_vocab.size());
    for (std::size_t i = 0; i < m_vocab.size(); ++i)
        m_index[m_vocab[i]] = static_cast<std::int32_t>(i); // the later id wins, as in HF
    auto id = [&](const std::string &t) {
        return find(t).value_or(-1);
    };
    m_unk = id(m_options.unkToken);
    if (m_unk < 0)
        throw std::invalid_argument("the vocabulary lacks the unknown token '" +
                                    m_options.unkToken + "'");
    m_cls = id(m_options.clsToken);
    m_sep = id(m_options.sepToken);
    m_pad = id(m_options.padToken);
    m_mask = id(m_options.maskToken);
    if (m_options.specialTokens.empty())
        for (const std::string &t : {m_options.padToken, m_options.unkToken, m_options.clsToken,
                                     m_options.sepToken, m_options.maskToken})
            if (find(t))
                m_options.specialTokens.push_back(t);
    // Longest first, so that a token that is a prefix of another does not win.
    std::stable_sort(
        m_options.specialTokens.begin(), m_options.specialTokens.end(),
        [](const std::string &a, const std::string &b) { return a.size() > b.size(); });
    // A special token outside the vocabulary could not be given an id: it is not special.
    std::erase_if(m_options.specialTokens,
                  [&](const std::string &t) { return t.empty() || !find(t); });
}

const std::string &WordPieceTokenizer::token(std::int32_t id) const
{
    static const std::string empty;
    return id >= 0 && std::size_t(id) < m_vocab.size() ? m_vocab[std::size_t(id)] : empty;
}

std::optional<std::int32_t> WordPieceTokenizer::find(std::string_view token) const
{
    auto it = m_index.find(std::string(token));
    if (it == m_index.end())
        return std::nullopt;
    return it->second;
}

Tokenization WordPieceTokenizer::tokenize(std::string_view text) const
{
    Tokenization out;
    std::size_t segment = 0;
    for (std::size_t pos = 0; pos < text.size();) {
        const std::string *match = nullptr;
        for (const std::string &t : m_options.specialTokens)
            if (text.compare(pos, t.size(), t) == 0) {
                match = &t;
                break;
            }
        if (!match) {
            ++pos;
            continue;
        }
        basicTokenize(text, segment, pos, out);
        out.words.push_back({pos, pos + match->size()});
        out.pieces.push_back({*find(*match), pos, pos + match->size(), out.words.size() - 1});
        pos += match->size();
        segment = pos;
    }
    basicTokenize(text, segment, text.size(), out);
    return out;
}

void WordPieceTokenizer::basicTokenize(std::string_view text, std::size_t begin, std::size_t end,
                                       Tokenization &out) const
{
    const bool lower = m_options.lowercase, strip = m_options.stripsAccents();
    std::vector<Char> word, expanded, piece;

    // Lowercase, strip accents and split on punctuation: one whitespace-separated token.
    auto finishToken = [&]() {
        if (word.empty())
            return;
        expanded.clear();
        std::uint32_t buf[3];
        for (const Char &c : word) {
            const std::size_t n = lower ? detail::toLower(c.cp, buf) : (buf[0] = c.cp, 1);
            for (std::size_t k = 0; k < n; ++k)
                expanded.push_back({buf[k], c.begin, c.end});
        }
        word.clear();
        if (strip) {
            // NFD: full canonical decomposition, then the canonical ordering of combining
            // marks (a stable sort by combining class of each run of non-starters); then drop
            // the nonspacing marks.
            for (const Char &c : expanded) {
                if (const std::size_t n = detail::decomposeHangul(c.cp, buf)) {
                    for (std::size_t k = 0; k < n; ++k)
                        word.push_back({buf[k], c.begin, c.end});
                } else if (auto d = detail::canonicalDecomposition(c.cp); !d.empty()) {
                    for (std::uint32_t cp : d)
                        word.push_back({cp, c.begin, c.end});
                } else {
                    word.push_back(c);
                }
            }
            for (std::size_t i = 0; i < word.size();) {
                if (detail::combiningClass(word[i].cp) == 0) {
                    ++i;
                    continue;
                }
                std::size_t j = i;
                while (j < word.size() && detail::combiningClass(word[j].cp) != 0)
                    ++j;
                std::stable_sort(word.begin() + std::ptrdiff_t(i), word.begin() + std::ptrdiff_t(j),
                                 [](const Char &a, const Char &b) {
                                     return detail::combiningClass(a.cp) <
                                            detail::combiningClass(b.cp);
                                 });
                i = j;
            }
            std::erase_if(word, [](const Char &c) {
                return c.cp >= 0x300 && detail::unicodeClass(c.cp) == UnicodeClass::kNonspacingMark;
            });
            expanded.swap(word);
            word.clear();
        }
        piece.clear();
        for (const Char &c : expanded) {
            if (isBertPunctuation(c.cp)) {
                wordPieces(piece, text, out);
                piece.assign(1, c);
                wordPieces(piece, text, out);
                piece.clear();
            } else {
                piece.push_back(c);
            }
        }
        wordPieces(piece, text, out);
    };

    for (std::size_t i = begin; i < end;) {
        std::uint32_t cp;
        std::size_t n = decodeUtf8(text.substr(0, end), i, cp);
        if (n == 0) {
            cp = 0xFFFD;
            n = 1;
        }
        const Char c{cp, i, i + n};
        i += n;
        if (m_options.cleanText && (cp == 0 || cp == 0xFFFD || isBertControl(cp)))
            continue;
        if (separatesWords(cp, m_options.cleanText)) {
            finishToken();
            continue;
        }
        if (m_options.splitCjk && detail::isCjkIdeograph(cp)) {
            finishToken();
            word.push_back(c);
            finishToken();
            continue;
        }
        word.push_back(c);
    }
    finishToken();
}

void WordPieceTokenizer::wordPieces(const std::vector<Char> &word, std::string_view text,
                                    Tokenization &out) const
{
    (void)text;
    if (word.empty())
        return;
    ByteSpan span{word.front().begin, word.front().end};
    for (const Char &c : word) {
        span.begin = std::min(span.begin, c.begin);
        span.end = std::max(span.end, c.end);
    }
    out.words.push_back(span);
    const std::size_t wordIndex = out.words.size() - 1;
    if (word.size() > m_options.maxCharsPerWord) {
        out.pieces.push_back({m_unk, span.begin, span.end, wordIndex});
        return;
    }
    std::string utf8;
    std::vector<std::size_t> at; // byte offset in utf8 of each character, plus the end
    for (const Char &c : word) {
        at.push_back(utf8.size());
        encodeUtf8(c.cp, utf8);
    }
    at.push_back(utf8.size());

    const std::size_t firstPiece = out.pieces.size();
    std::string candidate;
    for (std::size_t start = 0; start < word.size();) {
        std::size_t end = word.size();
        std::int32_t id = -1;
        for (; end > start; --end) {
            candidate.assign(start > 0 ? m_options.continuingPrefix : std::string());
            candidate.append(utf8, at[start], at[end] - at[start]);
            if (auto it = m_index.find(candidate); it != m_index.end()) {
                id = it->second;
                break;
            }
        }
        if (id < 0) { // no piece matches here: the whole word is unknown
            out.pieces.resize(firstPiece);
            out.pieces.push_back({m_unk, span.begin, span.end, wordIndex});
            return;
        }
        WordPieceToken p{id, word[start].begin, word[start].end, wordIndex};
        for (std::size_t k = start; k < end; ++k) {
            p.begin = std::min(p.begin, word[k].begin);
            p.end = std::max(p.end, word[k].end);
        }
        out.pieces.push_back(p);
        start = end;
    }
}

// ---- loading -------------------------------------------------------------------------------

std::vector<std::string> WordPieceTokenizer::readVocabTxt(const std::string &path)
{
    const std::string text = readWholeFile(path, std::size_t(1) << 30);
    if (text.empty())
        throw FormatError(path, "empty vocabulary file");
    // Lines end at \n, \r\n or \r (Python's universal newlines, which Hugging Face's
    // load_vocab reads with); a last line without a newline counts.
    std::vector<std::string> vocab;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= text.size(); ++i) {
        if (i < text.size() && text[i] != '\n' && text[i] != '\r')
            continue;
        if (i == text.size() && start == i)
            break;
        std::string_view line(text.data() + start, i - start);
        if (!isValidUtf8(line))
            throw FormatError::atLine(path, vocab.size() + 1, "token is not valid UTF-8");
        vocab.emplace_back(line);
        if (i + 1 < text.size() && text[i] == '\r' && text[i + 1] == '\n')
            ++i;
        start = i + 1;
    }
    return vocab;
}

WordPieceTokenizer WordPieceTokenizer::fromTokenizerJson(const std::string &path)
{
    const JsonDocument doc = JsonDocument::read(path);
    const JsonValue &root = doc.root();
    if (!root.isObject())
        throw doc.error(root, "tokenizer.json must hold an object");
    const JsonValue *model = root.find("model");
    if (!model || !model->isObject())
        throw doc.error(root, "no \"model\" object");
    const JsonValue *type = model->find("type");
    if (type && (!type->isString() || type->asString() != "WordPiece"))
        throw doc.error(*type,
                        "model type " +
                            (type->isString() ? "'" + type->asString() + "'" : std::string("?")) +
                            " is not supported; Embex reads WordPiece (BERT) tokenizers");
    const JsonValue *vocabJson = model->find("vocab");
    if (!vocabJson || !vocabJson->isObject())
        throw doc.error(*model, "model has no \"vocab\" object");

    WordPieceOptions o;
    auto readString = [&](const JsonValue &obj, const char *key, std::string &dst) {
        if (const JsonValue *v = obj.find(key); v && !v->isNull()) {
            if (!v->isString())
                throw doc.error(*v, std::string("\"") + key + "\" must be a string");
            dst = v->asString();
        }
    };
    auto readBool = [&](const JsonValue &obj, const char *key, bool &dst) {
        if (const JsonValue *v = obj.find(key); v && !v->isNull()) {
            if (!v->isBool())
                throw doc.error(*v, std::string("\"") + key + "\" must be true or false");
            dst = v->asBool();
        }
    };
    readString(*model, "unk_token", o.unkToken);
    readString(*model, "continuing_subword_prefix", o.continuingPrefix);
    if (const JsonValue *v = model->find("max_input_chars_per_word"); v && !v->isNull()) {
        const auto n = v->asUint64();
        if (!n)
            throw doc.error(*v, "\"max_input_chars_per_word\" must be a non-negative integer");
        o.maxCharsPerWord = std::size_t(*n);
    }

    const JsonValue *normalizer = root.find("normalizer");
    if (!normalizer || normalizer->isNull()) {
        o.lowercase = false;
        o.stripAccents = false;
        o.splitCjk = false;
        o.cleanText = false;
    } else {
        const JsonValue *ntype = normalizer->find("type");
        if (!ntype || !ntype->isString() || ntype->asString() != "BertNormalizer")
            throw doc.error(*normalizer,
                            "normalizer " +
                                (ntype && ntype->isString() ? "'" + ntype->asString() + "'"
                                                            : std::string("without a type")) +
                                " is not supported; Embex reads BertNormalizer");
        readBool(*normalizer, "lowercase", o.lowercase);
        readBool(*normalizer, "handle_chinese_chars", o.splitCjk);
        readBool(*normalizer, "clean_text", o.cleanText);
        if (const JsonValue *v = normalizer->find("strip_accents"); v && !v->isNull()) {
            if (!v->isBool())
                throw doc.error(*v, "\"strip_accents\" must be true, false or null");
            o.stripAccents = v->asBool();
        }
    }

    constexpr std::uint64_t kMaxVocab = 10'000'000;
    std::vector<std::string> vocab;
    auto place = [&](const std::string &token, const JsonValue &idValue) {
        const auto id = idValue.asUint64();
        if (!id || *id >= kMaxVocab)
            throw doc.error(idValue, "token id must be an integer in [0, 10^7)");
        if (*id >= vocab.size())
            vocab.resize(std::size_t(*id) + 1);
        vocab[std::size_t(*id)] = token;
    };
    const std::size_t declared = vocabJson->asObject().size();
    for (const auto &[token, id] : vocabJson->asObject())
        place(token, id);
    if (vocab.size() != declared)
        throw doc.error(*vocabJson, "vocabulary ids are not 0.." + std::to_string(declared - 1) +
                                        " (" + std::to_string(declared) + " tokens, largest id " +
                                        std::to_string(vocab.size() - 1) + ")");
    if (const JsonValue *added = root.find("added_tokens"); added && added->isArray()) {
        for (const JsonValue &t : added->asArray()) {
            const JsonValue *content = t.find("content"), *id = t.find("id");
            if (!content || !content->isString() || !id)
                throw doc.error(t, "added token without \"content\" and \"id\"");
            if (std::size_t(id->asUint64().value_or(kMaxVocab)) >= vocab.size() ||
                vocab[std::size_t(*id->asUint64())] != content->asString())
                place(content->asString(), *id);
            o.specialTokens.push_back(content->asString());
        }
    }
    try {
        return WordPieceTokenizer(std::move(vocab), std::move(o));
    } catch (const std::invalid_argument &e) {
        throw FormatError(path, e.what());
    }
}

WordPieceTokenizer WordPieceTokenizer::fromFolder(const std::string &folder)
{
    const std::string json = folder + "/tokenizer.json";
    if (fileExists(json))
        return fromTokenizerJson(json);
    const std::string txt = folder + "/vocab.txt";
    if (!fileExists(txt))
        throw std::runtime_error(folder + ": no tokenizer.json or vocab.txt (a WordPiece "
                                          "vocabulary is needed)");
    std::vector<std::string> vocab = readVocabTxt(txt);
    WordPieceOptions o;
    const std::string configPath = folder + "/tokenizer_config.json";
    bool haveLowercase = false;
    if (fileExists(configPath)) {
        const JsonDocument doc = JsonDocument::read(configPath);
        const JsonValue &c = doc.root();
        if (const JsonValue *v = c.find("do_lower_case"); v && v->isBool()) {
            o.lowercase = v->asBool();
            haveLowercase = true;
        }
        if (const JsonValue *v = c.find("strip_accents"); v && v->isBool())
            o.stripAccents = v->asBool();
        if (const JsonValue *v = c.find("tokenize_chinese_chars"); v && v->isBool())
            o.splitCjk = v->asBool();
        for (auto [key, dst] : {std::pair{"unk_token", &o.unkToken},
                                {"cls_token", &o.clsToken},
                                {"sep_token", &o.sepToken},
                                {"pad_token", &o.padToken},
                                {"mask_token", &o.maskToken}})
            if (auto name = tokenName(c.find(key)))
                *dst = *name;
    }
    if (!haveLowercase) {
        // An uncased vocabulary has no uppercase letters outside its [SPECIAL] tokens.
        o.lowercase = std::none_of(vocab.begin(), vocab.end(), [](const std::string &t) {
            if (t.size() >= 2 && t.front() == '[' && t.back() == ']')
                return false;
            return std::any_of(t.begin(), t.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; });
        });
    }
    try {
        return WordPieceTokenizer(std::move(vocab), std::move(o));
    } catch (const std::invalid_argument &e) {
        throw FormatError(txt, e.what());
    }
}

} // namespace embex
