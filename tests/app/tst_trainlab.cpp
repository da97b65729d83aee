// The training lab as a user drives it (under xvfb-run, Mesa llvmpipe), with a deterministic
// fake trainer injected into the runner: vectors move from random to two planted clusters.
// Frames arrive and the view shows the watch words, the slider replays a stored frame, frames
// stay aligned, neighbours follow training, Stop and closing are prompt, trainer errors become
// messages, the result opens in the explorer and saves; one run with the real trainer.
#include "ScatterView.h"
#include "gui/LineChart.h"
#include "gui/MainWindow.h"
#include "gui/NeighborModel.h"
#include "gui/RunOptions.h"
#include "gui/TrainLab.h"
#include "gui/TrainSettings.h"
#include "io/Formats.h"
#include "project/Procrustes.h"
#include "support/GuiTestSupport.h"
#include "support/TestSanitizers.h"
#include "train/ShippedCorpus.h"
#include "train/TrainSupport.h"

#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSlider>
#include <QSpinBox>
#include <QTableView>
#include <QtTest>

#include <atomic>
#include <chrono>
#include <cmath>
#include <random>
#include <set>
#include <thread>

using namespace embex;
using embex::gui::TrainLab;
using embex::gui::TrainRunner;

namespace {

// Two word groups that never share a sentence; the watch list is split between them.
const QStringList kGroupA = {"king",  "queen",  "man",    "woman",
                             "paris", "france", "london", "england"};
const QStringList kGroupB = {"monday", "tuesday", "red", "blue", "one", "two", "dog", "cat"};

bool inGroupA(const std::string &w)
{
    return kGroupA.contains(QString::fromStdString(w)) || (w.size() > 1 && w[0] == 'a');
}

/// Writes the planted corpus: lines of 8 words from one group (plus 20 fillers per group).
QString writeCorpus(const QString &dir, int lines = 400)
{
    QStringList a = kGroupA, b = kGroupB;
    for (int i = 0; i < 20; ++i) {
        a << QStringLiteral("a%1").arg(i);
        b << QStringLiteral("b%1").arg(i);
    }
    const QString path = dir + "/planted.txt";
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    std::mt19937 rng(3);
    for (int l = 0; l < lines; ++l) {
        const QStringList &g = l % 2 ? a : b;
        QStringList words;
        for (int k = 0; k < 8; ++k)
            words << g[qsizetype(rng() % std::uint32_t(g.size()))];
        f.write(words.join(' ').toUtf8() + "\n");
    }
    return path;
}

struct FakeConfig
{
    int steps = 40;
    int sleepMs = 2;     ///< simulated work per step
    int failAtStep = -1; ///< throw at this step
    std::size_t dim = 16;
    std::shared_ptr<std::atomic<int>> nativeSaves; ///< non-null: the result has saveNative
    /// Non-empty: every word but this one moves to one common point (early word2vec, where
    /// frequent words share a direction while a rare one keeps its random start).
    std::string frozen;
    /// Non-null: after its first snapshot the trainer waits while this is true (a test acts
    /// mid-training however slowly the GUI thread runs, e.g. under TSan).
    std::shared_ptr<std::atomic<bool>> hold;
};

/// A deterministic trainer: word vectors move linearly from random to one of two cluster
/// centres (by group) with a little noise, reporting through core's TrainReporter as the real
/// trainers do (statistics, snapshot schedule, cancellation).
TrainRunner::TrainFunction fakeTrainer(FakeConfig c)
{
    return [c](const TrainingCorpus &corpus, const TrainOptions &o, TrainObserver &observer) {
        const Vocabulary &v = corpus.vocabulary();
        const std::size_t n = v.size(), d = c.dim;
        std::mt19937 rng(std::uint32_t(o.seed));
        std::normal_distribution<float> normal;
        std::vector<float> start(n * d), goal(n * d), now(n * d);
        std::vector<float> centreA(d), centreB(d);
        for (std::size_t j = 0; j < d; ++j) {
            centreA[j] = 2 * normal(rng);
            centreB[j] = 2 * normal(rng);
        }
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = 0; j < d; ++j) {
                start[i * d + j] = normal(rng);
                const std::string &w = v.word(std::uint32_t(i));
                const auto &centre = inGroupA(w) || !c.frozen.empty() ? centreA : centreB;
                goal[i * d + j] = centre[j] + 0.2f * normal(rng);
                if (w == c.frozen)
                    goal[i * d + j] = start[i * d + j];
            }
        detail::TrainReporter reporter(o, observer, "training", 2);
        for (int s = 0; s <= c.steps; ++s) {
            const double t = double(s) / c.steps;
            for (std::size_t k = 0; k < n * d; ++k)
                now[k] = float((1 - t) * double(start[k]) + t * double(goal[k]));
            for (int due; (due = reporter.snapshotDue(t)) >= 0;)
                reporter.publishSnapshot(due,
                                         detail::makeVectorSet(v, now.data(), d, o.snapshotWords));
            while (c.hold && *c.hold && !observer.cancelled())
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            reporter.update(t, 1 + (s * 2) / (c.steps + 1), std::uint64_t(s) * 1000,
                            2.0 * (1.0 - t) + 0.1, 0.025 * (1 - t), true);
            if (s == c.failAtStep)
                throw std::runtime_error("Word2Vec: the fake trainer failed");
            std::this_thread::sleep_for(std::chrono::milliseconds(c.sleepMs));
        }
        TrainResult r;
        r.vectors = detail::makeVectorSet(v, now.data(), d, n);
        if (c.nativeSaves)
            r.saveNative = [calls = c.nativeSaves](const std::string &path) {
                QFile f(QString::fromStdString(path));
                if (!f.open(QIODevice::WriteOnly))
                    throw std::runtime_error(path + ": cannot write");
                f.write("native");
                ++*calls;
            };
        reporter.finish(r);
        return r;
    };
}

/// Within-group over across-group mean distance of the 2-D points of a frame.
double clusterRatio(const gui::TrainFrame &f)
{
    double within = 0, across = 0;
    int nw = 0, na = 0;
    const auto n = f.labels.size();
    for (qsizetype i = 0; i < n; ++i)
        for (qsizetype j = i + 1; j < n; ++j) {
            const double dx = f.coords[2 * std::size_t(i)] - f.coords[2 * std::size_t(j)];
            const double dy = f.coords[2 * std::size_t(i) + 1] - f.coords[2 * std::size_t(j) + 1];
            const double dist = std::sqrt(dx * dx + dy * dy);
            if (inGroupA(f.labels[i].toStdString()) == inGroupA(f.labels[j].toStdString())) {
                within += dist;
                ++nw;
            } else {
                across += dist;
                ++na;
            }
        }
    return (within / nw) / (across / na);
}

void configure(TrainLab &lab, const QString &corpus, int snapshots = 10, int topN = 20)
{
    lab.findChild<QLineEdit *>("corpus")->setText(corpus);
    lab.findChild<QSpinBox *>("minCount")->setValue(1);
    lab.findChild<QSpinBox *>("snapshots")->setValue(snapshots);
    lab.findChild<QSpinBox *>("topN")->setValue(topN);
}

/// Starts a run and waits for it to end; returns the finished signal's arguments.
QList<QVariant> runToEnd(TrainLab &lab, int timeoutMs = 30000)
{
    QSignalSpy done(&lab, &TrainLab::trainingFinished);
    lab.findChild<QPushButton *>("startTraining")->click();
    if (!done.wait(timeoutMs))
        return {};
    return done.first();
}

/// Shows the lab at a fixed size and trains the fake model on `corpus` to the end.
bool showAndTrain(TrainLab &lab, const QString &corpus)
{
    lab.resize(1300, 850);
    lab.show();
    if (!QTest::qWaitForWindowExposed(&lab))
        return false;
    lab.runner()->setTrainFunction(fakeTrainer({}));
    configure(lab, corpus);
    return runToEnd(lab).value(0).toBool();
}

} // namespace

class TstTrainLab : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init() { test::resetExplorerSettings(); }
    void framesArriveAndShowWatchWords();
    void framesAreAlignedAndNormalised();
    void outliersStayOnTheRim();
    void sliderReplaysStoredFrame();
    void neighboursFollowTraining();
    void clickSelectsWord();
    void stopCancelsWithinASecond();
    void closingWhileTrainingDoesNotHang();
    void trainerErrorBecomesMessage();
    void missingCorpusBecomesMessage();
    void bigSnapshotsKeepOnlyTheLatest();
    void saveWritesVectors();
    void openInExplorerAdoptsSet();
    void settingsPersistAndDefaultCorpus();
    void lineChartScalesToData();
    void missingWatchWordsAreListed();
    void replayPlaysPausesAndStops();
    void replaySpeedSetsTheRate();
    void classroomPaceSlowsARun();
    void neighboursOfTheSelectionAreDrawn();
    void wheelOverUnfocusedFieldsScrolls();
    void corpusPlaceholderFits();
    void blurbStatesWhatARunCounts_data();
    void blurbStatesWhatARunCounts();
    void noOpenGLPathStillWorks();
    void realTrainerEndToEnd_data();
    void realTrainerEndToEnd();
    void startStopFiftyTimes();
    void brownScreenshotOnRequest();

private:
    QTemporaryDir m_dir;
    QString m_corpus;
};

void TstTrainLab::initTestCase()
{
    gui::runOptions().noDialogs = true;
    test::useTestLocations();
    QVERIFY(m_dir.isValid());
    m_corpus = writeCorpus(m_dir.path());
    QVERIFY(!m_corpus.isEmpty());
}

void TstTrainLab::framesArriveAndShowWatchWords()
{
    TrainLab lab;
    lab.show();
    QVERIFY(QTest::qWaitForWindowExposed(&lab));
    lab.runner()->setTrainFunction(fakeTrainer({}));
    configure(lab, m_corpus);
    QSignalSpy shown(&lab, &TrainLab::frameShown);
    const auto done = runToEnd(lab);
    QVERIFY(!done.isEmpty());
    QCOMPARE(done.at(0).toBool(), true);
    // Snapshots 0 (random start) .. 10 (the end), every one shown live.
    QCOMPARE(lab.frameCount(), 11);
    QVERIFY(shown.size() >= 11);
    for (int k = 0; k < 11; ++k)
        QCOMPARE(lab.frame(k).index, k);
    // All 16 classroom watch words are in the vocabulary and come first, then 20 others.
    const auto &last = lab.frame(10);
    QCOMPARE(last.watchCount, 16);
    QCOMPARE(last.labels.mid(0, 16), gui::TrainSettings::defaultWatchWords());
    QCOMPARE(last.labels.size(), 36);
    QCOMPARE(std::set<QString>(last.labels.begin(), last.labels.end()).size(), std::size_t(36));
    QCOMPARE(last.coords.size(), std::size_t(72));
    QCOMPARE(last.rows.rows(), 36);
    QVERIFY(last.missingWatch.isEmpty());
    auto *view = lab.view();
    QVERIFY2(view, "OpenGL 3.3 should be available under xvfb + llvmpipe");
    QCOMPARE(view->pointCount(), 36);
    // The key under the legend names the red-orange points for what they are: the watch list
    // (nothing was searched).
    QCOMPARE(view->highlights().size(), std::size_t(16));
    QVERIFY2(view->markerKey().filter("red-orange").join("") ==
                 "red-orange: the words of the watch list",
             qPrintable(view->markerKey().join("; ")));
    QCOMPARE(lab.shownFrame(), 10);
    QVERIFY(lab.shownCoords() == last.coords);
    // From random to organised: the planted groups separate in the picture.
    const double before = clusterRatio(lab.frame(0)), after = clusterRatio(last);
    QVERIFY2(before > 0.8, qPrintable(QString::number(before)));
    QVERIFY2(after < 0.3, qPrintable(QString::number(after)));
    // Loss and throughput were plotted; the statistics line and the result are there.
    auto *chart = lab.findChild<gui::LineChart *>("lossChart");
    QVERIFY(chart->points(0).size() >= 10);
    QVERIFY(chart->points(1).size() >= 10);
    QVERIFY(lab.findChild<QLabel *>("trainStats")->text().contains("snapshot 10 / 10"));
    QVERIFY(lab.findChild<QLabel *>("corpusInfo")->text().contains("400 sentences"));
    QVERIFY(lab.result().vectors);
    QCOMPARE(lab.result().vectors->size(), std::size_t(56));
    QVERIFY(lab.findChild<QPushButton *>("openInExplorer")->isEnabled());
    QVERIFY(lab.findChild<QPushButton *>("saveVectors")->isEnabled());
    QVERIFY(lab.findChild<QPushButton *>("startTraining")->isEnabled());
    QVERIFY(!lab.findChild<QPushButton *>("stopTraining")->isEnabled());
    QCOMPARE(lab.resultName(), QString("skipgram on planted.txt (100d)"));
}

void TstTrainLab::framesAreAlignedAndNormalised()
{
    TrainLab lab;
    lab.runner()->setTrainFunction(fakeTrainer({}));
    configure(lab, m_corpus, 20);
    QCOMPARE(runToEnd(lab).value(0).toBool(), true);
    QCOMPARE(lab.frameCount(), 21);
    for (int k = 0; k < lab.frameCount(); ++k) {
        const auto &f = lab.frame(k);
        const RowMatrix c =
            Eigen::Map<const RowMatrix>(f.coords.data(), Eigen::Index(f.labels.size()), 2);
        // Median radius 1, nothing beyond the rim.
        std::vector<float> radius(std::size_t(c.rows()));
        for (Eigen::Index i = 0; i < c.rows(); ++i)
            radius[std::size_t(i)] = c.row(i).norm();
        std::nth_element(radius.begin(), radius.begin() + c.rows() / 2, radius.end());
        QVERIFY(std::abs(radius[std::size_t(c.rows() / 2)] - 1.0f) < 1e-4f);
        QVERIFY(*std::max_element(radius.begin(), radius.end()) <= 3.125f + 1e-4f);
        if (k == 0)
            continue;
        // Aligned: no further rotation or reflection brings it closer to the previous frame.
        const auto &p = lab.frame(k - 1);
        const RowMatrix prev =
            Eigen::Map<const RowMatrix>(p.coords.data(), Eigen::Index(p.labels.size()), 2);
        ProcrustesOptions po;
        po.translate = false;
        const auto fit = procrustes(ConstRowMap(c.data(), c.rows(), 2),
                                    ConstRowMap(prev.data(), prev.rows(), 2), po);
        QVERIFY2(
            (fit.rotation - Eigen::Matrix2d::Identity()).norm() < 1e-3,
            qPrintable(QStringLiteral("frame %1 is not aligned to frame %2").arg(k).arg(k - 1)));
    }
}

void TstTrainLab::outliersStayOnTheRim()
{
    TrainLab lab;
    FakeConfig c;
    c.frozen = "cat";
    lab.runner()->setTrainFunction(fakeTrainer(c));
    configure(lab, m_corpus);
    QCOMPARE(runToEnd(lab).value(0).toBool(), true);
    const auto &f = lab.frame(10);
    const int cat = int(f.labels.indexOf("cat"));
    QVERIFY(cat >= 0);
    std::vector<float> radius;
    for (qsizetype i = 0; i < f.labels.size(); ++i)
        radius.push_back(
            std::hypot(f.coords[2 * std::size_t(i)], f.coords[2 * std::size_t(i) + 1]));
    // The one word left behind is far out, on the rim; the others keep the picture.
    QVERIFY2(radius[std::size_t(cat)] >= 2.5f && radius[std::size_t(cat)] <= 3.125f + 1e-4f,
             qPrintable(QString::number(radius[std::size_t(cat)])));
    for (std::size_t i = 0; i < radius.size(); ++i)
        if (int(i) != cat)
            QVERIFY2(radius[i] < 2.5f, qPrintable(f.labels[qsizetype(i)]));
}

void TstTrainLab::sliderReplaysStoredFrame()
{
    TrainLab lab;
    QVERIFY(showAndTrain(lab, m_corpus));
    auto *slider = lab.findChild<QSlider *>("snapshotSlider");
    QVERIFY(slider->isEnabled());
    QCOMPARE(slider->maximum(), 10);
    QSignalSpy shown(&lab, &TrainLab::frameShown);
    slider->setValue(3);
    QCOMPARE(shown.size(), 1);
    QCOMPARE(lab.shownFrame(), 3);
    QVERIFY(lab.shownCoords() == lab.frame(3).coords);
    QVERIFY(lab.shownCoords() != lab.frame(10).coords);
    QVERIFY(lab.findChild<QLabel *>("trainStats")->text().contains("snapshot 3 / 10"));
    QVERIFY(lab.findChild<QLabel *>("trainStats")->text().contains("epoch"));
    auto *chart = lab.findChild<gui::LineChart *>("lossChart");
    QVERIFY(chart->marker().has_value());
    QCOMPARE(*chart->marker(), lab.frame(3).stats.fraction);
    // Once the animation ends, every point is drawn where the stored frame puts it.
    auto *view = lab.view();
    QVERIFY(view);
    QTRY_VERIFY_WITH_TIMEOUT(!view->animating(), 5000);
    const auto &coords = lab.frame(3).coords;
    for (int i = 0; i < view->pointCount(); ++i) {
        QPointF expected, drawn;
        if (!view->camera().toScreen(
                QVector3D(coords[2 * std::size_t(i)], coords[2 * std::size_t(i) + 1], 0),
                &expected))
            QFAIL("a point of the frame is off camera");
        if (view->screenPosition(i, &drawn))
            QVERIFY((expected - drawn).manhattanLength() < 1.0);
    }
    const QImage img = view->renderImage(QSize(640, 400));
    QVERIFY(!img.isNull());
}

void TstTrainLab::neighboursFollowTraining()
{
    TrainLab lab;
    lab.show();
    FakeConfig c;
    c.steps = 200;
    c.hold = std::make_shared<std::atomic<bool>>(true); // paused after the first snapshot
    lab.runner()->setTrainFunction(fakeTrainer(c));
    configure(lab, m_corpus);
    QSignalSpy shown(&lab, &TrainLab::frameShown);
    QSignalSpy done(&lab, &TrainLab::trainingFinished);
    lab.findChild<QPushButton *>("startTraining")->click();
    QVERIFY(shown.wait(10000));
    auto *word = lab.findChild<QLineEdit *>("labWord");
    word->setText("king");
    QTest::keyClick(word, Qt::Key_Return);
    QCOMPARE(lab.selectedWord(), QString("king"));
    auto *table = lab.findChild<QTableView *>("labNeighbors");
    QAbstractItemModelTester tester(table->model(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(table->model()->rowCount(), 10);
    const int early = lab.shownFrame();
    QVERIFY(lab.frame(early).index < 10);
    auto neighbourWords = [&] {
        QStringList out;
        for (int r = 0; r < table->model()->rowCount(); ++r)
            out << table->model()->index(r, gui::NeighborModel::Word).data().toString();
        return out;
    };
    const QStringList first = neighbourWords();
    *c.hold = false;
    QVERIFY(done.wait(30000));
    QCOMPARE(done.first().at(0).toBool(), true);
    // The list followed the run: at the end, king's neighbours are its own group.
    const QStringList last = neighbourWords();
    QVERIFY(first != last);
    for (const QString &w : last)
        QVERIFY2(inGroupA(w.toStdString()), qPrintable(last.join(' ')));
    // The oracle: cosine over the final snapshot, by brute force.
    const auto set = lab.frame(10).vectors;
    QVERIFY(set);
    const auto king = *set->find("king");
    std::vector<std::pair<float, QString>> all;
    const auto q = set->matrix().row(king);
    for (WordId i = 0; i < set->size(); ++i)
        if (i != king)
            all.push_back({-set->matrix().row(i).dot(q) / (set->matrix().row(i).norm() * q.norm()),
                           QString::fromStdString(set->word(i))});
    std::sort(all.begin(), all.end());
    for (int r = 0; r < 10; ++r)
        QCOMPARE(last[r], all[std::size_t(r)].second);
    // The view marks the selection.
    QVERIFY(lab.view());
    QCOMPARE(lab.view()->selected(), int(lab.frame(10).labels.indexOf("king")));
}

void TstTrainLab::clickSelectsWord()
{
    TrainLab lab;
    QVERIFY(showAndTrain(lab, m_corpus));
    auto *view = lab.view();
    QVERIFY(view);
    QTRY_VERIFY_WITH_TIMEOUT(!view->animating() && view->drawnPoints() > 0, 5000);
    const int target = int(lab.frame(10).labels.indexOf("queen"));
    QPointF pos;
    QVERIFY(view->screenPosition(target, &pos));
    const int picked = view->pick(pos);
    QVERIFY(picked >= 0);
    QTest::mouseClick(view, Qt::LeftButton, {}, pos.toPoint());
    QCOMPARE(lab.selectedWord(), lab.frame(10).labels[picked]);
    QCOMPARE(view->selected(), picked);
    QCOMPARE(lab.neighborModel()->rowCount(), 10);
}

void TstTrainLab::stopCancelsWithinASecond()
{
    TrainLab lab;
    lab.show();
    FakeConfig c;
    c.steps = 100000;
    c.sleepMs = 5; // about 8 minutes if never stopped
    lab.runner()->setTrainFunction(fakeTrainer(c));
    configure(lab, m_corpus);
    QSignalSpy shown(&lab, &TrainLab::frameShown);
    QSignalSpy done(&lab, &TrainLab::trainingFinished);
    lab.findChild<QPushButton *>("startTraining")->click();
    QVERIFY(shown.wait(10000));
    QVERIFY(lab.isTraining());
    auto *stop = lab.findChild<QPushButton *>("stopTraining");
    QVERIFY(stop->isEnabled());
    QElapsedTimer t;
    t.start();
    stop->click();
    QVERIFY(done.wait(test::timeLimitMs(1000)));
    QVERIFY2(t.elapsed() < test::timeLimitMs(1000), qPrintable(QString::number(t.elapsed())));
    QCOMPARE(done.first().at(0).toBool(), false);
    QCOMPARE(done.first().at(1).toString(), QString("stopped"));
    QVERIFY(!lab.isTraining());
    QVERIFY(!lab.result().vectors);
    QVERIFY(!lab.findChild<QPushButton *>("openInExplorer")->isEnabled());
    QVERIFY(lab.findChild<QPushButton *>("startTraining")->isEnabled());
    QVERIFY(lab.findChild<QLabel *>("labStatus")->text().contains("Stopped"));
    // The frames so far stay for replay; a new run starts cleanly.
    QVERIFY(lab.frameCount() >= 1);
    lab.runner()->setTrainFunction(fakeTrainer({}));
    QCOMPARE(runToEnd(lab).value(0).toBool(), true);
    QCOMPARE(lab.frameCount(), 11);
}

void TstTrainLab::closingWhileTrainingDoesNotHang()
{
    auto *lab = new TrainLab;
    lab->show();
    FakeConfig c;
    c.steps = 100000;
    c.sleepMs = 5;
    lab->runner()->setTrainFunction(fakeTrainer(c));
    configure(*lab, m_corpus);
    QSignalSpy shown(lab, &TrainLab::frameShown);
    lab->findChild<QPushButton *>("startTraining")->click();
    QVERIFY(shown.wait(10000));
    QElapsedTimer t;
    t.start();
    lab->close();
    delete lab;
    QVERIFY2(t.elapsed() < test::timeLimitMs(2000), qPrintable(QString::number(t.elapsed())));
    // Events the worker had queued for the deleted lab must not be delivered.
    QTest::qWait(50);
}

void TstTrainLab::trainerErrorBecomesMessage()
{
    TrainLab lab;
    lab.show();
    FakeConfig c;
    c.failAtStep = 10;
    lab.runner()->setTrainFunction(fakeTrainer(c));
    configure(lab, m_corpus);
    const auto done = runToEnd(lab);
    QVERIFY(!done.isEmpty());
    QCOMPARE(done.at(0).toBool(), false);
    QCOMPARE(done.at(1).toString(), QString("Word2Vec: the fake trainer failed"));
    QVERIFY(lab.findChild<QLabel *>("labStatus")->text().contains("the fake trainer failed"));
    QVERIFY(lab.frameCount() >= 1); // frames before the failure were shown
    QVERIFY(!lab.isTraining());
    QVERIFY(!lab.findChild<QPushButton *>("saveVectors")->isEnabled());
}

void TstTrainLab::missingCorpusBecomesMessage()
{
    TrainLab lab;
    configure(lab, m_dir.filePath("no-such-corpus.txt"));
    const auto done = runToEnd(lab);
    QVERIFY(!done.isEmpty());
    QCOMPARE(done.at(0).toBool(), false);
    QVERIFY2(done.at(1).toString().contains("no-such-corpus.txt"),
             qPrintable(done.at(1).toString()));
    QCOMPARE(lab.frameCount(), 0);
}

void TstTrainLab::bigSnapshotsKeepOnlyTheLatest()
{
    // 56 words × 8,000 dimensions × 4 bytes = 1.8 MB a snapshot; 41 would pass 50 MB.
    TrainLab lab;
    FakeConfig c;
    c.dim = 8000;
    lab.runner()->setTrainFunction(fakeTrainer(c));
    configure(lab, m_corpus, 40);
    QCOMPARE(runToEnd(lab, 60000).value(0).toBool(), true);
    QCOMPARE(lab.frameCount(), 41);
    int kept = 0;
    for (int k = 0; k < lab.frameCount(); ++k)
        kept += lab.frame(k).vectors ? 1 : 0;
    QVERIFY2(kept <= 2, qPrintable(QString::number(kept)));
    QVERIFY(lab.frame(40).vectors);
    // Replayed, a snapshot without its full set still lists neighbours among the shown words.
    lab.findChild<QSlider *>("snapshotSlider")->setValue(5);
    QVERIFY(lab.selectWord("king"));
    QCOMPARE(lab.neighborModel()->rowCount(), 10);
    QVERIFY(lab.findChild<QLabel *>("neighborNote")->text().contains("among the 36 words"));

    // A small run keeps them all.
    TrainLab small;
    small.runner()->setTrainFunction(fakeTrainer({}));
    configure(small, m_corpus, 40);
    QCOMPARE(runToEnd(small).value(0).toBool(), true);
    for (int k = 0; k < small.frameCount(); ++k)
        QVERIFY(small.frame(k).vectors);
}

void TstTrainLab::saveWritesVectors()
{
    TrainLab lab;
    FakeConfig c;
    c.nativeSaves = std::make_shared<std::atomic<int>>(0);
    lab.runner()->setTrainFunction(fakeTrainer(c));
    configure(lab, m_corpus);
    QCOMPARE(runToEnd(lab).value(0).toBool(), true);
    QSignalSpy saved(&lab, &TrainLab::saved);
    const QString out = m_dir.filePath("trained.embex");
    lab.saveTo(out);
    QVERIFY(saved.wait(10000));
    QCOMPARE(saved.first().at(0).toBool(), true);
    const auto back = load(out.toStdString());
    QCOMPARE(back->size(), lab.result().vectors->size());
    QVERIFY(back->matrix() == lab.result().vectors->matrix());
    QCOMPARE(back->words(), lab.result().vectors->words());
    // fastText results with a native saver write .bin through it.
    saved.clear();
    lab.saveTo(m_dir.filePath("model.bin"));
    QVERIFY(saved.wait(10000));
    QCOMPARE(saved.first().at(0).toBool(), true);
    QCOMPARE(c.nativeSaves->load(), 1);
    // ... unless word2vec binary is asked for.
    saved.clear();
    lab.saveTo(m_dir.filePath("w2v.bin"), false);
    QVERIFY(saved.wait(10000));
    QCOMPARE(saved.first().at(0).toBool(), true);
    QCOMPARE(c.nativeSaves->load(), 1);
    QCOMPARE(load(m_dir.filePath("w2v.bin").toStdString())->sourceFormat(), "word2vec-bin");
    // An unwritable place is an error message, not a crash.
    saved.clear();
    lab.saveTo(m_dir.filePath("no/such/dir/x.txt"));
    QVERIFY(saved.wait(10000));
    QCOMPARE(saved.first().at(0).toBool(), false);
    QVERIFY(!saved.first().at(1).toString().isEmpty());
    QVERIFY(lab.findChild<QPushButton *>("saveVectors")->isEnabled());
}

void TstTrainLab::openInExplorerAdoptsSet()
{
    gui::MainWindow w;
    w.show();
    auto *action = w.findChild<QAction *>("trainLabAction");
    QVERIFY(action);
    action->trigger();
    auto *lab = w.findChild<TrainLab *>();
    QVERIFY(lab);
    QVERIFY(lab->isVisible());
    lab->runner()->setTrainFunction(fakeTrainer({}));
    configure(*lab, m_corpus);
    QCOMPARE(runToEnd(*lab).value(0).toBool(), true);
    QSignalSpy loaded(&w, &gui::MainWindow::loadFinished);
    QSignalSpy projected(&w, &gui::MainWindow::projectionFinished);
    lab->findChild<QPushButton *>("openInExplorer")->click();
    QVERIFY(loaded.wait(10000));
    QCOMPARE(loaded.first().at(0).toBool(), true);
    QVERIFY(w.set() == lab->result().vectors);
    if (projected.isEmpty())
        QVERIFY(projected.wait(10000));
    QCOMPARE(projected.first().at(0).toBool(), true);
    QVERIFY(w.view());
    QCOMPARE(w.view()->pointCount(), 56);
    QVERIFY(w.windowTitle().contains("skipgram on planted.txt (100d)"));
    QVERIFY(w.findChild<QLabel *>("summary")->text().contains("trained in Embex"));
    QVERIFY(w.selectWord("queen"));
    // Not a file: it stays out of the recent files.
    QVERIFY(!QSettings().value("recentFiles").toStringList().join('|').contains("planted"));
    // The same action shows the same lab again.
    lab->close();
    action->trigger();
    QCOMPARE(w.findChildren<TrainLab *>().size(), 1);
    QVERIFY(lab->isVisible());
}

void TstTrainLab::settingsPersistAndDefaultCorpus()
{
    // The Brown corpus is copied beside the binaries (share/embex) by the build.
    const QString brown = gui::TrainSettings::defaultCorpusPath();
    QVERIFY2(!brown.isEmpty(), "share/embex/brown.txt.gz should be in the build tree");
    {
        gui::TrainSettings s;
        QCOMPARE(s.corpusPath(), brown);
        QCOMPARE(s.request().corpusPath, brown);
        QVERIFY(s.runName().startsWith("skipgram on brown.txt.gz (100d)"));
        // Defaults: word2vec.c's, and the classroom watch list.
        const auto r = s.request();
        QCOMPARE(r.options.dim, 100);
        QCOMPARE(r.options.window, -1);
        QCOMPARE(r.options.negative, 5);
        QCOMPARE(r.corpus.vocab.minCount, std::uint64_t(5));
        QCOMPARE(r.options.snapshots, 60);
        QCOMPARE(r.topN, 300);
        QCOMPARE(r.watchWords, gui::TrainSettings::defaultWatchWords());
        QVERIFY(!s.findChild<QLabel *>("windowHelp")->text().isEmpty());

        s.findChild<QComboBox *>("model")->setCurrentIndex(2); // GloVe
        s.findChild<QSpinBox *>("dim")->setValue(50);
        s.findChild<QSpinBox *>("window")->setValue(7);
        s.findChild<QSpinBox *>("seed")->setValue(99);
        s.findChild<QLineEdit *>("watch")->setText("alpha, beta  gamma");
        s.setCorpusPath(m_corpus);
        QSettings qs;
        s.save(qs);
    }
    gui::TrainSettings s;
    QSettings qs;
    s.restore(qs);
    const auto r = s.request();
    QCOMPARE(r.options.model, TrainModel::GloVe);
    QCOMPARE(r.options.dim, 50);
    QCOMPARE(r.options.window, 7);
    QCOMPARE(r.options.seed, std::uint64_t(99));
    QCOMPARE(r.watchWords, QStringList({"alpha", "beta", "gamma"}));
    QCOMPARE(r.corpusPath, m_corpus);
    QCOMPARE(s.runName(), QString("glove on planted.txt (50d)"));
    // Model defaults are spelled out where the value is "default".
    QCOMPARE(s.findChild<QSpinBox *>("epochs")->specialValueText(), QString("default (15)"));
}

void TstTrainLab::lineChartScalesToData()
{
    gui::LineChart chart;
    const int a = chart.addSeries("loss", Qt::red, gui::LineChart::Axis::Left);
    const int b = chart.addSeries("speed", Qt::blue, gui::LineChart::Axis::Right);
    chart.addPoint(a, 0.0, 3.0);
    chart.addPoint(a, 0.5, 1.0);
    chart.addPoint(a, 1.0, std::nan("")); // dropped
    chart.addPoint(b, 0.5, 2.0e6);
    QCOMPARE(chart.points(a).size(), 2);
    QCOMPARE(chart.points(b).size(), 1);
    chart.setMarker(0.25);
    chart.resize(400, 160);
    QImage img(chart.size(), QImage::Format_ARGB32);
    chart.render(&img);
    // The loss line is drawn (some red pixels), and the marker.
    int red = 0;
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width(); ++x) {
            const QColor c = img.pixelColor(x, y);
            red += c.red() > 200 && c.green() < 60 && c.blue() < 60;
        }
    QVERIFY(red > 20);
    chart.clearPoints();
    QCOMPARE(chart.points(a).size(), 0);
    QCOMPARE(chart.seriesCount(), 2);
}

void TstTrainLab::missingWatchWordsAreListed()
{
    TrainLab lab;
    lab.runner()->setTrainFunction(fakeTrainer({}));
    configure(lab, m_corpus, 4, 5);
    lab.findChild<QLineEdit *>("watch")->setText("Queen, zebra; cat  unicorn,queen");
    QCOMPARE(runToEnd(lab).value(0).toBool(), true);
    const auto &f = lab.frame(0);
    QCOMPARE(f.watchCount, 2); // queen once, cat
    QCOMPARE(f.labels.mid(0, 2), QStringList({"queen", "cat"}));
    QCOMPARE(f.labels.size(), 7);
    QCOMPARE(f.missingWatch, QStringList({"zebra", "unicorn"}));
    QVERIFY(lab.findChild<QLabel *>("corpusInfo")->text().contains("zebra, unicorn"));
}

void TstTrainLab::replayPlaysPausesAndStops()
{
    TrainLab lab;
    lab.show();
    lab.runner()->setTrainFunction(fakeTrainer({}));
    configure(lab, m_corpus);
    QCOMPARE(runToEnd(lab).value(0).toBool(), true);
    auto *play = lab.findChild<QPushButton *>("replayPlay");
    auto *speed = lab.findChild<QComboBox *>("replaySpeed");
    auto *slider = lab.findChild<QSlider *>("snapshotSlider");
    QVERIFY(play && speed && slider);
    QVERIFY(play->isEnabled());
    QCOMPARE(slider->value(), 10);
    speed->setCurrentIndex(speed->findData(8.0));
    // Play at the last snapshot starts the film from the first; the slider follows every step.
    QSignalSpy shown(&lab, &TrainLab::frameShown);
    play->click();
    QVERIFY(lab.isReplaying());
    QCOMPARE(play->text(), QString("Pause"));
    QTRY_VERIFY_WITH_TIMEOUT(!lab.isReplaying(), test::timeLimitMs(10000));
    QCOMPARE(slider->value(), 10);
    QCOMPARE(lab.shownFrame(), 10);
    QCOMPARE(play->text(), QString("Play"));
    QList<int> order;
    for (const auto &args : shown)
        order << args.at(0).toInt();
    QCOMPARE(order, QList<int>({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
    // Pause holds the position; Play goes on from there.
    speed->setCurrentIndex(speed->findData(4.0));
    slider->setValue(2);
    shown.clear();
    play->click();
    QVERIFY(shown.wait(5000));
    QCOMPARE(lab.shownFrame(), 3);
    play->click();
    QVERIFY(!lab.isReplaying());
    const int held = slider->value();
    QTest::qWait(700);
    QCOMPARE(slider->value(), held);
    QCOMPARE(lab.shownFrame(), held);
    shown.clear();
    play->click();
    QVERIFY(shown.wait(5000));
    QCOMPARE(shown.first().at(0).toInt(), held + 1);
    play->click();
    // A new run stops the film.
    play->click();
    QVERIFY(lab.isReplaying());
    QSignalSpy done(&lab, &TrainLab::trainingFinished);
    lab.findChild<QPushButton *>("startTraining")->click();
    QVERIFY(!lab.isReplaying());
    QVERIFY(done.wait(30000));
}

void TstTrainLab::replaySpeedSetsTheRate()
{
    TrainLab lab;
    lab.runner()->setTrainFunction(fakeTrainer({}));
    configure(lab, m_corpus);
    QCOMPARE(runToEnd(lab).value(0).toBool(), true);
    auto *play = lab.findChild<QPushButton *>("replayPlay");
    auto *speed = lab.findChild<QComboBox *>("replaySpeed");
    QVERIFY(play && speed);
    const QList<double> rates = {0.5, 1.0, 2.0, 4.0, 8.0};
    for (double r : rates) {
        QVERIFY(speed->findData(r) >= 0);
        speed->setCurrentIndex(speed->findData(r));
        QCOMPARE(lab.replayIntervalMs(), int(std::lround(1000 / r)));
    }
    // 8 snapshots a second: the ten steps take at least 1.25 s (never faster than asked).
    QElapsedTimer t;
    t.start();
    play->click();
    QTRY_VERIFY_WITH_TIMEOUT(!lab.isReplaying(), test::timeLimitMs(10000));
    const qint64 fast = t.elapsed();
    QVERIFY2(fast >= 1200, qPrintable(QString::number(fast)));
    // 1 a second: after 1.6 s at most one step; changing the speed while playing takes effect.
    speed->setCurrentIndex(speed->findData(1.0));
    play->click();
    QCOMPARE(lab.shownFrame(), 0);
    QTest::qWait(1600);
    QVERIFY2(lab.shownFrame() <= 1, qPrintable(QString::number(lab.shownFrame())));
    speed->setCurrentIndex(speed->findData(8.0));
    QTRY_VERIFY_WITH_TIMEOUT(!lab.isReplaying(), test::timeLimitMs(10000));
    QCOMPARE(lab.shownFrame(), 10);
}

void TstTrainLab::classroomPaceSlowsARun()
{
    // The settings: a pace box whose choice reaches the request; not for fastText.
    {
        gui::TrainSettings s;
        auto *pace = s.findChild<QComboBox *>("pace");
        QVERIFY(pace);
        QCOMPARE(s.request().paceSeconds, 0.0);
        QVERIFY(!pace->toolTip().isEmpty());
        pace->setCurrentIndex(pace->findData(60));
        QCOMPARE(s.request().paceSeconds, 60.0);
        s.findChild<QComboBox *>("model")->setCurrentIndex(3); // fastText
        QVERIFY(!pace->isEnabled());
        QCOMPARE(s.request().paceSeconds, 0.0);
    }
    // The runner: 10 snapshots spread over about 1.5 s where the trainer needs 0.1 s.
    auto run = [&](double pace, QList<qint64> *arrivals) {
        TrainRunner runner;
        runner.setTrainFunction(fakeTrainer({}));
        gui::TrainRequest r;
        r.corpusPath = m_corpus;
        r.corpus.vocab.minCount = 1;
        r.options.snapshots = 10;
        r.watchWords = gui::TrainSettings::defaultWatchWords();
        r.topN = 20;
        r.paceSeconds = pace;
        QElapsedTimer t;
        t.start();
        connect(&runner, &TrainRunner::frameReady, &runner,
                [&](const gui::TrainFrame &) { *arrivals << t.elapsed(); });
        QSignalSpy done(&runner, &TrainRunner::finished);
        runner.start(r);
        if (!done.wait(test::timeLimitMs(20000)))
            return qint64(-1);
        return done.first().at(0).toBool() ? t.elapsed() : qint64(-1);
    };
    QList<qint64> fastFrames, pacedFrames;
    const qint64 fast = run(0, &fastFrames);
    const qint64 paced = run(1.5, &pacedFrames);
    qInfo("full speed %lld ms, classroom pace of 1.5 s: %lld ms", fast, paced);
    QVERIFY(fast >= 0 && paced >= 0);
    QVERIFY2(paced >= 1450, qPrintable(QString::number(paced)));
    QCOMPARE(pacedFrames.size(), 11);
    // Evenly spread: snapshot k arrives no earlier than k × 0.15 s after the start (its time
    // counts from snapshot 0, which the trainer publishes after the start).
    for (int k = 1; k <= 10; ++k)
        QVERIFY2(pacedFrames[k] >= k * 150 - 5,
                 qPrintable(QStringLiteral("snapshot %1 after %2 ms").arg(k).arg(pacedFrames[k])));
    QVERIFY2(fast < paced, qPrintable(QString::number(fast)));
    // Stop is still prompt while the trainer waits for its pace.
    TrainLab lab;
    lab.runner()->setTrainFunction(fakeTrainer({}));
    configure(lab, m_corpus);
    auto *pace = lab.findChild<QComboBox *>("pace");
    pace->setCurrentIndex(pace->findData(300));
    QSignalSpy shown(&lab, &TrainLab::frameShown);
    QSignalSpy done(&lab, &TrainLab::trainingFinished);
    lab.findChild<QPushButton *>("startTraining")->click();
    QVERIFY(shown.wait(10000));
    QTest::qWait(100);
    QVERIFY(lab.isTraining());
    QCOMPARE(lab.frameCount(), 1); // snapshot 1 is due after 30 s
    QElapsedTimer t;
    t.start();
    lab.stopTraining();
    QVERIFY(done.wait(test::timeLimitMs(1000)));
    QVERIFY2(t.elapsed() < test::timeLimitMs(1000), qPrintable(QString::number(t.elapsed())));
    QCOMPARE(done.first().at(1).toString(), QString("stopped"));
}

void TstTrainLab::neighboursOfTheSelectionAreDrawn()
{
    TrainLab lab;
    QVERIFY(showAndTrain(lab, m_corpus));
    auto *view = lab.view();
    QVERIFY(view);
    const auto &f = lab.frame(10);
    // The frame's projection places every shown word where its coordinates are.
    QVERIFY(f.projection.valid());
    for (qsizetype i = 0; i < f.labels.size(); ++i) {
        const Eigen::RowVector2f p = f.projection.apply(f.rows.row(Eigen::Index(i)).data());
        QVERIFY2(std::abs(p[0] - f.coords[2 * std::size_t(i)]) < 1e-3f &&
                     std::abs(p[1] - f.coords[2 * std::size_t(i) + 1]) < 1e-3f,
                 qPrintable(f.labels[i]));
    }
    QCOMPARE(view->pointCount(), 36);
    QVERIFY(lab.selectWord("king"));
    // Every listed neighbour is a point of the view, marked as a neighbour; those not among the
    // 36 shown words were added where the frame's projection puts them.
    QStringList listed;
    for (int r = 0; r < lab.neighborModel()->rowCount(); ++r)
        listed << lab.neighborModel()->index(r, gui::NeighborModel::Word).data().toString();
    QCOMPARE(listed.size(), 10);
    QCOMPARE(view->pointCount(), 36 + 11);
    QCOMPARE(view->selected(), lab.viewPoint("king"));
    std::set<int> expected;
    int added = 0;
    for (const QString &w : listed) {
        const int p = lab.viewPoint(w);
        QVERIFY2(p >= 0, qPrintable(w));
        expected.insert(p);
        if (p >= 36) {
            ++added;
            QCOMPARE(lab.viewWords()[p], w);
            const auto id = f.vectors->find(w.toStdString());
            QVERIFY(id);
            const Eigen::RowVectorXf row = f.vectors->matrix().row(Eigen::Index(*id));
            const Eigen::RowVector2f xy = f.projection.apply(row.data());
            QTRY_VERIFY_WITH_TIMEOUT(!view->animating(), 5000);
            QPointF want, drawn;
            QVERIFY(view->camera().toScreen(QVector3D(xy[0], xy[1], 0), &want));
            QVERIFY(view->screenPosition(p, &drawn));
            QVERIFY((want - drawn).manhattanLength() < 1.0);
        }
    }
    QVERIFY2(added > 0, "the test needs a neighbour outside the shown words");
    const auto &nb = view->selectedNeighbors();
    QCOMPARE(std::set<int>(nb.begin(), nb.end()), expected);
    // Replayed, the added points follow the snapshot, and the count stays (the film animates).
    lab.findChild<QSlider *>("snapshotSlider")->setValue(4);
    QCOMPARE(view->pointCount(), 36 + 11);
    QCOMPARE(view->selected(), lab.viewPoint("king"));
    QCOMPARE(int(view->selectedNeighbors().size()), 10);
    // Clicking an added point selects its word.
    lab.findChild<QSlider *>("snapshotSlider")->setValue(10);
    QTRY_VERIFY_WITH_TIMEOUT(!view->animating(), 5000);
    int target = -1;
    for (int p : view->selectedNeighbors())
        if (p >= 36)
            target = p;
    QPointF pos;
    QVERIFY(view->screenPosition(target, &pos));
    const int picked = view->pick(pos);
    QVERIFY(picked >= 0);
    const QString pickedWord = lab.viewWords()[picked];
    QTest::mouseClick(view, Qt::LeftButton, {}, pos.toPoint());
    QCOMPARE(lab.selectedWord(), pickedWord);
    QCOMPARE(view->selected(), lab.viewPoint(pickedWord));
}

void TstTrainLab::wheelOverUnfocusedFieldsScrolls()
{
    TrainLab lab;
    lab.resize(1366, 600); // the settings need the scroll bar
    lab.show();
    lab.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&lab));
    auto *settings = lab.settings();
    auto *scroll = qobject_cast<QScrollArea *>(settings->parentWidget()->parentWidget());
    QVERIFY(scroll);
    QVERIFY(scroll->verticalScrollBar()->maximum() > 0);
    auto *word = lab.findChild<QLineEdit *>("labWord");
    word->setFocus();
    QTRY_VERIFY(word->hasFocus());
    auto wheel = [](QWidget *w) {
        const QPointF at(w->width() / 2.0, w->height() / 2.0);
        QWheelEvent e(at, w->mapToGlobal(at), QPoint(), QPoint(0, -120), Qt::NoButton,
                      Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(w, &e);
        return e.isAccepted();
    };
    QList<QWidget *> fields;
    for (auto *w : settings->findChildren<QAbstractSpinBox *>())
        fields << w;
    for (auto *w : settings->findChildren<QComboBox *>())
        fields << w;
    QVERIFY(fields.size() >= 10);
    for (QWidget *w : fields) {
        QCOMPARE(w->focusPolicy(), Qt::StrongFocus);
        auto *spin = qobject_cast<QSpinBox *>(w);
        auto *combo = qobject_cast<QComboBox *>(w);
        const int before = spin ? spin->value() : combo->currentIndex();
        // Not accepted: QApplication hands a real wheel event on to the scroll area.
        QVERIFY2(!wheel(w), qPrintable(w->objectName()));
        QCOMPARE(spin ? spin->value() : combo->currentIndex(), before);
        QVERIFY(!w->hasFocus());
    }
    // With the focus the field takes the wheel as usual.
    auto *seed = settings->findChild<QSpinBox *>("seed");
    seed->setValue(5);
    seed->setFocus();
    QTRY_VERIFY(seed->hasFocus());
    wheel(seed);
    QCOMPARE(seed->value(), 4);
}

void TstTrainLab::corpusPlaceholderFits()
{
    TrainLab lab;
    lab.resize(1366, 768);
    lab.show();
    QVERIFY(QTest::qWaitForWindowExposed(&lab));
    auto *corpus = lab.findChild<QLineEdit *>("corpus");
    QVERIFY(corpus->isVisible());
    const int text = corpus->fontMetrics().horizontalAdvance(corpus->placeholderText());
    // Frame, margins and the clear button's place.
    QVERIFY2(text + 40 <= corpus->width(),
             qPrintable(QStringLiteral("%1 px of text in %2 px").arg(text).arg(corpus->width())));
}

void TstTrainLab::blurbStatesWhatARunCounts_data()
{
    QTest::addColumn<QString>("name");
    for (const ShippedCorpus &c : shippedCorpora())
        QTest::newRow(std::string(c.name).c_str()) << QString::fromStdString(std::string(c.name));
}

void TstTrainLab::blurbStatesWhatARunCounts()
{
    // The counts in the blurbs, ShippedCorpus, the READMEs and a real scan are the same.
    QFETCH(QString, name);
    const ShippedCorpus *c = findShippedCorpus(name.toStdString());
    QVERIFY(c);
    const QString path = gui::TrainSettings::shippedCorpusPath(name);
    if (path.isEmpty()) {
        QVERIFY2(name != "brown", "share/embex/brown.txt.gz should be in the build tree");
        QSKIP("the teaching corpus is not built (packages of tools/common.sh's last two lines "
              "missing)");
    }
    const auto corpus = TrainingCorpus::open(path.toStdString(), {});
    const auto &v = corpus->vocabulary();
    qInfo("%s: %llu sentences, %llu words", qPrintable(path),
          static_cast<unsigned long long>(v.sentences()),
          static_cast<unsigned long long>(v.corpusWords()));
    QCOMPARE(c->sentences, v.sentences());
    QCOMPARE(c->tokens, v.corpusWords());
    const QString sentences = QLocale().toString(qulonglong(v.sentences()));
    const QString words = QLocale().toString(qulonglong(v.corpusWords()));
    // The lab's blurb, for this choice.
    gui::TrainSettings s;
    auto *box = s.findChild<QComboBox *>("shippedCorpus");
    box->setCurrentIndex(box->findData(name));
    QCOMPARE(s.corpusPath(), path);
    const QString blurb = s.findChild<QLabel *>("corpusHelp")->text();
    QVERIFY2(blurb.contains(sentences + " sentences") && blurb.contains(words + " words"),
             qPrintable(blurb));
    // What a run reports (the lab's corpus line) says the same.
    TrainLab lab;
    lab.runner()->setTrainFunction(fakeTrainer({}));
    box = lab.findChild<QComboBox *>("shippedCorpus");
    box->setCurrentIndex(box->findData(name));
    lab.findChild<QSpinBox *>("snapshots")->setValue(2);
    QCOMPARE(runToEnd(lab, 120000).value(0).toBool(), true);
    const QString info = lab.findChild<QLabel *>("corpusInfo")->text();
    QVERIFY2(info.contains(sentences + " sentences, " + words + " words"), qPrintable(info));
    // The READMEs (English digit grouping).
    const QString en = QLocale(QLocale::English).toString(qulonglong(v.sentences()));
    const QString enWords = QLocale(QLocale::English).toString(qulonglong(v.corpusWords()));
    for (const char *readme : {"/README.md", "/resources/README.md"}) {
        QFile f(QStringLiteral(EMBEX_SOURCE_DIR) + readme);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(f.readAll());
        QVERIFY2(text.contains(en + " sentences") && text.contains(enWords + " words"),
                 qPrintable(QStringLiteral("%1 should say %2 sentences, %3 words for %4")
                                .arg(readme, en, enWords, name)));
    }
}

void TstTrainLab::noOpenGLPathStillWorks()
{
    gui::runOptions().forceNoGL = true;
    TrainLab lab;
    gui::runOptions().forceNoGL = false;
    lab.show();
    QVERIFY(!lab.view());
    QVERIFY(lab.findChild<QLabel *>("labNoOpenGL")->text().contains("OpenGL 3.3"));
    lab.runner()->setTrainFunction(fakeTrainer({}));
    configure(lab, m_corpus);
    QCOMPARE(runToEnd(lab).value(0).toBool(), true);
    QCOMPARE(lab.frameCount(), 11);
    lab.findChild<QSlider *>("snapshotSlider")->setValue(2);
    QCOMPARE(lab.shownFrame(), 2);
    QVERIFY(lab.shownCoords() == lab.frame(2).coords);
    QVERIFY(lab.selectWord("dog"));
    QCOMPARE(lab.neighborModel()->rowCount(), 10);
}

void TstTrainLab::realTrainerEndToEnd_data()
{
    QTest::addColumn<int>("model"); // index in the model box
    QTest::newRow("skipgram") << 0;
    QTest::newRow("cbow") << 1;
    QTest::newRow("glove") << 2;
    // The lab gives fastText 200,000 n-gram buckets (not fastText's 2 million): 16 MB here.
    QTest::newRow("fasttext") << 3;
}

void TstTrainLab::realTrainerEndToEnd()
{
    // The real trainers on the planted corpus, through the same lab.
    QFETCH(int, model);
    QVERIFY(QDir(m_dir.path()).mkpath("real"));
    const QString corpus = writeCorpus(m_dir.filePath("real"), 2000);
    TrainLab lab;
    configure(lab, corpus);
    lab.findChild<QSpinBox *>("dim")->setValue(20);
    lab.findChild<QSpinBox *>("epochs")->setValue(5);
    lab.findChild<QSpinBox *>("threads")->setValue(1);
    lab.findChild<QComboBox *>("model")->setCurrentIndex(model);
    const auto done = runToEnd(lab, 60000);
    QVERIFY(!done.isEmpty());
    QVERIFY2(done.at(0).toBool(), qPrintable(done.at(1).toString()));
    QCOMPARE(lab.frameCount(), 11);
    QCOMPARE(lab.result().vectors->size(), std::size_t(56));
    // The planted structure: within-group cosine clearly above across-group.
    const auto &set = *lab.result().vectors;
    const RowMatrix &u = set.normalized();
    double within = 0, across = 0;
    int nw = 0, na = 0;
    for (WordId i = 0; i < set.size(); ++i)
        for (WordId j = i + 1; j < set.size(); ++j) {
            const double c = double(u.row(i).dot(u.row(j)));
            if (inGroupA(set.word(i)) == inGroupA(set.word(j))) {
                within += c;
                ++nw;
            } else {
                across += c;
                ++na;
            }
        }
    qInfo("mean cosine within groups %.3f, across %.3f", within / nw, across / na);
    QVERIFY2(within / nw > across / na + 0.2,
             qPrintable(QStringLiteral("within %1, across %2").arg(within / nw).arg(across / na)));
    QVERIFY(clusterRatio(lab.frame(10)) < clusterRatio(lab.frame(0)));
}

void TstTrainLab::startStopFiftyTimes()
{
    // Start, cancel and restart a long job 50 times in a row with the real trainers (skip-gram,
    // CBOW and GloVe in turn), stopping at once (while the corpus is read) or mid-training;
    // then a run to the end still works. Under a sanitizer 15 cycles (each pattern three times):
    // 50 took five minutes under TSan on a loaded CI machine.
    const int cycles = test::kSanitized ? 15 : 50;
    QVERIFY(QDir(m_dir.path()).mkpath("stress"));
    const QString corpus = writeCorpus(m_dir.filePath("stress"), 2000);
    TrainLab lab;
    lab.show();
    configure(lab, corpus);
    lab.findChild<QSpinBox *>("dim")->setValue(20);
    lab.findChild<QSpinBox *>("epochs")->setValue(1000); // never ends by itself
    auto *start = lab.findChild<QPushButton *>("startTraining");
    auto *stop = lab.findChild<QPushButton *>("stopTraining");
    for (int i = 0; i < cycles; ++i) {
        // GloVe's 1000 iterations over this small corpus take a fraction of a second, so it is
        // only stopped at once; skip-gram and CBOW also mid-training.
        const bool glove = i % 5 == 4;
        lab.findChild<QComboBox *>("model")->setCurrentIndex(glove ? 2 : i % 2);
        QSignalSpy done(&lab, &TrainLab::trainingFinished);
        start->click();
        QVERIFY(lab.isTraining());
        if (!glove && i % 2)
            QTest::qWait(30);
        QVERIFY(stop->isEnabled());
        stop->click();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 5000);
        // (GloVe may, on a stalled machine, finish before the click lands: that is a clean end.)
        if (!(glove && done.first().at(0).toBool())) {
            QCOMPARE(done.first().at(0).toBool(), false);
            QCOMPARE(done.first().at(1).toString(), QString("stopped"));
        }
        QVERIFY(!lab.isTraining());
        QVERIFY(start->isEnabled());
    }
    lab.findChild<QSpinBox *>("epochs")->setValue(2);
    const auto end = runToEnd(lab, 60000);
    QVERIFY(!end.isEmpty());
    QVERIFY2(end.at(0).toBool(), qPrintable(end.at(1).toString()));
    QCOMPARE(lab.result().vectors->size(), std::size_t(56));
}

void TstTrainLab::brownScreenshotOnRequest()
{
    // A tool more than a test (tens of seconds): EMBEX_LAB_SCREENSHOT=out.png trains the
    // default model on the shipped Brown corpus and saves a picture of the lab.
    const QString out = qEnvironmentVariable("EMBEX_LAB_SCREENSHOT");
    if (out.isEmpty())
        QSKIP("set EMBEX_LAB_SCREENSHOT=out.png to run");
    TrainLab lab;
    lab.resize(1500, 900);
    lab.show();
    QVERIFY(QTest::qWaitForWindowExposed(&lab));
    lab.selectWord("king"); // its neighbours follow the run
    const auto done = runToEnd(lab, 600000);
    QVERIFY(!done.isEmpty());
    QVERIFY2(done.at(0).toBool(), qPrintable(done.at(1).toString()));
    QTRY_VERIFY_WITH_TIMEOUT(!lab.view()->animating(), 5000);
    if (qEnvironmentVariableIsSet("EMBEX_LAB_FRAME")) // replay a snapshot for the picture
        lab.findChild<QSlider *>("snapshotSlider")
            ->setValue(qEnvironmentVariableIntValue("EMBEX_LAB_FRAME"));
    QTRY_VERIFY_WITH_TIMEOUT(!lab.view()->animating(), 5000);
    qInfo("%s", qPrintable(lab.findChild<QLabel *>("labStatus")->text()));
    qInfo("%s", qPrintable(lab.findChild<QLabel *>("trainStats")->text()));
    // grab() gives the GL points but not the view's QPainter layer: paint the view's own
    // rendering (points and labels) over its place in the window.
    QPixmap shot = lab.grab();
    {
        QPainter p(&shot);
        auto *view = lab.view();
        p.drawImage(QRect(view->mapTo(&lab, QPoint(0, 0)), view->size()),
                    view->renderImage(view->size() * view->devicePixelRatioF()));
    }
    QVERIFY(shot.save(out));
}

QTEST_MAIN(TstTrainLab)
#include "tst_trainlab.moc"
