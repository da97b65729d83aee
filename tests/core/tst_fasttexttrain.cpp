// fastText training through libfasttext: a small corpus trains (skip-gram and CBOW), every
// vocabulary word gets a vector, a misspelt word gets a subword vector close to the right
// spelling, the native .bin round-trips through Embex's reader with identical vectors, one
// thread is deterministic, snapshots arrive, cancellation is quick and the temporary corpus file
// is always removed.
#include "io/Formats.h"
#include "support/TestSanitizers.h"
#include "support/TrainTestSupport.h"
#include "train/Trainer.h"

#include <QtTest>

#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

using namespace embex;
using embex::test::cosine;
using embex::test::kSanitized;
using embex::test::sameVectors;

namespace {

/// Long words with shared pieces, so that character n-grams carry meaning.
const std::vector<std::string> kWords = {
    "understanding",
    "misunderstanding",
    "understandable",
    "international",
    "internationally",
    "nationality",
    "relationship",
    "relationships",
    "photographer",
    "photography",
    "photographic",
    "responsibility",
    "responsible",
    "irresponsible",
    "communication",
    "communicate",
    "communicating",
    "extraordinary",
    "ordinary",
    "ordinarily",
    "unbelievable",
    "believable",
    "believing",
    "environment",
    "environmental",
    "government",
    "governmental",
    "governing",
    "independence",
    "independent",
    "temperature",
    "temperatures",
    "vegetables",
    "vegetable",
    "mathematics",
    "mathematical",
    "the",
    "a",
    "of",
    "and",
};

std::vector<std::vector<std::string>> corpusSentences(int count, std::uint32_t seed)
{
    std::mt19937 gen(seed);
    std::vector<std::vector<std::string>> out;
    for (int s = 0; s < count; ++s) {
        std::vector<std::string> sentence;
        const int len = 6 + int(gen() % 10);
        for (int i = 0; i < len; ++i)
            sentence.push_back(kWords[gen() % kWords.size()]);
        out.push_back(std::move(sentence));
    }
    return out;
}

/// Files in a folder.
std::vector<std::string> filesIn(const QString &dir)
{
    std::vector<std::string> out;
    for (const auto &e : std::filesystem::directory_iterator(dir.toStdString()))
        out.push_back(e.path().filename().string());
    return out;
}

/// The shared recorder, plus: cancel when a stage begins, and whether fastText's temporary
/// corpus file existed while it trained.
class Recorder : public embex::test::Recorder
{
public:
    void onStats(const TrainStats &s) override
    {
        embex::test::Recorder::onStats(s);
        if (s.stage == "training" && !tempFolder.isEmpty())
            sawTempFile = sawTempFile || !filesIn(tempFolder).empty();
        if (!cancelOnStage.empty() && s.stage == cancelOnStage)
            cancel();
    }

    std::string cancelOnStage;
    QString tempFolder;
    bool sawTempFile = false;
};

TrainOptions fastTextOptions(TrainModel model = TrainModel::FastText)
{
    TrainOptions o;
    o.model = model;
    o.dim = 24;
    o.epochs = 10;
    o.buckets = 20000; // 20,000 × 24 floats instead of fastText's 2,000,000 rows
    o.threads = 2;
    return o;
}

} // namespace

class TestFastTextTrain : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void trainsAndCoversVocabulary_data();
    void trainsAndCoversVocabulary();
    void misspeltWordGetsSubwordVector();
    void nativeModelRoundTrips();
    void deterministicWithOneThread();
    void snapshots();
    void cancelIsQuickAndCleansUp();
    void cancelBeforeTraining();
    void rejectsBucketsZeroWithSubwords();

private:
    QTemporaryDir m_temp; // TMPDIR for the runs, so leftovers can be seen
    std::shared_ptr<TrainingCorpus> m_corpus;
};

void TestFastTextTrain::initTestCase()
{
    QVERIFY(m_temp.isValid());
    qputenv("TMPDIR", m_temp.path().toUtf8());
    QCOMPARE(QString::fromStdString(std::filesystem::temp_directory_path().string()),
             m_temp.path());
    VocabOptions vo;
    vo.minCount = 1;
    m_corpus = TrainingCorpus::fromSentences(corpusSentences(kSanitized ? 1000 : 3000, 1), vo);
    QCOMPARE(m_corpus->vocabulary().size(), kWords.size());
}

void TestFastTextTrain::cleanup()
{
    // Whatever happened, no temporary corpus is left behind.
    QCOMPARE(filesIn(m_temp.path()), std::vector<std::string>{});
}

void TestFastTextTrain::trainsAndCoversVocabulary_data()
{
    QTest::addColumn<int>("model");
    QTest::newRow("skipgram") << int(TrainModel::FastText);
    QTest::newRow("cbow") << int(TrainModel::FastTextCbow);
}

void TestFastTextTrain::trainsAndCoversVocabulary()
{
    QFETCH(int, model);
    Recorder r;
    r.tempFolder = m_temp.path();
    TrainOptions o = fastTextOptions(TrainModel(model));
    o.statsInterval = 0;
    const TrainResult result = train(*m_corpus, o, r);
    const EmbeddingSet &v = *result.vectors;
    QCOMPARE(v.words(), m_corpus->vocabulary().words());
    QCOMPARE(v.dim(), std::size_t(24));
    for (std::size_t i = 0; i < v.size(); ++i) {
        const float norm = v.norms()[Eigen::Index(i)];
        QVERIFY2(std::isfinite(norm) && norm > 0, v.word(WordId(i)).c_str());
    }
    QCOMPARE(v.metadata().front().name, std::string("frequency"));
    QVERIFY(r.sawTempFile);
    QCOMPARE(result.final.epochs, 10);
    QCOMPARE(result.final.fraction, 1.0);
    QVERIFY(result.final.loss > 0);
    QVERIFY(result.saveNative);
    // Related spellings end up closer than unrelated words.
    auto row = [&](const char *w) {
        return v.row(*v.find(w));
    };
    QVERIFY(cosine(row("photography"), row("photographer"), 24) >
            cosine(row("photography"), row("vegetables"), 24));
}

void TestFastTextTrain::misspeltWordGetsSubwordVector()
{
    Recorder r;
    const TrainResult result = train(*m_corpus, fastTextOptions(), r);
    const EmbeddingSet &v = *result.vectors;
    QVERIFY(!v.find("responsibilty"));
    const auto oov = v.vectorFor("responsibilty");
    QVERIFY(oov);
    QVERIFY(oov->norm() > 0);
    const Eigen::VectorXf right =
        Eigen::Map<const Eigen::VectorXf>(v.row(*v.find("responsibility")), Eigen::Index(v.dim()));
    const double toRight = double(oov->dot(right) / (oov->norm() * right.norm()));
    double best = -1;
    std::string nearest;
    for (std::size_t i = 0; i < v.size(); ++i) {
        const double c = cosine(oov->data(), v.row(WordId(i)), v.dim());
        if (c > best) {
            best = c;
            nearest = v.word(WordId(i));
        }
    }
    QVERIFY2(toRight > 0.7, qPrintable(QString::number(toRight)));
    QVERIFY2(nearest == "responsibility" || nearest == "responsible" || nearest == "irresponsible",
             nearest.c_str());
}

void TestFastTextTrain::nativeModelRoundTrips()
{
    Recorder r;
    const TrainResult result = train(*m_corpus, fastTextOptions(), r);
    QTemporaryDir out;
    const std::string path = out.filePath("model.bin").toStdString();
    result.saveNative(path);
    QCOMPARE(filesIn(out.path()), std::vector<std::string>{"model.bin"}); // no temporary left
    const EmbeddingSetPtr loaded = load(path);
    QCOMPARE(loaded->sourceFormat(), std::string("fasttext-bin"));
    const EmbeddingSet &v = *result.vectors;
    QCOMPARE(loaded->size(), v.size() + 1); // fastText's "</s>" too
    for (std::size_t i = 0; i < v.size(); ++i) {
        const auto id = loaded->find(v.word(WordId(i)));
        QVERIFY(id);
        QVERIFY(std::memcmp(loaded->row(*id), v.row(WordId(i)), v.dim() * sizeof(float)) == 0);
    }
    QVERIFY(*loaded->vectorFor("responsibilty") == *v.vectorFor("responsibilty"));
    // Saving again replaces the file atomically.
    result.saveNative(path);
    QCOMPARE(filesIn(out.path()), std::vector<std::string>{"model.bin"});
    QVERIFY_THROWS_EXCEPTION(std::runtime_error,
                             result.saveNative(out.filePath("missing/model.bin").toStdString()));
}

void TestFastTextTrain::deterministicWithOneThread()
{
    TrainOptions o = fastTextOptions();
    o.threads = 1;
    o.epochs = 3;
    o.seed = 5;
    Recorder r1, r2;
    const auto a = train(*m_corpus, o, r1);
    const auto b = train(*m_corpus, o, r2);
    QVERIFY(sameVectors(*a.vectors, *b.vectors));
}

void TestFastTextTrain::snapshots()
{
    TrainOptions o = fastTextOptions();
    o.snapshots = 2;
    o.snapshotWords = 10;
    o.epochs = kSanitized ? 20 : 60;
    Recorder r;
    const TrainResult result = train(*m_corpus, o, r);
    QCOMPARE(int(r.snapshots.size()), 3);
    for (int k = 0; k < 3; ++k) {
        QCOMPARE(r.snapshots[std::size_t(k)].index, k);
        QCOMPARE(r.snapshots[std::size_t(k)].vectors->size(), std::size_t(10));
        QCOMPARE(r.snapshots[std::size_t(k)].vectors->word(0), m_corpus->vocabulary().word(0));
    }
    QVERIFY(std::memcmp(r.snapshots[2].vectors->row(0), result.vectors->row(0),
                        10 * 24 * sizeof(float)) == 0);
    QVERIFY(!sameVectors(*r.snapshots[0].vectors, *r.snapshots[2].vectors));
}

void TestFastTextTrain::cancelIsQuickAndCleansUp()
{
    TrainOptions o = fastTextOptions();
    o.epochs = 100000; // hours of work
    o.statsInterval = 0.05;
    Recorder r;
    r.cancelAfterStats = 3;
    const auto start = std::chrono::steady_clock::now();
    QVERIFY_THROWS_EXCEPTION(Cancelled, train(*m_corpus, o, r));
    const auto end = std::chrono::steady_clock::now();
    const double latency = std::chrono::duration<double>(end - r.cancelTime).count();
    // fastText's own monitor loop checks its abort flag every 100 ms.
    QVERIFY2(latency < (kSanitized ? 1.5 : 0.5), qPrintable(QString::number(latency)));
    QVERIFY(std::chrono::duration<double>(end - start).count() < 60);
}

void TestFastTextTrain::cancelBeforeTraining()
{
    Recorder r;
    r.cancel(); // while writing the corpus
    QVERIFY_THROWS_EXCEPTION(Cancelled, train(*m_corpus, fastTextOptions(), r));
    // Once the corpus is written: while libfasttext reads it or starts its threads.
    Recorder r2;
    r2.cancelOnStage = "writing the corpus";
    QVERIFY_THROWS_EXCEPTION(Cancelled, train(*m_corpus, fastTextOptions(), r2));
}

void TestFastTextTrain::rejectsBucketsZeroWithSubwords()
{
    TrainOptions o = fastTextOptions();
    o.buckets = 0;
    Recorder r;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, train(*m_corpus, o, r));
    o.maxN = 0; // whole words only: no buckets needed, and no vectors for unknown words
    o.epochs = 2;
    const TrainResult result = train(*m_corpus, o, r);
    QVERIFY(!result.vectors->vectorFor("responsibilty"));
    QVERIFY(result.vectors->vectorFor("responsibility"));
}

QTEST_GUILESS_MAIN(TestFastTextTrain)
#include "tst_fasttexttrain.moc"
