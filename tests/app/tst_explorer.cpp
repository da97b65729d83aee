// The explorer never shows a stale or false picture (under xvfb-run, Mesa llvmpipe): the
// selection follows the word across sets, new layouts are fitted, legends match the colours
// read back from the rendered frame, projection honesty is grey until measured and can be
// cancelled, exports draw what the screen shows, no status line outlives its set, each method
// keeps its own subset, the first view is the shipped map, controls are in view at 1366×768,
// search puts the exact word first, labels keep off the selection and the legend.
#include "ScatterView.h"
#include "gui/MainWindow.h"
#include "gui/RunOptions.h"
#include "gui/SelectionDock.h"
#include "gui/ShippedLayout.h"
#include "gui/TsneRunner.h"
#include "io/Formats.h"
#include "project/Quality.h"
#include "support/GuiTestSupport.h"
#include "support/TestSanitizers.h"

#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDialog>
#include <QDockWidget>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenuBar>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QTextBrowser>
#include <QToolButton>
#include <QtTest>

#include <algorithm>
#include <random>

using namespace embex;
using embex::gui::MainWindow;

namespace {
const QString kGlove = QStringLiteral(EMBEX_FIXTURES "/vectors/test_glove.txt");

/// The first n words of the default set (real GloVe words in frequency order).
EmbeddingSetPtr defaultWords(std::size_t n)
{
    static EmbeddingSetPtr all = load(MainWindow::defaultSetPath().toStdString());
    n = std::min(n, all->size());
    std::vector<std::string> words(all->words().begin(), all->words().begin() + long(n));
    std::vector<float> data(all->data(), all->data() + n * all->dim());
    return std::make_shared<const EmbeddingSet>(std::move(words), std::move(data), all->dim());
}

/// A window of the given size showing the first n words of the default set (PCA).
bool showWords(MainWindow &w, std::size_t n, QSize size = QSize(1200, 800));

bool settle(MainWindow &w, const std::function<void()> &start)
{
    QSignalSpy loaded(&w, &MainWindow::loadFinished);
    QSignalSpy projected(&w, &MainWindow::projectionFinished);
    start();
    if (!loaded.wait(test::timeLimitMs(60000)) || !loaded.first().at(0).toBool())
        return false;
    if (projected.isEmpty() && !projected.wait(test::timeLimitMs(120000)))
        return false;
    return projected.last().at(0).toBool();
}

bool adopt(MainWindow &w, EmbeddingSetPtr set, const QString &name)
{
    return settle(w, [&] { w.adoptSet(std::move(set), name); });
}

bool open(MainWindow &w, const QString &path)
{
    return settle(w, [&] { w.openFile(path); });
}

bool showWords(MainWindow &w, std::size_t n, QSize size)
{
    w.resize(size);
    w.show();
    return adopt(w, defaultWords(n), "words");
}

/// Waits until the view's animations are over and one more frame is drawn.
void settleView(render::ScatterView *v)
{
    QTRY_VERIFY_WITH_TIMEOUT(!v->animating(), 5000);
    QTest::qWait(600); // the camera's 450 ms move
    v->update();
    QTest::qWait(100);
}

int colorDistance(QRgb a, QRgb b)
{
    return std::abs(qRed(a) - qRed(b)) + std::abs(qGreen(a) - qGreen(b)) +
           std::abs(qBlue(a) - qBlue(b));
}

/// The colour of the gradient drawn through `stops` at t (what QLinearGradient draws).
QRgb gradientAt(const QList<QColor> &stops, double t)
{
    const double x = std::clamp(t, 0.0, 1.0) * double(stops.size() - 1);
    const int i = std::min(int(stops.size()) - 2, int(x));
    const double f = x - i;
    const QColor &a = stops[i], &b = stops[i + 1];
    return qRgb(int(std::lround(a.red() + (b.red() - a.red()) * f)),
                int(std::lround(a.green() + (b.green() - a.green()) * f)),
                int(std::lround(a.blue() + (b.blue() - a.blue()) * f)));
}

/// Every point colour the frame shows at an isolated point's centre is found on the legend's
/// ramp as rendered in the same frame (within a few levels of blending and rounding).
void checkPointsOnLegend(MainWindow &w, const char *mode)
{
    auto *view = w.view();
    settleView(view);
    const QImage img = view->renderImage(view->size());
    const QRectF ramp = view->legendRampRect();
    QVERIFY2(!ramp.isEmpty(), mode);
    std::vector<QRgb> palette;
    for (int x = int(ramp.left()) + 2; x < int(ramp.right()) - 2; ++x)
        palette.push_back(img.pixel(x, int(ramp.center().y())));
    QVERIFY(palette.size() > 50);
    const int n = view->pointCount();
    std::vector<QPointF> pos{std::size_t(n)};
    std::vector<char> on(std::size_t(n), 0);
    for (int i = 0; i < n; ++i)
        on[std::size_t(i)] = view->screenPosition(i, &pos[std::size_t(i)]);
    int checked = 0, matched = 0, worst = 0;
    QString worstText;
    for (int i = 0; i < n && checked < 300; ++i) {
        if (!on[std::size_t(i)])
            continue;
        const QPointF p = pos[std::size_t(i)];
        bool isolated = QRectF(view->rect()).adjusted(10, 10, -10, -10).contains(p) &&
                        !view->legendRect().adjusted(-12, -12, 12, 12).contains(p);
        for (int j = 0; j < n && isolated; ++j)
            if (j != i && on[std::size_t(j)] && QLineF(p, pos[std::size_t(j)]).length() < 14)
                isolated = false;
        for (const auto &l : view->placedLabels())
            if (l.box.adjusted(-4, -4, 4, 4).contains(p))
                isolated = false;
        if (!isolated)
            continue;
        ++checked;
        const QRgb c = img.pixel(p.toPoint());
        int best = 1 << 30;
        for (QRgb q : palette)
            best = std::min(best, colorDistance(c, q));
        if (best <= 24)
            ++matched;
        if (best > worst) {
            worst = best;
            worstText = QStringLiteral("%1: point %2 rgb(%3,%4,%5) is %6 from the legend")
                            .arg(mode)
                            .arg(i)
                            .arg(qRed(c))
                            .arg(qGreen(c))
                            .arg(qBlue(c))
                            .arg(best);
        }
    }
    QVERIFY2(checked >= 20,
             qPrintable(QStringLiteral("%1: %2 isolated points").arg(mode).arg(checked)));
    QVERIFY2(matched >= checked * 95 / 100, qPrintable(worstText));
}
} // namespace

class TstExplorer : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup() { qApp->closeAllWindows(); }
    void selectionFollowsTheWord();
    void newLayoutIsFitted();
    void tsneFromAnEmptyViewIsFitted();
    void captionSaysWhatIsShown();
    void subsetChangeLaysOutAgain();
    void legendMatchesDrawing();
    void densityHasTheLegendsColours();
    void honestyIsGreyUntilMeasuredAndCancellable();
    void honestyWaitsForTsneToFinish();
    void exportsDrawWhatTheScreenShows();
    void noStatusOutlivesItsSetOrLayout();
    void eachMethodKeepsItsSubset();
    void firstViewIsTheShippedMap();
    void controlsInViewAt1366x768();
    void searchPutsTheWordFirst();
    void labelsKeepOffSelectionAndLegend();
    void polish();
    void automationLeavesUserFilesAlone();

private:
    QTemporaryDir m_dir;
};

void TstExplorer::initTestCase()
{
    gui::runOptions().noDialogs = true;
    test::useTestLocations();
    QVERIFY(!MainWindow::defaultSetPath().isEmpty());
}

void TstExplorer::init()
{
    test::resetExplorerSettings();
}

void TstExplorer::selectionFollowsTheWord()
{
    // "paris" selected in one set; the next set has the same words in another order and lacks
    // some of them (a set trained in the lab): the selection, its neighbours and the search
    // follow the words, never the rows.
    MainWindow w;
    w.show();
    auto first = defaultWords(3000);
    QVERIFY(adopt(w, first, "first"));
    QVERIFY(w.selectWord("paris"));
    auto *search = w.findChild<QLineEdit *>("search");
    search->setText("france");
    QTRY_VERIFY(!w.hits().empty());
    w.markWords({*first->find("london"), *first->find("berlin")});

    std::vector<std::string> words = first->words();
    std::vector<std::size_t> order(words.size());
    std::iota(order.begin(), order.end(), 0);
    std::mt19937 rng(5);
    std::shuffle(order.begin(), order.end(), rng);
    std::vector<std::string> w2;
    std::vector<float> d2;
    for (std::size_t i : order) {
        if (words[i] == "berlin")
            continue; // dropped: the new set lacks it
        w2.push_back(words[i]);
        d2.insert(d2.end(), first->row(WordId(i)), first->row(WordId(i)) + first->dim());
    }
    auto second = std::make_shared<const EmbeddingSet>(w2, d2, first->dim());
    QVERIFY(adopt(w, second, "second"));

    QVERIFY(w.selectedWord().has_value());
    QCOMPARE(second->word(*w.selectedWord()), std::string("paris"));
    const int p = w.view()->selected();
    QVERIFY(p >= 0);
    QCOMPARE(w.view()->labels().at(p), QStringLiteral("paris"));
    // The neighbour table and the lines are the new set's neighbours of paris.
    ExactIndex index(second);
    const auto expected = neighborsOf(index, *second->find("paris"), 10);
    auto *table = w.findChild<QTableView *>("neighbors");
    QCOMPARE(table->model()->rowCount(), 10);
    std::vector<int> expectedPoints;
    for (int r = 0; r < 10; ++r) {
        const QString word = QString::fromStdString(second->word(expected[std::size_t(r)].id));
        QCOMPARE(table->model()->index(r, 1).data().toString(), word);
        expectedPoints.push_back(w.pointOf(expected[std::size_t(r)].id));
    }
    QCOMPARE(w.view()->selectedNeighbors(), expectedPoints);
    for (int q : w.view()->selectedNeighbors())
        QVERIFY(w.view()->labels().at(q) != QStringLiteral("paris"));
    // The search hit is "france" in the new set; the box selection kept london, dropped berlin.
    QCOMPARE(second->word(w.hits().front()), std::string("france"));
    QCOMPARE(w.view()->labels().at(w.view()->highlights().front()), QStringLiteral("france"));
    QCOMPARE(w.markedWords().size(), std::size_t(1));
    QCOMPARE(second->word(w.markedWords().front()), std::string("london"));
    QCOMPARE(w.view()->labels().at(w.view()->marked().front()), QStringLiteral("london"));

    // A set without "paris": nothing stays selected, nothing is drawn as selected.
    std::vector<std::string> w3;
    std::vector<float> d3;
    for (std::size_t i = 0; i < words.size(); ++i)
        if (words[i] != "paris") {
            w3.push_back(words[i]);
            d3.insert(d3.end(), first->row(WordId(i)), first->row(WordId(i)) + first->dim());
        }
    QVERIFY(adopt(w, std::make_shared<const EmbeddingSet>(w3, d3, first->dim()), "third"));
    QVERIFY(!w.selectedWord().has_value());
    QCOMPARE(w.view()->selected(), -1);
    QVERIFY(w.view()->selectedNeighbors().empty());
    QCOMPARE(table->model()->rowCount(), 0);
}

namespace {
/// All points on screen, spread over most of the view's width or height.
void checkFitted(render::ScatterView *view)
{
    settleView(view);
    QRectF box;
    int onScreen = 0;
    for (int i = 0; i < view->pointCount(); ++i) {
        QPointF s;
        if (view->screenPosition(i, &s)) {
            box |= QRectF(s, QSizeF(1, 1));
            ++onScreen;
        }
    }
    QCOMPARE(onScreen, view->pointCount());
    QVERIFY2(box.width() > 0.6 * view->width() || box.height() > 0.6 * view->height(),
             qPrintable(QStringLiteral("the layout covers %1 x %2 of %3 x %4 pixels")
                            .arg(box.width())
                            .arg(box.height())
                            .arg(view->width())
                            .arg(view->height())));
}
} // namespace

void TstExplorer::newLayoutIsFitted()
{
    // t-SNE coordinates are tens of units, PCA's a few: after a t-SNE map, a PCA of the same
    // words must fill the view, not sit in a dot in its middle.
    MainWindow w;
    w.resize(1200, 800);
    w.show();
    QVERIFY(open(w, kGlove));
    auto *method = w.findChild<QComboBox *>("method");
    QSignalSpy done(&w, &MainWindow::projectionFinished);
    w.findChild<QSpinBox *>("iterations")->setValue(300);
    method->setCurrentIndex(1); // t-SNE starts at once
    QVERIFY(done.wait(test::timeLimitMs(60000)));
    QVERIFY(done.last().at(0).toBool());
    auto *view = w.view();
    settleView(view);
    view->panBy(QPointF(40, 10)); // the user looked around
    done.clear();
    method->setCurrentIndex(0); // PCA, projected at once
    QVERIFY(done.wait(test::timeLimitMs(30000)));
    settleView(view);
    QCOMPARE(w.projection().method, gui::ProjectionSettings::Method::Pca);
    checkFitted(view);
    // 2-D → 3-D is a new layout too.
    w.findChild<QComboBox *>("dims")->setCurrentIndex(1);
    checkFitted(view);
}

void TstExplorer::tsneFromAnEmptyViewIsFitted()
{
    // A t-SNE run grows from a small preview to a map tens of units wide while the camera is
    // still moving to the preview: the camera must end on the final map (a file opened with
    // t-SNE as the method, and Isolate, showed an empty view until F was pressed).
    QSettings().setValue("projection/method", "tsne");
    MainWindow w;
    w.resize(1200, 800);
    w.show();
    QVERIFY(open(w, kGlove));
    QCOMPARE(w.projection().method, gui::ProjectionSettings::Method::Tsne);
    checkFitted(w.view());
    // Isolate 30 words, laid out by t-SNE from the same camera.
    std::vector<WordId> ids;
    for (WordId id = 10; id < 40; ++id)
        ids.push_back(id);
    w.markWords(ids);
    QSignalSpy done(&w, &MainWindow::projectionFinished);
    w.isolateMarked();
    QVERIFY(done.wait(test::timeLimitMs(60000)));
    QCOMPARE(w.projection().ids.size(), std::size_t(30));
    checkFitted(w.view());
}

void TstExplorer::captionSaysWhatIsShown()
{
    MainWindow w;
    w.show();
    QVERIFY(adopt(w, defaultWords(3000), "words"));
    // A filter that Top N does not cut: "all words matching", not "the N most frequent".
    QSignalSpy done(&w, &MainWindow::projectionFinished);
    w.findChild<QLineEdit *>("include")->setText("ing$");
    w.findChild<QSpinBox *>("topN")->setValue(2500);
    QVERIFY(done.wait(test::timeLimitMs(30000)));
    const QString filtered = w.view()->caption().join('\n');
    QVERIFY2(filtered.contains("all words matching \"ing$\""), qPrintable(filtered));
    QVERIFY(!filtered.contains("most frequent"));
    // 3-D says so.
    w.findChild<QComboBox *>("dims")->setCurrentIndex(1);
    QVERIFY(w.view()->caption().join('\n').contains("3-D"));
    w.findChild<QComboBox *>("dims")->setCurrentIndex(0);
    // A stopped t-SNE is not a finished map, and says so.
    w.findChild<QLineEdit *>("include")->clear();
    QTest::qWait(800); // the subset change lays out again
    done.clear();
    QSignalSpy frames(&w, &MainWindow::tsneFrameShown);
    w.findChild<QSpinBox *>("iterations")->setValue(5000); // still running when stopped
    w.findChild<QComboBox *>("method")->setCurrentIndex(1);
    QTRY_VERIFY_WITH_TIMEOUT(frames.size() >= 3, 30000);
    QVERIFY(w.view()->caption().join('\n').contains("running: iteration"));
    w.findChild<QPushButton *>("stop")->click();
    QTRY_VERIFY(!w.tsneRunner()->isRunning());
    QTest::qWait(100);
    QVERIFY2(w.view()->caption().join('\n').contains("stopped at iteration"),
             qPrintable(w.view()->caption().join('\n')));
}

void TstExplorer::subsetChangeLaysOutAgain()
{
    // Top N, Hide stop words: the map follows without a hunt for the Project button.
    MainWindow w;
    w.show();
    QVERIFY(adopt(w, defaultWords(3000), "words"));
    QSignalSpy done(&w, &MainWindow::projectionFinished);
    w.findChild<QSpinBox *>("topN")->setValue(500);
    QVERIFY(done.wait(test::timeLimitMs(10000)));
    QCOMPARE(w.projection().ids.size(), std::size_t(500));
    done.clear();
    w.findChild<QCheckBox *>("hideStopWords")->setChecked(true);
    QVERIFY(done.wait(test::timeLimitMs(10000)));
    for (const QString &word : w.projection().labels)
        QVERIFY2(!gui::isStopWord(word), qPrintable(word));
    QCOMPARE(w.projection().ids.size(), std::size_t(500));
}

void TstExplorer::legendMatchesDrawing()
{
    MainWindow w;
    QVERIFY(showWords(w, 3000));
    w.findChild<QSpinBox *>("pointSize")->setValue(8);
    auto *color = w.findChild<QComboBox *>("colorBy");
    color->setCurrentIndex(color->findData("frequency"));
    checkPointsOnLegend(w, "frequency");
    // The frequency scale is logarithmic, and the legend says so with its ranks marked.
    QVERIFY(w.view()->legend().title.contains("log"));
    QVERIFY(w.view()->legend().ticks.size() >= 3);
    // Projection honesty: once measured, the points' reds, yellows and blues are the legend's.
    QSignalSpy ready(&w, &MainWindow::honestyReady);
    color->setCurrentIndex(color->findData("knn"));
    QVERIFY(ready.wait(test::timeLimitMs(60000)));
    checkPointsOnLegend(w, "knn");
}

void TstExplorer::densityHasTheLegendsColours()
{
    // The words too many to draw as points are shaded in their own colours: every bin of the
    // density layer has the colour of a word in it, a colour of the legend's colour map.
    MainWindow w;
    QVERIFY(showWords(w, 6000));
    auto *view = w.view();
    view->setPointBudget(800);
    settleView(view);
    QVERIFY(view->densityShown());
    QVERIFY(view->densityPoints() > 4000);
    const QImage density = view->densityImage();
    QVERIFY(!density.isNull());
    const auto &legend = view->legend();
    QCOMPARE(legend.kind, render::Legend::Kind::Gradient);
    const std::vector<std::uint32_t> &colors = view->colors();
    std::vector<QRgb> pointColors;
    for (auto c : colors)
        pointColors.push_back(qRgb(qRed(c), qGreen(c), qBlue(c)));
    std::sort(pointColors.begin(), pointColors.end());
    int bins = 0;
    for (int y = 0; y < density.height(); ++y)
        for (int x = 0; x < density.width(); ++x) {
            const QRgb c = density.pixel(x, y);
            if (qAlpha(c) == 0)
                continue;
            ++bins;
            const QRgb rgb = qRgb(qRed(c), qGreen(c), qBlue(c));
            QVERIFY(std::binary_search(pointColors.begin(), pointColors.end(), rgb));
            int best = 1 << 30;
            for (int k = 0; k <= 400; ++k)
                best = std::min(best, colorDistance(rgb, gradientAt(legend.stops, k / 400.0)));
            QVERIFY2(best <= 6,
                     qPrintable(QStringLiteral("bin colour %1 off the legend").arg(best)));
        }
    QVERIFY(bins > 100);
    // The legend says what the shading is.
    const QImage img = view->renderImage(view->size());
    QVERIFY(!img.isNull());
    QVERIFY(view->legendRect().height() > 60);
}

void TstExplorer::honestyIsGreyUntilMeasuredAndCancellable()
{
    // 25,000 words: the measurement takes seconds (HNSW above 20,000 words), with progress.
    MainWindow w;
    w.show();
    auto set = defaultWords(25000);
    QVERIFY(adopt(w, set, "words"));
    auto *color = w.findChild<QComboBox *>("colorBy");
    QSignalSpy ready(&w, &MainWindow::honestyReady);
    color->setCurrentIndex(color->findData("knn"));
    QVERIFY(w.isMeasuringHonesty());
    QVERIFY(w.findChild<QProgressBar *>("honestyProgress")->isVisible());
    const auto &colors = w.view()->colors();
    QVERIFY(std::all_of(colors.begin(), colors.end(),
                        [&](std::uint32_t c) { return c == colors.front(); }));
    const QColor grey = QColor::fromRgba(colors.front());
    QCOMPARE(grey.red(), grey.green());
    QCOMPARE(grey.green(), grey.blue());
    QCOMPARE(w.view()->legend().kind, render::Legend::Kind::None);
    QVERIFY(w.view()->legend().note.contains("measuring"));
    // Cancel stops it within seconds; the points stay grey, the legend says so.
    QTest::qWait(300);
    w.findChild<QToolButton *>("honestyCancel")->click();
    QTRY_VERIFY_WITH_TIMEOUT(!w.isMeasuringHonesty(), test::timeLimitMs(10000));
    QTest::qWait(200);
    QCOMPARE(ready.size(), 0);
    QVERIFY(w.honesty().empty());
    QVERIFY(w.view()->legend().note.contains("cancelled"));
    QVERIFY(!w.findChild<QProgressBar *>("honestyProgress")->isVisible());
    // Asking again measures to the end, with progress; the figure is core's.
    color->setCurrentIndex(color->findData("frequency"));
    QSignalSpy progress(w.findChild<QProgressBar *>("honestyProgress"),
                        &QProgressBar::valueChanged);
    color->setCurrentIndex(color->findData("knn"));
    QVERIFY(ready.wait(test::timeLimitMs(120000)));
    QVERIFY(progress.size() > 0);
    QCOMPARE(w.honesty().size(), w.projection().ids.size());
    double mean = 0;
    for (float v : w.honesty())
        mean += double(v);
    mean /= double(w.honesty().size());
    QCOMPARE(ready.first().at(0).toDouble(), mean);
    QVERIFY(w.view()->legend().note.contains("approximate"));
}

void TstExplorer::honestyWaitsForTsneToFinish()
{
    // While t-SNE runs, no figure of a half-made map is shown: grey, "measured when t-SNE
    // finishes", then the final map's figure, equal to core's on the final layout.
    MainWindow w;
    w.show();
    QVERIFY(open(w, kGlove));
    auto *color = w.findChild<QComboBox *>("colorBy");
    QSignalSpy ready(&w, &MainWindow::honestyReady);
    color->setCurrentIndex(color->findData("knn"));
    QVERIFY(ready.wait(test::timeLimitMs(30000)));
    ready.clear();
    QSignalSpy done(&w, &MainWindow::projectionFinished);
    int frames = 0, grey = 0;
    connect(&w, &MainWindow::tsneFrameShown, this, [&] {
        ++frames;
        if (w.view()->legend().note.contains("when t-SNE finishes") && w.honesty().empty())
            ++grey;
    });
    w.findChild<QSpinBox *>("iterations")->setValue(400);
    w.findChild<QComboBox *>("method")->setCurrentIndex(1);
    QVERIFY(done.wait(test::timeLimitMs(60000)));
    QVERIFY(frames > 0);
    QCOMPARE(grey, frames);
    QVERIFY(ready.wait(test::timeLimitMs(30000)));
    QCOMPARE(ready.size(), 1);
    auto set = load(kGlove.toStdString());
    const auto &ids = w.projection().ids;
    RowMatrix original(Eigen::Index(ids.size()), Eigen::Index(set->dim()));
    for (std::size_t i = 0; i < ids.size(); ++i)
        original.row(Eigen::Index(i)) = set->matrix().row(Eigen::Index(ids[i]));
    const RowMatrix layout = w.projection().coords;
    const auto expected =
        knnPreservation(ConstRowMap(original.data(), original.rows(), original.cols()),
                        ConstRowMap(layout.data(), layout.rows(), layout.cols()), 10, true);
    QCOMPARE(w.honesty(), expected);
}

void TstExplorer::exportsDrawWhatTheScreenShows()
{
    MainWindow w;
    QVERIFY(showWords(w, 6000));
    auto *view = w.view();
    view->setPointBudget(1000);
    QVERIFY(w.selectWord("king"));
    settleView(view);
    const auto screen = view->placedLabels();
    QVERIFY(screen.size() > 20);
    // PNG at twice the size: the same labels at twice the coordinates.
    const QImage png = view->renderImage(view->size() * 2);
    QVERIFY(!png.isNull());
    const auto exported = view->renderedLabels();
    QCOMPARE(exported.size(), screen.size());
    for (std::size_t i = 0; i < screen.size(); ++i) {
        QCOMPARE(exported[i].point, screen[i].point);
        QVERIFY(std::abs(exported[i].box.left() - 2 * screen[i].box.left()) < 0.01);
        QVERIFY(std::abs(exported[i].box.top() - 2 * screen[i].box.top()) < 0.01);
    }
    // SVG: the density layer (an embedded image), every drawn point and every screen label.
    const QString svgPath = m_dir.filePath("view.svg");
    QString error;
    QVERIFY2(view->exportSvg(svgPath, &error), qPrintable(error));
    QFile f(svgPath);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QString svg = QString::fromUtf8(f.readAll());
    QVERIFY(view->densityShown());
    QVERIFY(svg.contains("<image"));
    for (const auto &l : screen)
        QVERIFY2(svg.contains(">" + view->labels().at(l.point).toHtmlEscaped() + "</text>"),
                 qPrintable(view->labels().at(l.point)));
}

void TstExplorer::noStatusOutlivesItsSetOrLayout()
{
    MainWindow w;
    w.show();
    QVERIFY(adopt(w, defaultWords(1500), "words")); // enough words for many t-SNE frames
    auto *status = w.findChild<QLabel *>("tsneStatus");
    auto *progress = w.findChild<QProgressBar *>("projectionProgress");
    // t-SNE: the progress bar tells the iteration of the frame shown, never a stale 100%.
    QSignalSpy done(&w, &MainWindow::projectionFinished);
    w.findChild<QSpinBox *>("iterations")->setValue(300);
    int checkedFrames = 0;
    connect(&w, &MainWindow::tsneFrameShown, this, [&](int iteration) {
        if (iteration <= 0)
            return;
        ++checkedFrames;
        QVERIFY(progress->format().contains(QStringLiteral("iteration %1 of 300").arg(iteration)));
        QCOMPARE(progress->value(), iteration * 1000 / 300);
    });
    w.findChild<QComboBox *>("method")->setCurrentIndex(1);
    QVERIFY(done.wait(test::timeLimitMs(60000)));
    QVERIFY(checkedFrames > 2);
    QVERIFY(status->text().contains("Iteration 300 of 300"));
    // Another set: nothing of the previous t-SNE is left when it arrives.
    QSignalSpy loaded(&w, &MainWindow::loadFinished);
    bool clean = false;
    connect(&w, &MainWindow::loadFinished, this, [&] {
        clean = !status->text().contains("300 of 300") && w.projection().ids.empty() &&
                w.view()->pointCount() == 0;
    });
    w.findChild<QComboBox *>("method")->setCurrentIndex(0);
    QVERIFY(done.wait(test::timeLimitMs(30000)));
    w.openFile(kGlove);
    QVERIFY(loaded.wait(test::timeLimitMs(30000)));
    QVERIFY(clean);
    QVERIFY(done.wait(test::timeLimitMs(30000)));
    // 3-D: the variance line counts PC1 to PC3.
    auto *variance = w.findChild<QLabel *>("variance");
    const auto &r = w.projection().varianceRatio;
    w.findChild<QComboBox *>("dims")->setCurrentIndex(1);
    QVERIFY2(variance->text().contains(QString::number((r[0] + r[1] + r[2]) * 100, 'f', 1)),
             qPrintable(variance->text()));
    w.findChild<QComboBox *>("dims")->setCurrentIndex(0);
    QVERIFY(variance->text().contains(QString::number((r[0] + r[1]) * 100, 'f', 1)));
}

void TstExplorer::eachMethodKeepsItsSubset()
{
    MainWindow w;
    w.show();
    QVERIFY(open(w, kGlove));
    auto *topN = w.findChild<QSpinBox *>("topN");
    auto *method = w.findChild<QComboBox *>("method");
    QCOMPARE(topN->value(), 0);
    QSignalSpy done(&w, &MainWindow::projectionFinished);
    w.findChild<QSpinBox *>("iterations")->setValue(100);
    method->setCurrentIndex(1);
    QCOMPARE(topN->value(), 10000); // t-SNE's own default
    QVERIFY(done.wait(test::timeLimitMs(60000)));
    topN->setValue(20);
    done.clear();
    w.findChild<QPushButton *>("run")->click();
    QVERIFY(done.wait(test::timeLimitMs(60000)));
    QCOMPARE(w.projection().ids.size(), std::size_t(20));
    QVERIFY(w.shownWordsText().contains("20 of 76 words"));
    QVERIFY(w.shownWordsText().contains("most frequent"));
    done.clear();
    method->setCurrentIndex(0); // PCA: all words again, not t-SNE's 20
    QVERIFY(done.wait(test::timeLimitMs(30000)));
    QCOMPARE(topN->value(), 0);
    QCOMPARE(w.projection().ids.size(), std::size_t(76));
    QVERIFY(w.shownWordsText().contains("all 76 words"));
    QVERIFY(w.view()->caption().join('\n').contains("all 76 words"));
    done.clear();
    method->setCurrentIndex(1);
    QCOMPARE(topN->value(), 20);
    QVERIFY(done.wait(test::timeLimitMs(60000)));
}

void TstExplorer::firstViewIsTheShippedMap()
{
    QSettings().clear(); // a first start
    MainWindow w;
    w.show();
    QSignalSpy done(&w, &MainWindow::projectionFinished);
    QElapsedTimer clock;
    clock.start();
    QVERIFY(settle(w, [&] { w.openDefault(); }));
    QCOMPARE(w.projection().method, gui::ProjectionSettings::Method::Tsne);
    QCOMPARE(w.projection().ids.size(), std::size_t(10000));
    QVERIFY(!w.tsneRunner()->isRunning());
    QVERIFY(w.shownWordsText().contains("shipped"));
    // The coordinates are the shipped file's.
    auto shipped = gui::readShippedLayout(gui::shippedLayoutPath(), *w.set());
    QVERIFY(shipped.has_value());
    QCOMPARE(w.projection().coords, shipped->coords);
    // Content words are labelled first: no stop word among the first labels.
    settleView(w.view());
    const auto &labels = w.view()->placedLabels();
    QVERIFY(labels.size() > 30);
    int stops = 0;
    for (const auto &l : labels)
        stops += gui::isStopWord(w.view()->labels().at(l.point)) ? 1 : 0;
    QVERIFY2(stops <= int(labels.size()) / 10, qPrintable(QString::number(stops)));
    // A one-line hint of what to do.
    QVERIFY(w.view()->caption().join('\n').contains("Search"));
}

void TstExplorer::controlsInViewAt1366x768()
{
    MainWindow w;
    w.resize(1366, 768);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(adopt(w, defaultWords(3000), "words"));
    QVERIFY(w.selectWord("king"));
    QTest::qWait(200);
    auto fullyVisible = [&](QWidget *widget) {
        if (!widget || !widget->isVisible())
            return false;
        const QRect inWindow(widget->mapTo(&w, QPoint(0, 0)), widget->size());
        return QRect(QPoint(0, 0), w.size()).contains(inWindow) &&
               widget->visibleRegion().boundingRect().size() == widget->size();
    };
    for (const char *name :
         {"run", "method", "colorBy", "labelFont", "pointSize", "search", "regex", "k"})
        QVERIFY2(fullyVisible(w.findChild<QWidget *>(name)), name);
    auto *table = w.findChild<QTableView *>("neighbors");
    QVERIFY(fullyVisible(table));
    QVERIFY(table->horizontalHeader()->isVisible());
    const int width = table->viewport()->width();
    for (int c = 0; c < 3; ++c)
        QVERIFY2(table->horizontalHeader()->sectionViewportPosition(c) +
                         table->horizontalHeader()->sectionSize(c) <=
                     width,
                 qPrintable(QStringLiteral("column %1 cut off").arg(c)));
    QVERIFY(table->rowViewportPosition(9) + table->rowHeight(9) <= table->viewport()->height());
}

void TstExplorer::searchPutsTheWordFirst()
{
    MainWindow w;
    w.show();
    auto set = defaultWords(10000);
    QVERIFY(adopt(w, set, "words"));
    auto *search = w.findChild<QLineEdit *>("search");
    search->setFocus();
    QTest::keyClicks(search, "king");
    QTest::keyClick(search, Qt::Key_Return);
    QVERIFY(w.hits().size() > 20); // making, asking, ...
    QCOMPARE(set->word(w.hits().front()), std::string("king"));
    QCOMPARE(w.exactHitCount(), std::size_t(1));
    QCOMPARE(w.view()->highlights(), std::vector<int>{w.pointOf(*set->find("king"))});
    QCOMPARE(w.view()->softHighlights().size(), w.hits().size() - 1);
    QCOMPARE(set->word(*w.selectedWord()), std::string("king"));
    auto *hits = w.findChild<QListView *>("hits");
    QCOMPARE(hits->model()->index(0, 0).data().toString(), QStringLiteral("king"));
    // The substring hits are labelled no earlier than ordinary words: the selection and its
    // neighbours come first.
    settleView(w.view());
    const auto &labels = w.view()->placedLabels();
    QVERIFY(!labels.empty());
    QCOMPARE(labels.back().point, w.pointOf(*set->find("king")));
    // Case: the set is lower-cased, so "Paris" is "paris".
    search->clear();
    QTest::keyClicks(search, "Paris");
    QTest::keyClick(search, Qt::Key_Return);
    QCOMPARE(set->word(*w.selectedWord()), std::string("paris"));
    QCOMPARE(w.view()->labels().at(w.view()->selected()), QStringLiteral("paris"));
}

void TstExplorer::labelsKeepOffSelectionAndLegend()
{
    MainWindow w;
    QVERIFY(showWords(w, 5000, QSize(1100, 700)));
    auto *view = w.view();
    w.findChild<QSpinBox *>("labelFont")->setValue(14);
    for (const char *word : {"king", "water", "france"}) {
        QVERIFY(w.selectWord(word));
        view->zoomToSelection();
        settleView(view);
        const auto &labels = view->placedLabels();
        QVERIFY(!labels.empty());
        QCOMPARE(labels.back().point, view->selected()); // drawn last, on top
        QPointF s;
        QVERIFY(view->screenPosition(view->selected(), &s));
        const double r = 6.0 * 3 / 2;
        const QRectF marker(s.x() - r, s.y() - r, 2 * r, 2 * r);
        for (const auto &l : labels) {
            QVERIFY2(!l.box.intersects(view->legendRect()), word);
            QVERIFY2(!l.box.intersects(marker), qPrintable(view->labels().at(l.point)));
        }
    }
    // In a crowd (the months sit on one spot), without zooming: the selection is named.
    view->fitView(false);
    for (const char *word : {"july", "march", "man"}) {
        QVERIFY(w.selectWord(word));
        settleView(view);
        QVERIFY(!view->placedLabels().empty());
        QCOMPARE(view->placedLabels().back().point, view->selected());
    }
}

void TstExplorer::polish()
{
    MainWindow w;
    w.show();
    QVERIFY(adopt(w, defaultWords(2000), "words"));
    // The View menu names the docks as their titles read, no mnemonic made of an "&".
    QMenu *viewMenu = nullptr;
    for (QAction *a : w.menuBar()->actions())
        if (a->text() == "&View")
            viewMenu = a->menu();
    QVERIFY(viewMenu);
    for (auto *dock : w.findChildren<QDockWidget *>()) {
        const QString expected = dock->windowTitle().replace('&', "&&");
        QVERIFY2(viewMenu->actions().contains(dock->toggleViewAction()),
                 qPrintable(dock->windowTitle()));
        QCOMPARE(dock->toggleViewAction()->text(), expected);
    }
    // F11: full screen and back.
    auto *full = w.findChild<QAction *>("fullScreenAction");
    QVERIFY(full);
    QCOMPARE(full->shortcut(), QKeySequence(Qt::Key_F11));
    full->trigger();
    QTRY_VERIFY(w.windowState() & Qt::WindowFullScreen);
    full->trigger();
    QTRY_VERIFY(!(w.windowState() & Qt::WindowFullScreen));
    // Help: the keyboard and mouse reference.
    w.findChild<QAction *>("shortcutsAction")->trigger();
    auto *dialog = w.findChild<QDialog *>("shortcutsDialog");
    QVERIFY(dialog);
    QVERIFY(dialog->findChild<QTextBrowser *>()->toPlainText().contains("Shift+drag"));
    dialog->close();
    // A box selection lists its words; Copy puts them on the clipboard; Isolate lays out only
    // them.
    std::vector<int> box;
    for (int i = 100; i < 140; ++i)
        box.push_back(i);
    emit w.view()->boxSelected(box);
    auto *dock = w.findChild<gui::SelectionDock *>();
    QStringList expected;
    for (int i : box)
        expected << w.view()->labels().at(i);
    QCOMPARE(dock->words(), expected);
    QCOMPARE(w.findChild<QListWidget *>("selectionList")->count(), 40);
    w.findChild<QPushButton *>("copySelection")->click();
    QCOMPARE(QGuiApplication::clipboard()->text(), expected.join('\n') + '\n');
    QSignalSpy done(&w, &MainWindow::projectionFinished);
    w.findChild<QPushButton *>("isolateSelection")->click();
    QVERIFY(done.wait(test::timeLimitMs(30000)));
    QCOMPARE(w.projection().ids.size(), std::size_t(40));
    QCOMPARE(w.projection().labels, expected);
    QVERIFY(w.shownWordsText().contains("40 of 2,000 words"));
    // File ▸ Open recent lists the files opened and opens them.
    QVERIFY(open(w, kGlove));
    auto *recent = w.findChild<QMenu *>("recentMenu");
    QVERIFY(recent);
    emit recent->aboutToShow();
    QCOMPARE(recent->actions().size(), 1);
    QCOMPARE(recent->actions().first()->text(), QStringLiteral("test_glove.txt"));
    QVERIFY(settle(w, [&] { recent->actions().first()->trigger(); }));
    QCOMPARE(w.set()->size(), std::size_t(76));
}

void TstExplorer::automationLeavesUserFilesAlone()
{
    // `embex --screenshot` (what tests and benchmarks run) writes nothing to the user's
    // configuration: no recent file, no window layout.
    const QString home = m_dir.filePath("home");
    QProcess p;
    p.setProcessEnvironment(test::isolatedEnvironment(home));
    p.start(QStringLiteral(EMBEX_GUI), {"--screenshot", m_dir.filePath("shot.png"), kGlove});
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 0);
    QVERIFY(QFile::exists(m_dir.filePath("shot.png")));
    QVERIFY2(!QFileInfo::exists(home + "/config/Embex"),
             "the app wrote to the user's configuration folder");
}

QTEST_MAIN(TstExplorer)
#include "tst_explorer.moc"
