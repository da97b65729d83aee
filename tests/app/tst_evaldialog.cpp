// The evaluation dialog: runs in a worker, shows the core's numbers beside the reference's
// (Embex's default set, evaluated by core independently here), explains the skipped share,
// copies them, cancels, and reports a malformed file by name and line.
#include "gui/EvalDialog.h"
#include "gui/EvalReference.h"
#include "gui/MainWindow.h"
#include "io/Formats.h"
#include "support/GuiTestSupport.h"
#include "support/TestData.h"

#include <QtTest>

#include <QClipboard>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QStandardPaths>
#include <QTableWidget>

using namespace embex;
using namespace embex::gui;

namespace {

const EmbeddingSetPtr &defaultSet()
{
    static const EmbeddingSetPtr set =
        load(EMBEX_FIXTURES "/../../resources/default-glove-50k.embex.gz");
    return set;
}

bool waitFinished(QSignalSpy &spy)
{
    return spy.count() > 0 || spy.wait(120000);
}

QString percentText(double fraction)
{
    return QString::number(fraction * 100.0, 'f', 1) + "%";
}

/// The first n words of the default set, as a smaller set that skips many questions.
EmbeddingSetPtr firstWords(std::size_t n)
{
    const EmbeddingSet &all = *defaultSet();
    std::vector<std::string> words(all.words().begin(), all.words().begin() + long(n));
    std::vector<float> data(all.data(), all.data() + n * all.dim());
    return std::make_shared<const EmbeddingSet>(std::move(words), std::move(data), all.dim());
}

} // namespace

class TstEvalDialog : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void showsCoreNumbers();
    void referenceBesideTheScores();
    void noReferenceColumn_data();
    void noReferenceColumn();
    void cancel();
    void malformedFile();
    void nothingToEvaluate();
    void tellsFileKinds();

private:
    QTemporaryDir m_dir;
};

void TstEvalDialog::initTestCase()
{
    test::useTestLocations(); // QSettings stay out of the user's files
}

void TstEvalDialog::showsCoreNumbers()
{
    EvalDialog d(defaultSet(), "GloVe 50k");
    d.show();
    d.setFiles({test::evalSet("questions-words.txt")},
               {test::evalSet("wordsim353.tsv"), test::evalSet("simlex999.txt")});
    EvalOptions o;
    o.restrictVocab = 4000;
    o.method = AnalogyMethod::Mul;
    d.setOptions(o);
    QCOMPARE(d.options().restrictVocab, std::size_t(4000));
    QCOMPARE(d.options().method, AnalogyMethod::Mul);

    QSignalSpy spy(&d, &EvalDialog::evaluationFinished);
    d.findChild<QPushButton *>("evalRun")->click();
    QVERIFY(d.isRunning() || spy.count() == 1);
    QVERIFY(waitFinished(spy));
    QCOMPARE(spy.count(), 1);
    QVERIFY2(spy[0][0].toBool(), qPrintable(spy[0][1].toString()));
    QVERIFY(d.statusText().startsWith("Done in"));
    QVERIFY(d.report());

    // The same numbers as the core, in the table: 14 sections + total, then 2 rows per pair
    // file.
    o.threads = 1;
    const AnalogyResult a = evaluateAnalogies(
        *defaultSet(), readAnalogyFile(test::evalSet("questions-words.txt").toStdString()), o);
    const WordPairResult w = evaluateWordPairs(
        *defaultSet(), readWordPairFile(test::evalSet("wordsim353.tsv").toStdString()), o);
    auto *table = d.findChild<QTableWidget *>("evalResults");
    QCOMPARE(table->rowCount(), 15 + 4);
    QCOMPARE(table->item(0, 1)->text(), QString("capital-common-countries"));
    QCOMPARE(table->item(0, 2)->text(),
             QStringLiteral("%1/%2").arg(a.sections[0].correct).arg(a.sections[0].evaluated()));
    QCOMPARE(table->item(14, 1)->text(), QString("Total accuracy"));
    QCOMPARE(table->item(14, 2)->text(),
             QStringLiteral("%1/%2").arg(a.total.correct).arg(a.total.evaluated()));
    QCOMPARE(table->item(14, 3)->text(), QString::number(a.total.accuracy() * 100, 'f', 1) + "%");
    QCOMPARE(table->item(15, 0)->text(), QString("wordsim353.tsv"));
    QCOMPARE(table->item(15, 3)->text(), QString::number(*w.spearman, 'f', 4));
    QCOMPARE(table->item(16, 3)->text(), QString::number(*w.pearson, 'f', 4));
    QCOMPARE(d.report()->analogies[0].total.correct, a.total.correct);

    d.findChild<QPushButton *>("evalCopy")->click();
    const QString copied = QGuiApplication::clipboard()->text();
    QCOMPARE(copied, d.resultsText());
    QVERIFY(copied.startsWith("Test\tSection\tResult\tScore\t"));
    QVERIFY(copied.contains("questions-words.txt\tTotal accuracy\t"));
    QCOMPARE(copied.count('\n'), 1 + 15 + 4);
}

void TstEvalDialog::referenceBesideTheScores()
{
    // The reference column holds core's evaluation of the shipped default set (loaded and
    // evaluated here independently), on the same files with the same options.
    const QString referencePath = gui::MainWindow::defaultSetPath();
    QVERIFY2(!referencePath.isEmpty(), "the build copies the default set to share/embex");
    const auto small = firstWords(3000);
    EvalDialog d(small, "first 3000");
    d.show();
    d.setReference(referencePath);
    const QStringList analogyFiles{test::evalSet("questions-words.txt")};
    const QStringList pairFiles{test::evalSet("wordsim353.tsv"), test::evalSet("simlex999.txt")};
    d.setFiles(analogyFiles, pairFiles);
    EvalOptions o;
    o.restrictVocab = 20000;
    d.setOptions(o);
    QSignalSpy spy(&d, &EvalDialog::evaluationFinished);
    d.start();
    QVERIFY(waitFinished(spy));
    QVERIFY2(spy[0][0].toBool(), qPrintable(spy[0][1].toString()));

    std::vector<std::string> a, p;
    for (const QString &f : analogyFiles)
        a.push_back(f.toStdString());
    for (const QString &f : pairFiles)
        p.push_back(f.toStdString());
    o.threads = 1;
    const EvaluationReport ref = evaluate(*load(referencePath.toStdString()), a, p, o);
    const EvaluationReport own = evaluate(*small, a, p, o);
    QVERIFY(d.referenceReport());
    QCOMPARE(d.referenceReport()->analogies[0].total.correct, ref.analogies[0].total.correct);

    auto *table = d.findChild<QTableWidget *>("evalResults");
    const int refColumn = 4;
    QVERIFY(!table->isColumnHidden(refColumn));
    QVERIFY(table->horizontalHeaderItem(refColumn)->text().startsWith("Reference"));
    const AnalogyResult &ra = ref.analogies[0];
    QCOMPARE(table->rowCount(), int(ra.sections.size()) + 1 + 4);
    for (std::size_t k = 0; k < ra.sections.size(); ++k) {
        QCOMPARE(table->item(int(k), 1)->text(), QString::fromStdString(ra.sections[k].name));
        QCOMPARE(table->item(int(k), refColumn)->text(),
                 ra.sections[k].evaluated() ? percentText(ra.sections[k].accuracy())
                                            : QString("–"));
    }
    const int total = int(ra.sections.size());
    QCOMPARE(table->item(total, refColumn)->text(), percentText(ra.total.accuracy()));
    QCOMPARE(table->item(total, 3)->text(), percentText(own.analogies[0].total.accuracy()));
    for (int f = 0; f < 2; ++f) {
        const WordPairResult &rw = ref.wordPairs[std::size_t(f)];
        QCOMPARE(table->item(total + 1 + 2 * f, refColumn)->text(),
                 QString::number(*rw.spearman, 'f', 4));
        QCOMPARE(table->item(total + 2 + 2 * f, refColumn)->text(),
                 QString::number(*rw.pearson, 'f', 4));
    }
    QVERIFY(d.resultsText().startsWith("Test\tSection\tResult\tScore\tReference"));

    // The explanation: what the reference is, what is good, and the skipped share with this
    // set's numbers.
    const AnalogyResult &oa = own.analogies[0];
    QVERIFY(oa.total.outOfVocabulary > 0);
    const QString text = d.explanationText();
    QVERIFY2(text.contains("<b>Reference</b> column"), qPrintable(text));
    QVERIFY2(text.contains("What is good"), qPrintable(text));
    QVERIFY2(text.contains(QString("questions-words.txt: %1 of the questions skipped")
                               .arg(QString::number(oa.oovPercent(), 'f', 1) + "%")),
             qPrintable(text));
    QVERIFY2(text.contains(QString("%1 of the %2 questions have a word not among the set's 3000 "
                                   "words, so they were not asked")
                               .arg(oa.total.outOfVocabulary)
                               .arg(oa.questions)),
             qPrintable(text));
    QVERIFY2(text.contains(QString("the accuracy, %1, is over the %2 questions asked")
                               .arg(percentText(oa.total.accuracy()))
                               .arg(oa.total.evaluated())),
             qPrintable(text));
    QVERIFY(
        text.contains(QString("wordsim353.tsv %1 of 353").arg(own.wordPairs[0].outOfVocabulary)));

    // Cached for the session: another dialog gets the same report without computing it again.
    QVERIFY(isReferenceCached(referencePath.toStdString(), a, p, o));
    EvalDialog again(small, "first 3000");
    again.setReference(referencePath);
    again.setFiles(analogyFiles, pairFiles);
    again.setOptions(o);
    QSignalSpy spy2(&again, &EvalDialog::evaluationFinished);
    again.start();
    QVERIFY(waitFinished(spy2));
    QCOMPARE(again.referenceReport().get(), d.referenceReport().get());
}

void TstEvalDialog::noReferenceColumn_data()
{
    QTest::addColumn<bool>("isThisSet");
    QTest::addColumn<QString>("explained");
    QTest::newRow("the set is the reference") << true << "This set is the reference";
    QTest::newRow("no reference installed") << false << "is not installed";
}

void TstEvalDialog::noReferenceColumn()
{
    QFETCH(bool, isThisSet);
    QFETCH(QString, explained);
    EvalDialog d(isThisSet ? defaultSet() : firstWords(1000), "set");
    d.setReference(isThisSet ? gui::MainWindow::defaultSetPath() : QString(), isThisSet);
    d.setFiles({}, {test::evalSet("wordsim353.tsv")});
    QSignalSpy spy(&d, &EvalDialog::evaluationFinished);
    d.start();
    QVERIFY(waitFinished(spy));
    QVERIFY(spy[0][0].toBool());
    QVERIFY(!d.referenceReport());
    QVERIFY(d.findChild<QTableWidget *>("evalResults")->isColumnHidden(4));
    QVERIFY2(d.explanationText().contains(explained), qPrintable(d.explanationText()));
    QVERIFY(!d.resultsText().contains("Reference"));
}

void TstEvalDialog::cancel()
{
    EvalDialog d(defaultSet(), "GloVe 50k");
    d.setFiles({test::evalSet("questions-words.txt"), test::evalSet("questions-words.txt")}, {});
    QSignalSpy spy(&d, &EvalDialog::evaluationFinished);
    d.start();
    QVERIFY(d.isRunning());
    d.findChild<QPushButton *>("evalCancel")->click();
    QVERIFY(waitFinished(spy));
    QCOMPARE(spy[0][0].toBool(), false);
    QCOMPARE(spy[0][1].toString(), QString("Cancelled"));
    QVERIFY(!d.isRunning());
    QVERIFY(d.findChild<QPushButton *>("evalRun")->isEnabled());

    // Closing mid-run cancels and waits; destroying mid-run too.
    d.start();
    QVERIFY(d.isRunning());
    d.reject();
    QVERIFY(!d.isRunning());
    auto *other = new EvalDialog(defaultSet(), "GloVe 50k");
    other->start();
    delete other;
}

void TstEvalDialog::malformedFile()
{
    const QString bad = m_dir.filePath("bad-questions.txt");
    QFile f(bad);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(": s\nking queen man woman\nking queen man\n");
    f.close();
    EvalDialog d(defaultSet(), "GloVe 50k");
    d.setFiles({bad}, {});
    QSignalSpy spy(&d, &EvalDialog::evaluationFinished);
    d.start();
    QVERIFY(waitFinished(spy));
    QCOMPARE(spy[0][0].toBool(), false);
    QVERIFY2(spy[0][1].toString().contains("bad-questions.txt:3: expected 4 words"),
             qPrintable(spy[0][1].toString()));
    QCOMPARE(d.statusText(), spy[0][1].toString());
}

void TstEvalDialog::nothingToEvaluate()
{
    // A set that shares no word with the tests: a sentence, not NaN.
    auto set = std::make_shared<EmbeddingSet>(std::vector<std::string>{"zzq", "qqz"},
                                              std::vector<float>{1, 0, 0, 1}, 2);
    EvalDialog d(set, "tiny");
    d.setFiles({}, {test::evalSet("wordsim353.tsv")});
    QSignalSpy spy(&d, &EvalDialog::evaluationFinished);
    d.start();
    QVERIFY(waitFinished(spy));
    QVERIFY(spy[0][0].toBool());
    QVERIFY2(d.statusText().contains("none of the 353 pairs has both words in the vocabulary"),
             qPrintable(d.statusText()));
    auto *table = d.findChild<QTableWidget *>("evalResults");
    QCOMPARE(table->item(0, 3)->text(), QString("n/a"));
    QVERIFY(!d.resultsText().contains("nan", Qt::CaseInsensitive));

    d.setFiles({}, {});
    d.start();
    QVERIFY(!d.isRunning());
    QVERIFY(d.statusText().contains("Add an analogy or word-pair file"));
}

void TstEvalDialog::tellsFileKinds()
{
    QVERIFY(EvalDialog::looksLikeAnalogies(test::evalSet("questions-words.txt")));
    QVERIFY(!EvalDialog::looksLikeAnalogies(test::evalSet("wordsim353.tsv")));
    QVERIFY(!EvalDialog::looksLikeAnalogies(test::evalSet("simlex999.txt")));
    // The shipped files sit in share/embex/eval beside the build's bin/ (app/CMakeLists.txt).
    const auto [analogies, pairs] = EvalDialog::shippedFiles();
    QCOMPARE(analogies.size(), 1);
    QCOMPARE(pairs.size(), 2);
    EvalDialog d(defaultSet(), "GloVe 50k");
    QCOMPARE(d.analogyFiles(), analogies);
    QCOMPARE(d.similarityFiles(), pairs);
    QCOMPARE(d.findChild<QListWidget *>("evalFiles")->count(), 3);
}

QTEST_MAIN(TstEvalDialog)
#include "tst_evaldialog.moc"
