#include "gui/MainWindow.h"

#include "gui/LoadJob.h"
#include "search/NeighborIndex.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QCompleter>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QStatusBar>
#include <QStringListModel>
#include <QTableWidget>
#include <QVBoxLayout>

namespace embex::gui {

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setWindowTitle(tr("Embex"));
    setAcceptDrops(true);
    resize(900, 640);

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    m_summary = new QLabel(tr("Open a vector file (Ctrl+O) or drop one here.\n"
                              "Formats: word2vec text/binary, GloVe, fastText .vec/.bin, "
                              "TensorFlow Projector TSV, NumPy .npy, Embex."),
                           central);
    m_summary->setObjectName("summary");
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_summary);

    auto *form = new QFormLayout;
    m_search = new QLineEdit(central);
    m_search->setObjectName("search");
    m_search->setPlaceholderText(tr("word"));
    m_search->setEnabled(false);
    m_k = new QSpinBox(central);
    m_k->setRange(1, 1000);
    m_k->setValue(10);
    form->addRow(tr("Word:"), m_search);
    form->addRow(tr("Neighbours (k):"), m_k);
    layout->addLayout(form);

    m_table = new QTableWidget(0, 3, central);
    m_table->setObjectName("neighbors");
    m_table->setHorizontalHeaderLabels({tr("Rank"), tr("Word"), tr("Cosine")});
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    layout->addWidget(m_table, 1);
    setCentralWidget(central);

    auto *fileMenu = menuBar()->addMenu(tr("&File"));
    auto *open = fileMenu->addAction(tr("&Open..."), this, &MainWindow::chooseFile);
    open->setShortcut(QKeySequence::Open);
    fileMenu->addSeparator();
    auto *quit = fileMenu->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1000);
    m_progress->setMaximumWidth(200);
    m_progress->hide();
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->hide();
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancel);
    connect(m_cancel, &QPushButton::clicked, &m_watcher, &QFutureWatcher<EmbeddingSetPtr>::cancel);
    connect(&m_watcher, &QFutureWatcher<EmbeddingSetPtr>::progressValueChanged, m_progress,
            &QProgressBar::setValue);
    connect(&m_watcher, &QFutureWatcher<EmbeddingSetPtr>::finished, this, &MainWindow::onLoaded);
    connect(m_search, &QLineEdit::returnPressed, this, &MainWindow::updateNeighbors);
    connect(m_k, &QSpinBox::valueChanged, this, &MainWindow::updateNeighbors);
}

MainWindow::~MainWindow()
{
    m_watcher.cancel();
    m_watcher.waitForFinished();
}

void MainWindow::chooseFile()
{
    QString path = QFileDialog::getOpenFileName(this, tr("Open vectors"));
    if (!path.isEmpty())
        openFile(path);
}

void MainWindow::openFile(const QString &path)
{
    if (m_watcher.isRunning()) {
        m_watcher.cancel();
        m_watcher.waitForFinished();
    }
    m_loadingPath = path;
    statusBar()->showMessage(tr("Loading %1...").arg(QFileInfo(path).fileName()));
    m_progress->setValue(0);
    m_progress->show();
    m_cancel->show();
    m_watcher.setFuture(startLoad(path));
}

void MainWindow::onLoaded()
{
    m_progress->hide();
    m_cancel->hide();
    QFuture<EmbeddingSetPtr> f = m_watcher.future();
    if (f.isCanceled() && f.resultCount() == 0) {
        // A cancelled load may still carry an exception; Cancelled is not an error.
        try {
            f.waitForFinished();
        } catch (...) {
        }
        statusBar()->showMessage(tr("Loading cancelled"), 5000);
        emit loadFinished(false, tr("cancelled"));
        return;
    }
    try {
        m_set = f.result();
    } catch (const Cancelled &) {
        statusBar()->showMessage(tr("Loading cancelled"), 5000);
        emit loadFinished(false, tr("cancelled"));
        return;
    } catch (const std::exception &e) {
        QString msg = QString::fromUtf8(e.what());
        statusBar()->showMessage(tr("Could not open the file"), 5000);
        if (!qApp->property("embexNoDialogs").toBool())
            QMessageBox::warning(this, tr("Could not open the file"), msg);
        emit loadFinished(false, msg);
        return;
    }
    m_path = m_loadingPath;
    m_index = std::make_unique<ExactIndex>(m_set);
    showSummary();
    QStringList words;
    words.reserve(qsizetype(m_set->size()));
    for (const auto &w : m_set->words())
        words << QString::fromStdString(w);
    auto *completer = new QCompleter(words, m_search);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    completer->setModelSorting(QCompleter::UnsortedModel);
    m_search->setCompleter(completer);
    m_search->setEnabled(true);
    m_search->setFocus();
    statusBar()->showMessage(tr("%1 words, %2 dimensions").arg(m_set->size()).arg(m_set->dim()));
    updateNeighbors();
    emit loadFinished(true, QString());
}

void MainWindow::showSummary()
{
    QString text = tr("<b>%1</b><br>format: %2 &nbsp; words: %3 &nbsp; dimensions: %4")
                       .arg(QFileInfo(m_path).fileName().toHtmlEscaped(),
                            QString::fromStdString(m_set->sourceFormat()))
                       .arg(m_set->size())
                       .arg(m_set->dim());
    for (const auto &w : m_set->warnings())
        text += "<br>warning: " + QString::fromStdString(w).toHtmlEscaped();
    m_summary->setText(text);
    setWindowTitle(tr("Embex — %1").arg(QFileInfo(m_path).fileName()));
}

void MainWindow::updateNeighbors()
{
    m_table->setRowCount(0);
    if (!m_set || m_search->text().isEmpty())
        return;
    std::string word = m_search->text().trimmed().toStdString();
    std::vector<Neighbor> result;
    if (auto id = m_set->find(word)) {
        result = neighborsOf(*m_index, *id, std::size_t(m_k->value()));
    } else if (auto v = m_set->vectorFor(word)) {
        result = m_index->search(v->data(), std::size_t(m_k->value()));
        statusBar()->showMessage(tr("'%1' is not in the vocabulary: subword vector used")
                                     .arg(m_search->text()), 5000);
    } else {
        statusBar()->showMessage(tr("'%1' is not in the vocabulary").arg(m_search->text()), 5000);
        return;
    }
    m_table->setRowCount(int(result.size()));
    for (int r = 0; r < int(result.size()); ++r) {
        const auto &n = result[std::size_t(r)];
        m_table->setItem(r, 0, new QTableWidgetItem(QString::number(r + 1)));
        m_table->setItem(r, 1, new QTableWidgetItem(QString::fromStdString(m_set->word(n.id))));
        m_table->setItem(r, 2,
                         new QTableWidgetItem(QString::number(double(n.similarity), 'f', 4)));
    }
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
    m_watcher.cancel();
    m_watcher.waitForFinished();
    event->accept();
}

} // namespace embex::gui
