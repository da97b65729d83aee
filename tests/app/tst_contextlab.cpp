// The context lab as a user drives it (under xvfb-run, Mesa llvmpipe), with the tiny random
// BERT checkpoints of tests/fixtures/bert: the guide and the static view before any model, open
// a model folder, study sentences (typed, from an
// example, from a file), move the layer and threshold sliders, click a word; every view is
// checked against core's functions computed independently (layerFrames, cosineMatrix,
// clusterByCosine, meanPairCosine, nearest tokens). Then the failure paths (bad folder, word
// not found, bad text files: an error box naming the problem), 50 cancelled and restarted jobs,
// and closing the lab while a job runs.
#include "ScatterView.h"
#include "gui/ContextLab.h"
#include "gui/ContextPresets.h"
#include "gui/Heatmap.h"
#include "gui/LineChart.h"
#include "gui/MainWindow.h"
#include "gui/RunOptions.h"
#include "io/Formats.h"
#include "search/ExactIndex.h"
#include "support/GuiTestSupport.h"
#include "support/TestRandom.h"

#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSlider>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTextBrowser>
#include <QtTest>

#include <sys/stat.h>

using namespace embex;
using embex::gui::ContextLab;

namespace {

const QString kModel = QStringLiteral(EMBEX_FIXTURES "/bert/bert-mlm-f32");
const QString kPlainModel = QStringLiteral(EMBEX_FIXTURES "/bert/bert-f16");
const QStringList kRiver = {"The river was high, the River flooded.", "Nothing to see here.",
                            "He went to the river.", "By the river we sat.",
                            "A river of words ran on."};

bool waitOk(QSignalSpy &spy, int ms = 60000)
{
    if (spy.isEmpty() && !spy.wait(ms))
        return false;
    return spy.last().at(0).toBool();
}

/// Closes (and returns the text of) the lab's error box, if one is open.
QString takeErrorBox(ContextLab &lab)
{
    auto *box = lab.findChild<QMessageBox *>("contextLabError");
    if (!box)
        return {};
    const QString text = box->text();
    box->close();
    QCoreApplication::processEvents();
    return text;
}

void openModel(ContextLab &lab, const QString &folder = kModel)
{
    QSignalSpy loaded(&lab, &ContextLab::modelLoaded);
    lab.openModel(folder);
    QVERIFY(waitOk(loaded));
}

bool study(ContextLab &lab, const QStringList &sentences, const QString &word)
{
    QSignalSpy done(&lab, &ContextLab::studyFinished);
    lab.wordEdit()->setText(word);
    lab.sentencesEdit()->setPlainText(sentences.join('\n'));
    lab.analyse();
    return waitOk(done);
}

} // namespace

class TstContextLab : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void presetsHoldTheirWord();
    void guideUntilAModelIsOpen();
    void staticNeighboursWithoutAModel();
    void studyShowsEveryView();
    void slidersUpdateTheViews();
    void clickingAWordStudiesIt();
    void presetAndTextFile();
    void staticVectorsBesideTheOccurrences();
    void modelWithoutMlmHead();
    void noOpenGLPathStillWorks();
    void errorsBecomeMessages();
    void cancelAndRestartFiftyTimes();
    void closingWhileBusyIsPrompt();
    void openedFromTheExplorer();
};

void TstContextLab::presetsHoldTheirWord()
{
    const auto &presets = gui::contextPresets();
    QCOMPARE(presets.size(), 6);
    QStringList words;
    for (const auto &p : presets) {
        words << p.word;
        QCOMPARE(p.sentences.size(), 4 * p.senses.size());
        for (const QString &s : p.sentences)
            QVERIFY2(QRegularExpression("\\b" + p.word + "\\b",
                                        QRegularExpression::CaseInsensitiveOption)
                         .match(s)
                         .hasMatch(),
                     qPrintable(s));
    }
    QCOMPARE(words, QStringList({"bank", "bat", "crane", "spring", "play", "light"}));
}

void TstContextLab::initTestCase()
{
    test::useTestLocations(); // QSettings stay out of the user's files
}

void TstContextLab::guideUntilAModelIsOpen()
{
    ContextLab lab;
    lab.show();
    QVERIFY(QTest::qWaitForWindowExposed(&lab));
    // No model: the guide stands in the main area and says what works and what a folder needs.
    QTextBrowser *guide = lab.guide();
    QVERIFY(guide);
    QVERIFY(guide->isVisible());
    const QString text = guide->toPlainText();
    for (const char *needed :
         {"BERT", "DistilBERT", "sentence-transformers/all-MiniLM-L6-v2", "bert-base-uncased",
          "distilbert-base-uncased", "config.json", "vocab.txt", "tokenizer.json",
          "model.safetensors", "F32, F16 or BF16", "never downloads", "git clone"})
        QVERIFY2(text.contains(QLatin1String(needed)), needed);
    QVERIFY(!lab.table()->isVisible());
    QVERIFY(!lab.heatmap()->isVisible());
    auto *open = lab.findChild<QPushButton *>("guideOpenButton");
    QVERIFY(open && open->isVisible());
    // Analyse without a model points to the guide.
    QVERIFY(!study(lab, kRiver, "river"));
    QVERIFY2(lab.statusLabel()->text().contains("guide"), qPrintable(lab.statusLabel()->text()));
    QVERIFY(guide->isVisible());

    // A model: the guide gives way to the views.
    openModel(lab);
    QVERIFY(!guide->isVisible());
    QVERIFY(lab.table()->isVisible());
    QVERIFY(lab.heatmap()->isVisible());
    if (auto *v = lab.contextView())
        QVERIFY(v->isVisible());
    QVERIFY(study(lab, kRiver, "river"));
}

void TstContextLab::staticNeighboursWithoutAModel()
{
    // The static view shows the typed target among its neighbours in the explorer's set before
    // any model is open (the example fills in "bank"), as core's exact index finds them.
    const QString path = gui::MainWindow::defaultSetPath();
    QVERIFY(!path.isEmpty());
    const EmbeddingSetPtr set = load(path.toStdString());
    ContextLab lab;
    lab.show();
    lab.setStaticSet(set, std::make_shared<const ExactIndex>(set, 2), "default-glove-50k");
    QVERIFY2(lab.staticTitle()->text().contains("type a target word"),
             qPrintable(lab.staticTitle()->text()));
    lab.applyPreset(0); // bank
    QCOMPARE(lab.wordEdit()->text(), QString("bank"));
    QVERIFY(!lab.study());
    QVERIFY2(!lab.staticTitle()->text().contains("no target word"),
             qPrintable(lab.staticTitle()->text()));
    QVERIFY(lab.staticTitle()->text().contains("'bank'"));
    const ExactIndex oracle(set, 1);
    const WordId bank = set->find("bank").value();
    const auto nb = neighborsOf(oracle, bank, 12);
    QCOMPARE(lab.staticWords().size(), 13);
    QCOMPARE(lab.staticWords().front(), QString("bank"));
    for (std::size_t k = 0; k < nb.size(); ++k)
        QCOMPARE(lab.staticWords()[qsizetype(k + 1)], QString::fromStdString(set->word(nb[k].id)));
    if (auto *v = lab.staticView())
        QCOMPARE(v->pointCount(), 13);
    // Typing another word follows it; a word the set lacks is named.
    lab.wordEdit()->setText("river");
    QCOMPARE(lab.staticWords().front(), QString("river"));
    lab.wordEdit()->setText("qzxqzx");
    QVERIFY(lab.staticWords().isEmpty());
    QVERIFY(lab.staticTitle()->text().contains("'qzxqzx' is not in the set"));
}

void TstContextLab::studyShowsEveryView()
{
    ContextLab lab;
    lab.show();
    openModel(lab);
    QVERIFY(study(lab, kRiver, "river"));
    const ContextStudyPtr st = lab.study();
    QVERIFY(st);
    QCOMPARE(st->occurrences.size(), std::size_t(5));
    QCOMPARE(st->sentencesWithoutTarget, std::vector<std::size_t>{2});
    QVERIFY(lab.statusLabel()->text().contains("sentence 2"));
    const int last = int(st->layerCount()) - 1;
    QCOMPARE(lab.layerSlider()->maximum(), last);
    QCOMPARE(lab.layer(), last);

    // The frames are core's, computed again here.
    const auto frames = layerFrames(*st);
    QCOMPARE(lab.frames().size(), frames.size());
    for (std::size_t l = 0; l < frames.size(); ++l)
        QVERIFY(lab.frames()[l].isApprox(frames[l], 1e-5f));
    if (auto *v = lab.contextView())
        QCOMPARE(v->pointCount(), 5);

    const Eigen::MatrixXf cos = cosineMatrix(st->vectorsAt(std::size_t(last)));
    QVERIFY(lab.heatmap()->values().isApprox(cos));
    // A new study cuts where core suggests (to the slider's 0.001 steps).
    QVERIFY(std::abs(lab.threshold() - suggestThreshold(cos).value()) <= 0.0005 + 1e-12);
    QCOMPARE(lab.senses(), clusterByCosine(cos, lab.threshold()));
    // The heatmap's order groups the senses together.
    const auto &order = lab.heatmap()->order();
    for (std::size_t k = 1; k < order.size(); ++k)
        QVERIFY(lab.senses()[std::size_t(order[k - 1])] <= lab.senses()[std::size_t(order[k])]);
    const QString tip = lab.heatmap()->tooltipFor(0, 2);
    QVERIFY2(tip.contains("He went to the [river].") &&
                 tip.contains(QString::number(cos(0, 2), 'f', 3)),
             qPrintable(tip));

    // The table: a row per occurrence with its nearest tokens at the layer and the guesses.
    QCOMPARE(lab.table()->rowCount(), 5);
    for (int k = 0; k < 5; ++k) {
        const auto &o = st->occurrences[std::size_t(k)];
        QCOMPARE(lab.table()->item(k, 3)->text().split(", ").first(),
                 QString::fromStdString(o.nearest[std::size_t(last)][0].token));
        QVERIFY(lab.table()->item(k, 4)->text().startsWith(
            QString::fromStdString(o.predictions[0].token) + " "));
        QCOMPARE(lab.table()->item(k, 1)->text(),
                 QString::number(lab.senses()[std::size_t(k)] + 1));
    }
    QVERIFY(!lab.table()->isColumnHidden(4));

    // The chart: self-similarity, baseline and gap for every layer.
    const auto *chart = lab.chart();
    QCOMPARE(chart->points(0).size(), qsizetype(st->layerCount()));
    for (std::size_t l = 0; l < st->layerCount(); ++l) {
        const double self = meanPairCosine(cosineMatrix(st->vectorsAt(l)));
        QVERIFY(std::abs(chart->points(0)[qsizetype(l)].y() - self) < 1e-6);
        QVERIFY(std::abs(chart->points(1)[qsizetype(l)].y() - st->baseline[l]) < 1e-9);
    }
    QCOMPARE(chart->marker().value(), double(last));

    // Exports: the occurrences as CSV (quoted where needed), the window as PNG.
    QTemporaryDir dir;
    const QString csv = dir.filePath("occ.csv");
    QVERIFY(lab.exportCsv(csv));
    QFile f(csv);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 6);
    QVERIFY(lines[0].startsWith("occurrence,sentence,word,sense,layer,x,y,cosine_to_mean"));
    QVERIFY2(lines[1].endsWith(",\"The river was high, the River flooded.\""),
             qPrintable(lines[1]));
    for (int k = 0; k < 5; ++k) {
        const QStringList fields = lines[k + 1].split(',');
        QCOMPARE(fields[0], QString::number(k + 1));
        QCOMPARE(fields[3], QString::number(lab.senses()[std::size_t(k)] + 1));
        QCOMPARE(fields[4], QString::number(last));
        QVERIFY(std::abs(fields[5].toDouble() - double(lab.frames()[std::size_t(last)](k, 0))) <
                1e-5);
        QStringList nearest;
        for (const TokenScore &t : st->occurrences[std::size_t(k)].nearest[std::size_t(last)])
            nearest << QString::fromStdString(t.token);
        QCOMPARE(fields[8], nearest.join(' '));
    }
    const QString png = dir.filePath("lab.png");
    QVERIFY(lab.exportPng(png));
    QImage shot(png);
    QCOMPARE(shot.size(), lab.grab().size());
    QVERIFY(QDir(dir.path()).entryList(QDir::Files).size() == 2); // no temporary files left

    // The sentence view shows every sentence and links every word.
    const QString html = lab.sentenceView()->toHtml();
    QVERIFY(html.contains("w:3:7:12")); // "river" in "By the river we sat."
    QVERIFY(html.contains("Nothing"));
}

void TstContextLab::slidersUpdateTheViews()
{
    ContextLab lab;
    lab.show();
    openModel(lab);
    QVERIFY(study(lab, kRiver, "river"));
    const ContextStudyPtr st = lab.study();
    for (int l = 0; l < int(st->layerCount()); ++l) {
        QSignalSpy updated(&lab, &ContextLab::viewsUpdated);
        lab.layerSlider()->setValue(l);
        QCOMPARE(updated.size(), 1);
        const Eigen::MatrixXf cos = cosineMatrix(st->vectorsAt(std::size_t(l)));
        QVERIFY(lab.heatmap()->values().isApprox(cos));
        QCOMPARE(lab.senses(), clusterByCosine(cos, lab.threshold()));
        QVERIFY(lab.table()->horizontalHeaderItem(3)->text().contains(QString::number(l)));
        QCOMPARE(lab.table()->item(0, 3)->text().split(", ").first(),
                 QString::fromStdString(st->occurrences[0].nearest[std::size_t(l)][0].token));
        QCOMPARE(lab.chart()->marker().value(), double(l));
        if (auto *v = lab.contextView())
            QVERIFY(v->animating() || l == 0 ||
                    lab.frames()[std::size_t(l)].isApprox(lab.frames()[std::size_t(l - 1)]));
    }
    // The threshold: everything apart above 1, one group at -1 is not reachable (0-1), and the
    // grouping always equals core's clustering.
    for (double t : {0.0, 0.25, 0.5, 0.75, 0.99, 1.0}) {
        lab.setThreshold(t);
        QCOMPARE(lab.threshold(), t);
        const Eigen::MatrixXf cos = cosineMatrix(st->vectorsAt(std::size_t(lab.layer())));
        QCOMPARE(lab.senses(), clusterByCosine(cos, t));
        // The gap series follows the grouping.
        const auto gaps = lab.senseGaps();
        QCOMPARE(gaps.size(), st->layerCount());
        QCOMPARE(lab.chart()->points(2).size(),
                 qsizetype(std::count_if(gaps.begin(), gaps.end(),
                                         [](double g) { return std::isfinite(g); })));
    }
    // Suggest: the cut of the shown layer.
    lab.layerSlider()->setValue(1);
    lab.suggestThreshold();
    QVERIFY(std::abs(lab.threshold() - suggestThreshold(cosineMatrix(st->vectorsAt(1))).value()) <=
            0.0005 + 1e-12);
    // Play: from layer 0 to the last, one step per tick.
    lab.play();
    QCOMPARE(lab.layer(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(lab.layer(), int(st->layerCount()) - 1, 10000);
}

void TstContextLab::clickingAWordStudiesIt()
{
    ContextLab lab;
    lab.show();
    openModel(lab);
    QVERIFY(
        study(lab, {"He [went] to the river.", "She went home.", "They went on and on."}, "river"));
    QCOMPARE(lab.study()->occurrences.size(), std::size_t(1)); // the marker wins in sentence 1
    QSignalSpy done(&lab, &ContextLab::studyFinished);
    // Click "went" in sentence 2 ("She went home.": bytes 4-8).
    emit lab.sentenceView()->anchorClicked(QUrl("w:1:4:8"));
    QVERIFY(waitOk(done));
    QCOMPARE(lab.wordEdit()->text(), QString("went"));
    QVERIFY(!lab.sentencesEdit()->toPlainText().contains('['));
    QCOMPARE(lab.study()->occurrences.size(), std::size_t(3));
    for (const auto &o : lab.study()->occurrences)
        QCOMPARE(QString::fromStdString(o.target.word), QString("went"));
    // A click outside any sentence does nothing.
    emit lab.sentenceView()->anchorClicked(QUrl("w:9:0:3"));
    QVERIFY(!lab.isBusy());
}

void TstContextLab::presetAndTextFile()
{
    ContextLab lab;
    lab.show();
    openModel(lab);
    QSignalSpy done(&lab, &ContextLab::studyFinished);
    lab.applyPreset(0); // bank
    QVERIFY(waitOk(done));
    QCOMPARE(lab.wordEdit()->text(), QString("bank"));
    QCOMPARE(lab.study()->occurrences.size(), std::size_t(8));
    QCOMPARE(lab.presetBox()->currentIndex(), 1);

    QTemporaryDir dir;
    const QString path = dir.filePath("s.txt");
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("  The river.\r\n\r\nA river runs.\n\xc3\xa9t\xc3\xa9 by the river\n");
    f.close();
    QVERIFY(lab.loadSentencesFile(path));
    QCOMPARE(lab.sentencesEdit()->toPlainText(),
             QString::fromUtf8("The river.\nA river runs.\n\xc3\xa9t\xc3\xa9 by the river"));
    done.clear();
    lab.wordEdit()->setText("river");
    lab.analyse();
    QVERIFY(waitOk(done));
    QCOMPARE(lab.study()->occurrences.size(), std::size_t(3));
}

void TstContextLab::staticVectorsBesideTheOccurrences()
{
    // A small static set: "river" and 20 other words.
    std::vector<std::string> words{"river"};
    for (int i = 0; i < 20; ++i)
        words.push_back("w" + std::to_string(i));
    test::Normal rnd(3);
    std::vector<float> data(words.size() * 8);
    for (float &x : data)
        x = float(rnd());
    auto set = std::make_shared<const EmbeddingSet>(words, data, 8);
    auto index = std::make_shared<const ExactIndex>(set, 1);

    ContextLab lab;
    lab.show();
    lab.setStaticSet(set, index, "tiny.vec");
    openModel(lab);
    QVERIFY(study(lab, kRiver, "River"));
    QCOMPARE(lab.staticWords().size(), 13);
    QCOMPARE(lab.staticWords().front(), QString("river"));
    const auto nb = neighborsOf(*index, 0, 12);
    for (std::size_t k = 0; k < nb.size(); ++k)
        QCOMPARE(lab.staticWords()[qsizetype(k + 1)], QString::fromStdString(words[nb[k].id]));
    if (auto *v = lab.staticView())
        QCOMPARE(v->pointCount(), 13);
    // A word the set lacks: the view empties and says so.
    QVERIFY(study(lab, {"He went home."}, "went"));
    QVERIFY(lab.staticWords().isEmpty());
    if (auto *v = lab.staticView())
        QCOMPARE(v->pointCount(), 0);
}

void TstContextLab::modelWithoutMlmHead()
{
    ContextLab lab;
    lab.show();
    openModel(lab, kPlainModel);
    QVERIFY(study(lab, kRiver, "river"));
    QVERIFY(!lab.study()->hasPredictions);
    QVERIFY(lab.table()->isColumnHidden(4));
    // Opening another model replaces it; the next study uses it.
    openModel(lab, kModel);
    QVERIFY(study(lab, kRiver, "river"));
    QVERIFY(lab.study()->hasPredictions);
    QVERIFY(!lab.table()->isColumnHidden(4));
}

void TstContextLab::noOpenGLPathStillWorks()
{
    // The run's no-OpenGL switch holds here as in the other windows: notices instead of both
    // views, and the study still fills the table, the heatmap and the chart.
    gui::runOptions().forceNoGL = true;
    ContextLab lab;
    gui::runOptions().forceNoGL = false;
    lab.show();
    QVERIFY(!lab.contextView());
    QVERIFY(!lab.staticView());
    for (const char *name : {"contextNoOpenGL", "staticNoOpenGL"}) {
        auto *notice = lab.findChild<QLabel *>(name);
        QVERIFY2(notice, name);
        QVERIFY(notice->text().contains("OpenGL 3.3"));
        QVERIFY(notice->text().contains("disabled for this run"));
    }
    openModel(lab);
    QVERIFY(study(lab, kRiver, "river"));
    QCOMPARE(lab.table()->rowCount(), 5);
    QCOMPARE(lab.frames().size(), std::size_t(4));
}

void TstContextLab::errorsBecomeMessages()
{
    ContextLab lab;
    lab.show();
    // Analyse before any model: a message, no crash.
    QVERIFY(!study(lab, kRiver, "river"));
    QVERIFY(lab.statusLabel()->text().contains("model"));

    QTemporaryDir dir;
    QSignalSpy loaded(&lab, &ContextLab::modelLoaded);
    lab.openModel(dir.path());
    QVERIFY(!waitOk(loaded));
    const QString loadError = takeErrorBox(lab);
    QVERIFY2(loadError.contains("config.json"), qPrintable(loadError));

    openModel(lab);
    QVERIFY(!study(lab, kRiver, "lake"));
    QVERIFY2(takeErrorBox(lab).contains("'lake'"), "the word is named");
    QVERIFY(!study(lab, {"   ", ""}, "river"));
    QVERIFY(lab.statusLabel()->text().contains("sentences"));

    // Text files: not UTF-8 (the byte offset), a directory, missing.
    const QString latin1 = dir.filePath("latin1.txt");
    QFile f(latin1);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("The river\nat caf\xe9 \n");
    f.close();
    QVERIFY(!lab.loadSentencesFile(latin1));
    QVERIFY2(takeErrorBox(lab).contains("0xe9 at offset 16"), "the bad byte's offset");
    QVERIFY(!lab.loadSentencesFile(dir.path()));
    QVERIFY(takeErrorBox(lab).contains("not a regular file"));
    const QString fifo = dir.filePath("fifo");
    QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
    QVERIFY(!lab.loadSentencesFile(fifo)); // refused without opening it: no writer, no hang
    QVERIFY(takeErrorBox(lab).contains("not a regular file"));
    QVERIFY(!lab.loadSentencesFile(dir.filePath("missing.txt")));
    QVERIFY(!takeErrorBox(lab).isEmpty());
    // No study came out of any of this, and there is nothing to export.
    QVERIFY(!lab.study());
    QVERIFY(!lab.exportCsv(dir.filePath("none.csv")));
    QVERIFY(takeErrorBox(lab).contains("analyse"));
    QVERIFY(!QFile::exists(dir.filePath("none.csv")));
}

void TstContextLab::cancelAndRestartFiftyTimes()
{
    ContextLab lab;
    lab.show();
    QStringList many;
    for (int i = 0; i < 40; ++i)
        many << QStringLiteral("Sentence %1 is about the river and the river bank.").arg(i);
    // Loading: 50 starts, each cancelled at once, then one that finishes.
    for (int i = 0; i < 50; ++i) {
        lab.openModel(kModel);
        lab.cancel();
    }
    openModel(lab);
    // Studies: 50 starts cancelled at once (or replaced by the next start), then one that
    // finishes and gives what a fresh study gives.
    lab.wordEdit()->setText("river");
    lab.sentencesEdit()->setPlainText(many.join('\n'));
    for (int i = 0; i < 50; ++i) {
        lab.analyse();
        if (i % 2)
            lab.cancel();
    }
    QTRY_VERIFY_WITH_TIMEOUT(!lab.isBusy(), 60000);
    QSignalSpy done(&lab, &ContextLab::studyFinished);
    lab.analyse();
    QVERIFY(waitOk(done));
    QCOMPARE(lab.study()->occurrences.size(), std::size_t(80));
    Encoder enc(BertModel::load(kModel.toStdString()));
    StudyRequest r;
    r.word = "river";
    for (const QString &s : many)
        r.sentences.push_back(s.toStdString());
    const ContextStudy fresh = runStudy(enc, r);
    for (std::size_t k = 0; k < fresh.occurrences.size(); ++k)
        QVERIFY(fresh.occurrences[k].target.layers.isApprox(
            lab.study()->occurrences[k].target.layers, 1e-5f));
}

void TstContextLab::closingWhileBusyIsPrompt()
{
    QStringList many;
    for (int i = 0; i < 400; ++i)
        many << QStringLiteral("Sentence %1 is about the river and the river bank.").arg(i);
    for (int round = 0; round < 3; ++round) {
        auto *lab = new ContextLab;
        lab->show();
        openModel(*lab);
        lab->wordEdit()->setText("river");
        lab->sentencesEdit()->setPlainText(many.join('\n'));
        lab->analyse();
        QVERIFY(lab->isBusy());
        QElapsedTimer t;
        t.start();
        if (round == 0)
            lab->close(); // cancels
        delete lab;       // waits for the worker
        QVERIFY2(t.elapsed() < 5000, "closing waits only for the next progress check");
    }
    // Closing while a model loads.
    auto *lab = new ContextLab;
    lab->openModel(kModel);
    delete lab;
}

void TstContextLab::openedFromTheExplorer()
{
    gui::MainWindow w;
    auto *action = w.findChild<QAction *>("contextLabAction");
    QVERIFY(action);
    action->trigger();
    auto *lab = w.findChild<ContextLab *>();
    QVERIFY(lab);
    QVERIFY(lab->isVisible());
    QVERIFY(lab->isWindow());
    lab->close();
    QCOMPARE(w.showContextLab(), lab); // one lab per window

    // Closing the explorer while the lab studies: the lab goes with it, promptly.
    auto *main = new gui::MainWindow;
    auto *busy = main->showContextLab();
    openModel(*busy);
    QStringList many;
    for (int i = 0; i < 400; ++i)
        many << QStringLiteral("Sentence %1 is about the river.").arg(i);
    busy->wordEdit()->setText("river");
    busy->sentencesEdit()->setPlainText(many.join('\n'));
    busy->analyse();
    QVERIFY(busy->isBusy());
    QElapsedTimer t;
    t.start();
    main->close();
    delete main;
    QVERIFY2(t.elapsed() < 5000, "closing waits only for the next progress check");
}

QTEST_MAIN(TstContextLab)
#include "tst_contextlab.moc"
