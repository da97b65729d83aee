#pragma once
// Runs t-SNE on a worker thread and streams layouts to the UI (a long-lived service:
// docs/ARCHITECTURE.md, "Threading"), with pause, resume and stop.
#include "gui/Subset.h"
#include "project/TsneOptions.h"
#include "vectors/EmbeddingSet.h"

#include <QObject>
#include <QStringList>

#include <atomic>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <thread>
#include <vector>

namespace embex::gui {

/// One intermediate (or the final) layout of a run.
struct TsneFrame
{
    quint64 run = 0;                                      ///< which start() produced it
    int iteration = 0;                                    ///< iterations done (0 = initial layout)
    int total = 0;                                        ///< iterations planned
    double kl = std::numeric_limits<double>::quiet_NaN(); ///< last KL divergence computed
    int dims = 2;
    std::vector<float> coords; ///< n × dims
    bool final = false;
    /// Only in a run's first frame: the projected words (ascending ids) and their labels.
    std::vector<WordId> ids;
    QStringList labels;
};

class TsneRunner : public QObject
{
    Q_OBJECT
public:
    explicit TsneRunner(QObject *parent = nullptr);
    /// Stops a run in progress and waits for the worker.
    ~TsneRunner() override;

    /// Stops any current run, then starts a new one on the words selected by `subset`.
    void start(EmbeddingSetPtr set, SubsetOptions subset, TsneOptions options);
    /// Stops the current run (the worker ends at its next check) and waits for it.
    void stop();
    void setPaused(bool paused);
    bool isPaused() const { return m_paused.load(); }
    bool isRunning() const { return m_running.load(); }
    quint64 currentRun() const { return m_run; }

signals:
    void frameReady(const embex::gui::TsneFrame &frame);
    void progressChanged(int permille, const QString &stage);
    /// ok = ran to the end; otherwise message says why ("stopped" or the error).
    void finished(bool ok, const QString &message);

private:
    void work(quint64 run, EmbeddingSetPtr set, SubsetOptions subset, TsneOptions options);
    void post(TsneFrame frame);
    void waitWhilePaused();

    std::thread m_thread;
    std::atomic<bool> m_cancel{false}, m_paused{false}, m_running{false};
    std::atomic<bool> m_frameInFlight{false};
    std::mutex m_mutex;
    std::condition_variable m_wake;
    quint64 m_run = 0;
};

} // namespace embex::gui

Q_DECLARE_METATYPE(embex::gui::TsneFrame)
