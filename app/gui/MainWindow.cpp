#include "gui/MainWindow.h"

#include "ScatterView.h"
#include "gui/AppearanceBar.h"
#include "gui/DataDock.h"
#include "gui/FutureResult.h"
#include "gui/ProjectionDock.h"
#include "gui/RunOptions.h"
#include "gui/SearchDock.h"
#include "gui/SelectionDock.h"
#include "gui/ShippedLayout.h"
#include "gui/TrainLab.h"
#include "gui/TsneRunner.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QScreen>
#include <QSettings>
#include <QStatusBar>
#include <QTimer>
#include <QToolButton>

namespace embex::gui {

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setWindowTitle(tr("Embex"));
    setAcceptDrops(true);
    setDockOptions(AnimatedDocks | AllowTabbedDocks);

    setCentralWidget(createScatterView(this, m_view,
                                       tr("Everything else works: open files, search, "
                                          "neighbours, projections and exports of the layout."),
                                       "noOpenGL"));
    if (m_view) {
        m_view->setObjectName("scatterView");
        connect(m_view, &render::ScatterView::pointClicked, this, [this](int p) {
            if (p < 0)
                clearSelection();
            else
                selectWord(m_projection.labels[p]);
        });
        connect(m_view, &render::ScatterView::boxSelected, this, [this](std::vector<int> pts) {
            std::vector<WordId> ids;
            for (int p : pts)
                if (p >= 0 && std::size_t(p) < m_projection.ids.size())
                    ids.push_back(m_projection.ids[std::size_t(p)]);
            markWords(std::move(ids));
        });
        connect(m_view, &render::ScatterView::frameRendered, this, [this](double ms) {
            m_lastFrameMs = ms;
            updateFrameStatus(); // every frame: only what a frame changes, not the caption
        });
        m_view->setTooltipProvider([this](int p) { return tooltipFor(p); });
    }

    createDockWindows();
    createStatusBar();
    connectProjection();
    createMenus();

    QSettings settings;
    m_projectionDock->restore(settings);
    // Connected after restore(): the restored values are not a change of the user's.
    m_subsetTimer = new QTimer(this);
    m_subsetTimer->setSingleShot(true);
    m_subsetTimer->setInterval(700);
    connect(m_subsetTimer, &QTimer::timeout, this, &MainWindow::project);
    connect(m_projectionDock, &ProjectionDock::subsetChanged, m_subsetTimer,
            qOverload<>(&QTimer::start));
    m_appearance->restore(settings);
    m_searchDock->setK(settings.value("search/k", 10).toInt());
    m_dataDock->setRecentFiles(settings.value("recentFiles").toStringList());
    if (!restoreGeometry(settings.value("window/geometry").toByteArray())) {
        // 1400 × 900, or less on a smaller screen (a 1366 × 768 laptop or projector).
        QSize size(1400, 900);
        if (const QScreen *screen = QGuiApplication::primaryScreen())
            size = size.boundedTo(screen->availableGeometry().size() * 0.97);
        resize(size);
    }
    restoreState(settings.value("window/state").toByteArray());
    applyAppearance();
    updateStatus();
}

MainWindow::~MainWindow()
{
    // The docks outlive this part of the window (QWidget's destructor deletes them): nothing
    // they call back may reach the members destroyed before then.
    m_searchDock->neighborModel()->setOnMap({});
    if (m_view)
        m_view->setTooltipProvider({});
    m_tsne->stop();
    cancelAndWait(m_loadWatcher);
    cancelAndWait(m_projWatcher);
    cancelAndWait(m_honestyWatcher);
}

void MainWindow::createDockWindows()
{
    m_appearance = new AppearanceBar(this);
    addToolBar(Qt::TopToolBarArea, m_appearance);
    connect(m_appearance, &AppearanceBar::changed, this, &MainWindow::applyAppearance);

    m_dataDock = new DataDock(this);
    m_projectionDock = new ProjectionDock(this);
    m_searchDock = new SearchDock(this);
    m_selectionDock = new SelectionDock(this);
    addDockWidget(Qt::LeftDockWidgetArea, m_dataDock);
    addDockWidget(Qt::LeftDockWidgetArea, m_projectionDock);
    addDockWidget(Qt::RightDockWidgetArea, m_searchDock);
    addDockWidget(Qt::RightDockWidgetArea, m_selectionDock);
    // The Projection dock holds the controls used most: it gets most of the left column. The
    // Selection dock is a tab behind Search until a box selection brings it forward.
    tabifyDockWidget(m_searchDock, m_selectionDock);
    m_searchDock->raise();
    resizeDocks({m_dataDock, m_projectionDock}, {1, 4}, Qt::Vertical);
    resizeDocks({m_dataDock, m_searchDock}, {270, 290}, Qt::Horizontal);

    connect(m_dataDock, &DataDock::openRequested, this, &MainWindow::chooseFile);
    connect(m_dataDock, &DataDock::recentRequested, this, &MainWindow::openFile);
    connect(m_dataDock, &DataDock::cancelRequested, this, &MainWindow::cancelLoad);
    connect(&m_loadWatcher, &QFutureWatcher<LoadedSet>::progressValueChanged, m_dataDock,
            &DataDock::setProgress);
    connect(&m_loadWatcher, &QFutureWatcher<LoadedSet>::finished, this, &MainWindow::onLoaded);

    connect(m_searchDock, &SearchDock::queryChanged, this, &MainWindow::runSearch);
    connect(m_searchDock, &SearchDock::wordChosen, this, &MainWindow::selectWord);
    connect(m_searchDock, &SearchDock::kChanged, this, &MainWindow::updateNeighbors);

    connect(m_selectionDock, &SelectionDock::isolateRequested, this, &MainWindow::isolateMarked);
    connect(m_selectionDock, &SelectionDock::clearRequested, this, [this] { markWords({}); });
    connect(m_selectionDock, &SelectionDock::wordChosen, this, &MainWindow::selectWord);
    connect(m_selectionDock, &SelectionDock::copied, this, [this](int n) {
        statusBar()->showMessage(tr("Copied %Ln word(s) to the clipboard, one a line", nullptr, n),
                                 5000);
    });
}

void MainWindow::createStatusBar()
{
    m_statusPoints = new QLabel(this);
    m_statusPoints->setObjectName("statusPoints");
    m_statusDims = new QLabel(this);
    m_statusFrame = new QLabel(this);
    m_honestyProgress = new QProgressBar(this);
    m_honestyProgress->setObjectName("honestyProgress");
    m_honestyProgress->setRange(0, 1000);
    m_honestyProgress->setMaximumWidth(260);
    m_honestyProgress->setFormat(tr("Measuring neighbours kept %p%"));
    m_honestyCancel = new QToolButton(this);
    m_honestyCancel->setObjectName("honestyCancel");
    m_honestyCancel->setText(tr("Cancel"));
    m_honestyProgress->hide();
    m_honestyCancel->hide();
    statusBar()->addPermanentWidget(m_honestyProgress);
    statusBar()->addPermanentWidget(m_honestyCancel);
    statusBar()->addPermanentWidget(m_statusPoints);
    statusBar()->addPermanentWidget(m_statusDims);
    statusBar()->addPermanentWidget(m_statusFrame);
    connect(m_honestyCancel, &QToolButton::clicked, this, &MainWindow::cancelHonesty);
    connect(&m_honestyWatcher, &QFutureWatcher<std::vector<float>>::progressValueChanged,
            m_honestyProgress, &QProgressBar::setValue);
    connect(&m_honestyWatcher, &QFutureWatcher<std::vector<float>>::finished, this,
            &MainWindow::onHonestyMeasured);
}

void MainWindow::connectProjection()
{
    m_tsne = new TsneRunner(this);
    connect(m_tsne, &TsneRunner::frameReady, this, &MainWindow::onTsneFrame);
    connect(m_tsne, &TsneRunner::finished, this, &MainWindow::onTsneFinished);
    connect(m_tsne, &TsneRunner::progressChanged, this, [this](int value, const QString &text) {
        // The preparation's stages (neighbours, affinities); once iterations run, the frames
        // drive the bar ("iteration N of M"), so a late "100%" of a stage never shows.
        if (!m_tsneIterating)
            m_projectionDock->setProgress(value, text);
    });
    connect(m_projectionDock, &ProjectionDock::pauseToggled, m_tsne, &TsneRunner::setPaused);
    connect(m_projectionDock, &ProjectionDock::tsneParametersChanged, this, [this] {
        // Changing a parameter restarts a running t-SNE cleanly with the new value.
        if (m_tsne->isRunning())
            project();
    });
    connect(m_projectionDock, &ProjectionDock::runRequested, this, &MainWindow::project);
    connect(m_projectionDock, &ProjectionDock::methodChanged, this, [this] {
        if (m_set)
            project(); // choosing a method shows it: no hunt for the Project button
    });
    connect(m_projectionDock, &ProjectionDock::cancelRequested, this, [this] {
        m_projWatcher.cancel();
        m_tsne->stop();
    });
    connect(m_projectionDock, &ProjectionDock::axesChanged, this, [this] {
        const ProjectionSettings s = m_projectionDock->settings();
        if (m_projection.method == ProjectionSettings::Method::Tsne &&
            m_projection.coords.cols() != s.dims) {
            project(); // a t-SNE layout has exactly the dimensions it was run with
            return;
        }
        m_projectionSettings.dims = s.dims;
        std::copy(std::begin(s.axis), std::end(s.axis), std::begin(m_projectionSettings.axis));
        applyLayout(true);
        if (m_view)
            m_view->fitView(true);
        applyAppearance();
        updateStatus();
    });
    connect(&m_projWatcher, &QFutureWatcher<ProjectionResult>::progressValueChanged, this,
            [this](int v) { m_projectionDock->setProgress(v, m_projWatcher.progressText()); });
    connect(&m_projWatcher, &QFutureWatcher<ProjectionResult>::finished, this,
            &MainWindow::onProjected);
}

void MainWindow::stopProjection()
{
    if (m_projWatcher.isRunning())
        cancelAndWait(m_projWatcher);
    // The previous PCA, finished or not, is replaced: its result must not arrive after this
    // projection's (a t-SNE run does not replace the watcher's future).
    if (m_projectionPending) {
        m_projectionPending = false;
        m_projectionDock->setBusy(false);
    }
    m_tsne->stop();
    m_projectionDock->clearStatus();
}

void MainWindow::project()
{
    m_subsetTimer->stop();
    if (!m_set)
        return;
    stopProjection();
    if (showShippedLayout())
        return;
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
    runProjection(std::move(s));
}

void MainWindow::runProjection(ProjectionSettings s)
{
    stopProjection();
    m_projectionSettings = s;
    if (s.method == ProjectionSettings::Method::Tsne) {
        // One core stays with the UI (and the software rasteriser) while t-SNE runs.
        s.tsne.threads = std::max(1u, defaultThreads() - 1);
        m_tsneIterating = false;
        m_projectionDock->setTsneRunning(true);
        m_projectionDock->setTsneStatus(0, s.tsne.maxIterations, std::nan(""));
        m_tsne->start(m_set, s.subset, s.tsne);
        return;
    }
    m_projectionDock->setBusy(true);
    m_projectionPending = true;
    m_projWatcher.setFuture(startProjection(m_set, m_words, s));
}

bool MainWindow::showShippedLayout()
{
    if (m_inMemory || m_path != defaultSetPath() ||
        !isShippedLayoutRequest(m_projectionDock->settings()))
        return false;
    auto layout = readShippedLayout(shippedLayoutPath(), *m_set);

    if (!layout)
        return false;
    m_projectionSettings = shippedLayoutSettings();
    m_shippedLayout = true;
    newProjection(std::move(*layout));
    const TsneOptions &o = m_projectionSettings.tsne;
    m_projectionDock->setTsneStatus(o.maxIterations, o.maxIterations, std::nan(""));
    emit projectionFinished(true, {});
    return true;
}

void MainWindow::isolateMarked()
{
    if (!m_set || m_marked.empty())
        return;
    ProjectionSettings s = m_projectionDock->settings();
    s.subset = SubsetOptions{};
    s.subset.only = m_marked;
    if (s.method == ProjectionSettings::Method::Tsne && m_marked.size() < 2) {
        statusBar()->showMessage(tr("t-SNE needs at least 2 words"), 5000);
        return;
    }
    runProjection(std::move(s));
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
    m_shippedLayout = false;
    newProjection(std::move(result));
    m_projectionDock->setExplainedVariance(m_projection.varianceRatio);
    emit projectionFinished(true, {});
}

void MainWindow::newProjection(ProjectionResult result)
{
    m_projection = std::move(result);
    ++m_layoutGeneration;
    m_honesty.clear();
    m_honestyCancelled = false; // a new layout is measured again
    m_pointOf.assign(m_set->size(), -1);
    for (std::size_t i = 0; i < m_projection.ids.size(); ++i)
        m_pointOf[m_projection.ids[i]] = int(i);
    if (m_view)
        m_view->setLabels(m_projection.labels);
    applyLayout(false);
    // Every new layout is fitted (animated): a layout of other coordinates must never be
    // shown through the previous one's camera.
    if (m_view)
        m_view->fitView(true);
    updateLabelOrder();
    applyAppearance();
    refreshMarks();
    updateStatus();
}

void MainWindow::updateLabelOrder()
{
    if (!m_view)
        return;
    // Content words first (in frequency order), stop words last: a map labelled "the, of,
    // and" says nothing.
    std::vector<int> order, stops;
    order.reserve(m_projection.ids.size());
    for (int i = 0; i < int(m_projection.labels.size()); ++i)
        (isStopWord(m_projection.labels[i]) || m_projection.labels[i].size() < 2 ? stops : order)
            .push_back(i);
    order.insert(order.end(), stops.begin(), stops.end());
    m_view->setLabelOrder(std::move(order));
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
        m_shippedLayout = false;
        newProjection(std::move(r));
        m_projectionDock->setExplainedVariance({});
    } else if (m_projection.method == ProjectionSettings::Method::Tsne &&
               frame.coords.size() == m_projection.ids.size() * std::size_t(frame.dims)) {
        m_projection.coords = Eigen::Map<const RowMatrix>(
            frame.coords.data(), Eigen::Index(m_projection.ids.size()), frame.dims);
        ++m_layoutGeneration;
        applyLayout(false);
        if (m_view && !m_view->cameraTouched())
            m_view->fitView(false); // follow the layout as it grows, until the user takes over
    }
    // Every frame after the first comes from the optimiser: from then on the frames, not the
    // preparation's stages, drive the progress bar.
    if (frame.ids.empty())
        m_tsneIterating = true;
    m_tsneShownIteration = frame.iteration;
    m_tsneTotal = frame.total;
    m_projectionDock->setTsneStatus(frame.iteration, frame.total, frame.kl);
    updateStatus();
    emit tsneFrameShown(frame.iteration);
}

void MainWindow::onTsneFinished(bool ok, const QString &message)
{
    m_projectionDock->setTsneRunning(false);
    updateStatus(); // "running" becomes "stopped at iteration N" (or nothing when finished)
    if (ok) {
        statusBar()->showMessage(tr("t-SNE finished"), 5000);
        applyAppearance(); // projection honesty is measured now, on the final layout
    } else if (message != QLatin1String("stopped")) {
        showError(tr("t-SNE failed"), tr("t-SNE of %1 failed: %2").arg(setName(), message));
    } else {
        applyAppearance();
    }
    emit projectionFinished(ok, message);
}

RowMatrix MainWindow::shownCoordinates() const
{
    const std::size_t n = m_projection.ids.size();
    const bool tsne = m_projection.method == ProjectionSettings::Method::Tsne;
    const ProjectionSettings s = m_projectionDock->settings();
    const int dims = tsne ? int(m_projection.coords.cols()) : s.dims;
    RowMatrix shown = RowMatrix::Zero(Eigen::Index(n), dims);
    for (int a = 0; a < dims; ++a) {
        const Eigen::Index c = tsne ? a : s.axis[a];
        if (c < m_projection.coords.cols())
            shown.col(a) = m_projection.coords.col(c);
    }
    return shown;
}

void MainWindow::applyLayout(bool animate)
{
    if (!m_view || m_projection.ids.empty())
        return;
    const RowMatrix shown = shownCoordinates();
    const std::size_t n = m_projection.ids.size();
    std::vector<float> xyz(3 * n, 0.0f);
    for (Eigen::Index a = 0; a < shown.cols(); ++a)
        for (std::size_t i = 0; i < n; ++i)
            xyz[3 * i + std::size_t(a)] = shown(Eigen::Index(i), a);
    m_view->setLayout(std::move(xyz), shown.cols() == 3, animate);
}

int MainWindow::pointOf(WordId id) const
{
    return id < m_pointOf.size() ? m_pointOf[id] : -1;
}

void MainWindow::fitView()
{
    if (m_view)
        m_view->fitView(true);
}

QString MainWindow::shownWordsText() const
{
    if (!m_set || m_projection.ids.empty())
        return {};
    const std::size_t shown = m_projection.ids.size(), total = m_set->size();
    const SubsetOptions &sub = m_projectionSettings.subset;
    const bool tsne = m_projection.method == ProjectionSettings::Method::Tsne;
    // Which words: the filters, then whether Top N cut them (selectSubset keeps the first N
    // words, in frequency order, that pass the filters).
    QStringList filters;
    if (!sub.include.isEmpty())
        filters << tr("matching \"%1\"").arg(sub.include);
    if (!sub.exclude.isEmpty())
        filters << tr("not matching \"%1\"").arg(sub.exclude);
    if (sub.hideStopWords)
        filters << tr("stop words left out");
    QString words = sub.only.empty() ? tr("words") : tr("chosen words");
    if (!filters.isEmpty())
        words += ' ' + filters.join(", ");
    QString why;
    if (sub.topN > 0 && shown >= sub.topN)
        why = tr("the %L1 most frequent %2 (%3's Top N)")
                  .arg(sub.topN)
                  .arg(words)
                  .arg(tsne ? "t-SNE" : "PCA");
    else
        why = tr("all %1").arg(words);
    QString method =
        tsne ? (m_shippedLayout ? tr("t-SNE (shipped layout)") : tr("t-SNE")) : tr("PCA");
    if (m_projection.coords.cols() == 3 || (!tsne && m_projectionSettings.dims == 3))
        method += tr(" in 3-D (drag to turn it)");
    if (tsne && !m_shippedLayout && m_tsneShownIteration < m_tsneTotal)
        method +=
            m_tsne->isRunning()
                ? tr(", running: iteration %1 of %2").arg(m_tsneShownIteration).arg(m_tsneTotal)
                : tr(", stopped at iteration %1 of %2 (not a finished map)")
                      .arg(m_tsneShownIteration)
                      .arg(m_tsneTotal);
    if (shown == total)
        return tr("%1 of all %L2 words").arg(method).arg(total);
    return tr("%1 of %L2 of %L3 words: %4").arg(method).arg(shown).arg(total).arg(why);
}

void MainWindow::updateFrameStatus()
{
    if (!m_set) {
        m_statusPoints->setText(tr("no data"));
        m_statusFrame->clear();
        return;
    }
    const int total = int(m_projection.ids.size());
    if (m_view && m_view->densityShown())
        m_statusPoints->setText(
            tr("%1 of %2 points drawn (rest as density)").arg(m_view->drawnPoints()).arg(total));
    else
        m_statusPoints->setText(tr("%1 points").arg(total));
    m_statusFrame->setText(m_view ? tr("frame %1 ms").arg(m_lastFrameMs, 0, 'f', 1) : QString());
}

void MainWindow::updateStatus()
{
    updateFrameStatus();
    m_statusDims->setText(m_set ? tr("%1 dimensions").arg(m_set->dim()) : QString());
    if (!m_view)
        return;
    QStringList caption;
    if (!m_set) {
        m_view->setCaption(caption);
        return;
    }
    if (!m_projection.ids.empty())
        caption << shownWordsText();
    if (!m_notice.isEmpty())
        caption << m_notice;
    else if (!m_selected && m_subwordSelection.isEmpty())
        caption << tr("Search (Ctrl+F) or click a point for its nearest neighbours; pick "
                      "PCA or t-SNE under Projection; F fits the view.");
    m_view->setCaption(caption);
}

QString MainWindow::setName() const
{
    return m_inMemory ? m_path : QFileInfo(m_path).fileName();
}

void MainWindow::showError(const QString &title, const QString &message)
{
    if (!runOptions().noDialogs)
        QMessageBox::warning(this, title, message);
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
    m_honestyWatcher.cancel();
    QSettings s;
    s.setValue("window/geometry", saveGeometry());
    s.setValue("window/state", saveState());
    s.setValue("search/k", m_searchDock->k());
    m_projectionDock->save(s);
    m_appearance->save(s);
    cancelAndWait(m_loadWatcher);
    cancelAndWait(m_projWatcher);
    cancelAndWait(m_honestyWatcher);
    // Whatever those jobs ended with is no longer of interest: no result shown, no error
    // dialog popping up over a closed window.
    m_loadPending = m_projectionPending = false;
    m_dataDock->setLoading(false);
    m_projectionDock->setBusy(false);
    event->accept();
}

} // namespace embex::gui
