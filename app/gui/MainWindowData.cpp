// MainWindow's data: opening files and sets trained in the lab, carrying the word-level state
// over to the new set (see MainWindow.h), recent files, and the lab windows.
#include "ScatterView.h"
#include "gui/AppearanceBar.h"
#include "gui/ContextLab.h"
#include "gui/DataDock.h"
#include "gui/EvalDialog.h"
#include "gui/FutureResult.h"
#include "gui/MainWindow.h"
#include "gui/ProjectionDock.h"
#include "gui/RunOptions.h"
#include "gui/SearchDock.h"
#include "gui/SelectionDock.h"
#include "gui/TrainLab.h"
#include "gui/TsneRunner.h"

#include <QApplication>
#include <QCoreApplication>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QSettings>
#include <QStatusBar>

namespace embex::gui {

namespace {
constexpr int kMaxRecent = 10;
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
    m_loadWatcher.setFuture(startIndexing(std::move(set)));
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
        m_contextLab->setStaticSet(m_set, m_index, setName());
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
    auto *dialog = new EvalDialog(m_set, setName(), this);
    // The default set; a test may name a smaller one (evaluating 50,000 words takes minutes
    // under AddressSanitizer).
    const QString override = runOptions().evalReference;
    const QString reference = override.isEmpty() ? defaultSetPath() : override;
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
    m_notice.clear();
    // What the user was looking at, by word: it is carried over to the new set.
    QString selectedText = m_subwordSelection;
    if (m_set && m_selected)
        selectedText = QString::fromStdString(m_set->word(*m_selected));
    QStringList markedWords;
    if (m_set)
        for (WordId id : m_marked)
            markedWords << QString::fromStdString(m_set->word(id));

    // Nothing of the old set's layout, rows or measures survives: the view is emptied until
    // the new layout arrives, and every status line is reset.
    m_tsne->stop();
    if (m_projWatcher.isRunning())
        cancelAndWait(m_projWatcher);
    m_projectionPending = false;
    m_projectionDock->setBusy(false);
    m_projectionDock->setTsneRunning(false);
    m_projectionDock->clearStatus();
    if (m_honestyWatcher.isRunning())
        m_honestyWatcher.cancel();
    ++m_layoutGeneration;
    m_honesty.clear();
    m_projection = ProjectionResult{};
    m_pointOf.clear();
    if (m_view) {
        m_view->setLayout({}, false, false);
        m_view->setLabels({});
    }

    m_set = loaded.set;
    m_words = loaded.words;
    m_path = m_loadingPath;
    m_inMemory = m_loadingInMemory;
    m_index = loaded.index;
    m_lowerCased = std::none_of(m_words.begin(), m_words.end(),
                                [](const QString &w) { return w != w.toLower(); });
    m_hits.clear();
    m_exactHits = 0;
    m_selected.reset();
    m_subwordSelection.clear();
    m_neighbors.clear();
    m_marked.clear();
    m_searchDock->neighborModel()->clear();
    m_searchDock->setSelectedWord({});
    m_searchDock->setVocabulary(loaded.sortedWords);
    const QString shownName = setName();

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
    m_appearance->setMetadataColumns(columns);
    setWindowTitle(tr("Embex — %1").arg(shownName));
    if (!m_inMemory && m_path != defaultSetPath())
        addRecent(m_path);
    statusBar()->showMessage(tr("Loaded %1 words").arg(m_set->size()), 3000);
    if (m_contextLab)
        m_contextLab->setStaticSet(m_set, m_index, shownName);

    // Carry the words over; those the new set lacks are dropped, and said so.
    QStringList dropped;
    std::vector<WordId> marked;
    for (const QString &w : markedWords) {
        if (auto id = m_set->find(w.toStdString()))
            marked.push_back(*id);
    }
    m_marked = std::move(marked);
    m_selectionDock->setWords({});
    if (!markedWords.isEmpty()) {
        QStringList kept;
        for (WordId id : m_marked)
            kept << QString::fromStdString(m_set->word(id));
        m_selectionDock->setWords(kept);
        if (kept.size() < markedWords.size())
            dropped << tr("%n box-selected word(s)", nullptr,
                          int(markedWords.size() - kept.size()));
    }
    runSearch(m_searchDock->query(), m_searchDock->regex());
    if (!selectedText.isEmpty()) {
        const std::string w = selectedText.toStdString();
        if (m_set->find(w) || m_set->vectorFor(w))
            selectWord(selectedText);
        else
            dropped.prepend(tr("'%1'").arg(selectedText));
    }
    if (!dropped.isEmpty()) {
        m_notice = tr("Not in %1: %2 (no longer selected)").arg(shownName, dropped.join(", "));
        statusBar()->showMessage(m_notice, 8000);
    }
    updateStatus();
    emit loadFinished(true, {});
    project();
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

} // namespace embex::gui
