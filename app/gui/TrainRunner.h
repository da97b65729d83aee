#pragma once
// Runs a trainer (embex::train) on a worker thread for the training lab (a long-lived service:
// docs/ARCHITECTURE.md, "Threading") and streams what the lab shows as value types through
// queued signals: statistics, and per snapshot the projected, aligned frame of the shown words.
#include "train/Trainer.h"
#include "vectors/EmbeddingSet.h"

#include <QObject>
#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace embex::gui {

/// What to train and what to show while it trains.
struct TrainRequest
{
    QString corpusPath;
    TrainingCorpus::Options corpus;
    TrainOptions options;
    /// Words always shown and labelled (those in the vocabulary; the others are listed in the
    /// first frame's missingWatch).
    QStringList watchWords;
    /// Plus the topN most frequent words.
    int topN = 300;
    /// Classroom pace: > 0 spreads the snapshots evenly over about this many seconds, the
    /// trainer waiting at each one until its time has come (word2vec and GloVe, whose workers
    /// stop at snapshots; fastText's own threads do not wait). 0: full speed.
    double paceSeconds = 0;
};

/// The map from a raw vector of the run to its 2-D place in one frame: the frame's PCA of the
/// unit rows (mean and axes, scaled and rotated as the frame's coordinates), then the rim.
/// Places words that are not shown (a selected word's neighbours) in the same picture.
struct FrameProjection
{
    Eigen::RowVectorXf mean; ///< 1 × dim, of the unit rows
    Eigen::MatrixXf axes;    ///< dim × 2
    Eigen::RowVector2f offset = Eigen::RowVector2f::Zero();
    bool valid() const { return axes.rows() > 0; }
    /// x, y of one raw row of `dim` values (NaN when not valid()).
    Eigen::RowVector2f apply(const float *row) const;
};

/// Statistics of a run, as the UI sees them (embex::TrainStats with Qt types).
struct TrainTick
{
    quint64 run = 0;
    QString stage;
    int epoch = 0, epochs = 0;
    double fraction = 0; ///< of the training stage, 0–1
    quint64 words = 0;
    double wordsPerSecond = 0, loss = 0, learningRate = 0;
    double elapsedSeconds = 0, etaSeconds = 0;
};

/// Approximate bytes a snapshot set holds (its matrix and words).
std::size_t snapshotBytes(const EmbeddingSet &set);

/// One snapshot, reduced to what the lab needs. The shown words are the same for every frame
/// of a run (the vocabulary does not change while training).
struct TrainFrame
{
    quint64 run = 0;
    int index = 0; ///< snapshot index, 0 (random start) .. total (the end)
    int total = 0; ///< TrainOptions::snapshots
    TrainTick stats;
    QStringList labels;       ///< shown words: watch words first, then the top-N others
    int watchCount = 0;       ///< labels[0, watchCount) are the watch words
    QStringList missingWatch; ///< watch words not in the vocabulary
    /// labels.size() × 2: PCA of the unit-normalised rows, centred, scaled to median radius 1
    /// (far outliers pulled onto a rim at 2.5–3.125) and rotated / reflected (Procrustes) onto
    /// the previous frame so the picture does not flip.
    std::vector<float> coords;
    FrameProjection projection; ///< coords row i == projection.apply(rows row i)
    RowMatrix rows;             ///< labels.size() × dim: the raw vectors of the shown words
    /// The whole snapshot (the snapshotWords most frequent words) for neighbour lists. Null
    /// when newer frames pushed it out of the queue budget before the UI took it (a slow UI
    /// never makes the queue hold more than TrainRunner::setQueueBudget bytes of them, or one).
    EmbeddingSetPtr vectors;
};

class TrainRunner : public QObject
{
    Q_OBJECT
public:
    /// Same signature as embex::train; tests inject a fake.
    using TrainFunction =
        std::function<TrainResult(const TrainingCorpus &, const TrainOptions &, TrainObserver &)>;

    explicit TrainRunner(QObject *parent = nullptr);
    /// Stops a run in progress and waits for the worker.
    ~TrainRunner() override;

    /// Replaces the trainer (default: embex::train). Takes effect at the next start().
    void setTrainFunction(TrainFunction f) { m_trainFunction = std::move(f); }
    /// Bytes of full snapshots (TrainFrame::vectors) that may wait for the UI together; when a
    /// new one would pass it, the oldest waiting ones lose their full set (never the newest).
    /// Default 50 MB. Takes effect at the next start().
    void setQueueBudget(std::size_t bytes) { m_queueBudget = bytes; }

    /// Stops any current run (waiting for it), then starts a new one.
    void start(TrainRequest request);
    /// Asks the run to stop and returns at once; finished(false, "stopped") follows.
    void requestStop();
    /// Asks the run to stop and waits for the worker thread to end.
    void stop();
    /// True from start() until finished() was emitted.
    bool isRunning() const { return m_running; }
    quint64 currentRun() const { return m_run; }
    /// The result of the last run that finished ok (vectors null otherwise).
    const TrainResult &result() const { return m_result; }

signals:
    /// Before training: reading / counting the corpus (fraction 0–1).
    void progressChanged(double fraction, const QString &stage);
    /// The corpus is counted: a one-line description (sentences, tokens, vocabulary).
    void corpusReady(const QString &summary);
    void statsReady(const embex::gui::TrainTick &tick);
    void frameReady(const embex::gui::TrainFrame &frame);
    /// ok = trained to the end (result() holds it); otherwise message says why ("stopped" or
    /// the error). Always the last signal of a run, after all its frames.
    void finished(bool ok, const QString &message);

private:
    friend class LabObserver;
    /// What the worker produced and the UI has not taken yet (guarded by m_mutex).
    struct Pending
    {
        std::optional<std::pair<double, QString>> progress;
        std::optional<QString> corpus;
        std::vector<TrainTick> ticks;
        std::vector<TrainFrame> frames;
        bool done = false, ok = false;
        QString message;
        TrainResult result;
    };
    void work(quint64 run, TrainRequest request, TrainFunction train, std::size_t budget);
    /// Adds to the pending data of `run` under the lock and makes sure one flush is queued.
    void post(quint64 run, const std::function<void(Pending &)> &add);
    void flush();

    std::thread m_thread;
    std::atomic<bool> m_cancel{false};
    bool m_running = false;
    quint64 m_run = 0;
    TrainFunction m_trainFunction;
    std::size_t m_queueBudget = std::size_t(50) << 20;
    TrainResult m_result;

    std::mutex m_mutex;
    Pending m_pending;          // of run m_pendingRun
    quint64 m_pendingRun = 0;   // guarded by m_mutex
    bool m_flushQueued = false; // guarded by m_mutex
};

} // namespace embex::gui

Q_DECLARE_METATYPE(embex::gui::TrainTick)
Q_DECLARE_METATYPE(embex::gui::TrainFrame)
