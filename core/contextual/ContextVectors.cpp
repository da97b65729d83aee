#include "contextual/ContextVectors.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace embex {

MarkedSentence parseMarkedSentence(std::string_view marked, const WordPieceTokenizer &tokenizer)
{
    MarkedSentence out;
    std::size_t i = 0;
    while (i < marked.size()) {
        if (marked[i] != '[') {
            out.text += marked[i++];
            continue;
        }
        const std::size_t close = marked.find(']', i + 1);
        const std::size_t open = marked.find('[', i + 1);
        const bool matched =
            close != std::string_view::npos && (open == std::string_view::npos || open > close);
        if (matched) {
            const std::string_view whole = marked.substr(i, close - i + 1);
            const auto &special = tokenizer.specialTokens();
            const bool isSpecial =
                std::find(special.begin(), special.end(), whole) != special.end();
            if (!isSpecial && close > i + 1) {
                const std::size_t begin = out.text.size();
                out.text += marked.substr(i + 1, close - i - 1);
                out.targets.push_back({begin, out.text.size()});
                i = close + 1;
                continue;
            }
        }
        out.text += marked[i++];
    }
    return out;
}

namespace {

ContextSentence tokenizeForModel(const BertModel &model, std::string text,
                                 std::vector<ByteSpan> targets)
{
    const WordPieceTokenizer &tok = model.tokenizer();
    ContextSentence s;
    s.text = std::move(text);
    s.targets = std::move(targets);
    s.tokens = tok.tokenize(s.text);
    const std::size_t room = model.config().maxPositions >= 2 ? model.config().maxPositions - 2 : 0;
    s.keptPieces = std::min(room, s.tokens.pieces.size());
    s.ids.reserve(s.keptPieces + 2);
    s.ids.push_back(tok.clsId());
    for (std::size_t i = 0; i < s.keptPieces; ++i)
        s.ids.push_back(s.tokens.pieces[i].id);
    s.ids.push_back(tok.sepId());
    return s;
}

} // namespace

ContextSentence prepareSentence(const BertModel &model, std::string_view marked)
{
    MarkedSentence m = parseMarkedSentence(marked, model.tokenizer());
    return tokenizeForModel(model, std::move(m.text), std::move(m.targets));
}

ContextSentence prepareText(const BertModel &model, std::string text)
{
    return tokenizeForModel(model, std::move(text), {});
}

std::vector<std::size_t> rowsOfSpan(const ContextSentence &sentence, ByteSpan span)
{
    std::vector<std::size_t> rows;
    for (std::size_t i = 0; i < sentence.keptPieces; ++i) {
        const WordPieceToken &p = sentence.tokens.pieces[i];
        if (p.begin < span.end && span.begin < p.end)
            rows.push_back(i + 1);
    }
    return rows;
}

std::optional<ByteSpan> wordAt(const ContextSentence &sentence, std::size_t byte)
{
    for (const ByteSpan &w : sentence.tokens.words)
        if (w.begin <= byte && byte < w.end)
            return w;
    return std::nullopt;
}

RowMatrix meanPerLayer(const EncodedBatch &batch, std::size_t sentence,
                       std::span<const std::size_t> rows)
{
    if (sentence >= batch.sentenceCount())
        throw std::invalid_argument("sentence " + std::to_string(sentence) + " out of range");
    if (rows.empty())
        throw std::invalid_argument("no token rows to average");
    const std::size_t n = batch.tokenCount(sentence);
    for (std::size_t r : rows)
        if (r >= n)
            throw std::invalid_argument("row " + std::to_string(r) + " out of range (sentence " +
                                        std::to_string(sentence) + " has " + std::to_string(n) +
                                        " tokens)");
    RowMatrix out(Eigen::Index(batch.layerCount()), Eigen::Index(batch.hiddenSize()));
    for (std::size_t l = 0; l < batch.layerCount(); ++l) {
        const auto states = batch.states(l, sentence);
        Eigen::RowVectorXd sum = Eigen::RowVectorXd::Zero(out.cols());
        for (std::size_t r : rows)
            sum += states.row(Eigen::Index(r)).cast<double>();
        out.row(Eigen::Index(l)) = (sum / double(rows.size())).cast<float>();
    }
    return out;
}

RowVector selectLayer(const RowMatrix &perLayer, LayerChoice choice)
{
    const auto n = perLayer.rows();
    if (n == 0)
        throw std::invalid_argument("no layers");
    if (choice.kind == LayerChoice::Kind::LastFourMean) {
        const Eigen::Index k = std::min<Eigen::Index>(4, n);
        return perLayer.bottomRows(k).cast<double>().colwise().mean().cast<float>();
    }
    const Eigen::Index l = choice.layer < 0 ? n + choice.layer : choice.layer;
    if (l < 0 || l >= n)
        throw std::invalid_argument("layer " + std::to_string(choice.layer) +
                                    " out of range (0 to " + std::to_string(n - 1) + ")");
    return perLayer.row(l);
}

Eigen::MatrixXf cosineMatrix(const RowMatrix &vectors)
{
    const Eigen::MatrixXd v = vectors.cast<double>();
    Eigen::VectorXd inv = v.rowwise().norm();
    for (Eigen::Index i = 0; i < inv.size(); ++i)
        inv[i] = inv[i] > 0 ? 1.0 / inv[i] : 0.0;
    const Eigen::MatrixXd unit = inv.asDiagonal() * v;
    Eigen::MatrixXd c = unit * unit.transpose();
    for (Eigen::Index i = 0; i < c.rows(); ++i)
        if (inv[i] > 0)
            c(i, i) = 1.0; // exactly, not 1 ± rounding
    return c.cast<float>();
}

namespace {

/// The k best (highest score, then lowest id) of a score per id.
std::vector<TokenScore> topK(const BertModel &model, const Eigen::VectorXf &scores, std::size_t k,
                             bool skipBracketed)
{
    const WordPieceTokenizer &tok = model.tokenizer();
    std::vector<std::int32_t> ids;
    ids.reserve(std::size_t(scores.size()));
    for (Eigen::Index i = 0; i < scores.size(); ++i) {
        const std::string &t = tok.token(std::int32_t(i));
        if (skipBracketed && t.size() >= 2 && t.front() == '[' && t.back() == ']')
            continue;
        ids.push_back(std::int32_t(i));
    }
    k = std::min(k, ids.size());
    std::partial_sort(ids.begin(), ids.begin() + std::ptrdiff_t(k), ids.end(),
                      [&](std::int32_t a, std::int32_t b) {
                          return scores[a] != scores[b] ? scores[a] > scores[b] : a < b;
                      });
    std::vector<TokenScore> out;
    for (std::size_t i = 0; i < k; ++i)
        out.push_back({ids[i], tok.token(ids[i]), scores[ids[i]]});
    return out;
}

} // namespace

std::vector<TokenScore> maskedPredictions(const BertModel &model, const EncodedBatch &batch,
                                          std::size_t sentence, std::size_t row, std::size_t k)
{
    if (!model.hasMlmHead())
        throw std::logic_error("the model has no masked-language-model head");
    if (sentence >= batch.sentenceCount() || row >= batch.tokenCount(sentence))
        throw std::invalid_argument("row " + std::to_string(row) + " of sentence " +
                                    std::to_string(sentence) + " out of range");
    const auto last = batch.states(batch.layerCount() - 1, sentence);
    const RowMatrix logits = mlmLogits(model, last.row(Eigen::Index(row)));
    // Softmax in double: probabilities that sum to 1 over the whole vocabulary.
    const Eigen::Index n = logits.cols();
    double top = -std::numeric_limits<double>::infinity(), sum = 0;
    for (Eigen::Index j = 0; j < n; ++j)
        top = std::max(top, double(logits(0, j)));
    std::vector<double> e(static_cast<std::size_t>(n));
    for (Eigen::Index j = 0; j < n; ++j)
        sum += e[std::size_t(j)] = std::exp(double(logits(0, j)) - top);
    Eigen::VectorXf p(n);
    for (Eigen::Index j = 0; j < n; ++j)
        p[j] = float(e[std::size_t(j)] / sum);
    return topK(model, p, k, false);
}

std::vector<TokenScore> nearestTokens(const BertModel &model, std::span<const float> vector,
                                      std::size_t k, bool skipBracketed)
{
    const RowMatrix &emb = model.weights().wordEmbeddings;
    if (vector.size() != std::size_t(emb.cols()))
        throw std::invalid_argument("vector has " + std::to_string(vector.size()) +
                                    " dimensions, the model " + std::to_string(emb.cols()));
    const Eigen::Map<const Eigen::VectorXf> v(vector.data(), Eigen::Index(vector.size()));
    const float norm = v.norm();
    Eigen::VectorXf cos = emb * v;
    cos = cos.cwiseProduct(model.inverseEmbeddingNorms()) * (norm > 0 ? 1.0f / norm : 0.0f);
    return topK(model, cos, k, skipBracketed);
}

std::vector<std::vector<TokenScore>> nearestTokensOfRows(const BertModel &model,
                                                         const RowMatrix &vectors, std::size_t k,
                                                         bool skipBracketed)
{
    const RowMatrix &emb = model.weights().wordEmbeddings;
    if (vectors.rows() > 0 && vectors.cols() != emb.cols())
        throw std::invalid_argument("vectors have " + std::to_string(vectors.cols()) +
                                    " dimensions, the model " + std::to_string(emb.cols()));
    // vocab × rows: every token's dot product with every row, one product.
    const Eigen::MatrixXf dots = emb * vectors.transpose();
    std::vector<std::vector<TokenScore>> out;
    out.reserve(std::size_t(vectors.rows()));
    for (Eigen::Index i = 0; i < vectors.rows(); ++i) {
        const float norm = vectors.row(i).norm();
        const Eigen::VectorXf cos = dots.col(i).cwiseProduct(model.inverseEmbeddingNorms()) *
                                    (norm > 0 ? 1.0f / norm : 0.0f);
        out.push_back(topK(model, cos, k, skipBracketed));
    }
    return out;
}

namespace {

/// A target's rows, or std::invalid_argument naming the sentence (1-based) and the word.
ContextTarget locateTarget(const BertModel &model, const std::vector<ContextSentence> &sentences,
                           std::size_t s, ByteSpan span)
{
    if (s >= sentences.size())
        throw std::invalid_argument("sentence " + std::to_string(s + 1) + " out of range");
    const ContextSentence &cs = sentences[s];
    if (span.begin >= span.end || span.end > cs.text.size())
        throw std::invalid_argument("sentence " + std::to_string(s + 1) + ": span [" +
                                    std::to_string(span.begin) + ", " + std::to_string(span.end) +
                                    ") is not inside the text");
    ContextTarget t;
    t.sentence = s;
    t.span = span;
    t.word = cs.text.substr(span.begin, span.end - span.begin);
    t.rows = rowsOfSpan(cs, span);
    if (t.rows.empty()) {
        const bool cut = cs.truncated() && span.begin >= cs.tokens.pieces[cs.keptPieces].begin;
        throw std::invalid_argument(
            "sentence " + std::to_string(s + 1) + ": target '" + t.word + "' has no tokens" +
            (cut ? " within the model's " + std::to_string(model.config().maxPositions) +
                       "-token limit"
                 : std::string()));
    }
    return t;
}

} // namespace

ContextTarget makeTarget(const BertModel &model, const ContextAnalysis &analysis,
                         std::size_t sentence, ByteSpan span)
{
    ContextTarget t = locateTarget(model, analysis.sentences, sentence, span);
    t.layers = meanPerLayer(analysis.states, t.sentence, t.rows);
    return t;
}

ContextAnalysis analyzeSentences(Encoder &encoder, const std::vector<std::string> &marked,
                                 Progress &progress)
{
    const BertModel &model = encoder.model();
    ContextAnalysis a;
    std::vector<std::vector<std::int32_t>> ids;
    for (const std::string &m : marked) {
        a.sentences.push_back(prepareSentence(model, m));
        ids.push_back(a.sentences.back().ids);
    }
    // Targets are checked before the (long) encoding.
    for (std::size_t s = 0; s < a.sentences.size(); ++s)
        for (const ByteSpan &span : a.sentences[s].targets)
            a.targets.push_back(locateTarget(model, a.sentences, s, span));
    a.states = encoder.encode(ids, progress);
    for (ContextTarget &t : a.targets)
        t.layers = meanPerLayer(a.states, t.sentence, t.rows);
    return a;
}

} // namespace embex
