#pragma once
// The explorer window: scatter view in the centre, Data / Projection / Search docks around it.
#include "gui/LoadJob.h"
#include "search/ExactIndex.h"

#include <QFutureWatcher>
#include <QMainWindow>
#include <memory>

class QLabel;

namespace embex::render {
class ScatterView;
}

namespace embex::gui {

class ContextLab;
class DataDock;
class ProjectionDock;
class SearchDock;
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
    /// computed; computed when colouring by projection honesty).
    const std::vector<float> &honesty() const { return m_honesty; }
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
    /// The word ids of the current search hits.
    const std::vector<WordId> &hits() const { return m_hits; }
    /// A load (or adoptSet) is running or its result is not shown yet.
    bool isLoading() const { return m_loadPending; }
    /// A PCA projection is running or its result is not shown yet (t-SNE: tsneRunner()).
    bool isProjecting() const { return m_projectionPending; }

public slots:
    void openFile(const QString &path);
    void openDefault();
    void cancelLoad();
    void project();
    /// Selects a word (vocabulary word or fastText subword): neighbours, highlight, lines.
    bool selectWord(const QString &word);
    void clearSelection();
    void fitView();
    /// Shows a set that is already in memory (a trained one) exactly as a loaded file:
    /// indexed in the background, then laid out; loadFinished() follows. `name` stands in for
    /// the file name (title, summary); it is not added to the recent files.
    void adoptSet(embex::EmbeddingSetPtr set, const QString &name);
    /// Context ▸ Context lab: one word across sentences and layers of a BERT-family model. The
    /// lab shows the explorer's set as the static vectors. Returns the lab (one per window).
    ContextLab *showContextLab();

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
    void createMenus();
    void chooseFile();
    void onLoaded();
    void onProjected();
    void startTsne();
    void onTsneFrame(const TsneFrame &frame);
    void onTsneFinished(bool ok, const QString &message);
    void newProjection(ProjectionResult result);
    void computeHonesty();
    void applyLayout(bool animate);
    void applyAppearance();
    void runSearch(const QString &text, bool regex);
    void updateNeighbors();
    void showError(const QString &title, const QString &message);
    /// The shown set's name for messages: its file name, or the name it was adopted under.
    QString setName() const;
    void addRecent(const QString &path);
    void updateStatus();
    QString tooltipFor(int point) const;
    void exportPng();
    void exportSvg();
    void exportLayout();
    void about();
    void showTrainLab();

    /// Train ▸ Evaluate vectors: analogy and word-similarity scores of the current set.
    void showEvaluation();

    render::ScatterView *m_view = nullptr;
    QLabel *m_noGl = nullptr;
    DataDock *m_dataDock;
    ProjectionDock *m_projectionDock;
    SearchDock *m_searchDock;
    QLabel *m_statusPoints, *m_statusDims, *m_statusFrame;

    QFutureWatcher<LoadedSet> m_loadWatcher;
    QFutureWatcher<ProjectionResult> m_projWatcher;
    TsneRunner *m_tsne = nullptr;
    QFutureWatcher<std::vector<float>> m_honestyWatcher;
    std::vector<float> m_honesty;
    QString m_loadingPath, m_path;
    bool m_loadingInMemory = false, m_inMemory = false; // adoptSet: no file behind the set
    // The watchers' current job has not been handled yet: a finished() queued for a job that a
    // newer one replaced, or a second one for the same job, is ignored.
    bool m_loadPending = false, m_projectionPending = false;
    TrainLab *m_trainLab = nullptr;
    ContextLab *m_contextLab = nullptr;
    EmbeddingSetPtr m_set;
    QStringList m_words;
    std::shared_ptr<const ExactIndex> m_index;
    ProjectionResult m_projection;
    std::vector<int> m_pointOf;
    std::vector<WordId> m_hits;
    std::optional<WordId> m_selected;
    std::vector<Neighbor> m_neighbors;
    double m_lastFrameMs = 0;
};

} // namespace embex::gui
