#include "train/Trainer.h"

#include "train/TrainSupport.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace embex {

std::string_view trainModelName(TrainModel model)
{
    switch (model) {
    case TrainModel::SkipGram:
        return "skipgram";
    case TrainModel::Cbow:
        return "cbow";
    case TrainModel::GloVe:
        return "glove";
    case TrainModel::FastText:
        return "fasttext";
    case TrainModel::FastTextCbow:
        return "fasttext-cbow";
    }
    return "?";
}

TrainModel parseTrainModel(std::string_view name)
{
    if (name == "skipgram" || name == "sg" || name == "skip-gram")
        return TrainModel::SkipGram;
    if (name == "cbow")
        return TrainModel::Cbow;
    if (name == "glove")
        return TrainModel::GloVe;
    if (name == "fasttext" || name == "fasttext-skipgram")
        return TrainModel::FastText;
    if (name == "fasttext-cbow")
        return TrainModel::FastTextCbow;
    throw std::invalid_argument("unknown model '" + std::string(name) +
                                "' (skipgram, cbow, glove, fasttext, fasttext-cbow)");
}

int TrainOptions::effectiveWindow() const
{
    return window > 0 ? window : (model == TrainModel::GloVe ? 10 : 5);
}

int TrainOptions::effectiveEpochs() const
{
    return epochs > 0 ? epochs : (model == TrainModel::GloVe ? 15 : 5);
}

double TrainOptions::effectiveAlpha() const
{
    if (alpha > 0)
        return alpha;
    return model == TrainModel::SkipGram ? 0.025 : 0.05;
}

double TrainOptions::effectiveMinAlpha() const
{
    return minAlpha >= 0 ? minAlpha : effectiveAlpha() * 1e-4;
}

namespace {

void requireRange(const char *name, double value, double lo, double hi)
{
    if (!(value >= lo && value <= hi)) {
        auto fmt = [](double v) {
            std::string s = std::to_string(v);
            if (s.find('.') != std::string::npos) {
                s.erase(s.find_last_not_of('0') + 1);
                if (s.back() == '.')
                    s.pop_back();
            }
            return s;
        };
        throw std::invalid_argument(std::string(name) + " must be between " + fmt(lo) + " and " +
                                    fmt(hi) + ", got " + fmt(value));
    }
}

} // namespace

void TrainOptions::validate() const
{
    requireRange("dim", dim, 1, 65536);
    if (window != -1)
        requireRange("window", window, 1, 1000);
    if (epochs != -1)
        requireRange("epochs", epochs, 1, 100000);
    if (alpha != -1)
        requireRange("alpha", alpha, 1e-9, 10);
    if (minAlpha != -1)
        requireRange("min-alpha", minAlpha, 0, 10);
    requireRange("negative", negative, 0, 1000);
    requireRange("sample", sample, 0, 1);
    requireRange("x-max", xMax, 1e-6, 1e12);
    requireRange("alpha power", gloveAlphaPower, 0, 10);
    requireRange("minn", minN, 0, 100);
    requireRange("maxn", maxN, 0, 100);
    requireRange("buckets", buckets, 0, 1e9);
    requireRange("threads", threads, 0, 1024);
    requireRange("snapshots", snapshots, 0, 100000);
    if ((model == TrainModel::SkipGram || model == TrainModel::Cbow) && negative == 0 &&
        !hierarchicalSoftmax)
        throw std::invalid_argument(
            "word2vec needs negative sampling (negative > 0) or hierarchical softmax");
    if (maxN > 0 && minN > maxN)
        throw std::invalid_argument("minn (" + std::to_string(minN) + ") must not exceed maxn (" +
                                    std::to_string(maxN) + ")");
}

TrainResult train(const TrainingCorpus &corpus, const TrainOptions &options,
                  TrainObserver &observer)
{
    options.validate();
    switch (options.model) {
    case TrainModel::SkipGram:
    case TrainModel::Cbow:
        return detail::trainWord2Vec(corpus, options, observer);
    case TrainModel::GloVe:
        return detail::trainGloVe(corpus, options, observer);
    case TrainModel::FastText:
    case TrainModel::FastTextCbow:
        return detail::trainFastText(corpus, options, observer);
    }
    throw std::invalid_argument("unknown model");
}

TrainResult trainFile(const std::string &corpusPath, const TrainingCorpus::Options &corpusOptions,
                      const TrainOptions &options, TrainObserver &observer)
{
    options.validate();
    auto corpus = TrainingCorpus::open(corpusPath, corpusOptions, observer);
    return train(*corpus, options, observer);
}

// ---------------------------------------------------------------------------------------------

namespace detail {

std::shared_ptr<const EmbeddingSet> makeVectorSet(const Vocabulary &vocab, const float *rows,
                                                  std::size_t dim, std::size_t count)
{
    count = std::min(count, vocab.size());
    std::vector<std::string> words(vocab.words().begin(),
                                   vocab.words().begin() + std::ptrdiff_t(count));
    std::vector<float> data(rows, rows + count * dim);
    auto set = std::make_shared<EmbeddingSet>(std::move(words), std::move(data), dim);
    MetadataColumn freq{"frequency", {}};
    freq.values.reserve(count);
    for (std::size_t i = 0; i < count; ++i)
        freq.values.push_back(std::to_string(vocab.count(std::uint32_t(i))));
    std::vector<MetadataColumn> cols;
    cols.push_back(std::move(freq));
    set->setMetadata(std::move(cols));
    return set;
}

TrainReporter::TrainReporter(const TrainOptions &options, TrainObserver &observer,
                             std::string stage, int epochs)
    : m_observer(observer), m_snapshots(options.snapshots), m_interval(options.statsInterval)
{
    m_stats.stage = std::move(stage);
    m_stats.epochs = epochs;
    m_start = m_lastReport = Clock::now();
}

bool TrainReporter::update(double fraction, int epoch, std::uint64_t processed, double loss,
                           double learningRate, bool force)
{
    m_observer.check();
    auto now = Clock::now();
    double sinceLast = std::chrono::duration<double>(now - m_lastReport).count();
    if (!force && sinceLast < m_interval)
        return false;
    double elapsed = std::chrono::duration<double>(now - m_start).count();
    m_stats.fraction = std::clamp(fraction, 0.0, 1.0);
    m_stats.epoch = epoch;
    m_stats.wordsProcessed = processed;
    if (m_history.empty())
        m_history.emplace_back(m_start, 0);
    // Drop old points but keep at least one that is a second or more in the past.
    while (m_history.size() > 1 && now - m_history[1].first >= std::chrono::seconds(1))
        m_history.erase(m_history.begin());
    const auto &[then, before] = m_history.front();
    const double span = std::chrono::duration<double>(now - then).count();
    if (span > 0 && processed >= before)
        m_stats.wordsPerSecond = double(processed - before) / span;
    m_history.emplace_back(now, processed);
    if (!std::isnan(loss))
        m_stats.loss = loss;
    m_stats.learningRate = learningRate;
    m_stats.elapsedSeconds = elapsed;
    m_stats.etaSeconds =
        m_stats.fraction > 1e-3 ? elapsed * (1.0 - m_stats.fraction) / m_stats.fraction : 0.0;
    m_lastReport = now;
    if (!std::isnan(loss))
        m_curve.emplace_back(m_stats.fraction, loss);
    m_observer.onStats(m_stats);
    return true;
}

int TrainReporter::snapshotDue(double fraction) const
{
    if (m_snapshots <= 0 || m_nextSnapshot > m_snapshots)
        return -1;
    return fraction + 1e-12 >= double(m_nextSnapshot) / double(m_snapshots) ? m_nextSnapshot : -1;
}

void TrainReporter::publishSnapshot(int index, std::shared_ptr<const EmbeddingSet> vectors)
{
    TrainSnapshot snap;
    snap.index = index;
    snap.stats = m_stats;
    snap.stats.fraction = m_snapshots > 0 ? double(index) / double(m_snapshots) : 1.0;
    snap.vectors = std::move(vectors);
    m_nextSnapshot = index + 1;
    m_observer.onSnapshot(snap);
}

void TrainReporter::finish(TrainResult &result)
{
    m_stats.fraction = 1.0;
    m_stats.etaSeconds = 0;
    m_stats.elapsedSeconds = std::chrono::duration<double>(Clock::now() - m_start).count();
    result.final = m_stats;
    result.lossCurve = m_curve;
}

} // namespace detail

} // namespace embex
