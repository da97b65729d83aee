#include "contextual/ContextStudy.h"

#include "project/Pca.h"
#include "project/Procrustes.h"

#include <algorithm>
#include <stdexcept>

namespace embex {

namespace {

/// Piece ids of each word of a tokenization, counting only the first `keptPieces` pieces.
std::vector<std::vector<std::int32_t>> piecesPerWord(const Tokenization &t, std::size_t keptPieces)
{
    std::vector<std::vector<std::int32_t>> out(t.words.size());
    for (std::size_t i = 0; i < keptPieces && i < t.pieces.size(); ++i)
        out[t.pieces[i].word].push_back(t.pieces[i].id);
    return out;
}

std::string_view textOf(std::string_view text, ByteSpan span)
{
    return text.substr(span.begin, span.end - span.begin);
}

} // namespace

std::vector<ByteSpan> findWord(const WordPieceTokenizer &tokenizer, const ContextSentence &sentence,
                               std::string_view word)
{
    const Tokenization target = tokenizer.tokenize(word);
    if (target.pieces.empty())
        return {};
    const auto want = piecesPerWord(target, target.pieces.size());
    const auto have = piecesPerWord(sentence.tokens, sentence.keptPieces);
    const std::size_t k = want.size();
    std::vector<ByteSpan> found;
    for (std::size_t w = 0; w + k <= have.size(); ++w) {
        bool match = true;
        for (std::size_t j = 0; j < k && match; ++j) {
            match = !have[w + j].empty() && have[w + j] == want[j];
            // An unknown word matches only its own text: [UNK] stands for anything.
            if (match && want[j].size() == 1 && want[j][0] == tokenizer.unkId())
                match = textOf(sentence.text, sentence.tokens.words[w + j]) ==
                        textOf(word, target.words[j]);
        }
        if (match) {
            found.push_back({sentence.tokens.words[w].begin, sentence.tokens.words[w + k - 1].end});
            w += k - 1; // occurrences do not overlap
        }
    }
    return found;
}

RowMatrix ContextStudy::vectorsAt(std::size_t layer) const
{
    if (layer >= layerCount())
        throw std::invalid_argument("layer " + std::to_string(layer) + " out of range (0-" +
                                    std::to_string(layerCount() - 1) + ")");
    RowMatrix v(Eigen::Index(occurrences.size()), Eigen::Index(hidden));
    for (std::size_t i = 0; i < occurrences.size(); ++i)
        v.row(Eigen::Index(i)) = occurrences[i].target.layers.row(Eigen::Index(layer));
    return v;
}

RowMatrix ContextStudy::vectorsAt(LayerChoice choice) const
{
    RowMatrix v(Eigen::Index(occurrences.size()), Eigen::Index(hidden));
    for (std::size_t i = 0; i < occurrences.size(); ++i)
        v.row(Eigen::Index(i)) = selectLayer(occurrences[i].target.layers, choice);
    return v;
}

ContextStudy runStudy(Encoder &encoder, const StudyRequest &request, Progress &progress)
{
    const BertModel &model = encoder.model();
    const WordPieceTokenizer &tok = model.tokenizer();
    if (request.sentences.empty())
        throw std::invalid_argument("no sentences: type or load at least one");

    // "[bank]" typed as the word means bank, as in the sentences (unless it is "[MASK]" & co.).
    std::string word = request.word;
    const auto &special = tok.specialTokens();
    if (word.size() > 2 && word.front() == '[' && word.back() == ']' &&
        std::find(special.begin(), special.end(), word) == special.end())
        word = word.substr(1, word.size() - 2);

    ContextStudy study;
    ContextAnalysis &a = study.analysis;
    std::vector<std::vector<std::int32_t>> ids;
    std::vector<std::pair<std::size_t, ByteSpan>> spans;
    for (std::size_t s = 0; s < request.sentences.size(); ++s) {
        a.sentences.push_back(prepareSentence(model, request.sentences[s]));
        ContextSentence &cs = a.sentences.back();
        ids.push_back(cs.ids);
        std::vector<ByteSpan> found = cs.targets;
        if (found.empty() && !word.empty())
            found = findWord(tok, cs, word);
        if (found.empty())
            study.sentencesWithoutTarget.push_back(s + 1);
        for (const ByteSpan &span : found) {
            if (rowsOfSpan(cs, span).empty())
                throw std::invalid_argument("sentence " + std::to_string(s + 1) + ": target '" +
                                            std::string(textOf(cs.text, span)) + "' has no tokens" +
                                            (cs.truncated()
                                                 ? " within the model's " +
                                                       std::to_string(model.config().maxPositions) +
                                                       "-token limit"
                                                 : std::string()));
            spans.emplace_back(s, span);
        }
    }
    if (spans.empty())
        throw std::invalid_argument(
            word.empty()
                ? std::string("no target: mark a word in square brackets, as in \"the [bank] of "
                              "the river\", or give the word to look for")
                : "'" + word + "' does not occur in any sentence (as the model's " +
                      "tokenizer splits words)");

    if (request.maxOccurrences > 0 && spans.size() > request.maxOccurrences) {
        study.droppedOccurrences = spans.size() - request.maxOccurrences;
        spans.resize(request.maxOccurrences);
    }
    const bool mlm = model.hasMlmHead() && request.predictionCount > 0;
    const std::size_t layers = model.config().layers + 1;
    study.layers = layers;
    study.hidden = model.config().hiddenSize;
    // Sentences go through the encoder a chunk at a time and only the targets' per-layer means
    // and the baseline's sums are kept: memory stays bounded for thousands of sentences (a
    // bert-base batch holds about 40 KB per token).
    detail::BaselineSums sums(layers, study.hidden);
    EncodedBatch states;
    const std::size_t sentenceCount = a.sentences.size();
    std::size_t nextSpan = 0;
    const double encodingShare = mlm ? 0.6 : 0.9;
    for (std::size_t s0 = 0; s0 < sentenceCount; s0 += kStudyChunk) {
        const std::size_t s1 = std::min(sentenceCount, s0 + kStudyChunk);
        const std::vector<std::vector<std::int32_t>> chunk(ids.begin() + std::ptrdiff_t(s0),
                                                           ids.begin() + std::ptrdiff_t(s1));
        SubProgress part(progress, encodingShare * double(s0) / double(sentenceCount),
                         encodingShare * double(s1) / double(sentenceCount));
        encoder.encodeInto(chunk, states, part);
        sums.add(states, std::span(a.sentences).subspan(s0, s1 - s0), tok);
        for (; nextSpan < spans.size() && spans[nextSpan].first < s1; ++nextSpan) {
            const auto &[s, span] = spans[nextSpan];
            Occurrence o;
            o.target.sentence = s;
            o.target.span = span;
            o.target.word = std::string(textOf(a.sentences[s].text, span));
            o.target.rows = rowsOfSpan(a.sentences[s], span);
            o.target.layers = meanPerLayer(states, s - s0, o.target.rows);
            study.occurrences.push_back(std::move(o));
        }
    }
    states = EncodedBatch();
    study.baseline = sums.means();
    for (const Occurrence &o : study.occurrences)
        a.targets.push_back(o.target);

    if (mlm) {
        // One sentence per occurrence with its pieces replaced by a single [MASK], in chunks.
        const std::size_t n = study.occurrences.size();
        for (std::size_t i0 = 0; i0 < n; i0 += kStudyChunk) {
            const std::size_t i1 = std::min(n, i0 + kStudyChunk);
            std::vector<std::vector<std::int32_t>> masked;
            for (std::size_t i = i0; i < i1; ++i) {
                const ContextTarget &t = study.occurrences[i].target;
                const std::vector<std::int32_t> &orig = a.sentences[t.sentence].ids;
                const std::size_t first = t.rows.front(), last = t.rows.back();
                std::vector<std::int32_t> m(orig.begin(), orig.begin() + std::ptrdiff_t(first));
                m.push_back(tok.maskId());
                m.insert(m.end(), orig.begin() + std::ptrdiff_t(last) + 1, orig.end());
                masked.push_back(std::move(m));
            }
            SubProgress predicting(progress, 0.6 + 0.3 * double(i0) / double(n),
                                   0.6 + 0.3 * double(i1) / double(n));
            predicting.report(0, "masked predictions");
            encoder.encodeInto(masked, states, predicting);
            for (std::size_t i = i0; i < i1; ++i)
                study.occurrences[i].predictions = maskedPredictions(
                    model, states, i - i0, study.occurrences[i].target.rows.front(),
                    request.predictionCount);
        }
        study.hasPredictions = true;
    }

    for (Occurrence &o : study.occurrences)
        o.nearest.resize(layers);
    for (std::size_t l = 0; l < layers && request.nearestCount > 0; ++l) {
        progress.check();
        progress.report(0.9 + 0.1 * double(l) / double(layers), "nearest tokens");
        const auto nearest = nearestTokensOfRows(model, study.vectorsAt(l), request.nearestCount);
        for (std::size_t i = 0; i < study.occurrences.size(); ++i)
            study.occurrences[i].nearest[l] = nearest[i];
    }
    progress.report(1.0, "nearest tokens");
    return study;
}

namespace detail {

BaselineSums::BaselineSums(std::size_t layers, std::size_t hidden)
    : m_total(layers, Eigen::VectorXd::Zero(Eigen::Index(hidden))), m_within(layers, 0.0),
      m_n(layers, 0.0), m_n2(layers, 0.0)
{}

void BaselineSums::add(const EncodedBatch &states, std::span<const ContextSentence> sentences,
                       const WordPieceTokenizer &tokenizer)
{
    // Over ordered pairs (i, j) from different sentences: Σ cos = ‖Σ u‖² − Σ_s ‖Σ_{s} u‖², with
    // u the unit rows; the count is N² − Σ_s n_s². Both sums add up sentence by sentence.
    const Eigen::Index h = Eigen::Index(states.hiddenSize());
    for (std::size_t s = 0; s < states.sentenceCount(); ++s) {
        const ContextSentence &cs = sentences[s];
        for (std::size_t l = 0; l < states.layerCount() && l < m_total.size(); ++l) {
            const auto rows = states.states(l, s);
            Eigen::VectorXd sum = Eigen::VectorXd::Zero(h);
            double count = 0;
            for (Eigen::Index r = 0; r < rows.rows(); ++r) {
                const std::int32_t id = cs.ids[std::size_t(r)];
                if (id == tokenizer.clsId() || id == tokenizer.sepId() || id == tokenizer.padId())
                    continue;
                const Eigen::VectorXd v = rows.row(r).transpose().cast<double>();
                const double norm = v.norm();
                if (!(norm > 0))
                    continue;
                sum += v / norm;
                count += 1;
            }
            m_total[l] += sum;
            m_within[l] += sum.squaredNorm();
            m_n[l] += count;
            m_n2[l] += count * count;
        }
    }
}

std::vector<double> BaselineSums::means() const
{
    std::vector<double> out(m_total.size(), std::numeric_limits<double>::quiet_NaN());
    for (std::size_t l = 0; l < m_total.size(); ++l) {
        const double pairs = m_n[l] * m_n[l] - m_n2[l];
        if (pairs > 0)
            out[l] = (m_total[l].squaredNorm() - m_within[l]) / pairs;
    }
    return out;
}

} // namespace detail

std::vector<double> anisotropyBaseline(const ContextAnalysis &analysis,
                                       const WordPieceTokenizer &tokenizer)
{
    detail::BaselineSums sums(analysis.states.layerCount(), analysis.states.hiddenSize());
    sums.add(analysis.states, analysis.sentences, tokenizer);
    return sums.means();
}

double meanPairCosine(const Eigen::MatrixXf &cosine)
{
    const Eigen::Index n = cosine.rows();
    if (n < 2)
        return std::numeric_limits<double>::quiet_NaN();
    double sum = 0;
    for (Eigen::Index i = 0; i < n; ++i)
        for (Eigen::Index j = 0; j < n; ++j)
            if (i != j)
                sum += double(cosine(i, j));
    return sum / double(n * (n - 1));
}

SenseGap senseGap(const Eigen::MatrixXf &cosine, std::span<const int> groups)
{
    if (groups.size() != std::size_t(cosine.rows()))
        throw std::invalid_argument("senseGap: one group per row needed");
    double within = 0, between = 0;
    std::size_t nw = 0, nb = 0;
    for (Eigen::Index i = 0; i < cosine.rows(); ++i)
        for (Eigen::Index j = i + 1; j < cosine.rows(); ++j) {
            if (groups[std::size_t(i)] == groups[std::size_t(j)]) {
                within += double(cosine(i, j));
                ++nw;
            } else {
                between += double(cosine(i, j));
                ++nb;
            }
        }
    SenseGap g;
    if (nw > 0)
        g.within = within / double(nw);
    if (nb > 0)
        g.between = between / double(nb);
    return g;
}

namespace {

/// Average-linkage agglomeration down to `threshold`; the linkage of every merge made goes to
/// `levels` when given.
std::vector<int> agglomerate(const Eigen::MatrixXf &cosine, double threshold,
                             std::vector<double> *levels)
{
    const std::size_t n = std::size_t(cosine.rows());
    if (cosine.cols() != cosine.rows())
        throw std::invalid_argument("clusterByCosine: the matrix must be square");
    // sum(a, b) = Σ cosine over members of a × members of b; the linkage is its mean. A group
    // keeps the lowest index of the two it was made of.
    Eigen::MatrixXd sum = cosine.cast<double>();
    std::vector<double> size(n, 1.0);
    std::vector<bool> active(n, true);
    std::vector<std::size_t> parent(n);
    for (std::size_t i = 0; i < n; ++i)
        parent[i] = i;
    const auto link = [&](std::size_t a, std::size_t b) {
        return sum(Eigen::Index(a), Eigen::Index(b)) / (size[a] * size[b]);
    };
    // best[i]: the partner with the highest linkage (lowest index on ties), n if none.
    std::vector<std::size_t> best(n, n);
    const auto refresh = [&](std::size_t i) {
        best[i] = n;
        for (std::size_t j = 0; j < n; ++j)
            if (j != i && active[j] && (best[i] == n || link(i, j) > link(i, best[i])))
                best[i] = j;
    };
    for (std::size_t i = 0; i < n; ++i)
        refresh(i);
    for (std::size_t step = 1; step < n; ++step) {
        std::size_t a = n;
        for (std::size_t i = 0; i < n; ++i)
            if (active[i] && best[i] < n && (a == n || link(i, best[i]) > link(a, best[a])))
                a = i;
        if (a == n || !(link(a, best[a]) >= threshold))
            break;
        if (levels)
            levels->push_back(link(a, best[a]));
        std::size_t b = best[a];
        if (b < a)
            std::swap(a, b);
        // Merge b into a.
        for (std::size_t k = 0; k < n; ++k) {
            sum(Eigen::Index(a), Eigen::Index(k)) += sum(Eigen::Index(b), Eigen::Index(k));
            sum(Eigen::Index(k), Eigen::Index(a)) = sum(Eigen::Index(a), Eigen::Index(k));
        }
        size[a] += size[b];
        active[b] = false;
        parent[b] = a;
        refresh(a);
        for (std::size_t k = 0; k < n; ++k) {
            if (!active[k] || k == a)
                continue;
            if (best[k] == a || best[k] == b)
                refresh(k);
            else if (link(k, a) > link(k, best[k]) ||
                     (link(k, a) == link(k, best[k]) && a < best[k]))
                best[k] = a;
        }
    }
    // Label by first appearance.
    std::vector<int> label(n, -1), out(n);
    int next = 0;
    for (std::size_t i = 0; i < n; ++i) {
        std::size_t root = i;
        while (parent[root] != root)
            root = parent[root];
        if (label[root] < 0)
            label[root] = next++;
        out[i] = label[root];
    }
    return out;
}

} // namespace

std::vector<int> clusterByCosine(const Eigen::MatrixXf &cosine, double threshold)
{
    return agglomerate(cosine, threshold, nullptr);
}

std::vector<double> mergeLevels(const Eigen::MatrixXf &cosine)
{
    std::vector<double> levels;
    agglomerate(cosine, -std::numeric_limits<double>::infinity(), &levels);
    return levels;
}

std::optional<double> suggestThreshold(const Eigen::MatrixXf &cosine, int maxGroups)
{
    const std::vector<double> levels = mergeLevels(cosine);
    const int n = int(cosine.rows());
    if (n < 3 || int(levels.size()) != n - 1)
        return std::nullopt;
    // Cutting between merge k and k + 1 leaves n − 1 − k groups.
    int bestK = -1;
    double widest = -1;
    for (int k = 0; k + 1 < int(levels.size()); ++k) {
        const int groups = n - 1 - k;
        const double gap = levels[std::size_t(k)] - levels[std::size_t(k) + 1];
        if (groups >= 2 && groups <= maxGroups && gap >= widest) { // ties: fewer groups
            widest = gap;
            bestK = k;
        }
    }
    if (bestK < 0)
        return std::nullopt;
    return 0.5 * (levels[std::size_t(bestK)] + levels[std::size_t(bestK) + 1]);
}

std::vector<RowMatrix> layerFrames(const ContextStudy &study)
{
    std::vector<RowMatrix> frames;
    const Eigen::Index n = Eigen::Index(study.occurrences.size());
    for (std::size_t l = 0; l < study.layerCount(); ++l) {
        RowMatrix frame = RowMatrix::Zero(n, 2);
        if (n >= 2) {
            const RowMatrix v = study.vectorsAt(l);
            PcaOptions po;
            po.components = 2;
            po.normalizeRows = true;
            po.threads = 1;
            const PcaResult p = pca(ConstRowMap(v.data(), v.rows(), v.cols()), po);
            frame.leftCols(p.coords.cols()) = p.coords;
            if (!frames.empty()) {
                ProcrustesOptions o;
                o.translate = false; // both frames are centred
                const RowMatrix &prev = frames.back();
                frame = alignTo(ConstRowMap(frame.data(), n, 2), ConstRowMap(prev.data(), n, 2), o);
            }
        }
        frames.push_back(std::move(frame));
    }
    return frames;
}

} // namespace embex
