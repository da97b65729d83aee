// The evaluation dialog: runs in a worker, shows the core's numbers, copies them, cancels, and
// reports a malformed file by name and line.
#include "gui/EvalDialog.h"
#include "io/Formats.h"

#include <QtTest>

#include <QClipboard>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QTableWidget>

using namespace embex;
using namespace embex::gui;

namespace {

QString evalFixture(const char *name)
{
    return QStringLiteral(EMBEX_FIXTURES "/eval/") + QString::fromUtf8(name);
}

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

} // namespace

class TstEvalDialog : public QObject
{
    Q_OBJECT
private slots:
    void showsCoreNumbers();
    void cancel();
    void malformedFile();
    void nothingToEvaluate();
    void tellsFileKinds();

private:
    QTemporaryDir m_dir;
};

void TstEvalDialog::showsCoreNumbers()
{
    EvalDialog d(defaultSet(), "GloVe 50k");
    d.show();
    d.setFiles({evalFixture("questions-words.txt")},
               {evalFixture("wordsim353.tsv"), evalFixture("simlex999.txt")});
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
        *defaultSet(), readAnalogyFile(evalFixture("questions-words.txt").toStdString()), o);
    const WordPairResult w = evaluateWordPairs(
        *defaultSet(), readWordPairFile(evalFixture("wordsim353.tsv").toStdString()), o);
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

void TstEvalDialog::cancel()
{
    EvalDialog d(defaultSet(), "GloVe 50k");
    d.setFiles({evalFixture("questions-words.txt"), evalFixture("questions-words.txt")}, {});
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
    d.setFiles({}, {evalFixture("wordsim353.tsv")});
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
    QVERIFY(EvalDialog::looksLikeAnalogies(evalFixture("questions-words.txt")));
    QVERIFY(!EvalDialog::looksLikeAnalogies(evalFixture("wordsim353.tsv")));
    QVERIFY(!EvalDialog::looksLikeAnalogies(evalFixture("simlex999.txt")));
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
