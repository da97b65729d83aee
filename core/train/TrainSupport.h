#pragma once
// Internal to core/train: the model entry points and the statistics / snapshot bookkeeping
// every trainer shares.
#include "train/Trainer.h"

#include <chrono>
#include <vector>

namespace embex::detail {

TrainResult trainWord2Vec(const TrainingCorpus &corpus, const TrainOptions &options,
                          TrainObserver &observer);
TrainResult trainGloVe(const TrainingCorpus &corpus, const TrainOptions &options,
                       TrainObserver &observer);
TrainResult trainFastText(const TrainingCorpus &corpus, const TrainOptions &options,
                          TrainObserver &observer);

/// An EmbeddingSet of the first min(count, vocab.size()) words of the vocabulary, copying
/// `rows` row-major floats of width dim (row i = word i). Adds the "frequency" column.
std::shared_ptr<const EmbeddingSet> makeVectorSet(const Vocabulary &vocab, const float *rows,
                                                  std::size_t dim, std::size_t count);

/// Statistics, loss curve and snapshot schedule of one run. Used from the coordinating thread
/// only. update() is cheap to call often: it reports at most every options.statsInterval s.
class TrainReporter
{
public:
    TrainReporter(const TrainOptions &options, TrainObserver &observer, std::string stage,
                  int epochs);

    /// fraction of the training stage done, epoch (1-based), words (or pairs) processed so far,
    /// mean loss since the previous update (NaN if unknown), current learning rate.
    /// Checks cancellation (throws Cancelled). Returns true if it reported.
    bool update(double fraction, int epoch, std::uint64_t processed, double loss,
                double learningRate, bool force = false);
    /// Index of the next snapshot due at `fraction`, or -1 if none is due yet.
    int snapshotDue(double fraction) const;
    /// Publishes snapshot `index` (call after snapshotDue returned it).
    void publishSnapshot(int index, std::shared_ptr<const EmbeddingSet> vectors);
    /// Snapshot 0 (before any training) and the final snapshot when options.snapshots > 0.
    bool wantsSnapshots() const { return m_snapshots > 0; }

    const TrainStats &stats() const { return m_stats; }
    /// Fills result.final and result.lossCurve.
    void finish(TrainResult &result);

private:
    using Clock = std::chrono::steady_clock;
    TrainObserver &m_observer;
    TrainStats m_stats;
    int m_snapshots = 0;
    int m_nextSnapshot = 0;
    double m_interval = 0.2;
    Clock::time_point m_start, m_lastReport;
    /// (time, processed) of recent reports: throughput is measured over the last second or
    /// more, so bursts (a batch finishing, a snapshot pause) do not show as spikes.
    std::vector<std::pair<Clock::time_point, std::uint64_t>> m_history;
    std::vector<std::pair<double, double>> m_curve;
};

} // namespace embex::detail
