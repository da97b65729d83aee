// Format detection on every real fixture, and the catalogue of malformed inputs: each must give
// a FormatError whose one-line message names the file, the place and the rule.
#include "io/Formats.h"
#include "util/FormatError.h"

#include "support/BadInputCases.h"

#include <QtTest>

#include <chrono>

using namespace embex;

using test::floats;

class TstFormatErrors : public QObject
{
    Q_OBJECT
private slots:
    void detect_data();
    void detect();
    void catalogue_data();
    void catalogue();
    void hugeHeaderFailsFast_data();
    void hugeHeaderFailsFast();
    void warnings_data();
    void warnings();
    void oldFastTextRefused_data();
    void oldFastTextRefused();

private:
    QString write(const QString &name, const QByteArray &bytes);
    QTemporaryDir m_dir;
};

QString TstFormatErrors::write(const QString &name, const QByteArray &bytes)
{
    QString path = m_dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    f.write(bytes);
    return path;
}

void TstFormatErrors::detect_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("format");
    auto row = [](const char *name, Format f) {
        QTest::newRow(name) << QStringLiteral(EMBEX_FIXTURES "/vectors/") + name << int(f);
    };
    row("test_glove.txt", Format::Glove);
    row("word2vec_pre_kv_c", Format::Word2VecText);
    row("high_precision.kv.txt", Format::Word2VecText);
    row("high_precision.kv.bin", Format::Word2VecBinary);
    row("euclidean_vectors.bin", Format::Word2VecBinary);
    row("poincare_vectors.bin", Format::Word2VecBinary);
    row("toy-model.vec", Format::Word2VecText);
    row("toy-model.bin", Format::FastTextBin);
    row("crime-and-punishment.vec", Format::Word2VecText);
    row("crime-and-punishment.bin", Format::FastTextBin);
    row("lee_fasttext_new.bin", Format::FastTextBin);
}

void TstFormatErrors::detect()
{
    if (QTest::currentDataTag() == QByteArray("word2vec_pre_kv_c")) {
        // A UTF-8 byte order mark in front of a word2vec header is still word2vec text.
        QFile src(QStringLiteral(EMBEX_FIXTURES "/vectors/word2vec_pre_kv_c"));
        QVERIFY(src.open(QIODevice::ReadOnly));
        const QString bom = write("bom.txt", QByteArray("\xEF\xBB\xBF") + src.readAll());
        QCOMPARE(int(detectFormat(bom.toStdString())), int(Format::Word2VecText));
        QCOMPARE(load(bom.toStdString())->size(), std::size_t(1750));
    }
    QFETCH(QString, file);
    QFETCH(int, format);
    QCOMPARE(int(detectFormat(file.toStdString())), format);
    // The extension does not matter: the same bytes under another name are detected the same.
    QFile::remove(m_dir.filePath("renamed.dat"));
    QVERIFY(QFile::copy(file, m_dir.filePath("renamed.dat")));
    QCOMPARE(int(detectFormat(m_dir.filePath("renamed.dat").toStdString())), format);
}

void TstFormatErrors::catalogue_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QStringList>("expected"); // substrings of the message
    for (const auto &c : test::badFileCases())
        QTest::newRow(c.title) << c.file << c.bytes << c.expected;
}

void TstFormatErrors::catalogue()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, bytes);
    QFETCH(QStringList, expected);
    QString path = write(name, bytes);
    try {
        auto set = load(path.toStdString());
        QFAIL(qPrintable("accepted: " + name + " with " + QString::number(set->size()) + " words"));
    } catch (const FormatError &e) {
        QString msg = QString::fromUtf8(e.what());
        QVERIFY2(!msg.contains('\n'), qPrintable(msg));
        for (const auto &s : expected)
            QVERIFY2(msg.contains(s), qPrintable("'" + s + "' not in: " + msg));
        qInfo().noquote() << "message:" << msg;
    }
}

void TstFormatErrors::hugeHeaderFailsFast_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("bytes");
    QTest::newRow("text") << "huge.txt" << QByteArray("2000000000 300\nthe 0.1 0.2 0.3\n");
    QTest::newRow("binary") << "huge.bin"
                            << QByteArray("2000000000 300\nthe ") + floats({0.1f, 0.2f}) + "\n";
}

void TstFormatErrors::hugeHeaderFailsFast()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, bytes);
    QString path = write(name, bytes);
    auto t0 = std::chrono::steady_clock::now();
    try {
        load(path.toStdString());
        QFAIL("accepted");
    } catch (const FormatError &e) {
        QVERIFY2(QString(e.what()).contains(name), e.what());
        QVERIFY2(QString(e.what()).contains("2000000000"), e.what());
    }
    // Generous bound: reading 2e9 x 300 floats' worth of memory would take far longer (and
    // die); the check happens before any allocation.
    QVERIFY(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2));
}

void TstFormatErrors::warnings_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("words");
    QTest::addColumn<QString>("warning");
    QTest::newRow("duplicates") << "dup.txt" << QByteArray("4 2\na 1 2\nb 3 4\na 5 6\nc 7 8\n") << 3
                                << "duplicate";
    QTest::newRow("invalid utf-8")
        << "latin1.txt" << QByteArray("2 2\ncaf\xe9 1 2\nthe 3 4\n") << 2 << "UTF-8";
}

void TstFormatErrors::warnings()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, bytes);
    QFETCH(int, words);
    QFETCH(QString, warning);
    auto set = load(write(name, bytes).toStdString());
    QCOMPARE(int(set->size()), words);
    QCOMPARE(int(set->warnings().size()), 1);
    QVERIFY2(QString::fromStdString(set->warnings()[0]).contains(warning),
             set->warnings()[0].c_str());
    if (name == "dup.txt") {
        QCOMPARE(set->row(*set->find("a"))[0], 1.0f); // first one kept
        QCOMPARE(set->word(2), std::string("c"));
    } else {
        QCOMPARE(set->word(0), std::string("caf\xef\xbf\xbd"));
    }
}

void TstFormatErrors::oldFastTextRefused_data()
{
    QTest::addColumn<QString>("file");
    QTest::newRow("lee") << QStringLiteral(EMBEX_FIXTURES "/vectors/lee_fasttext.bin");
    QTest::newRow("cp852") << QStringLiteral(EMBEX_FIXTURES "/vectors/cp852_fasttext.bin");
}

void TstFormatErrors::oldFastTextRefused()
{
    QFETCH(QString, file);
    try {
        load(file.toStdString());
        QFAIL("accepted a fastText file without the magic number");
    } catch (const FormatError &e) {
        QVERIFY2(QString(e.what()).startsWith(file + ": "), e.what());
        QVERIFY2(QString(e.what()).contains("older than v0.9"), e.what());
    }
}

QTEST_GUILESS_MAIN(TstFormatErrors)
#include "tst_formaterrors.moc"
