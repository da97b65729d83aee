// The explorer's long jobs under abuse (under xvfb-run): loading, PCA and t-SNE each started,
// cancelled and restarted 50 times in a row, then run to the end with the right result; the
// main window closed while each kind of job runs (load, PCA, t-SNE, training lab, evaluation);
// and jobs that fail show an error dialog naming the file and the problem.
#include "gui/EvalDialog.h"
#include "gui/MainWindow.h"
#include "gui/RunOptions.h"
#include "gui/TrainLab.h"
#include "gui/TsneRunner.h"
#include "io/Formats.h"
#include "support/GuiTestSupport.h"
#include "util/MemoryBudget.h"

#include <QComboBox>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QtTest>

#include <random>
#include <sys/stat.h>

using namespace embex;
using embex::gui::MainWindow;
using embex::gui::TsneFrame;
using embex::gui::TsneRunner;

namespace {

/// Closes and deletes a window (which cancels and waits for its jobs); the milliseconds it took.
/// Then lets queued events run, so one that outlived the window would show up here.
qint64 closeAndDelete(QWidget *w)
{
    QElapsedTimer t;
    t.start();
    w->close();
    delete w;
    const qint64 ms = t.elapsed();
    QTest::qWait(50);
    return ms;
}

constexpr int kRounds = 50;
const QString kSmall = QStringLiteral(EMBEX_FIXTURES "/vectors/word2vec_pre_kv_c"); // 1750 × 100

/// Waits for the window's current load to end; returns its loadFinished arguments.
QList<QVariant> waitLoaded(MainWindow &w, QSignalSpy &spy, int timeoutMs = 60000)
{
    QElapsedTimer t;
    t.start();
    while ((w.isLoading() || spy.isEmpty()) && t.elapsed() < timeoutMs)
        QTest::qWait(2);
    return spy.isEmpty() ? QList<QVariant>{} : spy.last();
}

/// Opens a file and waits until it is loaded and its automatic PCA has ended (the Project
/// button is disabled until then); false if the load failed.
bool openAndSettle(MainWindow &w, const QString &file)
{
    QSignalSpy loaded(&w, &MainWindow::loadFinished);
    w.openFile(file);
    if (!waitLoaded(w, loaded).value(0).toBool())
        return false;
    QElapsedTimer t;
    t.start();
    while (w.isProjecting() && t.elapsed() < 30000)
        QTest::qWait(5);
    return !w.isProjecting();
}

/// Records the text of every QMessageBox that comes up (polling the active modal widget, as a
/// user would see it) and closes it, so that the test never blocks on a dialog.
class DialogCatcher : public QObject
{
public:
    DialogCatcher()
    {
        connect(&m_timer, &QTimer::timeout, this, [this] {
            if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget())) {
                m_titles << box->windowTitle();
                m_texts << box->text();
                box->done(QMessageBox::Ok);
            }
        });
        m_timer.start(20);
    }
    const QStringList &texts() const { return m_texts; }
    const QStringList &titles() const { return m_titles; }
    bool waitForDialog(int timeoutMs = 30000)
    {
        QElapsedTimer t;
        t.start();
        while (m_texts.isEmpty() && t.elapsed() < timeoutMs)
            QTest::qWait(10);
        return !m_texts.isEmpty();
    }

private:
    QTimer m_timer;
    QStringList m_texts, m_titles;
};

} // namespace

class TstStress : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void loadStartCancelRestart();
    void pcaStartCancelRestart();
    void tsneStartStopRestart();
    void closeWhileLoading();
    void closeWhileProjecting();
    void closeWhileTsneRuns();
    void closeWhileTraining();
    void closeWhileEvaluating();
    void loadErrorShowsDialog_data();
    void loadErrorShowsDialog();
    void projectionErrorShowsDialog();
    void tsneErrorShowsDialog();

private:
    QTemporaryDir m_dir;
    QString m_big; // 30,000 × 25 word2vec text, two 4 MiB blocks: cancellable mid-read
    static constexpr int kBigWords = 30000;
};

void TstStress::initTestCase()
{
    test::useTestLocations();
    m_big = m_dir.filePath("big.txt");
    QFile f(m_big);
    QVERIFY(f.open(QIODevice::WriteOnly));
    std::mt19937 rng(11);
    QByteArray text = QByteArray::number(kBigWords) + " 25\n";
    for (int i = 0; i < kBigWords; ++i) {
        text += "w" + QByteArray::number(i);
        for (int d = 0; d < 25; ++d)
            text += ' ' + QByteArray::number(double(rng() % 20000) / 1e4 - 1.0, 'f', 4);
        text += '\n';
    }
    QVERIFY(f.write(text) == text.size());
}

void TstStress::init()
{
    test::resetExplorerSettings();
    gui::runOptions().noDialogs = true; // the dialog tests turn them on
}

void TstStress::loadStartCancelRestart()
{
    MainWindow w;
    w.show();
    QSignalSpy loaded(&w, &MainWindow::loadFinished);
    std::mt19937 rng(1);
    int cancelled = 0;
    for (int round = 0; round < kRounds; ++round) {
        loaded.clear();
        switch (round % 3) {
        case 0: // cancel at once
            w.openFile(m_big);
            w.cancelLoad();
            break;
        case 1: // cancel after a moment
            w.openFile(m_big);
            QTest::qWait(int(rng() % 40));
            w.cancelLoad();
            break;
        case 2: // restart: a new load replaces the running one, which is cancelled
            w.openFile(m_big);
            QTest::qWait(int(rng() % 20));
            w.openFile(kSmall);
            QTest::qWait(int(rng() % 5));
            w.cancelLoad();
            break;
        }
        const auto result = waitLoaded(w, loaded);
        QVERIFY2(!result.isEmpty(), qPrintable(QString("round %1: no end").arg(round)));
        if (!result.at(0).toBool()) {
            QCOMPARE(result.at(1).toString(), QString("cancelled"));
            ++cancelled;
        }
    }
    QVERIFY2(cancelled >= kRounds / 2, qPrintable(QString::number(cancelled)));
    // Then a load that is left alone completes with the whole set.
    loaded.clear();
    w.openFile(m_big);
    const auto result = waitLoaded(w, loaded);
    QVERIFY(!result.isEmpty());
    QVERIFY2(result.at(0).toBool(), qPrintable(result.at(1).toString()));
    QCOMPARE(w.set()->size(), std::size_t(kBigWords));
    QCOMPARE(w.set()->dim(), std::size_t(25));
    const auto expected = load(m_big.toStdString());
    QCOMPARE(w.set()->words(), expected->words());
    QCOMPARE(std::memcmp(w.set()->row(0), expected->row(0), expected->size() * 25 * sizeof(float)),
             0);
    QTRY_VERIFY_WITH_TIMEOUT(!w.isProjecting(), 30000);
    QCOMPARE(w.projection().ids.size(), std::size_t(kBigWords));
}

void TstStress::pcaStartCancelRestart()
{
    MainWindow w;
    w.show();
    QVERIFY(openAndSettle(w, m_big));
    QSignalSpy projected(&w, &MainWindow::projectionFinished);
    auto *stop = w.findChild<QPushButton *>("stop");
    std::mt19937 rng(2);
    int cancelled = 0;
    for (int round = 0; round < kRounds; ++round) {
        projected.clear();
        w.project();
        switch (round % 3) {
        case 0: // Stop at once: the job has hardly started (on a loaded machine a PCA of this
                // size can still end before the click lands: then it ends cleanly)
            stop->click();
            break;
        case 1: // Stop after a moment, if it still runs
            QTest::qWait(int(rng() % 10));
            break;
        case 2: // restart: the running one is cancelled and replaced
            QTest::qWait(int(rng() % 5));
            projected.clear(); // the first may have ended already; if not, it never will
            w.project();
            QTest::qWait(int(rng() % 3));
            break;
        }
        if (stop->isEnabled())
            stop->click();
        QTRY_VERIFY_WITH_TIMEOUT(!w.isProjecting() && !projected.isEmpty(), 30000);
        // One end per run, none for a replaced one.
        QVERIFY2(projected.size() == 1,
                 qPrintable(QString("round %1: %2 ends").arg(round).arg(projected.size())));
        if (!projected.last().at(0).toBool()) {
            QCOMPARE(projected.last().at(1).toString(), QString("cancelled"));
            ++cancelled;
        }
    }
    // Cancellation was exercised: about a third of the rounds when the machine is idle, 14 of
    // 50 seen under CI's parallel load.
    QVERIFY2(cancelled >= kRounds / 10, qPrintable(QString::number(cancelled)));
    projected.clear();
    w.project();
    QTRY_VERIFY_WITH_TIMEOUT(!w.isProjecting() && !projected.isEmpty(), 30000);
    QVERIFY(projected.last().at(0).toBool());
    // The same layout as a fresh window's first projection of the same file.
    MainWindow fresh;
    QSignalSpy freshLoaded(&fresh, &MainWindow::loadFinished);
    fresh.openFile(m_big);
    QVERIFY(waitLoaded(fresh, freshLoaded).value(0).toBool());
    QTRY_VERIFY_WITH_TIMEOUT(!fresh.isProjecting() && fresh.projection().coords.rows() > 0, 30000);
    QCOMPARE(w.projection().ids, fresh.projection().ids);
    QVERIFY(w.projection().coords == fresh.projection().coords);
    QCOMPARE(w.projection().varianceRatio, fresh.projection().varianceRatio);
}

void TstStress::tsneStartStopRestart()
{
    const auto set = load(kSmall.toStdString());
    gui::SubsetOptions subset;
    subset.topN = 300;
    TsneOptions o;
    o.maxIterations = 150;
    o.exaggerationIterations = 50;
    o.momentumSwitch = 50;
    o.perplexity = 10;
    o.threads = 1;
    TsneRunner runner;
    QSignalSpy finished(&runner, &TsneRunner::finished);
    // Frames of a run that was stopped or replaced must never reach the window.
    int staleFrames = 0;
    TsneFrame last;
    connect(&runner, &TsneRunner::frameReady, this, [&](const TsneFrame &f) {
        if (f.run != runner.currentRun())
            ++staleFrames;
        last = f;
    });
    std::mt19937 rng(3);
    for (int round = 0; round < kRounds; ++round) {
        runner.start(set, subset, o);
        QTest::qWait(int(rng() % 15));
        if (round % 2 == 0) {
            runner.start(set, subset, o); // restart replaces the run
            QTest::qWait(int(rng() % 5));
        }
        runner.stop();
    }
    QTest::qWait(20); // let queued frames of stopped runs arrive (and be dropped)
    finished.clear();
    runner.start(set, subset, o);
    QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 60000);
    QVERIFY2(finished.last().at(0).toBool(), qPrintable(finished.last().at(1).toString()));
    QVERIFY(last.final);
    QCOMPARE(last.iteration, 150);
    QCOMPARE(staleFrames, 0);
    // A fresh runner with the same seed gives the same layout, bit for bit.
    TsneRunner fresh;
    TsneFrame freshLast;
    QSignalSpy freshDone(&fresh, &TsneRunner::finished);
    connect(&fresh, &TsneRunner::frameReady, this, [&](const TsneFrame &f) { freshLast = f; });
    fresh.start(set, subset, o);
    QTRY_VERIFY_WITH_TIMEOUT(!freshDone.isEmpty(), 60000);
    QVERIFY(freshLast.final);
    QVERIFY(last.coords == freshLast.coords);
}

void TstStress::closeWhileLoading()
{
    auto *w = new MainWindow;
    w->show();
    w->openFile(m_big);
    QTest::qWait(30);
    QVERIFY(w->isLoading());
    QElapsedTimer t;
    t.start();
    w->close();
    delete w;
    QVERIFY2(t.elapsed() < 5000, qPrintable(QString::number(t.elapsed())));
    QTest::qWait(50); // nothing queued for the deleted window may run
}

void TstStress::closeWhileProjecting()
{
    auto *w = new MainWindow;
    w->show();
    QVERIFY(openAndSettle(*w, m_big));
    w->project();
    QVERIFY(w->isProjecting());
    const qint64 ms = closeAndDelete(w);
    QVERIFY2(ms < 5000, qPrintable(QString::number(ms)));
}

void TstStress::closeWhileTsneRuns()
{
    auto *w = new MainWindow;
    w->show();
    QVERIFY(openAndSettle(*w, kSmall));
    w->findChild<QComboBox *>("method")->setCurrentIndex(1);
    w->findChild<QSpinBox *>("iterations")->setValue(5000);
    QSignalSpy frames(w, &MainWindow::tsneFrameShown);
    w->findChild<QPushButton *>("run")->click();
    QTRY_VERIFY_WITH_TIMEOUT(frames.size() >= 2, 30000);
    QVERIFY(w->tsneRunner()->isRunning());
    const qint64 ms = closeAndDelete(w);
    QVERIFY2(ms < 5000, qPrintable(QString::number(ms)));
}

void TstStress::closeWhileTraining()
{
    // A corpus that takes a while to train on: 20,000 sentences over 500 words, 50 epochs.
    const QString corpus = m_dir.filePath("corpus.txt");
    {
        QFile f(corpus);
        QVERIFY(f.open(QIODevice::WriteOnly));
        std::mt19937 rng(4);
        QByteArray text;
        for (int s = 0; s < 20000; ++s) {
            for (int k = 0; k < 10; ++k)
                text += "t" + QByteArray::number(int(rng() % 500)) + ' ';
            text += '\n';
        }
        f.write(text);
    }
    auto *w = new MainWindow;
    w->show();
    w->findChild<QAction *>("trainLabAction")->trigger();
    auto *lab = w->findChild<gui::TrainLab *>();
    QVERIFY(lab);
    lab->findChild<QLineEdit *>("corpus")->setText(corpus);
    lab->findChild<QSpinBox *>("minCount")->setValue(1);
    lab->findChild<QSpinBox *>("epochs")->setValue(50);
    lab->findChild<QSpinBox *>("dim")->setValue(20);
    QSignalSpy shown(lab, &gui::TrainLab::frameShown);
    lab->findChild<QPushButton *>("startTraining")->click();
    QVERIFY(shown.wait(30000));
    QVERIFY(lab->isTraining());
    const qint64 ms = closeAndDelete(w);
    QVERIFY2(ms < 5000, qPrintable(QString::number(ms)));
}

void TstStress::closeWhileEvaluating()
{
    if (MainWindow::defaultSetPath().isEmpty())
        QSKIP("the default set is not installed beside the build");
    auto *w = new MainWindow;
    w->show();
    QSignalSpy loaded(w, &MainWindow::loadFinished);
    w->openDefault(); // 50,000 GloVe words: the shipped analogy test takes a second or so
    QVERIFY(waitLoaded(*w, loaded).value(0).toBool());
    w->findChild<QAction *>("evaluateAction")->trigger();
    auto *dialog = w->findChild<gui::EvalDialog *>("evalDialog");
    QVERIFY(dialog);
    QTRY_VERIFY_WITH_TIMEOUT(dialog->isRunning(), 10000);
    const qint64 ms = closeAndDelete(w);
    QVERIFY2(ms < 5000, qPrintable(QString::number(ms)));
}

void TstStress::loadErrorShowsDialog_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("malformed row") << "broken.vec" << QByteArray("2 3\nalpha 1 2 3\nbeta 1 nan 3\n")
                                   << QStringList{"broken.vec:3", "NaN"};
    QTest::newRow("directory") << "folder.vec" << QByteArray() << QStringList{"is a directory"};
    QTest::newRow("FIFO") << "pipe.vec" << QByteArray() << QStringList{"not a regular file"};
    QTest::newRow("larger than memory")
        << "fits-not.vec" << QByteArray("3 4\na 1 2 3 4\nb 1 2 3 4\nc 1 2 3 4\n")
        << QStringList{"needs", "(240 bytes)", "(100 bytes) is available"};
}

void TstStress::loadErrorShowsDialog()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, bytes);
    QFETCH(QStringList, expected);
    const QString path = m_dir.filePath(name);
    if (name == "folder.vec") {
        QVERIFY(QDir().mkpath(path));
    } else if (name == "pipe.vec") {
        QFile::remove(path);
        QVERIFY(::mkfifo(path.toLocal8Bit().constData(), 0600) == 0);
    } else {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(bytes);
    }
    if (name == "fits-not.vec")
        setAvailableMemoryForTesting(100);
    auto restore = qScopeGuard([] { setAvailableMemoryForTesting(0); });
    gui::runOptions().noDialogs = false;
    MainWindow w;
    w.show();
    DialogCatcher dialogs;
    QSignalSpy loaded(&w, &MainWindow::loadFinished);
    w.openFile(path);
    QVERIFY(dialogs.waitForDialog());
    QCOMPARE(dialogs.titles().first(), QString("Could not open the file"));
    const QString text = dialogs.texts().first();
    QVERIFY2(text.startsWith(path), qPrintable(text));
    for (const QString &s : expected)
        QVERIFY2(text.contains(s), qPrintable("'" + s + "' not in: " + text));
    QTRY_VERIFY(!loaded.isEmpty());
    QCOMPARE(loaded.first().at(0).toBool(), false);
    QCOMPARE(loaded.first().at(1).toString(), text);
    QCOMPARE(dialogs.texts().size(), 1);
    QVERIFY(!w.set());
}

void TstStress::projectionErrorShowsDialog()
{
    gui::runOptions().noDialogs = false;
    MainWindow w;
    w.show();
    QVERIFY(openAndSettle(w, kSmall));
    DialogCatcher dialogs;
    QSignalSpy projected(&w, &MainWindow::projectionFinished);
    w.findChild<QLineEdit *>("include")->setText("^no such word$");
    w.project();
    QVERIFY(dialogs.waitForDialog());
    QCOMPARE(dialogs.titles().first(), QString("Projection failed"));
    const QString text = dialogs.texts().first();
    QVERIFY2(text.contains("word2vec_pre_kv_c"), qPrintable(text));
    QVERIFY2(text.contains("no words match the subset settings"), qPrintable(text));
    QTRY_VERIFY(!projected.isEmpty());
    QCOMPARE(projected.first().at(0).toBool(), false);
}

void TstStress::tsneErrorShowsDialog()
{
    gui::runOptions().noDialogs = false;
    MainWindow w;
    w.show();
    QVERIFY(openAndSettle(w, kSmall));
    DialogCatcher dialogs;
    QSignalSpy projected(&w, &MainWindow::projectionFinished);
    w.findChild<QComboBox *>("method")->setCurrentIndex(1);
    w.findChild<QSpinBox *>("topN")->setValue(1); // t-SNE needs two words at least
    w.findChild<QPushButton *>("run")->click();
    QVERIFY(dialogs.waitForDialog());
    QCOMPARE(dialogs.titles().first(), QString("t-SNE failed"));
    const QString text = dialogs.texts().first();
    QVERIFY2(text.contains("word2vec_pre_kv_c"), qPrintable(text));
    QVERIFY2(text.contains("t-SNE needs at least 2 words; the subset has 1"), qPrintable(text));
    QTRY_VERIFY(!projected.isEmpty());
    QCOMPARE(projected.first().at(0).toBool(), false);
}

QTEST_MAIN(TstStress)
#include "tst_stress.moc"
