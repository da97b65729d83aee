#pragma once
// What every trainer shares: options, live statistics, snapshots, the observer, the result.
#include "train/Corpus.h"
#include "util/Progress.h"
#include "vectors/EmbeddingSet.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace embex {

/// The models Embex trains.
enum class TrainModel {
    SkipGram,     ///< word2vec skip-gram: predict the context words from the centre word
    Cbow,         ///< word2vec CBOW: predict the centre word from the mean of its context
    GloVe,        ///< GloVe: weighted least squares on log co-occurrence counts
    FastText,     ///< fastText skip-gram with character n-grams (libfasttext)
    FastTextCbow, ///< fastText CBOW with character n-grams (libfasttext)
};

/// "skipgram", "cbow", "glove", "fasttext", "fasttext-cbow".
std::string_view trainModelName(TrainModel model);
/// Inverse of trainModelName (also accepts "sg", "skip-gram"); throws std::invalid_argument.
TrainModel parseTrainModel(std::string_view name);

/// Options of every trainer. Defaults follow word2vec.c / gensim, GloVe's demo.sh and
/// fastText; fields a model does not use are ignored. `-1` means "the model's default".
struct TrainOptions
{
    TrainModel model = TrainModel::SkipGram;
    int dim = 100;        ///< vector size; default 100
    int window = -1;      ///< context window; default 5 (word2vec, fastText), 10 (GloVe)
    int epochs = -1;      ///< passes; default 5 (word2vec, fastText), 15 (GloVe)
    double alpha = -1;    ///< start learning rate; default 0.025 skip-gram,
                          ///< 0.05 CBOW and GloVe, 0.05 fastText
    double minAlpha = -1; ///< end learning rate (linear decay); default alpha * 1e-4
    int negative = 5;     ///< negative samples (0 = none); default 5
    bool hierarchicalSoftmax = false; ///< word2vec: Huffman-tree softmax; default off
    double sample = 1e-3;             ///< frequent-word subsampling threshold t; 0 = off
    bool dynamicWindow = true;        ///< word2vec: window size drawn uniformly in [1, window]
    double xMax = 10;                 ///< GloVe weighting cut-off; default 10
    double gloveAlphaPower = 0.75;    ///< GloVe weighting exponent; default 0.75
    std::size_t gloveMemoryBytes = std::size_t(1) << 30; ///< GloVe co-occurrence memory cap
    int minN = 3, maxN = 6;  ///< fastText character n-gram lengths; default 3..6
    int buckets = 2'000'000; ///< fastText hash buckets for n-grams; default 2,000,000
    int threads = 0;         ///< 0 = all cores
    std::uint64_t seed = 1;  ///< same seed + one thread = same vectors
    /// Snapshots of the vectors published while training: at fractions k / snapshots of the
    /// run for k = 0 (the random start) .. snapshots (the end). 0 = none. Default 0.
    int snapshots = 0;
    /// A snapshot holds the snapshotWords most frequent words (ids 0..n-1); default 20,000.
    std::size_t snapshotWords = 20'000;
    /// Minimum seconds between two statistics reports (onStats); default 0.2.
    double statsInterval = 0.2;

    /// The value of `window`, `epochs`, `alpha`, `minAlpha` after model defaults.
    int effectiveWindow() const;
    int effectiveEpochs() const;
    double effectiveAlpha() const;
    double effectiveMinAlpha() const;
    /// Throws std::invalid_argument naming the field when an option is out of range
    /// ("dim must be between 1 and 65536, got 0").
    void validate() const;
};

/// Live statistics of a run.
struct TrainStats
{
    std::string stage; ///< "counting words", "counting co-occurrences", "training"
    int epoch = 0;     ///< 1-based epoch being trained (0 before training)
    int epochs = 0;
    double fraction = 0;              ///< of the whole training stage, in [0, 1]
    std::uint64_t wordsProcessed = 0; ///< corpus words seen so far (all epochs; GloVe: pairs)
    double wordsPerSecond = 0;        ///< recent throughput (GloVe: co-occurrence pairs / s)
    double loss = 0;                  ///< recent mean loss per example (model-specific scale)
    double learningRate = 0;          ///< current learning rate
    double elapsedSeconds = 0;
    double etaSeconds = 0; ///< estimate of the time left; 0 when unknown
};

/// The vectors at one moment of training.
struct TrainSnapshot
{
    int index = 0; ///< 0 .. options.snapshots
    TrainStats stats;
    std::shared_ptr<const EmbeddingSet> vectors; ///< the snapshotWords most frequent words
};

/// Receives what a trainer reports. All calls come from the thread that called train(), so an
/// observer needs no locking unless it hands data to other threads. cancelled() (from
/// Progress) may be polled from any thread; a cancelled run throws embex::Cancelled.
class TrainObserver : public Progress
{
public:
    virtual void onStats(const TrainStats &stats) { (void)stats; }
    virtual void onSnapshot(const TrainSnapshot &snapshot) { (void)snapshot; }
};

/// A trained model.
struct TrainResult
{
    /// The word vectors (vocabulary order: most frequent first) with a "frequency" metadata
    /// column; fastText sets supply vectors for unknown words (OovProvider).
    std::shared_ptr<const EmbeddingSet> vectors;
    TrainStats final;
    /// Loss per statistics report over the run (for the loss curve), with the fraction done.
    std::vector<std::pair<double, double>> lossCurve;
    /// Non-empty for fastText: writes the full model (.bin, with subwords) atomically.
    std::function<void(const std::string &path)> saveNative;
};

/// Trains `options.model` on `corpus` (already tokenised and counted: TrainingCorpus::open).
/// fastText reads the corpus file itself, using the corpus's vocabulary options.
TrainResult train(const TrainingCorpus &corpus, const TrainOptions &options,
                  TrainObserver &observer);

/// Convenience: open the corpus with `corpusOptions` and train.
TrainResult trainFile(const std::string &corpusPath, const TrainingCorpus::Options &corpusOptions,
                      const TrainOptions &options, TrainObserver &observer);

} // namespace embex
