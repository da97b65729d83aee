#pragma once
// The training lab: train word vectors from a corpus and watch them learn. Settings on the
// left, the live scatter view of the watch list and the frequent words in the centre (one PCA
// frame per snapshot, aligned to the previous one), the loss / throughput chart and a replay
// slider below, the neighbours of the selected word on the right.
#include "gui/TrainRunner.h"

#include <QFutureWatcher>
#include <QMainWindow>

#include <deque>

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSlider;
class QCheckBox;
class QTableView;

namespace embex::render {
class ScatterView;
}

namespace embex::gui {

class LineChart;
class NeighborModel;
class ReplayControl;
class TrainSettings;

class TrainLab : public QMainWindow
{
    Q_OBJECT
public:
    /// Full snapshots are kept for replayed neighbour lists while all of a run's would fit in
    /// this many bytes; otherwise only the latest is kept (replayed neighbours are then found
    /// among the shown words).
    static constexpr std::size_t kSnapshotMemoryBudget = std::size_t(50) << 20;

    explicit TrainLab(QWidget *parent = nullptr);
    ~TrainLab() override;

    TrainRunner *runner() const { return m_runner; }
    TrainSettings *settings() const { return m_settings; }
    /// The scatter view, or null when OpenGL 3.3 is unavailable.
    render::ScatterView *view() const { return m_view; }
    int frameCount() const { return int(m_frames.size()); }
    const TrainFrame &frame(int k) const { return m_frames[std::size_t(k)]; }
    /// Index (into the frames of this run) of the frame on screen, -1 if none.
    int shownFrame() const { return m_shown; }
    /// n × 2 coordinates given to the view for the shown frame.
    const std::vector<float> &shownCoords() const { return m_shownCoords; }
    /// What each point of the view stands for: the shown frame's words, then (while a word is
    /// selected) the selected word and its neighbours, placed by the frame's projection; an
    /// entry already among the frame's words is a hidden duplicate of its point.
    QStringList viewWords() const;
    /// The view's point of a word (the frame's point if shown, else its added point), or -1.
    int viewPoint(const QString &word) const;
    /// True while Play steps through the snapshots (ReplayControl).
    bool isReplaying() const;
    /// Milliseconds between two replayed snapshots at the chosen speed.
    int replayIntervalMs() const;
    /// The neighbour list of the selected word (rows of the table).
    NeighborModel *neighborModel() const { return m_neighborModel; }
    QString selectedWord() const { return m_selectedWord; }
    /// The trained vectors of the last run that finished (null before).
    const TrainResult &result() const { return m_result; }
    QString resultName() const { return m_resultName; }
    bool isTraining() const;

public slots:
    void startTraining();
    /// Asks the run to stop; trainingFinished(false, "stopped") follows.
    void stopTraining();
    /// Shows frame k (the replay slider does this).
    void showFrame(int k);
    /// Selects a shown or vocabulary word: highlight and neighbour list; false if unknown.
    bool selectWord(const QString &word);
    /// Writes the trained vectors (format from the extension, through embex::save, atomic).
    /// A fastText result saved as .bin with nativeBin writes the full model with subwords
    /// (TrainResult::saveNative); without, word2vec binary. Asynchronous: saved() follows.
    void saveTo(const QString &path, bool nativeBin = true);

signals:
    /// "Open in explorer": the trained set and a name for it.
    void openInExplorer(embex::EmbeddingSetPtr set, const QString &name);
    void frameShown(int k);
    void trainingFinished(bool ok, const QString &message);
    void saved(bool ok, const QString &message);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    // The constructor's phases: the settings and run buttons (left), the live view with the
    // replay, statistics and loss chart (centre), the neighbour list (right), the connections.
    QWidget *createSettingsPanel(QWidget *parent);
    QWidget *createLiveView(QWidget *parent);
    QWidget *createNeighbourPanel(QWidget *parent);
    void connectSignals();
    void onFrame(const TrainFrame &frame);
    void onTick(const TrainTick &tick);
    void onFinished(bool ok, const QString &message);
    void setRunning(bool running);
    void updateNeighbors();
    void updateStats(const TrainTick &tick, int snapshot, int total);
    void applyAppearance();
    /// Gives the view the shown frame's points plus the added neighbour points, their
    /// appearance and the selection.
    void refreshView(bool animate);
    void chooseSave();
    void setStatus(const QString &text, bool error = false);

    TrainSettings *m_settings;
    TrainRunner *m_runner;
    render::ScatterView *m_view = nullptr;
    LineChart *m_chart;
    QSlider *m_slider;
    ReplayControl *m_replay; ///< Play/Pause and speed of the slider's replay
    QLabel *m_sliderLabel, *m_stats, *m_status, *m_corpusInfo, *m_neighborNote;
    QProgressBar *m_progress;
    QPushButton *m_start, *m_stop, *m_open, *m_save;
    QCheckBox *m_labelOthers;
    QLineEdit *m_word;
    QTableView *m_neighborTable;
    NeighborModel *m_neighborModel;
    int m_lossSeries = 0, m_speedSeries = 0;

    std::deque<std::pair<double, quint64>> m_rateWindow; // (elapsed s, words) of recent ticks
    std::vector<TrainFrame> m_frames;
    bool m_keepAllSets = true, m_keepRows = true, m_budgetChecked = false;
    int m_shown = -1;
    std::vector<float> m_shownCoords;
    QStringList m_viewLabels;
    /// Points added after the frame's: the selected word and its neighbours (see viewWords).
    QStringList m_extraWords;
    std::vector<float> m_extraCoords; // × 2
    std::vector<int> m_extraShown;    // the frame's point of each, or -1
    int m_selectedPoint = -1;
    std::vector<int> m_neighborPoints;
    QString m_selectedWord;
    EmbeddingSetPtr m_shownWordsSet; // the shown words of m_shown, when its full set is gone
    int m_shownWordsSetFrame = -1;
    TrainResult m_result;
    QString m_resultName, m_runName;
    QFutureWatcher<void> m_saveWatcher;
};

} // namespace embex::gui
