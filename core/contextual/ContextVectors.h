#pragma once
// Contextual word vectors: a word's vector in a sentence is the mean of its word-pieces' hidden
// states at a chosen layer (or the mean of the last four layers). Targets are marked in the
// sentence text with square brackets ("I sat on the [bank] of the river") or chosen by a byte
// span (a click on a word). Also the model's view of a position (the masked-language-model
// head's top predictions) and of any vector (the nearest input embeddings).
//
// Everything here is a pure function of its arguments; thread-safe as far as the arguments are.
#include "contextual/Encoder.h"
#include "contextual/WordPiece.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace embex {

/// A sentence with its target markers removed.
struct MarkedSentence
{
    std::string text;
    /// Byte spans in text of the marked targets, in order.
    std::vector<ByteSpan> targets;
};

/// Removes the target markers: "[word]" marks word (any text without brackets, several words
/// allowed: "[New York]"). A bracketed special token of the tokenizer ("[MASK]", "[SEP]") is
/// kept as it is, as are unmatched or empty brackets.
MarkedSentence parseMarkedSentence(std::string_view marked, const WordPieceTokenizer &tokenizer);

/// A sentence prepared for the encoder.
struct ContextSentence
{
    std::string text;
    std::vector<ByteSpan> targets;
    Tokenization tokens;
    /// [CLS], the pieces that fit, [SEP]: row r of the sentence's hidden states belongs to
    /// ids[r]; piece i is row i + 1.
    std::vector<std::int32_t> ids;
    /// Pieces that fit in the model's positions; the rest are cut (as Hugging Face's
    /// truncation=True).
    std::size_t keptPieces = 0;
    bool truncated() const { return keptPieces < tokens.pieces.size(); }
};

/// Parses the markers and tokenizes for the model.
ContextSentence prepareSentence(const BertModel &model, std::string_view marked);
/// The same for a text without markers.
ContextSentence prepareText(const BertModel &model, std::string text);

/// Rows (in the sentence's hidden states; [CLS] is row 0) of the kept pieces that overlap a
/// byte span of the text. Empty when none does (a span of spaces, a word cut by truncation).
std::vector<std::size_t> rowsOfSpan(const ContextSentence &sentence, ByteSpan span);

/// The word (as the tokenizer splits words: punctuation apart) at a byte offset of the text,
/// for a click; nullopt between words.
std::optional<ByteSpan> wordAt(const ContextSentence &sentence, std::size_t byte);

/// Which hidden state a word's vector comes from.
struct LayerChoice
{
    enum class Kind { Layer, LastFourMean };
    Kind kind = Kind::Layer;
    /// With Kind::Layer: 0 = embedding output, 1..L = transformer layers; negative counts
    /// from the end (-1 = last, the default).
    int layer = -1;

    static LayerChoice index(int layer) { return {Kind::Layer, layer}; }
    static LayerChoice lastFourMean() { return {Kind::LastFourMean, -1}; }
};

/// (layers + 1) × hidden: row l is the mean over `rows` of the sentence's hidden states at
/// layer l. Throws std::invalid_argument for an empty or out-of-range row list.
RowMatrix meanPerLayer(const EncodedBatch &batch, std::size_t sentence,
                       std::span<const std::size_t> rows);

/// One row of a meanPerLayer() matrix, or the mean of its last four rows (all rows when it has
/// fewer). Throws std::invalid_argument for a layer out of range.
RowVector selectLayer(const RowMatrix &perLayer, LayerChoice choice);

/// Cosine similarity of every pair of rows (n × n, symmetric, 1 on the diagonal for non-zero
/// rows; 0 for a zero row). Computed in double precision.
Eigen::MatrixXf cosineMatrix(const RowMatrix &vectors);

/// A token and a score: a probability (masked predictions) or a cosine (nearest tokens).
struct TokenScore
{
    std::int32_t id = 0;
    std::string token;
    float score = 0;
};

/// The MLM head's k most probable tokens (softmax over the vocabulary) at one row of a
/// sentence, usually a [MASK]. Throws std::logic_error without an MLM head
/// (BertModel::hasMlmHead()), std::invalid_argument for a row out of range.
std::vector<TokenScore> maskedPredictions(const BertModel &model, const EncodedBatch &batch,
                                          std::size_t sentence, std::size_t row, std::size_t k);

/// The k vocabulary tokens whose input embeddings have the highest cosine with a vector of
/// hidden size (ties by id). Tokens of the form "[...]" ([PAD], [unused7], [CLS]) are left out
/// when skipBracketed.
std::vector<TokenScore> nearestTokens(const BertModel &model, std::span<const float> vector,
                                      std::size_t k, bool skipBracketed = true);
/// nearestTokens() of every row of a matrix (rows × hidden), with one matrix product for all
/// rows: result[i] belongs to row i.
std::vector<std::vector<TokenScore>> nearestTokensOfRows(const BertModel &model,
                                                         const RowMatrix &vectors, std::size_t k,
                                                         bool skipBracketed = true);

/// One marked target of a batch.
struct ContextTarget
{
    std::size_t sentence = 0;
    ByteSpan span;
    std::string word;
    /// Its rows in the sentence's hidden states.
    std::vector<std::size_t> rows;
    /// meanPerLayer() of those rows: (layers + 1) × hidden.
    RowMatrix layers;
};

/// Sentences with their hidden states and their targets' vectors.
struct ContextAnalysis
{
    std::vector<ContextSentence> sentences;
    EncodedBatch states;
    std::vector<ContextTarget> targets;
};

/// The whole path for the CLI and the GUI: parse markers, tokenize, encode the batch, and the
/// per-layer vectors of every marked target. Sentences without markers are encoded too (pick
/// words later with wordAt / rowsOfSpan). Throws std::invalid_argument naming the sentence
/// when a target has no tokens (only spaces or control characters, or cut by truncation);
/// Cancelled from the progress.
ContextAnalysis analyzeSentences(Encoder &encoder, const std::vector<std::string> &marked,
                                 Progress &progress = nullProgress());

/// A target chosen after encoding (a click: wordAt() gives the span) in sentence `sentence`
/// (0-based) of an analysis. Throws std::invalid_argument as analyzeSentences() does, and for a
/// span outside the text.
ContextTarget makeTarget(const BertModel &model, const ContextAnalysis &analysis,
                         std::size_t sentence, ByteSpan span);

} // namespace embex
