#pragma once
// The explorer window: scatter view in the centre, the Appearance bar above it, Data /
// Projection / Selection / Search docks around it.
//
// What the window shows is kept by word, never by row: the selection, the search and the
// box-selected words are word ids of the shown set, turned into point indices of the shown
// layout only when they are drawn (refreshMarks). When the set changes they are carried over
// by their words; when the layout changes they are mapped again.
#include "gui/LoadJob.h"
#include "search/ExactIndex.h"

#include <QFutureWatcher>
#include <QMainWindow>
#include <memory>
#include <optional>

class QLabel;
class QProgressBar;
class QTimer;
class QToolButton;

namespace embex::render {
class ScatterView;
}

namespace embex::gui {

class AppearanceBar;
class ContextLab;
class DataDock;
class ProjectionDock;
class SearchDock;
class SelectionDock;
class TrainLab;
class TsneRunner;
struct TsneFrame;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    /// The t-SNE service (tests drive pause/stop through the dock or directly).
    TsneRunner *tsneRunner() const { return m_tsne; }
    /// Per point: fraction of its 10 original-space neighbours kept in the layout (empty until
    /// measured for the layout shown; measured when colouring by projection honesty).
    const std::vector<float> &honesty() const { return m_honesty; }
    /// A projection-honesty measurement is running.
    bool isMeasuringHonesty() const;
    ~MainWindow() override;

    /// The scatter view, or null when OpenGL 3.3 is unavailable.
    render::ScatterView *view() const { return m_view; }
    EmbeddingSetPtr set() const { return m_set; }
    const ProjectionResult &projection() const { return m_projection; }
    /// Point index of a word in the current layout, or -1.
    int pointOf(WordId id) const;
    /// Path of the set shipped with Embex (empty if it is not installed).
    static QString defaultSetPath();
    /// Writes the current layout as CSV (".csv") or TSV: word, x, y[, z]. Atomic.
    bool writeLayout(const QString &path, QString *error = nullptr) const;
    /// The word ids of the current search hits: exact matches first, then the others.
    const std::vector<WordId> &hits() const { return m_hits; }
    /// How many of hits() match the query exactly (case-insensitively in a lower-cased set).
    std::size_t exactHitCount() const { return m_exactHits; }
    /// The selected word (none for a subword-vector selection).
    std::optional<WordId> selectedWord() const { return m_selected; }
    /// Words chosen with a box (Shift+drag), in layout order.
    const std::vector<WordId> &markedWords() const { return m_marked; }
    /// A load (or adoptSet) is running or its result is not shown yet.
    bool isLoading() const { return m_loadPending; }
    /// A PCA projection is running or its result is not shown yet (t-SNE: tsneRunner()).
    bool isProjecting() const { return m_projectionPending; }
    /// The line under the view saying how many words are shown and why.
    QString shownWordsText() const;

public slots:
    void openFile(const QString &path);
    void openDefault();
    void cancelLoad();
    void project();
    /// Selects a word (vocabulary word or fastText subword): neighbours, highlight, lines.
    bool selectWord(const QString &word);
    void clearSelection();
    /// Marks words as if box-selected (the Selection dock lists them).
    void markWords(std::vector<WordId> ids);
    /// Projects only the box-selected words.
    void isolateMarked();
    void fitView();
    /// Shows a set that is already in memory (a trained one) exactly as a loaded file:
    /// indexed in the background, then laid out; loadFinished() follows. `name` stands in for
    /// the file name (title, summary); it is not added to the recent files.
    void adoptSet(embex::EmbeddingSetPtr set, const QString &name);
    /// Context ▸ Context lab: one word across sentences and layers of a BERT-family model. The
    /// lab shows the explorer's set as the static vectors. Returns the lab (one per window).
    ContextLab *showContextLab();
    /// Cancels a running projection-honesty measurement (the points stay grey).
    void cancelHonesty();

signals:
    /// A load ended: ok, or failed/cancelled with a one-line message.
    void loadFinished(bool ok, const QString &message);
    /// A projection ended and the view shows it (ok), or it failed. For t-SNE: the run ended.
    void projectionFinished(bool ok, const QString &message);
    /// A t-SNE run delivered a new layout (the view shows it).
    void tsneFrameShown(int iteration);
    /// The projection-honesty colours (kNN preservation) are computed and shown.
    void honestyReady(double meanPreserved);

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    void closeEvent(QCloseEvent *event) override;

private:
    void createDockWindows();
    void createStatusBar();
    void createMenus();
    void connectProjection();
    void chooseFile();
    void onLoaded();
    void onProjected();
    /// Stops whatever projection runs (PCA job, t-SNE) and clears its status lines.
    void stopProjection();
    /// Lays out with `s` (PCA in a job, t-SNE in the runner); the line under the view and the
    /// honesty measure follow `s`.
    void runProjection(ProjectionSettings s);
    void onTsneFrame(const TsneFrame &frame);
    void onTsneFinished(bool ok, const QString &message);
    void newProjection(ProjectionResult result);
    /// The layout shipped with the default set, when the projection settings are exactly the
    /// ones it was computed with (see tools/make_default_layout.sh).
    bool showShippedLayout();
    void computeHonesty();
    void onHonestyMeasured();
    /// The layout as drawn: n × dims (the chosen PCA axes, or the t-SNE coordinates).
    RowMatrix shownCoordinates() const;
    void applyLayout(bool animate);
    void applyAppearance();
    void runSearch(const QString &text, bool regex);
    void updateNeighbors();
    /// Draws the word-level state (selection, neighbours, hits, marked words) on the points
    /// of the current layout.
    void refreshMarks();
    /// Label priority: content words first, stop words last.
    void updateLabelOrder();
    /// A word of the shown set by its text: exact, else case-insensitively (the first match
    /// in frequency order).
    std::optional<WordId> findWord(const QString &word) const;
    void showError(const QString &title, const QString &message);
    /// The shown set's name for messages: its file name, or the name it was adopted under.
    QString setName() const;
    void addRecent(const QString &path);
    /// The status bar and the line under the view: after a change of set, layout or selection.
    void updateStatus();
    /// The parts of the status bar that a frame changes (points drawn, frame time).
    void updateFrameStatus();
    QString tooltipFor(int point) const;
    void exportPng();
    void exportSvg();
    void exportLayout();
    void about();
    void showShortcuts();
    void showTrainLab();

    /// Train ▸ Evaluate vectors: analogy and word-similarity scores of the current set.
    void showEvaluation();

    render::ScatterView *m_view = nullptr;
    AppearanceBar *m_appearance;
    DataDock *m_dataDock;
    ProjectionDock *m_projectionDock;
    SearchDock *m_searchDock;
    SelectionDock *m_selectionDock;
    QLabel *m_statusPoints, *m_statusDims, *m_statusFrame;
    QProgressBar *m_honestyProgress;
    QToolButton *m_honestyCancel;

    QFutureWatcher<LoadedSet> m_loadWatcher;
    QFutureWatcher<ProjectionResult> m_projWatcher;
    TsneRunner *m_tsne = nullptr;
    bool m_tsneIterating = false;                  // the running t-SNE has started its iterations
    int m_tsneShownIteration = 0, m_tsneTotal = 0; // the t-SNE frame shown
    QTimer *m_subsetTimer = nullptr;               // a subset change lays out again after a pause
    // A line under the view about the last change of set (words it lacks), until the next
    // selection or set.
    QString m_notice;
    QFutureWatcher<std::vector<float>> m_honestyWatcher;
    std::vector<float> m_honesty;
    // Every change of the layout drawn bumps the generation; a measurement of an older one is
    // thrown away when it arrives.
    quint64 m_layoutGeneration = 0, m_honestyGeneration = 0;
    bool m_honestyCancelled = false;
    QString m_loadingPath, m_path;
    bool m_loadingInMemory = false, m_inMemory = false; // adoptSet: no file behind the set
    // The watchers' current job has not been handled yet: a finished() queued for a job that a
    // newer one replaced, or a second one for the same job, is ignored.
    bool m_loadPending = false, m_projectionPending = false;
    TrainLab *m_trainLab = nullptr;
    ContextLab *m_contextLab = nullptr;
    EmbeddingSetPtr m_set;
    QStringList m_words;
    bool m_lowerCased = false; // no word of the set has an upper-case letter
    std::shared_ptr<const ExactIndex> m_index;
    ProjectionResult m_projection;
    // Why the projection has the words it has, for the line under the view.
    ProjectionSettings m_projectionSettings;
    bool m_shippedLayout = false;
    std::vector<int> m_pointOf;
    std::vector<WordId> m_hits;
    std::size_t m_exactHits = 0;
    std::optional<WordId> m_selected;
    QString m_subwordSelection; // a fastText word outside the vocabulary, selected
    std::vector<Neighbor> m_neighbors;
    std::vector<WordId> m_marked;
    double m_lastFrameMs = 0;
};

} // namespace embex::gui
