#pragma once
// One word across sentences and layers: the context lab's analysis, Qt-free so the CLI and the
// tests use it too. A study encodes the sentences once, finds every occurrence of the target,
// and keeps per occurrence its vector at every layer, the nearest vocabulary tokens of those
// vectors and, with an MLM head, what the model predicts when the word is masked. The per-layer
// measures follow Ethayarajh (2019), "How contextual are contextualized word representations?":
// self-similarity (mean cosine between a word's occurrences) next to the anisotropy baseline
// (mean cosine between unrelated tokens at that layer), and the gap between sense groups.
#include "contextual/ContextVectors.h"

#include <cmath>
#include <cstddef>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace embex {

/// Every occurrence of `word` in a sentence: runs of consecutive tokenizer words whose
/// word-pieces equal those of `word` tokenized by the same tokenizer (so case and accents match
/// as the model sees them: "Bank" finds "bank" in an uncased model, not "banks"). `word` may
/// hold several words ("New York"). Words that become [UNK] match only when their text is
/// equal. Only pieces kept by truncation count. Empty for a word without pieces.
std::vector<ByteSpan> findWord(const WordPieceTokenizer &tokenizer, const ContextSentence &sentence,
                               std::string_view word);

/// What to study.
struct StudyRequest
{
    /// One sentence per entry. A sentence with [markers] uses its marked words as targets;
    /// the others use every occurrence of `word`.
    std::vector<std::string> sentences;
    /// The target word for sentences without markers (may be empty when all are marked).
    std::string word;
    /// Nearest vocabulary tokens kept per occurrence and layer, and MLM predictions kept per
    /// occurrence; 0 skips that work (the predictions need a second encoding pass).
    std::size_t nearestCount = 5;
    std::size_t predictionCount = 5;
    /// At most this many occurrences are studied (the first ones); 0 = all.
    std::size_t maxOccurrences = 0;
};

/// One occurrence of the target.
struct Occurrence
{
    ContextTarget target;
    /// nearest[l]: the vocabulary tokens whose input embeddings are closest (cosine) to the
    /// occurrence's vector at layer l.
    std::vector<std::vector<TokenScore>> nearest;
    /// The MLM head's top predictions when the occurrence's pieces are replaced by one [MASK]
    /// (empty when the model has no MLM head or none were asked for).
    std::vector<TokenScore> predictions;
};

/// Sentences per encoder batch in runStudy().
inline constexpr std::size_t kStudyChunk = 32;

/// The result of runStudy(). Value type; share it as ContextStudyPtr.
struct ContextStudy
{
    /// The sentences and the targets; analysis.states is left empty (the hidden states are not
    /// kept, only the targets' per-layer means).
    ContextAnalysis analysis;
    /// Hidden states per token (the model's layers + 1) and their width.
    std::size_t layers = 0, hidden = 0;
    std::vector<Occurrence> occurrences;
    /// Per hidden state (layer 0 = embedding output): the mean cosine between all pairs of
    /// tokens of different sentences, special tokens left out (NaN with fewer than two
    /// sentences that hold such tokens). High values mean an anisotropic layer, where any two
    /// vectors look alike.
    std::vector<double> baseline;
    /// 1-based numbers of the sentences in which no target was found.
    std::vector<std::size_t> sentencesWithoutTarget;
    /// Occurrences past StudyRequest::maxOccurrences, left out.
    std::size_t droppedOccurrences = 0;
    /// Whether the occurrences carry masked predictions (an MLM head and predictionCount > 0).
    bool hasPredictions = false;

    std::size_t layerCount() const { return layers; }
    /// n × hidden: the occurrences' vectors at one hidden state.
    RowMatrix vectorsAt(std::size_t layer) const;
    /// n × hidden: the occurrences' vectors at a layer choice (selectLayer() of each).
    RowMatrix vectorsAt(LayerChoice choice) const;
};
using ContextStudyPtr = std::shared_ptr<const ContextStudy>;

/// Encodes the sentences (batches of kStudyChunk, keeping only what the study needs, so memory
/// stays bounded), finds the targets, their nearest tokens at every layer and the masked
/// predictions (a second pass of one masked sentence per occurrence). Throws
/// std::invalid_argument for no sentences, a marked target without tokens, or no occurrence at
/// all (naming the word); Cancelled from the progress. Progress stages: "encoding", "masked
/// predictions", "nearest tokens".
ContextStudy runStudy(Encoder &encoder, const StudyRequest &request,
                      Progress &progress = nullProgress());

/// Mean cosine, per hidden state, of all pairs of tokens from different sentences (special
/// tokens left out) of an analysis with its states, computed exactly in O(tokens × hidden)
/// (the sum of unit vectors trick); see ContextStudy::baseline.
std::vector<double> anisotropyBaseline(const ContextAnalysis &analysis,
                                       const WordPieceTokenizer &tokenizer);

namespace detail {
/// The sums behind anisotropyBaseline(), added batch by batch.
class BaselineSums
{
public:
    BaselineSums(std::size_t layers, std::size_t hidden);
    /// The batch's sentences (sentences[s] is the batch's sentence s).
    void add(const EncodedBatch &states, std::span<const ContextSentence> sentences,
             const WordPieceTokenizer &tokenizer);
    std::vector<double> means() const;

private:
    std::vector<Eigen::VectorXd> m_total;
    std::vector<double> m_within, m_n, m_n2; // per layer: Σ_s ‖Σ_s u‖², N, Σ_s n_s²
};
} // namespace detail

/// Mean of the off-diagonal entries of a cosine matrix (Ethayarajh's self-similarity when the
/// rows are one word's occurrences); NaN below two rows.
double meanPairCosine(const Eigen::MatrixXf &cosine);

/// Mean cosine of pairs in the same group and in different groups.
struct SenseGap
{
    double within = std::numeric_limits<double>::quiet_NaN();
    double between = std::numeric_limits<double>::quiet_NaN();
    /// within − between; NaN unless both exist (two groups, one of them with two members).
    double gap() const { return within - between; }
};
SenseGap senseGap(const Eigen::MatrixXf &cosine, std::span<const int> groups);

/// Agglomerative clustering with average linkage on cosine similarity: starting from single
/// occurrences, the two groups with the highest mean pairwise cosine are merged while that mean
/// is at least `threshold` (ties: the lowest group numbers). Returns a group per row, numbered
/// 0, 1, … in order of first appearance. O(n²) memory, O(n³) time worst case: meant for up to
/// a few thousand occurrences.
std::vector<int> clusterByCosine(const Eigen::MatrixXf &cosine, double threshold);

/// The linkage (mean cosine) of each merge clusterByCosine() makes with no threshold, in merge
/// order: n − 1 values, never increasing (average linkage is monotone up to rounding). After
/// merge k there are n − 1 − k groups.
std::vector<double> mergeLevels(const Eigen::MatrixXf &cosine);

/// A threshold for clusterByCosine() at the widest gap between consecutive merge levels that
/// leaves 2 to maxGroups groups (the usual "cut the dendrogram where it is tallest" rule): the
/// middle of that gap. nullopt below three rows.
std::optional<double> suggestThreshold(const Eigen::MatrixXf &cosine, int maxGroups = 6);

/// The occurrences projected to 2-D at every layer: frame l is the PCA (rows unit-normalised,
/// so it shows cosine geometry) of the vectors at layer l, rotated (or reflected) to best fit
/// frame l − 1, so that moving through the layers moves the points as little as the geometry
/// allows. With one occurrence every frame is the origin.
std::vector<RowMatrix> layerFrames(const ContextStudy &study);

} // namespace embex
