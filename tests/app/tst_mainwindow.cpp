// The first window as a user drives it: open a file in the background, look up neighbours,
// see a clear error for a bad file, cancel a load.
#include "gui/MainWindow.h"
#include "io/Formats.h"
#include "search/ExactIndex.h"

#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QTableWidget>
#include <QtTest>

using namespace embex;
using embex::gui::MainWindow;

class TstMainWindow : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { qApp->setProperty("embexNoDialogs", true); }
    void opensFileAndShowsNeighbors();
    void badFileReportsError();
    void reopenWhileLoading();

private:
    QTemporaryDir m_dir;
};

void TstMainWindow::opensFileAndShowsNeighbors()
{
    MainWindow w;
    w.show();
    QSignalSpy done(&w, &MainWindow::loadFinished);
    const QString file = QStringLiteral(EMBEX_FIXTURES "/vectors/test_glove.txt");
    w.openFile(file);
    QVERIFY(done.wait(20000));
    QCOMPARE(done.first().at(0).toBool(), true);
    auto *summary = w.findChild<QLabel *>("summary");
    QVERIFY(summary->text().contains("words: 76"));
    QVERIFY(summary->text().contains("glove"));

    auto *search = w.findChild<QLineEdit *>("search");
    QVERIFY(search->isEnabled());
    search->setText("of");
    QTest::keyClick(search, Qt::Key_Return);
    auto *table = w.findChild<QTableWidget *>("neighbors");
    QCOMPARE(table->rowCount(), 10);

    auto set = load(file.toStdString());
    ExactIndex index(set);
    auto expected = neighborsOf(index, *set->find("of"), 10);
    for (int r = 0; r < 10; ++r)
        QCOMPARE(table->item(r, 1)->text(),
                 QString::fromStdString(set->word(expected[std::size_t(r)].id)));
    w.findChild<QSpinBox *>()->setValue(3);
    QCOMPARE(table->rowCount(), 3);
}

void TstMainWindow::badFileReportsError()
{
    QString bad = m_dir.filePath("broken.vec");
    QFile f(bad);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("2 3\nalpha 1 2 3\nbeta 1 nan 3\n");
    f.close();
    MainWindow w;
    QSignalSpy done(&w, &MainWindow::loadFinished);
    w.openFile(bad);
    QVERIFY(done.wait(20000));
    QCOMPARE(done.first().at(0).toBool(), false);
    QString msg = done.first().at(1).toString();
    QVERIFY2(msg.contains("broken.vec:3"), qPrintable(msg));
}

void TstMainWindow::reopenWhileLoading()
{
    MainWindow w;
    QSignalSpy done(&w, &MainWindow::loadFinished);
    w.openFile(QStringLiteral(EMBEX_FIXTURES "/vectors/word2vec_pre_kv_c"));
    w.openFile(QStringLiteral(EMBEX_FIXTURES "/vectors/toy-model.vec"));
    QTRY_VERIFY_WITH_TIMEOUT(!done.isEmpty() && done.last().at(0).toBool(), 20000);
    QVERIFY(w.findChild<QLabel *>("summary")->text().contains("words: 22"));
}

QTEST_MAIN(TstMainWindow)
#include "tst_mainwindow.moc"
