// Word-vector evaluation against oracles: gensim's numbers on the shipped GloVe set (precomputed
// by tests/make_eval_expected.py), a double-precision brute force of gensim's loop on random
// sets, scipy's correlations, and every malformed-file rule.
#include "eval/Evaluation.h"
#include "io/Formats.h"
#include "support/TestData.h"
#include "support/TestSanitizers.h"
#include "util/FormatError.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <random>

using namespace embex;
using embex::test::kSanitized;

namespace {

QJsonObject expectedJson()
{
    QFile f(QStringLiteral(EMBEX_FIXTURES "/eval/expected_glove50k.json"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

const EmbeddingSetPtr &gloveSet()
{
    static const EmbeddingSetPtr set = load(EMBEX_DEFAULT_SET);
    return set;
}

/// A set from words and rows of values.
EmbeddingSetPtr makeSet(std::vector<std::string> words, std::vector<std::vector<float>> rows)
{
    std::vector<float> data;
    for (const auto &r : rows)
        data.insert(data.end(), r.begin(), r.end());
    const std::size_t dim = rows.empty() ? 1 : rows[0].size();
    return std::make_shared<EmbeddingSet>(std::move(words), std::move(data), dim);
}

AnalogyFile oneSection(std::vector<AnalogyQuestion> questions, const std::string &name = "s")
{
    AnalogyFile f;
    f.path = "memory";
    f.sections.push_back({name, std::move(questions)});
    return f;
}

std::string asciiUpper(std::string s)
{
    for (char &c : s)
        c = char(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

/// gensim's evaluate_word_analogies loop in double precision, for ASCII words: whether each
/// question is correct, or nullopt when it is skipped as out of vocabulary.
std::vector<std::optional<bool>> bruteForce(const EmbeddingSet &set, const AnalogyFile &file,
                                            const EvalOptions &o)
{
    const std::size_t limit = std::min(o.restrictVocab, set.size());
    const auto key = [&](const std::string &w) {
        return o.caseInsensitive ? asciiUpper(w) : w;
    };
    std::map<std::string, WordId> okVocab;
    for (std::size_t i = limit; i-- > 0;)
        okVocab[key(set.word(WordId(i)))] = WordId(i);
    const auto unit = [&](WordId id) {
        Eigen::VectorXd v =
            Eigen::Map<const Eigen::VectorXf>(set.row(id), Eigen::Index(set.dim())).cast<double>();
        return Eigen::VectorXd(v / v.norm());
    };
    std::vector<std::optional<bool>> out;
    for (const auto &section : file.sections)
        for (const auto &q : section.questions) {
            const std::string a = key(q.a), b = key(q.b), c = key(q.c), d = key(q.expected);
            if (!okVocab.count(a) || !okVocab.count(b) || !okVocab.count(c) || !okVocab.count(d)) {
                out.push_back(std::nullopt);
                continue;
            }
            const WordId ia = okVocab[a], ib = okVocab[b], ic = okVocab[c];
            const Eigen::VectorXd ua = unit(ia), ub = unit(ib), uc = unit(ic);
            Eigen::VectorXd mean = (ub + uc - ua) / 3.0;
            mean /= mean.norm();
            std::vector<std::pair<double, WordId>> scored;
            for (std::size_t i = 0; i < limit; ++i) {
                const auto id = WordId(i);
                if (id == ia || id == ib || id == ic)
                    continue;
                const Eigen::VectorXd u = unit(id);
                double s;
                if (o.method == AnalogyMethod::Add) {
                    s = u.dot(mean);
                } else {
                    const double pa = (1 + u.dot(ua)) / 2, pb = (1 + u.dot(ub)) / 2,
                                 pc = (1 + u.dot(uc)) / 2;
                    s = pb * pc / (pa + 1e-6);
                }
                scored.push_back({-s, id});
            }
            std::sort(scored.begin(), scored.end());
            std::optional<std::string> predicted;
            for (std::size_t i = 0; i < std::min<std::size_t>(5, scored.size()); ++i) {
                predicted = key(set.word(scored[i].second));
                if (*predicted != a && *predicted != b && *predicted != c)
                    break;
            }
            out.push_back(predicted == d);
        }
    return out;
}

/// A random set of word pairs related by one offset (w12 → t12 = w12 + offset + noise), with
/// upper-case variants of some words placed anywhere (case-insensitive lookups take whichever
/// comes first, and a variant of an input word is never the answer), and questions over them,
/// some with unknown words.
struct RandomCase
{
    EmbeddingSetPtr set;
    AnalogyFile file;
};

RandomCase randomCase(unsigned seed, std::size_t pairs, std::size_t dim, std::size_t questions)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal;
    const auto randomVector = [&](float scale) {
        std::vector<float> v(dim);
        for (float &x : v)
            x = scale * normal(rng);
        return v;
    };
    const std::vector<float> offset = randomVector(1.0f);
    std::vector<std::pair<std::string, std::vector<float>>> rows;
    for (std::size_t i = 0; i < pairs; ++i) {
        std::vector<float> w = randomVector(1.0f), t = w, noise = randomVector(0.35f);
        for (std::size_t j = 0; j < dim; ++j)
            t[j] += offset[j] + noise[j];
        rows.push_back({"w" + std::to_string(i), w});
        rows.push_back({"t" + std::to_string(i), t});
        // A variant close to its word: a strong candidate, to be passed over or accepted.
        if (i % 4 == 0) {
            std::vector<float> near = randomVector(0.1f);
            for (std::size_t j = 0; j < dim; ++j)
                near[j] += (i % 8 == 0 ? w : t)[j];
            rows.push_back({(i % 8 == 0 ? "W" : "T") + std::to_string(i), near});
        }
    }
    std::shuffle(rows.begin(), rows.end(), rng);
    std::vector<std::string> names;
    std::vector<std::vector<float>> values;
    for (auto &[name, v] : rows) {
        names.push_back(name);
        values.push_back(v);
    }
    RandomCase rc;
    rc.set = makeSet(names, values);
    rc.file.path = "random";
    std::uniform_int_distribution<std::size_t> pick(0, pairs - 1);
    std::uniform_int_distribution<int> percent(0, 99);
    const auto word = [&](const char *prefix, std::size_t i) {
        const int p = percent(rng);
        if (p < 3)
            return std::string("unknown") + std::to_string(i);
        return (p < 20 ? asciiUpper(prefix) : std::string(prefix)) + std::to_string(i);
    };
    for (std::size_t s = 0; s < 3; ++s) {
        AnalogyFile::Section section{"section " + std::to_string(s), {}};
        for (std::size_t q = 0; q < questions / 3; ++q) {
            const std::size_t i = pick(rng), j = pick(rng);
            section.questions.push_back(
                {word("w", i), word("t", i), word("w", j), word("t", j), q + 1});
        }
        rc.file.sections.push_back(std::move(section));
    }
    return rc;
}

QString writeFile(const QTemporaryDir &dir, const char *name, const QByteArray &content)
{
    const QString path = dir.filePath(QString::fromUtf8(name));
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write(content);
    return path;
}

class CancelAfter : public Progress
{
public:
    explicit CancelAfter(int reports) : m_left(reports) {}
    void report(double fraction, std::string_view) override
    {
        fractions.push_back(fraction);
        if (--m_left <= 0)
            m_cancel = true;
    }
    bool cancelled() const override { return m_cancel; }
    std::vector<double> fractions;

private:
    int m_left;
    std::atomic<bool> m_cancel{false};
};

} // namespace

class TstEval : public QObject
{
    Q_OBJECT
private slots:
    void analogiesMatchGensim_data();
    void analogiesMatchGensim();
    void wordPairsMatchGensim_data();
    void wordPairsMatchGensim();
    void analogiesMatchBruteForce_data();
    void analogiesMatchBruteForce();
    void sameForAnyThreadCount();
    void caseVariants();
    void restrictVocab();
    void outOfVocabularyAndDummy();
    void nothingInVocabulary();
    void correlationsMatchScipy();
    void pythonUpper();
    void readsFiles();
    void malformedFiles_data();
    void malformedFiles();
    void progressAndCancel();
    void evaluateReport();

private:
    QTemporaryDir m_dir;
};

void TstEval::analogiesMatchGensim_data()
{
    QTest::addColumn<QJsonObject>("expected");
    const QJsonArray rows = expectedJson()["analogies"].toArray();
    QVERIFY(!rows.isEmpty());
    for (const auto &row : rows) {
        const QJsonObject o = row.toObject();
        const int restrict = o["restrict_vocab"].toInt();
        // Sanitizer builds run the gensim comparison on the 10,000-word restriction only (a
        // fifth of the work); the full one is a property of the Release build.
        if (kSanitized &&restrict > 10000)
            continue;
        const QString name = QStringLiteral("%1 %2 restrict %3%4%5")
                                 .arg(o["file"].toString(), o["method"].toString())
                                 .arg(restrict)
                                 .arg(o["case_insensitive"].toBool() ? "" : " case-sensitive",
                                      o["dummy4unknown"].toBool() ? " dummy4unknown" : "");
        QTest::newRow(name.toUtf8().constData()) << o;
    }
}

void TstEval::analogiesMatchGensim()
{
    QFETCH(QJsonObject, expected);
    const auto &set = gloveSet();
    QCOMPARE(qint64(set->size()), expectedJson()["words"].toInteger());
    EvalOptions o;
    o.restrictVocab = std::size_t(expected["restrict_vocab"].toInt());
    o.caseInsensitive = expected["case_insensitive"].toBool();
    o.dummy4unknown = expected["dummy4unknown"].toBool();
    o.method = expected["method"].toString() == "mul" ? AnalogyMethod::Mul : AnalogyMethod::Add;
    const AnalogyFile file = readAnalogyFile(
        test::evalSet(expected["file"].toString().toUtf8().constData()).toStdString());
    const AnalogyResult r = evaluateAnalogies(*set, file, o);

    const QJsonArray sections = expected["sections"].toArray();
    QCOMPARE(qsizetype(r.sections.size()), sections.size());
    for (qsizetype i = 0; i < sections.size(); ++i) {
        const QJsonObject s = sections[i].toObject();
        const auto &got = r.sections[std::size_t(i)];
        QCOMPARE(QString::fromStdString(got.name), s["name"].toString());
        QCOMPARE(qint64(got.correct), s["correct"].toInteger());
        QCOMPARE(qint64(got.incorrect), s["incorrect"].toInteger());
    }
    QCOMPARE(qint64(r.total.correct), expected["correct"].toInteger());
    QCOMPARE(qint64(r.total.incorrect), expected["incorrect"].toInteger());
    QCOMPARE(qint64(r.questions), expected["questions"].toInteger());
    if (expected.contains("oov"))
        QCOMPARE(qint64(r.total.outOfVocabulary), expected["oov"].toInteger());
    QVERIFY(r.problem().empty());
}

void TstEval::wordPairsMatchGensim_data()
{
    QTest::addColumn<QJsonObject>("expected");
    const QJsonArray rows = expectedJson()["word_pairs"].toArray();
    QVERIFY(!rows.isEmpty());
    for (const auto &row : rows) {
        const QJsonObject o = row.toObject();
        const QString name = QStringLiteral("%1 restrict %2%3%4")
                                 .arg(o["file"].toString())
                                 .arg(o["restrict_vocab"].toInt())
                                 .arg(o["case_insensitive"].toBool() ? "" : " case-sensitive",
                                      o["dummy4unknown"].toBool() ? " dummy4unknown" : "");
        QTest::newRow(name.toUtf8().constData()) << o;
    }
}

void TstEval::wordPairsMatchGensim()
{
    QFETCH(QJsonObject, expected);
    EvalOptions o;
    o.restrictVocab = std::size_t(expected["restrict_vocab"].toInt());
    o.caseInsensitive = expected["case_insensitive"].toBool();
    o.dummy4unknown = expected["dummy4unknown"].toBool();
    const WordPairFile file = readWordPairFile(
        test::evalSet(expected["file"].toString().toUtf8().constData()).toStdString());
    const WordPairResult r = evaluateWordPairs(*gloveSet(), file, o);
    QCOMPARE(qint64(r.pairs), expected["pairs"].toInteger());
    QVERIFY(r.pearson && r.spearman);
    QVERIFY2(std::abs(*r.pearson - expected["pearson"].toDouble()) < 1e-6,
             qPrintable(QString::number(*r.pearson, 'g', 17)));
    QVERIFY2(std::abs(*r.spearman - expected["spearman"].toDouble()) < 1e-6,
             qPrintable(QString::number(*r.spearman, 'g', 17)));
    QVERIFY(std::abs(r.oovPercent() - expected["oov_ratio"].toDouble()) < 1e-9);
    QVERIFY(r.problem().empty());
}

void TstEval::analogiesMatchBruteForce_data()
{
    QTest::addColumn<unsigned>("seed");
    QTest::addColumn<bool>("mul");
    QTest::addColumn<bool>("caseInsensitive");
    QTest::addColumn<int>("restrict");
    QTest::addColumn<unsigned>("threads");
    QTest::newRow("add") << 1u << false << true << 300000 << 2u;
    QTest::newRow("add, restricted, 3 threads") << 2u << false << true << 1800 << 3u;
    QTest::newRow("add, case-sensitive") << 3u << false << false << 300000 << 1u;
    QTest::newRow("mul") << 4u << true << true << 300000 << 2u;
    QTest::newRow("mul, restricted, case-sensitive") << 5u << true << false << 2001 << 4u;
}

void TstEval::analogiesMatchBruteForce()
{
    QFETCH(unsigned, seed);
    QFETCH(bool, mul);
    QFETCH(bool, caseInsensitive);
    QFETCH(int, restrict);
    QFETCH(unsigned, threads);
    // More than one row block (1,024) and question batch (256), with partial ones.
    const RandomCase rc = randomCase(seed, 1100, 12, 900);
    EvalOptions o;
    o.method = mul ? AnalogyMethod::Mul : AnalogyMethod::Add;
    o.caseInsensitive = caseInsensitive;
    o.restrictVocab = std::size_t(restrict);
    o.threads = threads;
    const auto oracle = bruteForce(*rc.set, rc.file, o);
    const AnalogyResult r = evaluateAnalogies(*rc.set, rc.file, o);
    std::size_t q = 0, correct = 0, incorrect = 0, oov = 0;
    for (std::size_t s = 0; s < rc.file.sections.size(); ++s) {
        std::size_t sc = 0, si = 0, so = 0;
        for (std::size_t i = 0; i < rc.file.sections[s].questions.size(); ++i, ++q) {
            if (!oracle[q])
                ++so;
            else
                ++(*oracle[q] ? sc : si);
        }
        QCOMPARE(r.sections[s].correct, sc);
        QCOMPARE(r.sections[s].incorrect, si);
        QCOMPARE(r.sections[s].outOfVocabulary, so);
        correct += sc;
        incorrect += si;
        oov += so;
    }
    QCOMPARE(r.total.correct, correct);
    QCOMPARE(r.total.incorrect, incorrect);
    QCOMPARE(r.total.outOfVocabulary, oov);
    QCOMPARE(r.questions, q);
    // Both outcomes and skipped questions occur, so the comparison means something.
    QVERIFY(correct > 0 && incorrect > 0 && oov > 0);
}

void TstEval::sameForAnyThreadCount()
{
    const RandomCase rc = randomCase(9, 1500, 20, 1200);
    EvalOptions o;
    o.threads = 1;
    const AnalogyResult one = evaluateAnalogies(*rc.set, rc.file, o);
    for (unsigned t : {2u, 3u, 8u}) {
        o.threads = t;
        const AnalogyResult many = evaluateAnalogies(*rc.set, rc.file, o);
        for (std::size_t s = 0; s < one.sections.size(); ++s) {
            QCOMPARE(many.sections[s].correct, one.sections[s].correct);
            QCOMPARE(many.sections[s].incorrect, one.sections[s].incorrect);
        }
    }
}

void TstEval::caseVariants()
{
    // "Paris" comes first, so PARIS means row 0 and "paris" is its variant: never an answer to
    // a question using Paris, and a correct answer when expected.
    auto set = makeSet({"Paris", "france", "berlin", "germany", "paris", "rome", "italy"},
                       {{1, 0, 0, 0.1f},
                        {1, 0, 1, 0},
                        {0, 1, 0, 0.1f},
                        {0, 1, 1, 0},
                        {1, 0, 0.2f, 0.1f},
                        {0.5f, 0.5f, 0, 0.3f},
                        {0.5f, 0.5f, 1, 0.3f}});
    // Upper-cased, PARIS and paris both mean row 0. In the fourth question the best answer is
    // row 4 ("paris"), a variant of the input Paris: it is passed over for "france".
    const AnalogyFile f = oneSection({{"berlin", "germany", "PARIS", "France", 1},
                                      {"BERLIN", "GERMANY", "Paris", "FRANCE", 2},
                                      {"germany", "berlin", "france", "paris", 3},
                                      {"berlin", "berlin", "Paris", "france", 4}});
    const AnalogyResult r = evaluateAnalogies(*set, f);
    QCOMPARE(r.total.correct, std::size_t(4));
    QCOMPARE(r.total.outOfVocabulary, std::size_t(0));

    EvalOptions sensitive;
    sensitive.caseInsensitive = false;
    const AnalogyResult s = evaluateAnalogies(*set, f, sensitive);
    // As written, the first two questions have unknown words; the third's answer is "Paris"
    // (row 0, nearer than row 4), not "paris"; the fourth's is "paris", not an input now.
    QCOMPARE(s.total.outOfVocabulary, std::size_t(2));
    QCOMPARE(s.total.correct, std::size_t(0));
    QCOMPARE(s.total.incorrect, std::size_t(2));

    // Word pairs take the first variant too: "paris" means row 0.
    const WordPairFile pairs{
        "memory",
        {{"paris", "france", 1.0, 1}, {"Berlin", "germany", 2.0, 2}, {"ROME", "italy", 3.0, 3}}};
    const WordPairResult p = evaluateWordPairs(*set, pairs);
    QCOMPARE(p.used, std::size_t(3));
    const RowMatrix &n = set->normalized();
    const auto cosine = [&](int a, int b) {
        return n.row(a).cast<double>().dot(n.row(b).cast<double>());
    };
    const double gold[] = {1.0, 2.0, 3.0};
    const double model[] = {cosine(0, 1), cosine(2, 3), cosine(5, 6)};
    QCOMPARE(*p.spearman, *spearman(gold, model));
    QCOMPARE(*p.pearson, *pearson(gold, model));
    QVERIFY(std::abs(cosine(0, 1) - cosine(4, 1)) > 0.1); // row 4 would give other numbers
}

void TstEval::restrictVocab()
{
    // "queen" is the answer but lies beyond the first four words: with restrictVocab 4 the
    // question is out of vocabulary; with 5 it is answered; "consort" (row 5, nearer still)
    // is only a candidate with 6.
    auto set =
        makeSet({"man", "woman", "king", "apple", "queen", "consort"},
                {{1, 0, 0}, {0, 1, 0}, {1, 0, 1}, {-1, -1, 0.2f}, {0, 1, 1}, {-0.29f, 1, 0.7f}});
    const AnalogyFile f = oneSection({{"man", "king", "woman", "queen", 1}});
    EvalOptions o;
    o.restrictVocab = 4;
    QCOMPARE(evaluateAnalogies(*set, f, o).total.outOfVocabulary, std::size_t(1));
    o.restrictVocab = 5;
    QCOMPARE(evaluateAnalogies(*set, f, o).total.correct, std::size_t(1));
    o.restrictVocab = 6;
    const AnalogyResult r = evaluateAnalogies(*set, f, o);
    QCOMPARE(r.total.incorrect, std::size_t(1));
    QCOMPARE(r.total.outOfVocabulary, std::size_t(0));
}

void TstEval::outOfVocabularyAndDummy()
{
    auto set = makeSet({"a", "b", "c", "d", "e"}, {{1, 0}, {0, 1}, {1, 1}, {-1, 0.5f}, {0.3f, -1}});
    const WordPairFile pairs{"memory",
                             {{"a", "b", 1.0, 1},
                              {"a", "zz", 2.0, 2},
                              {"c", "d", 3.0, 3},
                              {"b", "e", 0.5, 4},
                              {"yy", "e", 4.0, 5}}};
    const WordPairResult skip = evaluateWordPairs(*set, pairs);
    QCOMPARE(skip.used, std::size_t(3));
    QCOMPARE(skip.outOfVocabulary, std::size_t(2));
    QCOMPARE(skip.oovPercent(), 40.0);

    EvalOptions dummy;
    dummy.dummy4unknown = true;
    const WordPairResult zero = evaluateWordPairs(*set, pairs, dummy);
    QCOMPARE(zero.used, std::size_t(5));
    // gensim divides by the pairs used, which with dummy4unknown include the unknown ones.
    QCOMPARE(zero.oovPercent(), 40.0);
    const double gold[] = {1.0, 2.0, 3.0, 0.5, 4.0};
    const double model[] = {0.0, 0.0, 1.0 / std::sqrt(2.0) * (-1 + 0.5) / std::sqrt(1.25),
                            -1.0 / std::sqrt(1.09), 0.0};
    QVERIFY(std::abs(*zero.spearman - *spearman(gold, model)) < 1e-12);

    const AnalogyFile f = oneSection({{"a", "b", "c", "d", 1}, {"a", "b", "c", "nope", 2}});
    const AnalogyResult r = evaluateAnalogies(*set, f);
    QCOMPARE(r.total.outOfVocabulary, std::size_t(1));
    QCOMPARE(r.total.evaluated(), std::size_t(1));
    QCOMPARE(r.oovPercent(), 50.0);
    const AnalogyResult rd = evaluateAnalogies(*set, f, dummy);
    QCOMPARE(rd.total.evaluated(), std::size_t(2));
    QVERIFY(rd.total.incorrect >= 1);
}

void TstEval::nothingInVocabulary()
{
    auto set = makeSet({"x", "y"}, {{1, 0}, {0, 1}});
    const AnalogyResult r = evaluateAnalogies(*set, oneSection({{"a", "b", "c", "d", 1}}));
    QCOMPARE(r.total.evaluated(), std::size_t(0));
    QCOMPARE(r.total.accuracy(), 0.0);
    QVERIFY2(r.problem().find("none of the 1 questions") != std::string::npos, r.problem().c_str());
    const WordPairResult p = evaluateWordPairs(*set, {"pairs.tsv", {{"a", "b", 1.0, 1}}});
    QVERIFY(!p.pearson && !p.spearman);
    QCOMPARE(p.oovPercent(), 100.0);
    QCOMPARE(QString::fromStdString(p.problem()),
             QString("pairs.tsv: none of the 1 pairs has both words in the vocabulary"));
    // One pair, or constant scores: no correlation, and a reason instead of NaN.
    const WordPairResult one = evaluateWordPairs(*set, {"p", {{"x", "y", 1.0, 1}}});
    QVERIFY(!one.spearman);
    QVERIFY(one.problem().find("only 1 pair") != std::string::npos);
    const WordPairResult flat =
        evaluateWordPairs(*set, {"p", {{"x", "y", 1.0, 1}, {"y", "x", 2.0, 2}}});
    QVERIFY(!flat.spearman && !flat.pearson);
    QVERIFY(flat.problem().find("all equal") != std::string::npos);
}

void TstEval::correlationsMatchScipy()
{
    // scipy 1.10: rankdata, spearmanr, pearsonr on data with ties.
    const double x[] = {1, 2, 2, 3, 5, 5, 5, 8};
    const double y[] = {2, 1, 4, 4, 6, 0.5, 7, 7};
    const std::vector<double> ranks = averageRanks(x);
    QCOMPARE(ranks, (std::vector<double>{1, 2.5, 2.5, 4, 6, 6, 6, 8}));
    QVERIFY(std::abs(*spearman(x, y) - 0.5528910237108493) < 1e-14);
    QVERIFY(std::abs(*pearson(x, y) - 0.6096087177971067) < 1e-14);
    const double u[] = {0.1, 0.4, 0.4, 0.2, 0.9, 0.3};
    const double v[] = {3, 3, 3, 1, 2, 2};
    QVERIFY(std::abs(*spearman(u, v) - 0.06262242910851495) < 1e-14);
    QVERIFY(std::abs(*pearson(u, v) - -0.05859587353090473) < 1e-14);
    const double c[] = {2, 2, 2};
    QVERIFY(!pearson(c, u).has_value());
    QVERIFY(!spearman(u, c).has_value());
    QVERIFY(!pearson(std::span(x, 1), std::span(y, 1)).has_value());
    QCOMPARE(*spearman(x, x), 1.0);
}

void TstEval::pythonUpper()
{
    // Python 3.11: str.upper()
    QCOMPARE(embex::pythonUpper("athens Greece"), std::string("ATHENS GREECE"));
    QCOMPARE(embex::pythonUpper("straße"), std::string("STRASSE"));
    QCOMPARE(embex::pythonUpper("ǅemal"), std::string("ǄEMAL"));
    QCOMPARE(embex::pythonUpper("ﬁne"), std::string("FINE"));
    QCOMPARE(embex::pythonUpper("ıstanbul"), std::string("ISTANBUL"));
    QCOMPARE(embex::pythonUpper("σοφός"), std::string("ΣΟΦΌΣ"));
    QCOMPARE(embex::pythonUpper("ёлка"), std::string("ЁЛКА"));
    QCOMPARE(embex::pythonUpper("ŉ"), std::string("ʼN"));
    QCOMPARE(embex::pythonUpper("İi"), std::string("İI"));
    QCOMPARE(embex::pythonUpper("ꭰ"), std::string("Ꭰ"));
    QCOMPARE(embex::pythonUpper("日本"), std::string("日本"));
    QCOMPARE(embex::pythonUpper("a\xff"
                                "b\xc3"),
             std::string("A\xff"
                         "B\xc3"));
}

void TstEval::readsFiles()
{
    const AnalogyFile a = readAnalogyFile(test::evalSet("questions-words.txt").toStdString());
    QCOMPARE(a.sections.size(), std::size_t(14));
    QCOMPARE(a.questionCount(), std::size_t(19544));
    QCOMPARE(a.sections[0].name, std::string("capital-common-countries"));
    QCOMPARE(a.sections[0].questions[0].a, std::string("Athens"));
    QCOMPARE(a.sections[0].questions[0].expected, std::string("Iraq"));
    QCOMPARE(a.sections[0].questions[0].line, std::uint64_t(2));
    QCOMPARE(a.sections[13].name, std::string("gram9-plural-verbs"));

    const WordPairFile w = readWordPairFile(test::evalSet("wordsim353.tsv").toStdString());
    QCOMPARE(w.pairs.size(), std::size_t(353));
    QCOMPARE(w.pairs[0].a, std::string("love"));
    QCOMPARE(w.pairs[0].score, 6.77);
    QCOMPARE(w.pairs[0].line, std::uint64_t(3));
    QCOMPARE(readWordPairFile(test::evalSet("simlex999.txt").toStdString()).pairs.size(),
             std::size_t(999));

    // CRLF, a BOM, blank lines, '#' comments, tabs and odd spacing are fine; gzip too.
    const QString crlf = writeFile(m_dir, "crlf.txt",
                                   "\xEF\xBB\xBF: one two\r\n\r\nA\tB  C D\r\n: :three\n"
                                   "e f g h");
    const AnalogyFile c = readAnalogyFile(crlf.toStdString());
    QCOMPARE(c.sections.size(), std::size_t(2));
    QCOMPARE(c.sections[0].name, std::string("one two"));
    QCOMPARE(c.sections[1].name, std::string("three"));
    QCOMPARE(c.sections[0].questions.size(), std::size_t(1));
    QCOMPARE(c.sections[0].questions[0].b, std::string("B"));
    QCOMPARE(c.sections[0].questions[0].expected, std::string("D"));
    QCOMPARE(c.sections[0].questions[0].line, std::uint64_t(3));
    QCOMPARE(c.sections[1].questions[0].expected, std::string("h"));

    const QString pairs =
        writeFile(m_dir, "pairs.tsv", "# comment\r\n\r\nOld\tnew\t 1.5 \r\nx y\tz\t+2e0\rp\tq\t-3");
    const WordPairFile p = readWordPairFile(pairs.toStdString());
    QCOMPARE(p.pairs.size(), std::size_t(3));
    QCOMPARE(p.pairs[0].a, std::string("Old"));
    QCOMPARE(p.pairs[0].score, 1.5);
    QCOMPARE(p.pairs[0].line, std::uint64_t(3));
    QCOMPARE(p.pairs[1].a, std::string("x y"));
    QCOMPARE(p.pairs[1].score, 2.0);
    QCOMPARE(p.pairs[2].score, -3.0);
    QCOMPARE(p.pairs[2].line, std::uint64_t(5));
}

void TstEval::malformedFiles_data()
{
    QTest::addColumn<bool>("analogies");
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("message");
    QTest::newRow("three words") << true << QByteArray(": s\na b c d\na b c\n")
                                 << "bad.txt:3: expected 4 words 'A B C D'";
    QTest::newRow("five words") << true << QByteArray(": s\na b c d e\n")
                                << "bad.txt:2: expected 4 words 'A B C D' (A is to B as C is "
                                   "to D), found 5";
    QTest::newRow("no section") << true << QByteArray("\na b c d\n")
                                << "bad.txt:2: question before the first section line";
    QTest::newRow("invalid UTF-8")
        << true << QByteArray(": s\na b\xff c d\n") << "bad.txt:2: invalid UTF-8 (byte 4)";
    QTest::newRow("no questions") << true << QByteArray(": s\n\n: t\n")
                                  << "bad.txt: no analogy questions";
    QTest::newRow("empty analogies") << true << QByteArray() << "bad.txt: no analogy questions";
    QTest::newRow("two fields") << false << QByteArray("# c\na\tb\t1\na\tb\n")
                                << "bad.txt:3: expected 3 tab-separated fields (word1, word2, "
                                   "score), found 2";
    QTest::newRow("spaces") << false << QByteArray("a b 1\n")
                            << "bad.txt:1: expected 3 tab-separated fields";
    QTest::newRow("four fields") << false << QByteArray("a\tb\t1\t2\n") << "found 4";
    QTest::newRow("score not a number")
        << false << QByteArray("a\tb\t1\nc\td\tx7\n") << "bad.txt:2: score 'x7' is not a number";
    QTest::newRow("score with junk")
        << false << QByteArray("a\tb\t1.5.2\n") << "bad.txt:1: score '1.5.2' is not a number";
    QTest::newRow("double sign") << false << QByteArray("a\tb\t+-1\n") << "is not a number";
    QTest::newRow("empty score") << false << QByteArray("a\tb\t\n")
                                 << "bad.txt:1: score '' is not a number";
    QTest::newRow("nan score") << false << QByteArray("a\tb\tnan\n")
                               << "bad.txt:1: score 'nan' is not finite";
    QTest::newRow("huge score") << false << QByteArray("a\tb\t1e999\n") << "is not finite";
    QTest::newRow("only comments") << false << QByteArray("# a\n# b\n") << "bad.txt: no word pairs";
    QTest::newRow("pairs invalid UTF-8")
        << false << QByteArray("a\t\xc3\x28\t1\n") << "bad.txt:1: invalid UTF-8 (byte 3)";
}

void TstEval::malformedFiles()
{
    QFETCH(bool, analogies);
    QFETCH(QByteArray, content);
    QFETCH(QString, message);
    const std::string path = writeFile(m_dir, "bad.txt", content).toStdString();
    try {
        if (analogies)
            readAnalogyFile(path);
        else
            readWordPairFile(path);
        QFAIL("no error");
    } catch (const FormatError &e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(message), e.what());
        QCOMPARE(e.path(), path);
    }
    // A missing file names itself.
    const std::string missing = m_dir.filePath("missing.txt").toStdString();
    try {
        analogies ? (void)readAnalogyFile(missing) : (void)readWordPairFile(missing);
        QFAIL("no error");
    } catch (const std::exception &e) {
        QVERIFY2(std::string(e.what()).find("missing.txt") != std::string::npos, e.what());
    }
}

void TstEval::progressAndCancel()
{
    const RandomCase rc = randomCase(11, 1000, 16, 1500);
    EvalOptions o;
    o.threads = 1;
    CancelAfter never(1 << 30);
    evaluateAnalogies(*rc.set, rc.file, o, never);
    QVERIFY(never.fractions.size() >= 4);
    QVERIFY(std::is_sorted(never.fractions.begin(), never.fractions.end()));
    QCOMPARE(never.fractions.back(), 1.0);

    for (unsigned threads : {1u, 3u}) {
        o.threads = threads;
        // With one thread the third report comes mid-run; with three, only thread 0 reports
        // and the others may finish every batch first, so cancel at the first report.
        CancelAfter soon(threads == 1 ? 3 : 1);
        QVERIFY_THROWS_EXCEPTION(Cancelled, evaluateAnalogies(*rc.set, rc.file, o, soon));
    }
}

void TstEval::evaluateReport()
{
    // The shipped files through the one-call API: the small restriction keeps it quick, and
    // the answers equal the per-file calls.
    EvalOptions o;
    o.restrictVocab = 3000;
    CancelAfter progress(1 << 30);
    const std::vector<std::string> analogies{test::evalSet("questions-words.txt").toStdString()};
    const std::vector<std::string> pairs{test::evalSet("wordsim353.tsv").toStdString(),
                                         test::evalSet("simlex999.txt").toStdString()};
    const EvaluationReport report = evaluate(*gloveSet(), analogies, pairs, o, progress);
    QCOMPARE(report.analogies.size(), std::size_t(1));
    QCOMPARE(report.wordPairs.size(), std::size_t(2));
    const AnalogyResult direct = evaluateAnalogies(*gloveSet(), readAnalogyFile(analogies[0]), o);
    QCOMPARE(report.analogies[0].total.correct, direct.total.correct);
    QCOMPARE(report.analogies[0].total.incorrect, direct.total.incorrect);
    QCOMPARE(*report.wordPairs[1].spearman,
             *evaluateWordPairs(*gloveSet(), readWordPairFile(pairs[1]), o).spearman);
    QVERIFY(std::is_sorted(progress.fractions.begin(), progress.fractions.end()));
    QCOMPARE(progress.fractions.back(), 1.0);

    // A malformed file anywhere stops everything before any work.
    const std::string bad = writeFile(m_dir, "bad.tsv", "a\tb\n").toStdString();
    CancelAfter none(1 << 30);
    QVERIFY_THROWS_EXCEPTION(FormatError,
                             evaluate(*gloveSet(), analogies, {pairs[0], bad}, o, none));
}

QTEST_GUILESS_MAIN(TstEval)
#include "tst_eval.moc"
