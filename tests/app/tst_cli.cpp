// embex-cli as a user runs it: exit codes, one-line errors, JSON output checked against the
// in-process core, conversions that round-trip every value.
#include "contextual/ContextStudy.h"
#include "eval/Evaluation.h"
#include "io/Formats.h"
#include "project/Pca.h"
#include "search/Analogy.h"
#include "search/ExactIndex.h"
#include "support/TestData.h"

#include <QtTest>

#include <cmath>
#include <csignal>
#include <cstring>

using namespace embex;

namespace {

struct Run
{
    int code = -1;
    QByteArray out;
    QByteArray err;
};

Run runCli(const QStringList &args)
{
    QProcess p;
    p.start(QStringLiteral(EMBEX_CLI), args);
    Run r;
    if (!p.waitForFinished(120000)) {
        p.kill();
        p.waitForFinished();
        r.err = "timed out";
        return r;
    }
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

QString fixture(const char *name)
{
    return QStringLiteral(EMBEX_FIXTURES "/vectors/") + QString::fromUtf8(name);
}

QJsonObject parseJson(const QByteArray &bytes)
{
    QJsonParseError err{};
    auto doc = QJsonDocument::fromJson(bytes, &err);
    if (err.error != QJsonParseError::NoError)
        qWarning() << "bad JSON:" << err.errorString() << bytes.left(300);
    return doc.object();
}

bool sameSet(const EmbeddingSet &a, const EmbeddingSet &b)
{
    return a.size() == b.size() && a.dim() == b.dim() && a.words() == b.words() &&
           std::memcmp(a.data(), b.data(), a.size() * a.dim() * sizeof(float)) == 0;
}

} // namespace

class TstCli : public QObject
{
    Q_OBJECT
private slots:
    void usageErrors_data();
    void usageErrors();
    void info_data();
    void info();
    void badFileIsOneLine();
    void neighborsMatchCore();
    void neighborsHnswAgreesOnSmallSet();
    void neighborsUnknownWord();
    void neighborsOutOfVocabularySubword();
    void analogyMatchesCore_data();
    void analogyMatchesCore();
    void convertRoundTrips_data();
    void convertRoundTrips();
    void convertNeedsFormat();
    void convertGzip();
    void convertFloat16();
    void projectPcaMatchesCore();
    void projectTsneDeterministic();
    void projectJson();
    void projectWordsWithTabs();
    void projectErrors_data();
    void projectErrors();
    void evalMatchesCore();
    void evalDefaultFilesAndText();
    void evalErrors_data();
    void evalErrors();
    void evalNothingInVocabulary();
    void trainWritesLoadableVectors_data();
    void trainWritesLoadableVectors();
    void trainDeterministicWithOneThread();
    void trainErrors_data();
    void trainErrors();
    void trainShippedBrown();
    void contextMatchesCore();
    void contextWordNearestAndSenses();
    void killedWriterLeavesOldFile();
    void contextErrors_data();
    void contextErrors();

private:
    QTemporaryDir m_dir;
};

void TstCli::usageErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("no command") << QStringList{} << "usage";
    QTest::newRow("unknown command") << QStringList{"frobnicate"} << "unknown command";
    QTest::newRow("unknown option")
        << QStringList{"info", fixture("test_glove.txt"), "--bogus"} << "unknown option --bogus";
    QTest::newRow("missing word") << QStringList{"neighbors", fixture("test_glove.txt")}
                                  << "usage: embex-cli neighbors";
    QTest::newRow("bad k") << QStringList{"neighbors", fixture("test_glove.txt"), "the", "-k",
                                          "zero"}
                           << "-k must be an integer";
    QTest::newRow("bad method") << QStringList{"analogy", fixture("test_glove.txt"),
                                               "a",       "b",
                                               "c",       "--method",
                                               "sub"}
                                << "--method must be add or mul";
    QTest::newRow("option without value")
        << QStringList{"neighbors", fixture("test_glove.txt"), "the", "-k"} << "needs a value";
    QTest::newRow("bad format name")
        << QStringList{"info", fixture("test_glove.txt"), "--format", "xml"}
        << "unknown format 'xml'";
    QTest::newRow("float16 to text")
        << QStringList{"convert", fixture("test_glove.txt"), "out.txt", "--float16"}
        << "--float16 needs --to embex";
    QTest::newRow("float16 to npy")
        << QStringList{"convert", fixture("test_glove.txt"), "o.embex", "--to", "npy", "--float16"}
        << "--float16 needs --to embex";
}

void TstCli::usageErrors()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    Run r = runCli(args);
    QCOMPARE(r.code, 2);
    QVERIFY2(QString(r.err + r.out).contains(message), r.err.constData());
}

void TstCli::info_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("format");
    QTest::addColumn<int>("words");
    QTest::addColumn<int>("dims");
    QTest::newRow("glove") << fixture("test_glove.txt") << "glove" << 76 << 50;
    QTest::newRow("word2vec text") << fixture("word2vec_pre_kv_c") << "word2vec" << 1750 << 10;
    QTest::newRow("word2vec binary")
        << fixture("euclidean_vectors.bin") << "word2vec-bin" << -1 << -1;
    QTest::newRow("high precision bin")
        << fixture("high_precision.kv.bin") << "word2vec-bin" << 2 << 2;
    QTest::newRow("fastText vec") << fixture("toy-model.vec") << "word2vec" << 22 << 5;
    QTest::newRow("fastText bin") << fixture("toy-model.bin") << "fasttext-bin" << 22 << 5;
    QTest::newRow("cyrillic vec") << fixture("crime-and-punishment.vec") << "word2vec" << 291 << 5;
    QTest::newRow("cyrillic bin") << fixture("crime-and-punishment.bin") << "fasttext-bin" << 291
                                  << 5;
}

void TstCli::info()
{
    QFETCH(QString, file);
    QFETCH(QString, format);
    QFETCH(int, words);
    QFETCH(int, dims);
    Run r = runCli({"info", file, "--json"});
    QVERIFY2(r.code == 0, r.err.constData());
    QJsonObject o = parseJson(r.out);
    QCOMPARE(o["format"].toString(), format);
    // The core agrees with the CLI; fixed sizes where the fixture's are documented.
    auto set = load(file.toStdString());
    QCOMPARE(o["words"].toInteger(), qint64(set->size()));
    QCOMPARE(o["dimensions"].toInteger(), qint64(set->dim()));
    if (words >= 0) {
        QCOMPARE(o["words"].toInt(), words);
        QCOMPARE(o["dimensions"].toInt(), dims);
    }
    QVERIFY(o["norms"].toObject()["max"].toDouble() >= o["norms"].toObject()["min"].toDouble());
    QCOMPARE(o["first_words"].toArray().first().toString(), QString::fromStdString(set->word(0)));
    // Plain-text form names the same numbers.
    Run t = runCli({"info", file});
    QCOMPARE(t.code, 0);
    QVERIFY(t.out.contains("words: " + QByteArray::number(qint64(set->size()))));
    // Lines come out in order (one output stream, whatever the buffering).
    QVERIFY(t.out.indexOf("dimensions:") < t.out.indexOf("norms:"));
    QVERIFY(t.out.indexOf("norms:") < t.out.indexOf("warnings:"));
}

void TstCli::badFileIsOneLine()
{
    QString bad = m_dir.filePath("bad.txt");
    QFile f(bad);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("3 4\ncat 1 2 3 4\ndog 1 2 x 4\nemu 1 2 3 4\n");
    f.close();
    for (const char *cmd : {"info", "neighbors"}) {
        QStringList args{cmd, bad};
        if (QByteArray(cmd) == "neighbors")
            args << "cat";
        Run r = runCli(args);
        QCOMPARE(r.code, 1);
        QCOMPARE(r.err.count('\n'), 1);
        QVERIFY2(r.err.contains("bad.txt:3"), r.err.constData());
        QVERIFY2(r.err.contains("'x'"), r.err.constData());
        QVERIFY(r.out.isEmpty());
    }
    Run missing = runCli({"info", m_dir.filePath("nothing.txt")});
    QCOMPARE(missing.code, 1);
    QVERIFY(missing.err.contains("nothing.txt"));
    QCOMPARE(missing.err.count('\n'), 1);
}

void TstCli::neighborsMatchCore()
{
    QString file = fixture("test_glove.txt");
    auto set = load(file.toStdString());
    ExactIndex index(set);
    for (const char *word : {"the", "of", "and"}) {
        Run r = runCli({"neighbors", file, word, "-k", "7", "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
        QJsonObject o = parseJson(r.out);
        QCOMPARE(o["word"].toString(), QString(word));
        QCOMPARE(o["out_of_vocabulary"].toBool(), false);
        QJsonArray list = o["neighbors"].toArray();
        auto expected = neighborsOf(index, *set->find(word), 7);
        QCOMPARE(list.size(), qsizetype(expected.size()));
        for (qsizetype i = 0; i < list.size(); ++i) {
            QJsonObject n = list[i].toObject();
            QCOMPARE(n["rank"].toInt(), int(i + 1));
            QCOMPARE(n["word"].toString(),
                     QString::fromStdString(set->word(expected[std::size_t(i)].id)));
            QCOMPARE(float(n["similarity"].toDouble()), expected[std::size_t(i)].similarity);
            QVERIFY(n["word"].toString() != QString(word));
        }
    }
    Run plain = runCli({"neighbors", file, "the", "-k", "3"});
    QCOMPARE(plain.code, 0);
    QCOMPARE(plain.out.count('\n'), 3);
    QVERIFY(plain.out.startsWith("1\t"));
}

void TstCli::neighborsHnswAgreesOnSmallSet()
{
    QString file = fixture("word2vec_pre_kv_c");
    Run exact = runCli({"neighbors", file, "the", "-k", "5", "--json"});
    Run hnsw = runCli({"neighbors", file, "the", "-k", "5", "--json", "--index", "hnsw"});
    QCOMPARE(exact.code, 0);
    QVERIFY2(hnsw.code == 0, hnsw.err.constData());
    // On 1,750 rows HNSW with default parameters finds the exact top-5.
    QCOMPARE(parseJson(hnsw.out)["neighbors"], parseJson(exact.out)["neighbors"]);
}

void TstCli::neighborsUnknownWord()
{
    QString file = fixture("test_glove.txt");
    Run r = runCli({"neighbors", file, "zzzzqqq"});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("'zzzzqqq' is not in the vocabulary"), r.err.constData());
    Run cased = runCli({"neighbors", file, "The"});
    QCOMPARE(cased.code, 1);
    QVERIFY2(cased.err.contains("did you mean 'the'"), cased.err.constData());
}

void TstCli::neighborsOutOfVocabularySubword()
{
    QString file = fixture("toy-model.bin");
    auto set = load(file.toStdString());
    QVERIFY(!set->find("nightfalls"));
    auto v = set->vectorFor("nightfalls");
    QVERIFY(v);
    Run r = runCli({"neighbors", file, "nightfalls", "-k", "3", "--json"});
    QVERIFY2(r.code == 0, r.err.constData());
    QJsonObject o = parseJson(r.out);
    QCOMPARE(o["out_of_vocabulary"].toBool(), true);
    ExactIndex index(set);
    auto expected = index.search(v->data(), 3);
    QJsonArray list = o["neighbors"].toArray();
    QCOMPARE(list.size(), 3);
    for (int i = 0; i < 3; ++i)
        QCOMPARE(list[i].toObject()["word"].toString(),
                 QString::fromStdString(set->word(expected[std::size_t(i)].id)));
}

void TstCli::analogyMatchesCore_data()
{
    QTest::addColumn<QString>("method");
    QTest::newRow("3CosAdd") << "add";
    QTest::newRow("3CosMul") << "mul";
}

void TstCli::analogyMatchesCore()
{
    QFETCH(QString, method);
    QString file = fixture("word2vec_pre_kv_c");
    auto set = load(file.toStdString());
    const std::string a = set->word(10), b = set->word(11), c = set->word(12);
    Run r = runCli({"analogy", file, QString::fromStdString(a), QString::fromStdString(b),
                    QString::fromStdString(c), "-k", "4", "--method", method, "--json"});
    QVERIFY2(r.code == 0, r.err.constData());
    auto expected =
        analogy(*set, 10, 11, 12, 4, method == "add" ? AnalogyMethod::Add : AnalogyMethod::Mul);
    QJsonArray list = parseJson(r.out)["results"].toArray();
    QCOMPARE(list.size(), 4);
    for (int i = 0; i < 4; ++i) {
        QString w = list[i].toObject()["word"].toString();
        QCOMPARE(w, QString::fromStdString(set->word(expected[std::size_t(i)].id)));
        QVERIFY(w.toStdString() != a && w.toStdString() != b && w.toStdString() != c);
    }
    Run missing =
        runCli({"analogy", file, "zzq", QString::fromStdString(b), QString::fromStdString(c)});
    QCOMPARE(missing.code, 1);
    QVERIFY(missing.err.contains("'zzq' is not in the vocabulary"));
}

void TstCli::convertRoundTrips_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("to");
    QTest::addColumn<QString>("name");
    const QStringList sources{"test_glove.txt", "word2vec_pre_kv_c", "high_precision.kv.bin",
                              "crime-and-punishment.vec", "poincare_vectors.bin"};
    const QList<QPair<QString, QString>> targets{
        {"word2vec", "out.txt"}, {"word2vec-bin", "out.bin"}, {"glove", "out.glove"},
        {"vec", "out.vec"},      {"tsv", "vectors.tsv"},      {"npy", "out.npy"},
        {"embex", "out.embex"}};
    for (const auto &s : sources)
        for (const auto &t : targets)
            QTest::newRow(qPrintable(s + " -> " + t.first)) << s << t.first << t.second;
}

void TstCli::convertRoundTrips()
{
    QFETCH(QString, source);
    QFETCH(QString, to);
    QFETCH(QString, name);
    QTemporaryDir dir;
    QString in = fixture(source.toUtf8().constData());
    QString out = dir.filePath(name);
    Run r = runCli({"convert", in, out, "--to", to, "--quiet"});
    QVERIFY2(r.code == 0, r.err.constData());
    auto original = load(in.toStdString());
    auto converted = load(out.toStdString());
    QVERIFY2(sameSet(*original, *converted), qPrintable(source + " -> " + to));
    // And back to word2vec text: still identical.
    QString back = dir.filePath("back.txt");
    QCOMPARE(runCli({"convert", out, back, "--quiet"}).code, 0);
    QVERIFY(sameSet(*original, *load(back.toStdString())));
}

void TstCli::convertNeedsFormat()
{
    Run r = runCli({"convert", fixture("test_glove.txt"), m_dir.filePath("out.xyz")});
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains("cannot tell the output format"));
    QVERIFY(!QFile::exists(m_dir.filePath("out.xyz")));
    Run ft = runCli(
        {"convert", fixture("test_glove.txt"), m_dir.filePath("o.bin"), "--to", "fasttext-bin"});
    QCOMPARE(ft.code, 2);
}

void TstCli::convertFloat16()
{
    const QString in = fixture("test_glove.txt");
    const QString out = m_dir.filePath("half.embex"), byName = m_dir.filePath("byname.embex");
    Run r = runCli({"convert", in, out, "--to", "embex", "--float16", "--quiet"});
    QVERIFY2(r.code == 0, r.err.constData());
    QCOMPARE(runCli({"convert", in, byName, "--float16", "--quiet"}).code, 0); // embex by name

    // The same bytes as the library writes in-process.
    auto original = load(in.toStdString());
    const std::string lib = m_dir.filePath("lib.embex").toStdString();
    SaveOptions so;
    so.format = Format::Embex;
    so.float16 = true;
    save(*original, lib, so);
    QFile a(out), b(QString::fromStdString(lib)), c(byName);
    QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly) &&
            c.open(QIODevice::ReadOnly));
    const QByteArray bytes = a.readAll();
    QCOMPARE(bytes, b.readAll());
    QCOMPARE(bytes, c.readAll());
    quint32 dtype = 0;
    std::memcpy(&dtype, bytes.constData() + 12, 4);
    QCOMPARE(dtype, quint32(1));

    // Reads back with the same words and values within half precision.
    auto half = load(out.toStdString());
    QCOMPARE(half->words(), original->words());
    for (std::size_t i = 0; i < original->size() * original->dim(); ++i) {
        const float x = original->data()[i], y = half->data()[i];
        QVERIFY(std::fabs(x - y) <= std::max(std::fabs(x) * 0x1p-11f, 0x1p-25f));
    }
    Run info = runCli({"info", out});
    QCOMPARE(info.code, 0);
    QVERIFY(info.out.contains("format: embex"));
}

void TstCli::convertGzip()
{
    QTemporaryDir dir;
    const QString in = fixture("word2vec_pre_kv_c");
    for (const QString name : {"out.txt.gz", "out.bin.gz", "out.embex.gz"}) {
        const QString out = dir.filePath(name);
        Run r = runCli({"convert", in, out, "--quiet"});
        QVERIFY2(r.code == 0, r.err.constData());
        QFile f(out);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.read(2), QByteArray("\x1f\x8b")); // really gzip
        QVERIFY(sameSet(*load(in.toStdString()), *load(out.toStdString())));
        QCOMPARE(QDir(dir.path()).entryList({"*uncompressed*"}).size(), 0);
    }
    Run tsv = runCli({"convert", in, dir.filePath("v.tsv.gz")});
    QCOMPARE(tsv.code, 1);
    QVERIFY(tsv.err.contains("gzip output is for single-file formats"));
}

namespace {

/// The rows of a `word<TAB>x<TAB>y[<TAB>z]` file: words and coordinates (empty on bad lines).
struct Coordinates
{
    QStringList words;
    QList<QList<double>> values;
    bool ok = true;
};

Coordinates readCoordinates(const QByteArray &bytes)
{
    Coordinates c;
    const QList<QByteArray> lines = bytes.split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        if (lines[i].isEmpty() && i == lines.size() - 1)
            break;
        const QList<QByteArray> fields = lines[i].split('\t');
        c.words << QString::fromUtf8(fields[0]);
        QList<double> row;
        for (qsizetype f = 1; f < fields.size(); ++f) {
            bool ok = false;
            row << fields[f].toDouble(&ok);
            c.ok = c.ok && ok;
        }
        c.values << row;
    }
    return c;
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

void TstCli::projectPcaMatchesCore()
{
    const QString file = fixture("word2vec_pre_kv_c");
    const auto set = load(file.toStdString());
    for (const int limit : {200, -1}) {
        const QString out = m_dir.filePath("pca.tsv");
        QStringList args{"project", file, "--method", "pca", "-o", out};
        if (limit > 0)
            args << "--limit" << QString::number(limit);
        const Run r = runCli(args);
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY(r.out.isEmpty());
        QVERIFY2(r.err.startsWith("pca: "), r.err.constData()); // the summary line
        QCOMPARE(r.err.count('\n'), 1);
        const std::size_t n = limit > 0 ? std::size_t(limit) : set->size();
        const Coordinates c = readCoordinates(readAll(out));
        QVERIFY(c.ok);
        QCOMPARE(std::size_t(c.words.size()), n);
        // The first n words in file order, and embex::pca of exactly those rows.
        PcaOptions o;
        o.components = 2;
        o.center = true;
        const RowMatrix expected =
            pca(ConstRowMap(set->data(), Eigen::Index(n), Eigen::Index(set->dim())), o).coords;
        for (std::size_t i = 0; i < n; ++i) {
            QCOMPARE(c.words[qsizetype(i)], QString::fromStdString(set->word(WordId(i))));
            QCOMPARE(c.values[qsizetype(i)].size(), 2);
            for (int d = 0; d < 2; ++d)
                QVERIFY(std::abs(c.values[qsizetype(i)][d] - double(expected(Eigen::Index(i), d))) <
                        1e-6);
        }
    }
    // No -o: the same lines on stdout; --dims 3: three coordinates.
    const Run r3 = runCli({"project", file, "--method", "pca", "--limit", "50", "--dims", "3"});
    QVERIFY2(r3.code == 0, r3.err.constData());
    const Coordinates c3 = readCoordinates(r3.out);
    QCOMPARE(c3.words.size(), 50);
    QVERIFY(c3.ok);
    for (const auto &row : c3.values)
        QCOMPARE(row.size(), 3);
}

void TstCli::projectTsneDeterministic()
{
    const QString file = fixture("word2vec_pre_kv_c");
    const QString a = m_dir.filePath("tsne_a.tsv"), b = m_dir.filePath("tsne_b.tsv");
    const QStringList common{"project", file,           "--method", "tsne",   "--limit",
                             "300",     "--iterations", "250",      "--seed", "1"};
    const Run ra = runCli(common + QStringList{"-o", a});
    QVERIFY2(ra.code == 0, ra.err.constData());
    QVERIFY2(ra.err.contains("KL ") && ra.err.contains("kNN preservation"), ra.err.constData());
    const Run rb = runCli(common + QStringList{"-o", b});
    QVERIFY2(rb.code == 0, rb.err.constData());
    const QByteArray bytes = readAll(a);
    QCOMPARE(bytes, readAll(b)); // same seed, same threads: the same file
    const Coordinates c = readCoordinates(bytes);
    QVERIFY(c.ok);
    QCOMPARE(c.words.size(), 300);
    const auto set = load(file.toStdString());
    for (qsizetype i = 0; i < c.words.size(); ++i) {
        QCOMPARE(c.words[i], QString::fromStdString(set->word(WordId(i))));
        QCOMPARE(c.values[i].size(), 2);
    }
    // --dims 3: three coordinates.
    const Run r3 = runCli({"project", file, "--method", "tsne", "--limit", "300", "--iterations",
                           "100", "--dims", "3"});
    QVERIFY2(r3.code == 0, r3.err.constData());
    const Coordinates c3 = readCoordinates(r3.out);
    QCOMPARE(c3.words.size(), 300);
    for (const auto &row : c3.values)
        QCOMPARE(row.size(), 3);
}

void TstCli::projectJson()
{
    const QString file = fixture("word2vec_pre_kv_c");
    const QString out = m_dir.filePath("tsne.json.tsv");
    const Run r = runCli({"project", file, "--method", "tsne", "--limit", "400", "--iterations",
                          "300", "--perplexity", "500", "--json", "-o", out});
    QVERIFY2(r.code == 0, r.err.constData());
    const QJsonObject o = parseJson(r.out);
    QCOMPARE(o["method"].toString(), QString("tsne"));
    QCOMPARE(o["n"].toInt(), 400);
    QCOMPARE(o["dims"].toInt(), 2);
    QCOMPARE(o["output"].toString(), out);
    QCOMPARE(o["perplexity"].toDouble(), 133.0); // clamped to (n - 1) / 3
    QVERIFY(o["seconds"].toDouble() >= 0.0);
    QVERIFY(o["kl"].toDouble() > 0.0);
    const double kept = o["knn_preservation"].toDouble(-1);
    QVERIFY(kept >= 0.0 && kept <= 1.0);
    QCOMPARE(readCoordinates(readAll(out)).words.size(), 400);

    const Run p = runCli(
        {"project", file, "--method", "pca", "--json", "-o", out, "--no-quality", "--quiet"});
    QVERIFY2(p.code == 0, p.err.constData());
    QVERIFY(p.err.isEmpty());
    const QJsonObject po = parseJson(p.out);
    QCOMPARE(po["n"].toInt(), 1750);
    QVERIFY(po["kl"].isNull());
    QVERIFY(po["knn_preservation"].isNull());
}

void TstCli::projectWordsWithTabs()
{
    // NPY words come one per line, so a word may hold a tab: it becomes a space.
    const QString words = m_dir.filePath("tabbed.words.txt");
    QFile f(words);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("alpha\tone\nbeta\ngamma\ndelta\nepsilon\n");
    f.close();
    const Run r = runCli({"project", QStringLiteral(EMBEX_FIXTURES "/npy/small_f4.npy"), "--words",
                          words, "--method", "pca"});
    QVERIFY2(r.code == 0, r.err.constData());
    const Coordinates c = readCoordinates(r.out);
    QCOMPARE(c.words.size(), 5);
    QCOMPARE(c.words[0], QString("alpha one"));
    QCOMPARE(c.values[0].size(), 2);
}

void TstCli::projectErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("message");
    const QString file = fixture("word2vec_pre_kv_c");
    QTest::newRow("bad method") << QStringList{"project", file, "--method", "umap"} << 2
                                << "--method must be pca or tsne";
    QTest::newRow("no method") << QStringList{"project", file} << 2 << "--method is required";
    QTest::newRow("limit 0") << QStringList{"project", file, "--method", "pca", "--limit", "0"} << 2
                             << "--limit must be an integer";
    QTest::newRow("dims 4") << QStringList{"project", file, "--method", "tsne", "--dims", "4"} << 2
                            << "--dims must be an integer from 2 to 3";
    QTest::newRow("bad perplexity")
        << QStringList{"project", file, "--method", "tsne", "--perplexity", "-3"} << 2
        << "--perplexity must be a number > 0";
    QTest::newRow("perplexity for pca")
        << QStringList{"project", file, "--method", "pca", "--perplexity", "5"} << 2
        << "apply to --method tsne only";
    QTest::newRow("bad distance") << QStringList{"project", file,         "--method",
                                                 "pca",     "--distance", "l1"}
                                  << 2 << "--distance must be cosine or euclidean";
    QTest::newRow("json without -o")
        << QStringList{"project", file, "--method", "pca", "--json"} << 2 << "--json needs -o";
    QTest::newRow("missing file") << QStringList{"project", fixture("no-such-file.txt"), "--method",
                                                 "pca"}
                                  << 1 << "no-such-file.txt";
}

void TstCli::projectErrors()
{
    QFETCH(QStringList, args);
    QFETCH(int, code);
    QFETCH(QString, message);
    const Run r = runCli(args);
    QCOMPARE(r.code, code);
    QVERIFY2(QString(r.err).contains(message), r.err.constData());
    QCOMPARE(r.err.count('\n'), 1);
    QVERIFY(r.out.isEmpty());
}

namespace {

const QString kDefaultSet =
    QStringLiteral(EMBEX_FIXTURES "/../../resources/default-glove-50k.embex.gz");

} // namespace

void TstCli::evalMatchesCore()
{
    // The shipped set, the first 5,000 words (quick), 3CosMul, two similarity files.
    Run r = runCli({"eval", kDefaultSet, "--analogies", test::evalSet("questions-words.txt"),
                    "--similarity", test::evalSet("wordsim353.tsv"),
                    "--similarity=" + test::evalSet("simlex999.txt"), "--restrict", "5000",
                    "--method", "mul", "--json"});
    QVERIFY2(r.code == 0, r.err.constData());
    const QJsonObject o = parseJson(r.out);
    QCOMPARE(o["restrict_vocab"].toInt(), 5000);
    QCOMPARE(o["method"].toString(), QString("mul"));

    auto set = load(kDefaultSet.toStdString());
    EvalOptions options;
    options.restrictVocab = 5000;
    options.method = AnalogyMethod::Mul;
    const AnalogyResult expected = evaluateAnalogies(
        *set, readAnalogyFile(test::evalSet("questions-words.txt").toStdString()), options);
    const QJsonArray analogies = o["analogies"].toArray();
    QCOMPARE(analogies.size(), 1);
    const QJsonObject a = analogies[0].toObject();
    QCOMPARE(a["questions"].toInteger(), qint64(expected.questions));
    QCOMPARE(a["correct"].toInteger(), qint64(expected.total.correct));
    QCOMPARE(a["incorrect"].toInteger(), qint64(expected.total.incorrect));
    QCOMPARE(a["oov"].toInteger(), qint64(expected.total.outOfVocabulary));
    QCOMPARE(a["oov_ratio"].toDouble(), expected.oovPercent());
    const QJsonArray sections = a["sections"].toArray();
    QCOMPARE(sections.size(), qsizetype(expected.sections.size()));
    for (qsizetype i = 0; i < sections.size(); ++i) {
        const QJsonObject s = sections[i].toObject();
        const auto &e = expected.sections[std::size_t(i)];
        QCOMPARE(s["name"].toString(), QString::fromStdString(e.name));
        QCOMPARE(s["correct"].toInteger(), qint64(e.correct));
        QCOMPARE(s["incorrect"].toInteger(), qint64(e.incorrect));
        QCOMPARE(s["accuracy"].toDouble(), e.accuracy());
    }

    const QJsonArray pairs = o["similarity"].toArray();
    QCOMPARE(pairs.size(), 2);
    const char *names[] = {"wordsim353.tsv", "simlex999.txt"};
    for (int i = 0; i < 2; ++i) {
        const WordPairResult e = evaluateWordPairs(
            *set, readWordPairFile(test::evalSet(names[i]).toStdString()), options);
        const QJsonObject p = pairs[i].toObject();
        QVERIFY(p["file"].toString().endsWith(names[i]));
        QCOMPARE(p["pairs"].toInteger(), qint64(e.pairs));
        QCOMPARE(p["used"].toInteger(), qint64(e.used));
        QCOMPARE(p["oov"].toInteger(), qint64(e.outOfVocabulary));
        QCOMPARE(p["pearson"].toDouble(), *e.pearson);
        QCOMPARE(p["spearman"].toDouble(), *e.spearman);
    }
}

void TstCli::evalDefaultFilesAndText()
{
    // No test file named: the ones shipped in share/embex/eval beside bin/.
    Run r = runCli({"eval", kDefaultSet, "--restrict", "2000", "--case-sensitive"});
    QVERIFY2(r.code == 0, r.err.constData());
    QVERIFY(r.out.startsWith("analogies: questions-words.txt (19544 questions, 3CosAdd, first "
                             "2000 words)\n"));
    QVERIFY(r.out.contains("  capital-common-countries "));
    QVERIFY(r.out.contains("  Total accuracy "));
    QVERIFY(r.out.contains("skipped (word not in vocabulary): "));
    QVERIFY(r.out.contains("similarity: wordsim353.tsv: "));
    QVERIFY(r.out.contains("similarity: simlex999.txt: "));
    QVERIFY(r.out.indexOf("Total accuracy") < r.out.indexOf("similarity: wordsim353"));
    QVERIFY(r.err.isEmpty());
}

void TstCli::evalErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("message");
    const QString glove = fixture("test_glove.txt");
    QTest::newRow("analogy line") << QStringList{"eval", glove, "--analogies", "BAD"}
                                  << QByteArray(": s\na b c d\na b c\n") << 1
                                  << "bad-eval.txt:3: expected 4 words 'A B C D'";
    QTest::newRow("pair line") << QStringList{"eval", glove, "--similarity", "BAD"}
                               << QByteArray("# c\na\tb\tseven\n") << 1
                               << "bad-eval.txt:2: score 'seven' is not a number";
    QTest::newRow("missing file") << QStringList{"eval", glove, "--similarity", "nothing-here.tsv"}
                                  << QByteArray() << 1 << "nothing-here.tsv";
    QTest::newRow("no vector file")
        << QStringList{"eval"} << QByteArray() << 2 << "usage: embex-cli eval FILE";
    QTest::newRow("bad method") << QStringList{"eval", glove, "--method", "sub"} << QByteArray()
                                << 2 << "--method must be add or mul";
    QTest::newRow("bad restrict") << QStringList{"eval", glove, "--restrict", "0"} << QByteArray()
                                  << 2 << "--restrict must be an integer";
    QTest::newRow("analogies without value")
        << QStringList{"eval", glove, "--analogies"} << QByteArray() << 2 << "needs a value";
}

void TstCli::evalErrors()
{
    QFETCH(QStringList, args);
    QFETCH(QByteArray, content);
    QFETCH(int, code);
    QFETCH(QString, message);
    const QString bad = m_dir.filePath("bad-eval.txt");
    QFile f(bad);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(content);
    f.close();
    args.replaceInStrings(QRegularExpression("^BAD$"), bad);
    const Run r = runCli(args);
    QCOMPARE(r.code, code);
    QVERIFY2(QString(r.err).contains(message), r.err.constData());
    QCOMPARE(r.err.count('\n'), code == 2 ? r.err.count('\n') : 1);
    QVERIFY(r.out.isEmpty());
}

void TstCli::evalNothingInVocabulary()
{
    // Results are still printed (as null, not NaN), then one line per empty test, exit 1.
    const QString pairs = m_dir.filePath("unknown-pairs.tsv");
    QFile f(pairs);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("zzyzx\tqwerty\t3.5\nfoo-bar-baz\tquux\t1\n");
    f.close();
    Run r = runCli({"eval", fixture("test_glove.txt"), "--similarity", pairs, "--json"});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("unknown-pairs.tsv: none of the 2 pairs has both words in the "
                            "vocabulary"),
             r.err.constData());
    QCOMPARE(r.err.count('\n'), 1);
    const QJsonObject p = parseJson(r.out)["similarity"].toArray()[0].toObject();
    QVERIFY(p["spearman"].isNull());
    QCOMPARE(p["used"].toInt(), 0);
    Run text = runCli({"eval", fixture("test_glove.txt"), "--similarity", pairs});
    QCOMPARE(text.code, 1);
    QVERIFY(text.out.contains("0 of 2 pairs used, OOV 100.0%, Pearson n/a, Spearman n/a"));
    QVERIFY(!text.out.contains("nan"));
}

namespace {

/// A corpus with two topics that never share a sentence: within-topic words should end closer
/// than across-topic words after training.
QString writePlantedCorpus(const QString &path)
{
    const char *a[] = {"apple", "pear", "plum", "fig", "grape", "melon"};
    const char *b[] = {"car", "bus", "train", "truck", "bike", "tram"};
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    quint32 state = 12345;
    auto next = [&] {
        return (state = state * 1664525u + 1013904223u) >> 16;
    };
    for (int s = 0; s < 3000; ++s) {
        const char **group = (s % 2) ? a : b;
        QByteArray line;
        for (int w = 0; w < 8; ++w) {
            line += group[next() % 6];
            line += w == 7 ? "\n" : " ";
        }
        f.write(line);
    }
    return path;
}

double cosine(const EmbeddingSet &set, const char *x, const char *y)
{
    auto i = set.find(x), j = set.find(y);
    if (!i || !j)
        return -2;
    const auto &n = set.normalized();
    return double(n.row(*i).dot(n.row(*j)));
}

} // namespace

void TstCli::trainWritesLoadableVectors_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("output");
    QTest::newRow("skipgram") << "skipgram"
                              << "sg.embex";
    QTest::newRow("cbow") << "cbow"
                          << "cbow.txt";
    QTest::newRow("glove") << "glove"
                           << "glove.tsv";
    QTest::newRow("fasttext bin") << "fasttext"
                                  << "ft.bin";
}

void TstCli::trainWritesLoadableVectors()
{
    QFETCH(QString, model);
    QFETCH(QString, output);
    const QString corpus = writePlantedCorpus(m_dir.filePath("planted.txt"));
    const QString out = m_dir.filePath(output);
    Run r = runCli({"train", corpus, "--model", model, "--dim", "16", "--epochs", "5",
                    "--min-count", "1", "--threads", "2", "-o", out, "--json"});
    QVERIFY2(r.code == 0, r.err.constData());
    const QJsonObject j = parseJson(r.out);
    QCOMPARE(j["model"].toString(), model);
    QCOMPARE(j["words"].toInt(), 12);
    QCOMPARE(j["dim"].toInt(), 16);
    QCOMPARE(j["corpus_tokens"].toInt(), 24000);
    QVERIFY(j["seconds"].toDouble() > 0);
    auto set = load(out.toStdString());
    // A fastText model file also holds fastText's end-of-sentence token.
    const bool fastTextModel = output.endsWith(".bin");
    QCOMPARE(set->size(), std::size_t(fastTextModel ? 13 : 12));
    if (fastTextModel)
        QVERIFY(set->find("</s>"));
    QCOMPARE(set->dim(), std::size_t(16));
    for (float v : std::vector<float>(set->data(), set->data() + set->size() * set->dim()))
        QVERIFY(std::isfinite(v));
    const double within = (cosine(*set, "apple", "pear") + cosine(*set, "car", "bus")) / 2;
    const double across = (cosine(*set, "apple", "car") + cosine(*set, "pear", "bus")) / 2;
    QVERIFY2(within > across + 0.2,
             qPrintable(QStringLiteral("within %1 across %2").arg(within).arg(across)));
    if (output.endsWith(".tsv")) // the frequency column travels with TSV metadata
        QVERIFY(set->metadataColumn("frequency"));
}

void TstCli::trainDeterministicWithOneThread()
{
    const QString corpus = writePlantedCorpus(m_dir.filePath("planted-det.txt"));
    QByteArray files[2];
    for (int i = 0; i < 2; ++i) {
        const QString out = m_dir.filePath(QStringLiteral("det%1.txt").arg(i));
        Run r = runCli({"train", corpus, "--model", "skipgram", "--dim", "8", "--epochs", "2",
                        "--min-count", "1", "--threads", "1", "--seed", "7", "-o", out});
        QVERIFY2(r.code == 0, r.err.constData());
        QFile f(out);
        QVERIFY(f.open(QIODevice::ReadOnly));
        files[i] = f.readAll();
    }
    QVERIFY(!files[0].isEmpty());
    QCOMPARE(files[0], files[1]);
}

void TstCli::trainErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("message");
    const QString corpus = m_dir.filePath("tiny.txt");
    QFile f(corpus);
    if (f.open(QIODevice::WriteOnly))
        f.write("the cat sat on the mat\n");
    f.close();
    const QString out = m_dir.filePath("o.embex");
    QTest::newRow("no model") << QStringList{"train", corpus, "-o", out} << 2
                              << "--model is required";
    QTest::newRow("unknown model") << QStringList{"train", corpus, "--model", "bert", "-o", out}
                                   << 2 << "unknown model 'bert'";
    QTest::newRow("no output") << QStringList{"train", corpus, "--model", "cbow"} << 2
                               << "-o OUT is required";
    QTest::newRow("bad dim") << QStringList{"train", corpus, "--model", "cbow",
                                            "--dim", "0",    "-o",      out}
                             << 2 << "--dim";
    QTest::newRow("unknown extension")
        << QStringList{"train", corpus, "--model", "cbow", "-o", m_dir.filePath("o.xyz")} << 2
        << "cannot tell the output format";
    QTest::newRow("bin for word2vec model is word2vec-bin, float16 needs embex")
        << QStringList{"train",    corpus, "--model", "cbow", "-o", m_dir.filePath("o.bin"),
                       "--float16"}
        << 2 << "--float16 needs --to embex";
    QTest::newRow("fasttext model file from glove")
        << QStringList{"train", corpus, "--model", "glove", "--to", "fasttext", "-o", out} << 2
        << "fastText .bin model can only be written by --model fasttext";
    QTest::newRow("no negatives, no hs")
        << QStringList{"train", corpus, "--model", "skipgram", "--negative", "0", "-o", out} << 2
        << "--negative 0 needs --hs";
    QTest::newRow("missing corpus")
        << QStringList{"train", m_dir.filePath("nope.txt"), "--model", "cbow", "-o", out} << 1
        << "nope.txt";
    QTest::newRow("corpus is a directory")
        << QStringList{"train", m_dir.path(), "--model", "cbow", "-o", out} << 1 << m_dir.path();
    QTest::newRow("nothing reaches min-count")
        << QStringList{"train", corpus, "--model", "cbow", "-o", out} << 1
        << "no word occurs 5 times or more (5 distinct words, most frequent 'the' 2 times); "
           "lower min-count";
    QTest::newRow("missing output folder")
        << QStringList{"train",       corpus, "--model", "cbow",
                       "--min-count", "1",    "-o",      m_dir.filePath("no/such/dir/o.embex")}
        << 1 << "does not exist";
}

void TstCli::trainErrors()
{
    QFETCH(QStringList, args);
    QFETCH(int, code);
    QFETCH(QString, message);
    Run r = runCli(args);
    QCOMPARE(r.code, code);
    QVERIFY2(QString(r.err).contains(message), r.err.constData());
    QVERIFY(r.out.isEmpty());
    QVERIFY(!QFileInfo::exists(m_dir.filePath("o.embex")));
}

void TstCli::trainShippedBrown()
{
    // 'brown' names the corpus installed beside embex-cli (share/embex/brown.txt.gz).
    const QString out = m_dir.filePath("brown.embex");
    Run r = runCli({"train", "brown", "--model", "cbow", "--dim", "10", "--epochs", "1",
                    "--max-vocab", "3000", "-o", out, "--json"});
    QVERIFY2(r.code == 0, r.err.constData());
    const QJsonObject j = parseJson(r.out);
    QVERIFY(j["corpus"].toString().endsWith("share/embex/brown.txt.gz"));
    QCOMPARE(j["words"].toInt(), 3000);
    QVERIFY(j["corpus_tokens"].toInt() > 1000000);
    auto set = load(out.toStdString());
    QCOMPARE(set->word(0), std::string("the"));
    QVERIFY(set->metadataColumn("frequency"));
}

void TstCli::contextMatchesCore()
{
    // The CLI's vectors and cosines are the encoder's, for every layer.
    const QString model = QStringLiteral(EMBEX_FIXTURES "/bert/bert-mlm-f32");
    const QStringList sentences = {"I went to the [bank] to withdraw money",
                                   "He sat on the [bank] of the river", "A [bank] account"};
    Run r = runCli(QStringList{"context", model, "--layer", "all", "--json"} + sentences);
    QVERIFY2(r.code == 0, r.err.constData());
    const QJsonObject j = parseJson(r.out);

    auto bert = BertModel::load(model.toStdString());
    Encoder encoder(bert);
    std::vector<std::string> marked;
    for (const QString &s : sentences)
        marked.push_back(s.toStdString());
    const ContextAnalysis a = analyzeSentences(encoder, marked);
    const int layers = int(bert->config().layers);
    QCOMPARE(j["layers"].toInt(), layers);
    const QJsonArray targets = j["targets"].toArray();
    QCOMPARE(targets.size(), 3);
    for (int t = 0; t < 3; ++t) {
        const QJsonObject o = targets[t].toObject();
        QCOMPARE(o["word"].toString(), QStringLiteral("bank"));
        QCOMPARE(o["sentence"].toInt(), t + 1);
        const QJsonObject vectors = o["vectors"].toObject();
        QCOMPARE(vectors.size(), layers + 1);
        for (int l = 0; l <= layers; ++l) {
            const QJsonArray v = vectors[QString::number(l)].toArray();
            QCOMPARE(v.size(), int(bert->config().hiddenSize));
            for (int k = 0; k < v.size(); ++k)
                QCOMPARE(float(v[k].toDouble()), a.targets[std::size_t(t)].layers(l, k));
        }
    }
    // The pieces of the first sentence, with [CLS] and [SEP].
    const QJsonArray pieces = j["sentences"].toArray()[0].toObject()["pieces"].toArray();
    QCOMPARE(pieces.first().toString(), QStringLiteral("[CLS]"));
    QCOMPARE(pieces.last().toString(), QStringLiteral("[SEP]"));
    // Cosine matrix of the last layer: symmetric, 1 on the diagonal, equal to core's.
    RowMatrix last(3, Eigen::Index(bert->config().hiddenSize));
    for (int t = 0; t < 3; ++t)
        last.row(t) = a.targets[std::size_t(t)].layers.row(layers);
    const Eigen::MatrixXf expected = cosineMatrix(last);
    const QJsonArray cos = j["cosine"].toObject()[QString::number(layers)].toArray();
    for (int x = 0; x < 3; ++x)
        for (int y = 0; y < 3; ++y)
            QCOMPARE(float(cos[x].toArray()[y].toDouble()), expected(x, y));
    // The default text output shows the last layer only.
    Run text = runCli(QStringList{"context", model} + sentences);
    QVERIFY2(text.code == 0, text.err.constData());
    QVERIFY(text.out.contains(QByteArray("layer ") + QByteArray::number(layers) + ":"));
    QVERIFY(!text.out.contains("layer 0:"));
}

void TstCli::contextWordNearestAndSenses()
{
    // --word finds the targets the markers would mark; --nearest, --predict and the sense
    // groups are core's (ContextStudy) for the same vectors.
    const QString model = QStringLiteral(EMBEX_FIXTURES "/bert/bert-mlm-f32");
    const QStringList plain = {"I went to the river to fish.", "The River was wide.",
                               "Nothing to see.", "A river, a river!"};
    Run r = runCli(QStringList{"context", model, "--word", "river", "--nearest", "3", "--predict",
                               "2", "--json"} +
                   plain);
    QVERIFY2(r.code == 0, r.err.constData());
    QVERIFY2(r.err.contains("sentence 3 has no 'river'"), r.err.constData());
    const QJsonObject j = parseJson(r.out);
    const QJsonArray targets = j["targets"].toArray();
    QCOMPARE(targets.size(), 4);

    auto bert = BertModel::load(model.toStdString());
    Encoder encoder(bert);
    const ContextAnalysis marked =
        analyzeSentences(encoder, {"I went to the [river] to fish.", "The [River] was wide.",
                                   "Nothing to see.", "A [river], a [river]!"});
    const int last = int(bert->config().layers);
    RowMatrix v(4, Eigen::Index(bert->config().hiddenSize));
    for (int t = 0; t < 4; ++t) {
        const QJsonObject o = targets[t].toObject();
        QCOMPARE(o["sentence"].toInt(), int(marked.targets[std::size_t(t)].sentence) + 1);
        const QJsonArray vec = o["vectors"].toObject()[QString::number(last)].toArray();
        for (int k = 0; k < vec.size(); ++k) {
            v(t, k) = marked.targets[std::size_t(t)].layers(last, k);
            QCOMPARE(float(vec[k].toDouble()), v(t, k));
        }
        const RowVector row = v.row(t);
        const auto want = nearestTokens(*bert, {row.data(), std::size_t(row.size())}, 3);
        const QJsonArray got = o["nearest"].toObject()[QString::number(last)].toArray();
        QCOMPARE(got.size(), 3);
        for (int k = 0; k < 3; ++k)
            QCOMPARE(got[k].toObject()["token"].toString(),
                     QString::fromStdString(want[std::size_t(k)].token));
        QCOMPARE(o["predictions"].toArray().size(), 2);
    }
    const Eigen::MatrixXf cos = cosineMatrix(v);
    QVERIFY(std::abs(j["self_similarity"].toObject()[QString::number(last)].toDouble() -
                     meanPairCosine(cos)) < 1e-9);
    const QJsonObject senses = j["senses"].toObject()[QString::number(last)].toObject();
    const double cut = suggestThreshold(cos).value();
    QCOMPARE(senses["threshold"].toDouble(), cut);
    const std::vector<int> groups = clusterByCosine(cos, cut);
    for (int t = 0; t < 4; ++t)
        QCOMPARE(senses["groups"].toArray()[t].toInt(), groups[std::size_t(t)] + 1);
    // A given threshold is used as it is.
    Run all = runCli(
        QStringList{"context", model, "--word", "river", "--threshold", "-1", "--json", "--quiet"} +
        plain);
    QVERIFY2(all.code == 0, all.err.constData());
    for (const auto g : parseJson(all.out)["senses"]
                            .toObject()[QString::number(last)]
                            .toObject()["groups"]
                            .toArray())
        QCOMPARE(g.toInt(), 1);
    // Text output: the per-layer summary line.
    Run text = runCli(QStringList{"context", model, "--word", "river", "--quiet"} + plain);
    QVERIFY(text.out.contains("self-similarity "));
    QVERIFY(text.out.contains("senses at cosine"));
}

void TstCli::killedWriterLeavesOldFile()
{
    // Every write goes to a temporary file that is renamed when complete: a writer killed
    // mid-way (SIGKILL, no chance to clean up) leaves the previous file exactly as it was.
    const QString source = m_dir.filePath("kill-source.embex");
    {
        const std::size_t n = 200000, dim = 50; // about 100 MB as text
        std::vector<std::string> words(n);
        std::vector<float> data(n * dim);
        for (std::size_t i = 0; i < n; ++i) {
            words[i] = "w" + std::to_string(i);
            for (std::size_t j = 0; j < dim; ++j)
                data[i * dim + j] = float(std::sin(double(i * dim + j))) * 0.123456f;
        }
        save(EmbeddingSet(std::move(words), std::move(data), dim), source.toStdString());
    }
    const QString target = m_dir.filePath("precious.txt");
    const QByteArray old = "2 1\nkeep 1\nme 2\n";
    {
        QFile f(target);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(old);
    }
    QProcess p;
    p.start(QStringLiteral(EMBEX_CLI), {"convert", source, target, "--quiet"});
    QVERIFY(p.waitForStarted());
    QDir dir(m_dir.path());
    bool killedMidWrite = false;
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 60000 && p.state() != QProcess::NotRunning) {
        const auto temps = dir.entryInfoList({"precious.txt.tmp-*"}, QDir::Files);
        if (!temps.isEmpty() && temps.first().size() > 0) {
            ::kill(pid_t(p.processId()), SIGKILL);
            killedMidWrite = true;
            break;
        }
        QThread::msleep(2);
    }
    p.waitForFinished();
    QVERIFY2(killedMidWrite, "the writer ended before it could be killed");
    QFile f(target);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), old);
    f.close();
    // The next write replaces it completely.
    Run r = runCli({"convert", fixture("test_glove.txt"), target, "--quiet"});
    QCOMPARE(r.code, 0);
    QCOMPARE(load(target.toStdString())->size(), std::size_t(76));
    for (const auto &stale : dir.entryInfoList({"precious.txt.tmp-*"}, QDir::Files))
        QFile::remove(stale.filePath()); // what SIGKILL left behind
}

void TstCli::contextErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("message");
    const QString model = QStringLiteral(EMBEX_FIXTURES "/bert/bert-mlm-f32");
    QTest::newRow("no sentence") << QStringList{"context", model} << 2
                                 << "usage: embex-cli context";
    QTest::newRow("bad layer") << QStringList{"context", model, "--layer", "99", "a [b] c"} << 2
                               << "--layer must be all, last4 or an integer from -4 to 3";
    QTest::newRow("no target") << QStringList{"context", model, "no marker here"} << 1
                               << "sentence 1 has no [target]";
    QTest::newRow("word nowhere") << QStringList{"context", model, "--word", "lake", "a river"} << 1
                                  << "'lake' does not occur";
    QTest::newRow("predict without head")
        << QStringList{"context", QStringLiteral(EMBEX_FIXTURES "/bert/bert-f16"), "--predict", "3",
                       "the [bank]"}
        << 1 << "has no masked-language-model head";
    QTest::newRow("bad threshold") << QStringList{"context", model, "--threshold", "2", "a [b]"}
                                   << 2 << "--threshold must be a cosine from -1 to 1";
    QTest::newRow("missing folder")
        << QStringList{"context", m_dir.filePath("no-model"), "the [bank]"} << 1 << "no-model";
    QTest::newRow("vectors file is not a model")
        << QStringList{"context", fixture("test_glove.txt"), "the [bank]"} << 1 << "test_glove.txt";
}

void TstCli::contextErrors()
{
    QFETCH(QStringList, args);
    QFETCH(int, code);
    QFETCH(QString, message);
    Run r = runCli(args);
    QCOMPARE(r.code, code);
    QVERIFY2(QString(r.err).contains(message), r.err.constData());
    QVERIFY(r.out.isEmpty());
}

QTEST_GUILESS_MAIN(TstCli)
#include "tst_cli.moc"
