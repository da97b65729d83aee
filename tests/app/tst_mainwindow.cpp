// The explorer window as a user drives it (under xvfb-run, Mesa llvmpipe): open a file in the
// background, PCA layout, search, neighbours against the oracle, the selected word's
// highlight at its projected position, click to select, cancel, exports, and the no-OpenGL
// path.
#include "ScatterView.h"
#include "eval/Evaluation.h"
#include "gui/EvalDialog.h"
#include "gui/MainWindow.h"
#include "gui/NeighborModel.h"
#include "gui/RunOptions.h"
#include "gui/TsneRunner.h"
#include "io/Formats.h"
#include "project/Quality.h"
#include "search/ExactIndex.h"
#include "support/GuiTestSupport.h"
#include "support/TestSanitizers.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QSpinBox>
#include <QStringListModel>
#include <QTableView>
#include <QtTest>

#include <cmath>
#include <random>

using namespace embex;
using embex::gui::MainWindow;

namespace {
const QString kGlove = QStringLiteral(EMBEX_FIXTURES "/vectors/test_glove.txt");

bool openAndProject(MainWindow &w, const QString &file)
{
    QSignalSpy loaded(&w, &MainWindow::loadFinished);
    QSignalSpy projected(&w, &MainWindow::projectionFinished);
    w.openFile(file);
    if (!loaded.wait(30000) || !loaded.first().at(0).toBool())
        return false;
    if (projected.isEmpty() && !projected.wait(30000))
        return false;
    return projected.first().at(0).toBool();
}
} // namespace

class TstMainWindow : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init() { test::resetExplorerSettings(); } // every test starts from known settings
    void loadsAndLaysOut();
    void searchAndNeighborsMatchOracle();
    void selectedHighlightAtProjectedPosition();
    void clickSelectsPoint();
    void cancelLoadMidway();
    void badFileReportsError();
    void exportsLayoutAndImages();
    void threeDAndMetadataColours();
    void tsneAnimatesAndFinishes();
    void tsnePauseResumeStopRestart();
    void closingMidRunDoesNotHang();
    void projectionHonestyColours();
    void noOpenGLPathStillWorks();
    void offscreenPlatformDoesNotCrash();
    void evaluateCurrentSet();
    void evaluateTheReferenceItself();

private:
    QTemporaryDir m_dir;
};

void TstMainWindow::initTestCase()
{
    gui::runOptions().noDialogs = true;
    test::useTestLocations();
}

void TstMainWindow::loadsAndLaysOut()
{
    MainWindow w;
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(openAndProject(w, kGlove));
    QVERIFY(w.findChild<QLabel *>("summary")->text().contains("words: 76"));
    auto *view = w.view();
    QVERIFY2(view, "OpenGL 3.3 should be available under xvfb + llvmpipe");
    QCOMPARE(view->pointCount(), 76);
    QVERIFY(view->glError().isEmpty());
    QTRY_VERIFY(view->frameMs() > 0);
    // PCA explains most variance on PC1 first: the combo box shows it.
    auto *x = w.findChild<QComboBox *>("axis_x");
    QVERIFY(x->currentText().startsWith("PC1 ("));
}

void TstMainWindow::searchAndNeighborsMatchOracle()
{
    MainWindow w;
    w.show();
    QVERIFY(openAndProject(w, kGlove));
    auto *neighbors = w.findChild<QTableView *>("neighbors");
    auto *hits = w.findChild<QListView *>("hits");
    QAbstractItemModelTester t1(neighbors->model(),
                                QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester t2(hits->model(),
                                QAbstractItemModelTester::FailureReportingMode::QtTest);

    auto *search = w.findChild<QLineEdit *>("search");
    search->setFocus();
    QTest::keyClicks(search, "of");
    QTest::keyClick(search, Qt::Key_Return);
    QCOMPARE(neighbors->model()->rowCount(), 10);
    auto set = load(kGlove.toStdString());
    ExactIndex index(set);
    auto expected = neighborsOf(index, *set->find("of"), 10);
    for (int r = 0; r < 10; ++r) {
        QCOMPARE(neighbors->model()->index(r, gui::NeighborModel::Word).data().toString(),
                 QString::fromStdString(set->word(expected[std::size_t(r)].id)));
        QCOMPARE(neighbors->model()->index(r, gui::NeighborModel::Rank).data().toInt(), r + 1);
    }
    // Hits: every word containing "of" (plain search is a case-insensitive substring).
    QStringList want;
    for (const auto &word : set->words())
        if (QString::fromStdString(word).contains("of", Qt::CaseInsensitive))
            want << QString::fromStdString(word);
    QCOMPARE(static_cast<QStringListModel *>(hits->model())->stringList(), want);

    w.findChild<QSpinBox *>("k")->setValue(3);
    QCOMPARE(neighbors->model()->rowCount(), 3);

    // Regex search highlights matches in the view.
    w.findChild<QCheckBox *>("regex")->setChecked(true);
    search->setText("^th");
    QTest::keyClick(search, Qt::Key_Return);
    QStringList th;
    for (const auto &word : set->words())
        if (word.rfind("th", 0) == 0)
            th << QString::fromStdString(word);
    QCOMPARE(static_cast<QStringListModel *>(hits->model())->stringList(), th);
    QCOMPARE(int(w.hits().size()), int(th.size()));
}

void TstMainWindow::selectedHighlightAtProjectedPosition()
{
    MainWindow w;
    w.resize(1200, 800);
    w.show();
    QVERIFY(openAndProject(w, kGlove));
    auto *view = w.view();
    QVERIFY(view);
    view->setLabelsVisible(false);
    QVERIFY(w.selectWord("said"));
    const int point = w.pointOf(*w.set()->find("said"));
    QVERIFY(point >= 0);
    QCOMPARE(view->selected(), point);
    QTRY_VERIFY_WITH_TIMEOUT(!view->animating(), 5000);
    const QImage img = view->renderImage(view->size());
    QVERIFY(!img.isNull());
    // Where the layout says the point is, the frame shows the selection colour.
    const auto &coords = w.projection().coords;
    QPointF expected;
    QVERIFY(
        view->camera().toScreen(QVector3D(coords(point, 0), coords(point, 1), 0.0f), &expected));
    QPointF drawn;
    QVERIFY(view->screenPosition(point, &drawn));
    QVERIFY((expected - drawn).manhattanLength() < 1.0);
    const QColor c = img.pixelColor(expected.toPoint());
    QVERIFY2(c.red() > 180 && c.green() < 80 && c.blue() < 110,
             qPrintable(QStringLiteral("pixel at the selected point is %1").arg(c.name())));
    // Far from any point the background shows.
    const QColor bg = img.pixelColor(2, img.height() - 3);
    QVERIFY(bg.red() > 240 && bg.green() > 240);
}

void TstMainWindow::clickSelectsPoint()
{
    MainWindow w;
    w.resize(1200, 800);
    w.show();
    QVERIFY(openAndProject(w, kGlove));
    auto *view = w.view();
    QTRY_VERIFY_WITH_TIMEOUT(!view->animating() && view->drawnPoints() > 0, 5000);
    const int target = w.pointOf(*w.set()->find("people"));
    QPointF pos;
    QVERIFY(view->screenPosition(target, &pos));
    QCOMPARE(view->pick(pos), target);
    QTest::mouseClick(view, Qt::LeftButton, {}, pos.toPoint());
    QCOMPARE(view->selected(), target);
    auto *neighbors = w.findChild<QTableView *>("neighbors");
    QCOMPARE(neighbors->model()->rowCount(), 10);
    // Escape clears.
    w.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&w));
    QTest::keyClick(view, Qt::Key_Escape);
    QCOMPARE(view->selected(), -1);
}

void TstMainWindow::cancelLoadMidway()
{
    // A file big enough that loading takes a while: 300,000 × 50 random values.
    const QString big = m_dir.filePath("big.txt");
    {
        QFile f(big);
        QVERIFY(f.open(QIODevice::WriteOnly));
        std::mt19937 rng(5);
        QByteArray line;
        for (int i = 0; i < 300000; ++i) {
            line = "w" + QByteArray::number(i);
            for (int d = 0; d < 50; ++d)
                line += ' ' + QByteArray::number(double(rng() % 20000) / 1e4 - 1.0, 'f', 4);
            line += '\n';
            f.write(line);
        }
    }
    MainWindow w;
    QSignalSpy loaded(&w, &MainWindow::loadFinished);
    w.openFile(big);
    w.cancelLoad();
    QVERIFY(loaded.wait(30000));
    QCOMPARE(loaded.first().at(0).toBool(), false);
    QCOMPARE(loaded.first().at(1).toString(), QString("cancelled"));
    QVERIFY(!w.set());
    // The window still works afterwards.
    QVERIFY(openAndProject(w, kGlove));
}

void TstMainWindow::badFileReportsError()
{
    const QString bad = m_dir.filePath("broken.vec");
    QFile f(bad);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("2 3\nalpha 1 2 3\nbeta 1 nan 3\n");
    f.close();
    MainWindow w;
    QSignalSpy done(&w, &MainWindow::loadFinished);
    w.openFile(bad);
    QVERIFY(done.wait(20000));
    QCOMPARE(done.first().at(0).toBool(), false);
    const QString msg = done.first().at(1).toString();
    QVERIFY2(msg.contains("broken.vec:3"), qPrintable(msg));
}

void TstMainWindow::exportsLayoutAndImages()
{
    MainWindow w;
    w.resize(1000, 700);
    w.show();
    QVERIFY(openAndProject(w, kGlove));
    const QString tsv = m_dir.filePath("layout.tsv");
    QVERIFY(w.writeLayout(tsv));
    QFile f(tsv);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = f.readAll().split('\n');
    QCOMPARE(lines[0], QByteArray("word\tx\ty"));
    QCOMPARE(lines.size(), 76 + 2); // header, 76 rows, final empty
    const auto &coords = w.projection().coords;
    const QList<QByteArray> first = lines[1].split('\t');
    QCOMPARE(first[0], QByteArray("the"));
    QCOMPARE(first[1].toFloat(), coords(0, 0));
    QCOMPARE(first[2].toFloat(), coords(0, 1));

    const QString csv = m_dir.filePath("layout.csv");
    QVERIFY(w.writeLayout(csv));
    QFile c(csv);
    QVERIFY(c.open(QIODevice::ReadOnly));
    QVERIFY(c.readLine().startsWith("word,x,y"));

    const QImage big = w.view()->renderImage(QSize(2400, 1600));
    QCOMPARE(big.size(), QSize(2400, 1600));
    const QString svg = m_dir.filePath("view.svg");
    QVERIFY(w.view()->exportSvg(svg));
    QFile s(svg);
    QVERIFY(s.open(QIODevice::ReadOnly));
    const QByteArray doc = s.readAll();
    QVERIFY(doc.contains("<svg"));
    QVERIFY(doc.contains(">the<") || doc.contains("the</text>"));
}

void TstMainWindow::threeDAndMetadataColours()
{
    // A Projector TSV with a two-column metadata file: word and part of speech.
    const QString vec = m_dir.filePath("vectors.tsv"), meta = m_dir.filePath("metadata.tsv");
    QFile v(vec), m(meta);
    QVERIFY(v.open(QIODevice::WriteOnly) && m.open(QIODevice::WriteOnly));
    m.write("word\tpos\n");
    std::mt19937 rng(9);
    for (int i = 0; i < 60; ++i) {
        for (int d = 0; d < 8; ++d)
            v.write((d ? "\t" : "") + QByteArray::number(double(rng() % 1000) / 100.0));
        v.write("\n");
        m.write("w" + QByteArray::number(i) + (i % 3 ? "\tnoun\n" : "\tverb\n"));
    }
    v.close();
    m.close();
    MainWindow w;
    w.show();
    QVERIFY(openAndProject(w, vec));
    auto *color = w.findChild<QComboBox *>("colorBy");
    const int metaIndex = color->findData("meta:pos");
    QVERIFY(metaIndex >= 0);
    color->setCurrentIndex(metaIndex);
    // 3-D: the z axis (PC3) is used and the camera orbits.
    w.findChild<QComboBox *>("dims")->setCurrentIndex(1);
    QVERIFY(w.view()->is3D());
    const auto &coords = w.projection().coords;
    QPointF s0;
    QVERIFY(w.view()->camera().toScreen(QVector3D(coords(0, 0), coords(0, 1), coords(0, 2)), &s0));
    const QImage img = w.view()->renderImage(QSize(640, 400));
    QVERIFY(!img.isNull());
    // Back to 2-D.
    w.findChild<QComboBox *>("dims")->setCurrentIndex(0);
    QVERIFY(!w.view()->is3D());
}

namespace {
void chooseTsne(MainWindow &w, int iterations)
{
    w.findChild<QComboBox *>("method")->setCurrentIndex(1);
    w.findChild<QSpinBox *>("iterations")->setValue(iterations);
}
} // namespace

void TstMainWindow::tsneAnimatesAndFinishes()
{
    MainWindow w;
    w.show();
    QVERIFY(openAndProject(w, kGlove)); // PCA first
    chooseTsne(w, 300);
    // The default t-SNE subset is the 10,000 most frequent words (here: all 76).
    QCOMPARE(w.findChild<QSpinBox *>("topN")->value(), 10000);
    QSignalSpy frames(&w, &MainWindow::tsneFrameShown);
    QSignalSpy done(&w, &MainWindow::projectionFinished);
    w.findChild<QPushButton *>("run")->click();
    QVERIFY(done.wait(60000));
    QCOMPARE(done.first().at(0).toBool(), true);
    QVERIFY2(frames.size() >= 3, "the layout should animate: several frames per run");
    QCOMPARE(frames.last().at(0).toInt(), 300);
    QCOMPARE(w.projection().coords.rows(), 76);
    QCOMPARE(w.projection().coords.cols(), 2);
    QCOMPARE(w.view()->pointCount(), 76);
    QVERIFY(w.findChild<QLabel *>("tsneStatus")->text().contains("KL divergence"));
    // Same seed, same layout: run again and compare.
    const RowMatrix first = w.projection().coords;
    done.clear();
    w.findChild<QPushButton *>("run")->click();
    QVERIFY(done.wait(60000));
    // Same seed and thread count: the same layout, bit for bit.
    QVERIFY(first == w.projection().coords);
    QVERIFY(w.writeLayout(m_dir.filePath("tsne.tsv")));
}

void TstMainWindow::tsnePauseResumeStopRestart()
{
    MainWindow w;
    w.show();
    QVERIFY(openAndProject(w, QStringLiteral(EMBEX_FIXTURES "/vectors/word2vec_pre_kv_c")));
    chooseTsne(w, 5000);
    QSignalSpy frames(&w, &MainWindow::tsneFrameShown);
    QSignalSpy done(&w, &MainWindow::projectionFinished);
    w.findChild<QPushButton *>("run")->click();
    QTRY_VERIFY_WITH_TIMEOUT(!frames.isEmpty() && frames.last().at(0).toInt() > 0, 30000);
    auto *pause = w.findChild<QPushButton *>("pause");
    QVERIFY(pause->isEnabled());
    pause->click(); // pause
    QTest::qWait(300);
    const qsizetype afterPause = frames.size();
    QTest::qWait(600);
    QVERIFY2(frames.size() <= afterPause + 1, "paused runs stop producing frames");
    const int pausedAt = frames.last().at(0).toInt();
    pause->click(); // resume
    QTRY_VERIFY_WITH_TIMEOUT(frames.last().at(0).toInt() > pausedAt, 30000);
    // A parameter change restarts the run from iteration 0.
    const quint64 run = w.tsneRunner()->currentRun();
    w.findChild<QSpinBox *>("seed")->setValue(7);
    QCOMPARE(w.tsneRunner()->currentRun(), run + 1);
    QTRY_VERIFY_WITH_TIMEOUT(w.tsneRunner()->isRunning(), 5000);
    // Stop.
    w.findChild<QPushButton *>("stop")->click();
    QTRY_VERIFY_WITH_TIMEOUT(!done.isEmpty(), 30000);
    QCOMPARE(done.last().at(0).toBool(), false);
    QCOMPARE(done.last().at(1).toString(), QString("stopped"));
    QVERIFY(!w.tsneRunner()->isRunning());
}

void TstMainWindow::closingMidRunDoesNotHang()
{
    auto *w = new MainWindow;
    w->show();
    QVERIFY(openAndProject(*w, QStringLiteral(EMBEX_FIXTURES "/vectors/word2vec_pre_kv_c")));
    chooseTsne(*w, 5000);
    QSignalSpy frames(w, &MainWindow::tsneFrameShown);
    w->findChild<QPushButton *>("run")->click();
    QTRY_VERIFY_WITH_TIMEOUT(frames.size() >= 2, 30000);
    QElapsedTimer t;
    t.start();
    w->close();
    delete w;
    QVERIFY(t.elapsed() < 10000);
}

void TstMainWindow::projectionHonestyColours()
{
    MainWindow w;
    w.show();
    QVERIFY(openAndProject(w, QStringLiteral(EMBEX_FIXTURES "/vectors/word2vec_pre_kv_c")));
    QSignalSpy ready(&w, &MainWindow::honestyReady);
    auto *color = w.findChild<QComboBox *>("colorBy");
    color->setCurrentIndex(color->findData("knn"));
    QVERIFY(ready.wait(60000));
    const double mean = ready.first().at(0).toDouble();
    QCOMPARE(w.honesty().size(), std::size_t(1750));
    // Core's numbers for the words and the axes shown (a 2-D PCA, cosine in the original
    // space): the window colours by exactly these, and signals their mean.
    const gui::ProjectionResult &p = w.projection();
    QCOMPARE(w.findChild<QComboBox *>("dims")->currentIndex(), 0);
    RowMatrix original(Eigen::Index(p.ids.size()), Eigen::Index(w.set()->dim()));
    RowMatrix shown(Eigen::Index(p.ids.size()), 2);
    const int axes[2] = {w.findChild<QComboBox *>("axis_x")->currentIndex(),
                         w.findChild<QComboBox *>("axis_y")->currentIndex()};
    for (std::size_t i = 0; i < p.ids.size(); ++i) {
        original.row(Eigen::Index(i)) = w.set()->matrix().row(Eigen::Index(p.ids[i]));
        for (int a = 0; a < 2; ++a)
            shown(Eigen::Index(i), a) = p.coords(Eigen::Index(i), axes[a]);
    }
    const std::vector<float> expected =
        knnPreservation(ConstRowMap(original.data(), original.rows(), original.cols()),
                        ConstRowMap(shown.data(), shown.rows(), shown.cols()), 10, true, 1);
    QCOMPARE(w.honesty(), expected);
    double sum = 0;
    for (float v : expected)
        sum += double(v);
    QVERIFY(std::abs(mean - sum / double(expected.size())) < 1e-12);
    qInfo("mean kNN preservation %.4f", mean);
    // Some neighbourhoods kept, more than a random map would keep (k / (n − 1)), but not all.
    QVERIFY2(mean > 2.0 * 10.0 / 1749.0 && mean < 0.95, qPrintable(QString::number(mean)));
}

void TstMainWindow::noOpenGLPathStillWorks()
{
    gui::runOptions().forceNoGL = true;
    MainWindow w;
    gui::runOptions().forceNoGL = false;
    w.show();
    QVERIFY(!w.view());
    auto *msg = w.findChild<QLabel *>("noOpenGL");
    QVERIFY(msg);
    QVERIFY(msg->text().contains("OpenGL 3.3"));
    QVERIFY(openAndProject(w, kGlove));
    QVERIFY(w.selectWord("of"));
    QCOMPARE(w.findChild<QTableView *>("neighbors")->model()->rowCount(), 10);
    QVERIFY(w.writeLayout(m_dir.filePath("nogl.tsv")));
}

void TstMainWindow::offscreenPlatformDoesNotCrash()
{
    // The Qt offscreen platform has no OpenGL widgets: the app must say so, not crash.
    QProcess p;
    QProcessEnvironment env = test::isolatedEnvironment(m_dir.filePath("home"));
    env.insert("QT_QPA_PLATFORM", "offscreen");
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(EMBEX_GUI), {"--screenshot", m_dir.filePath("x.png"), kGlove});
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    const QByteArray err = p.readAllStandardError();
    if (p.exitCode() == 0) {
        // Some offscreen builds do provide GL; then the screenshot must exist.
        QVERIFY(QFile::exists(m_dir.filePath("x.png")));
    } else {
        QCOMPARE(p.exitCode(), 1);
        QVERIFY2(err.contains("OpenGL"), err.constData());
    }
}

QTEST_MAIN(TstMainWindow)
void TstMainWindow::evaluateCurrentSet()
{
    // Train > Evaluate vectors scores the shown set with the shipped test files: the same
    // numbers as core's evaluate() on that set.
    // The reference is a small set here (tst_evaldialog checks the default set's numbers).
    const QString reference = m_dir.filePath("reference.txt");
    QFile::remove(reference);
    QVERIFY(QFile::copy(QStringLiteral(EMBEX_FIXTURES "/vectors/word2vec_pre_kv_c"), reference));
    gui::runOptions().evalReference = reference;
    MainWindow w;
    w.show();
    QVERIFY(openAndProject(w, kGlove));
    auto *action = w.findChild<QAction *>("evaluateAction");
    QVERIFY(action);
    action->trigger();
    auto *dialog = w.findChild<gui::EvalDialog *>("evalDialog");
    QVERIFY(dialog);
    QSignalSpy done(dialog, &gui::EvalDialog::evaluationFinished);
    QVERIFY(done.wait(test::timeLimitMs(120000)));
    QVERIFY(dialog->report());
    const auto files = gui::EvalDialog::shippedFiles();
    QCOMPARE(files.first.size(), 1);
    QCOMPARE(files.second.size(), 2);
    std::vector<std::string> analogies, pairs;
    for (const QString &f : files.first)
        analogies.push_back(f.toStdString());
    for (const QString &f : files.second)
        pairs.push_back(f.toStdString());
    const EvaluationReport expected = evaluate(*w.set(), analogies, pairs, dialog->options());
    const EvaluationReport &got = *dialog->report();
    QCOMPARE(got.analogies.size(), expected.analogies.size());
    QCOMPARE(got.analogies[0].total.correct, expected.analogies[0].total.correct);
    QCOMPARE(got.analogies[0].total.incorrect, expected.analogies[0].total.incorrect);
    QCOMPARE(got.wordPairs.size(), std::size_t(2));
    for (std::size_t i = 0; i < 2; ++i) {
        QCOMPARE(got.wordPairs[i].used, expected.wordPairs[i].used);
        QCOMPARE(got.wordPairs[i].spearman.has_value(), expected.wordPairs[i].spearman.has_value());
        if (got.wordPairs[i].spearman)
            QCOMPARE(*got.wordPairs[i].spearman, *expected.wordPairs[i].spearman);
    }
    // The 76-word test set answers a few analogies: the dialog shows numbers, not "n/a" only.
    QVERIFY(expected.analogies[0].total.correct + expected.analogies[0].total.incorrect > 0);
    // Beside them, the default set's scores (tst_evaldialog checks the numbers).
    QVERIFY(dialog->referenceReport());
    QVERIFY(dialog->explanationText().contains("<b>Reference</b> column"));
    dialog->close();
}

void TstMainWindow::evaluateTheReferenceItself()
{
    // The default set itself is the reference: the dialog says so instead of a second column.
    // (A function of its own: each evaluation of the 50,000-word set takes minutes under ASan,
    // and Qt Test gives a function 300 s.)
    gui::runOptions().evalReference = kGlove;
    MainWindow d;
    d.show();
    QVERIFY(openAndProject(d, kGlove));
    d.findChild<QAction *>("evaluateAction")->trigger();
    auto *own = d.findChild<gui::EvalDialog *>("evalDialog");
    QVERIFY(own);
    QSignalSpy ownDone(own, &gui::EvalDialog::evaluationFinished);
    QVERIFY(ownDone.wait(test::timeLimitMs(120000)));
    QVERIFY(!own->referenceReport());
    QVERIFY2(own->explanationText().contains("This set is the reference"),
             qPrintable(own->explanationText()));
    own->close();
    gui::runOptions().evalReference.clear();
}

#include "tst_mainwindow.moc"
