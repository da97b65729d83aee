// GloVe against oracles: co-occurrence counts against a brute-force count (window edges,
// sentence boundaries, a word next to itself), the same counts with any thread count and with a
// memory cap small enough to spill sorted runs to disk; the per-record loss and AdaGrad step
// against finite differences; then whole runs: determinism, cached == streaming == spilled,
// planted structure, snapshots, the loss curve, cancellation.
#include "support/TestSanitizers.h"
#include "support/TrainTestSupport.h"
#include "train/Cooccurrence.h"
#include "train/GloVeKernel.h"
#include "train/Trainer.h"

#include <QtTest>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

using namespace embex;
using embex::test::cosine;
using embex::test::kSanitized;
using embex::test::Recorder;
using embex::test::sameVectors;
using namespace embex::detail;

namespace {

using Sentences = std::vector<std::vector<std::uint32_t>>;
using Table = std::vector<std::tuple<std::uint32_t, std::uint32_t, double>>;

/// Random id sentences (lengths 0..30, some longer than any window) over a Zipf-ish vocabulary.
Sentences randomSentences(int count, std::uint32_t vocab, std::uint32_t seed)
{
    std::mt19937 gen(seed);
    Sentences out;
    for (int s = 0; s < count; ++s) {
        std::vector<std::uint32_t> ids(gen() % 31);
        for (auto &id : ids) // squaring favours small ids, as frequency ranks would
            id = std::uint32_t(double(vocab) * std::pow(double(gen()) / 4294967296.0, 2.0));
        out.push_back(std::move(ids));
    }
    return out;
}

/// The definition: X_ij += 1/|p − q| for every ordered pair of positions p ≠ q within the window,
/// word i at p, word j at q, kept for i ≤ j.
std::map<std::pair<std::uint32_t, std::uint32_t>, double> bruteForce(const Sentences &sentences,
                                                                     int window)
{
    std::map<std::pair<std::uint32_t, std::uint32_t>, double> x;
    for (const auto &s : sentences)
        for (std::size_t p = 0; p < s.size(); ++p)
            for (std::size_t q = 0; q < s.size(); ++q) {
                const auto d = long(q) - long(p);
                if (d != 0 && std::abs(d) <= window && s[p] <= s[q])
                    x[{s[p], s[q]}] += 1.0 / double(std::abs(d));
            }
    return x;
}

Table count(const Sentences &sentences, std::size_t vocab, CooccurrenceCounter::Options options,
            std::size_t *spilled = nullptr)
{
    CooccurrenceCounter counter(vocab, options);
    // In batches of a few sentences, as the trainer feeds it.
    std::vector<std::uint32_t> ids;
    std::vector<std::uint64_t> off{0};
    for (std::size_t s = 0; s < sentences.size(); ++s) {
        ids.insert(ids.end(), sentences[s].begin(), sentences[s].end());
        off.push_back(ids.size());
        if (off.size() == 40 || s + 1 == sentences.size()) {
            counter.add(ids.data(), off.data(), off.size() - 1);
            ids.clear();
            off.assign(1, 0);
        }
    }
    Table out;
    counter.finish([&](std::uint32_t i, std::uint32_t j, double v) { out.emplace_back(i, j, v); });
    if (spilled)
        *spilled = counter.spilledRuns();
    return out;
}

std::vector<std::vector<std::string>> asWords(const Sentences &sentences)
{
    std::vector<std::vector<std::string>> out;
    for (const auto &s : sentences) {
        out.emplace_back();
        for (auto id : s)
            out.back().push_back("w" + std::to_string(id));
    }
    return out;
}

/// Sentences over two groups of `perGroup` words ("g0w3"); a sentence uses one group only, so
/// words of different groups never share a context.
std::vector<std::vector<std::string>> plantedCorpus(int perGroup, int sentences, std::uint32_t seed)
{
    std::mt19937 gen(seed);
    std::vector<std::vector<std::string>> out;
    for (int s = 0; s < sentences; ++s) {
        std::vector<std::string> sentence;
        const int len = 8 + int(gen() % 8);
        for (int i = 0; i < len; ++i)
            sentence.push_back("g" + std::to_string(s % 2) + "w" +
                               std::to_string(gen() % std::uint32_t(perGroup)));
        out.push_back(std::move(sentence));
    }
    return out;
}

TrainOptions gloveOptions()
{
    TrainOptions o;
    o.model = TrainModel::GloVe;
    o.dim = 16;
    o.threads = 1;
    o.epochs = 10;
    return o;
}

} // namespace

class TestGloVe : public QObject
{
    Q_OBJECT

private slots:
    void handCountedExample();
    void countsMatchBruteForce_data();
    void countsMatchBruteForce();
    void countsIndependentOfThreadsAndMemory();
    void rejectsIdsOutsideVocabulary();
    void weighting();
    void stepMatchesFiniteDifferences();
    void deterministicWithOneThread();
    void cachedStreamingAndSpilledAgree();
    void plantedGroupsSeparate();
    void snapshotsAndLossCurve();
    void cancelFromStatsIsQuick();
    void cancelWhileCounting();
};

void TestGloVe::handCountedExample()
{
    // "a b a" and "c d": (a,b) at distances 1 and 1, (a,a) at distance 2 (both orders: 2 · ½),
    // (b,a) and (c,d); nothing across the sentence boundary.
    const Sentences s{{0, 1, 0}, {2, 3}};
    CooccurrenceCounter::Options o;
    o.window = 2;
    Table t = count(s, 4, o);
    QCOMPARE(t, (Table{{0, 0, 1.0}, {0, 1, 2.0}, {2, 3, 1.0}}));
    o.window = 1; // a..a is now outside the window
    t = count(s, 4, o);
    QCOMPARE(t, (Table{{0, 1, 2.0}, {2, 3, 1.0}}));
}

void TestGloVe::countsMatchBruteForce_data()
{
    QTest::addColumn<int>("window");
    QTest::addColumn<int>("vocab");
    QTest::addColumn<qulonglong>("memory");
    QTest::newRow("window 1") << 1 << 50 << (qulonglong(1) << 30);
    QTest::newRow("window 3") << 3 << 50 << (qulonglong(1) << 30);
    QTest::newRow("window 10") << 10 << 200 << (qulonglong(1) << 30);
    QTest::newRow("window 10, sparse only") << 10 << 200 << qulonglong(4096);
    QTest::newRow("window 29, rounded weights") << 29 << 100 << (qulonglong(1) << 30);
}

void TestGloVe::countsMatchBruteForce()
{
    QFETCH(int, window);
    QFETCH(int, vocab);
    QFETCH(qulonglong, memory);
    const Sentences sentences = randomSentences(300, std::uint32_t(vocab), 7);
    CooccurrenceCounter::Options o;
    o.window = window;
    o.memoryBytes = memory;
    const Table t = count(sentences, std::size_t(vocab), o);
    const auto expected = bruteForce(sentences, window);
    QCOMPARE(t.size(), expected.size());
    // Exact 1/d up to lcm(1..22); rounded to 2^-32 beyond.
    const double tolerance = window <= 22 ? 1e-12 : 1e-8;
    auto it = expected.begin();
    for (std::size_t k = 0; k < t.size(); ++k, ++it) {
        const auto [i, j, x] = t[k];
        QCOMPARE(std::make_pair(i, j), it->first); // same pairs, in (i, j) order
        QVERIFY2(std::abs(x - it->second) <= tolerance * it->second,
                 qPrintable(QString("X(%1,%2) = %3, expected %4")
                                .arg(i)
                                .arg(j)
                                .arg(x, 0, 'g', 17)
                                .arg(it->second, 0, 'g', 17)));
    }
}

void TestGloVe::countsIndependentOfThreadsAndMemory()
{
    const Sentences sentences = randomSentences(kSanitized ? 1000 : 4000, 300, 11);
    CooccurrenceCounter::Options big;
    big.window = 10;
    const Table reference = count(sentences, 300, big);
    // Two threads; then a cap so small that the dense triangle is tiny and the sorted runs go to
    // the temporary file and are merged back.
    for (unsigned threads : {1u, 2u})
        for (std::size_t memory : {std::size_t(1) << 30, std::size_t(64) << 10}) {
            CooccurrenceCounter::Options o = big;
            o.threads = threads;
            o.memoryBytes = memory;
            std::size_t spilled = 0;
            QVERIFY(count(sentences, 300, o, &spilled) == reference);
            if (memory < (std::size_t(1) << 20))
                QVERIFY2(spilled > 2, qPrintable(QString::number(spilled)));
            else
                QCOMPARE(spilled, std::size_t(0));
        }
}

void TestGloVe::rejectsIdsOutsideVocabulary()
{
    CooccurrenceCounter counter(5, CooccurrenceCounter::Options{});
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, counter.addSentence({1, 5, 2}));
}

void TestGloVe::weighting()
{
    QCOMPARE(gloveWeight(10, 10, 0.75), 1.0f);
    QCOMPARE(gloveWeight(25, 10, 0.75), 1.0f);
    QVERIFY(std::abs(gloveWeight(5, 10, 0.75) - std::pow(0.5f, 0.75f)) < 1e-6f);
    QVERIFY(std::abs(gloveWeight(1, 100, 0.5) - 0.1f) < 1e-6f);
}

void TestGloVe::stepMatchesFiniteDifferences()
{
    // One record (word i, context j) of a 13-dimensional model (stride 16).
    const std::size_t dim = 13, stride = 16;
    std::mt19937 gen(3);
    std::uniform_real_distribution<float> u(-0.6f, 0.6f);
    using Aligned = std::vector<float, Eigen::aligned_allocator<float>>;
    Aligned w(stride, 0.0f), c(stride, 0.0f), gw(stride, 1.0f), gc(stride, 1.0f);
    for (std::size_t k = 0; k < dim; ++k) {
        w[k] = u(gen);
        c[k] = u(gen);
    }
    float bw = u(gen), bc = u(gen), gbw = 1, gbc = 1;
    const float logX = 1.3f, weight = 0.6f, eta = 0.05f;
    GloVeParams W{w.data(), gw.data(), &bw, &gbw}, C{c.data(), gc.data(), &bc, &gbc};

    // Central differences of the loss, in double through float parameters.
    auto loss = [&] {
        return gloveLoss(W, C, logX, weight, stride);
    };
    auto derivative = [&](float &x) {
        const float saved = x, h = 1e-3f;
        x = saved + h;
        const double up = loss();
        x = saved - h;
        const double down = loss();
        x = saved;
        return (up - down) / double(2 * h);
    };
    std::vector<double> expected;
    for (std::size_t k = 0; k < dim; ++k)
        expected.push_back(derivative(w[k]));
    for (std::size_t k = 0; k < dim; ++k)
        expected.push_back(derivative(c[k]));
    expected.push_back(derivative(bw));
    expected.push_back(derivative(bc));
    const double j0 = loss();

    const Aligned w0 = w, c0 = c;
    const float b0w = bw, b0c = bc;
    const float returned = gloveStep(W, C, logX, weight, eta, stride);
    QVERIFY(std::abs(double(returned) - j0) < 1e-5 * std::max(1.0, j0));
    // Accumulators start at 1, so the first step is exactly η ∂J/∂θ.
    std::vector<double> step;
    for (std::size_t k = 0; k < dim; ++k)
        step.push_back((w0[k] - w[k]) / eta);
    for (std::size_t k = 0; k < dim; ++k)
        step.push_back((c0[k] - c[k]) / eta);
    step.push_back((b0w - bw) / eta);
    step.push_back((b0c - bc) / eta);
    for (std::size_t k = 0; k < expected.size(); ++k)
        QVERIFY2(std::abs(step[k] - expected[k]) < 2e-3 * std::max(1.0, std::abs(expected[k])),
                 qPrintable(QString("parameter %1: step %2, finite difference %3")
                                .arg(k)
                                .arg(step[k])
                                .arg(expected[k])));
    // The accumulators gained the squared scaled gradients; the padding stayed zero.
    for (std::size_t k = 0; k < dim; ++k)
        QVERIFY(std::abs(double(gw[k]) - (1.0 + std::pow(double(eta) * expected[k], 2))) < 1e-5);
    QVERIFY(std::abs(double(gbw) - (1.0 + std::pow(double(eta) * expected[2 * dim], 2))) < 1e-5);
    for (std::size_t k = dim; k < stride; ++k)
        QVERIFY(w[k] == 0.0f && c[k] == 0.0f);
    // Later steps are smaller per unit of gradient (AdaGrad) and lower the loss.
    for (int s = 0; s < 50; ++s)
        gloveStep(W, C, logX, weight, eta, stride);
    QVERIFY(loss() < j0);
}

void TestGloVe::deterministicWithOneThread()
{
    VocabOptions vo;
    vo.minCount = 1;
    const auto corpus = TrainingCorpus::fromSentences(
        asWords(randomSentences(kSanitized ? 500 : 2000, 300, 5)), vo);
    TrainOptions o = gloveOptions();
    o.seed = 7;
    Recorder r1, r2, r3;
    const auto a = train(*corpus, o, r1);
    const auto b = train(*corpus, o, r2);
    QVERIFY(sameVectors(*a.vectors, *b.vectors));
    QCOMPARE(a.lossCurve, b.lossCurve);
    o.seed = 8;
    QVERIFY(!sameVectors(*a.vectors, *train(*corpus, o, r3).vectors));
    // Two threads (Hogwild) train as well, if not bit for bit the same.
    o.seed = 7;
    o.threads = 2;
    Recorder r4;
    const auto c = train(*corpus, o, r4);
    QCOMPARE(c.vectors->size(), a.vectors->size());
    QVERIFY(std::abs(c.lossCurve.back().second - a.lossCurve.back().second) <
            0.2 * a.lossCurve.back().second);
}

void TestGloVe::cachedStreamingAndSpilledAgree()
{
    QTemporaryDir dir;
    const std::string path = dir.filePath("corpus.txt").toStdString();
    {
        std::ofstream out(path);
        for (const auto &s : asWords(randomSentences(kSanitized ? 1500 : 5000, 400, 13))) {
            for (const auto &w : s)
                out << w << ' ';
            out << "\n";
        }
    }
    TrainingCorpus::Options cachedOptions, streamingOptions;
    cachedOptions.vocab.minCount = streamingOptions.vocab.minCount = 2;
    streamingOptions.cacheLimitWords = 0;
    const auto cached = TrainingCorpus::open(path, cachedOptions);
    const auto streaming = TrainingCorpus::open(path, streamingOptions);
    QVERIFY(cached->cached());
    QVERIFY(!streaming->cached());
    TrainOptions o = gloveOptions();
    o.epochs = 3;
    Recorder r1, r2, r3;
    const auto a = train(*cached, o, r1);
    const auto b = train(*streaming, o, r2);
    QVERIFY(sameVectors(*a.vectors, *b.vectors));
    // The records come out in (i, j) order whatever the cap, so even spilled runs train the same.
    o.gloveMemoryBytes = 32 << 10;
    const auto c = train(*cached, o, r3);
    QVERIFY(sameVectors(*a.vectors, *c.vectors));
}

void TestGloVe::plantedGroupsSeparate()
{
    const int perGroup = 20;
    VocabOptions vo;
    vo.minCount = 1;
    const auto corpus = TrainingCorpus::fromSentences(plantedCorpus(perGroup, 3000, 5), vo);
    QCOMPARE(corpus->vocabulary().size(), std::size_t(2 * perGroup));
    TrainOptions o = gloveOptions();
    o.dim = 20;
    o.epochs = 25;
    o.threads = 2;
    Recorder r;
    const TrainResult result = train(*corpus, o, r);
    const EmbeddingSet &v = *result.vectors;
    double within = 0, across = 0;
    int nWithin = 0, nAcross = 0;
    for (std::size_t i = 0; i < v.size(); ++i)
        for (std::size_t j = i + 1; j < v.size(); ++j) {
            const double c = cosine(v.row(WordId(i)), v.row(WordId(j)), v.dim());
            if (v.word(WordId(i))[1] == v.word(WordId(j))[1]) {
                within += c;
                ++nWithin;
            } else {
                across += c;
                ++nAcross;
            }
        }
    within /= nWithin;
    across /= nAcross;
    QVERIFY2(within > across + 0.3,
             qPrintable(QString("within %1, across %2").arg(within).arg(across)));
}

void TestGloVe::snapshotsAndLossCurve()
{
    VocabOptions vo;
    vo.minCount = 1;
    const auto corpus = TrainingCorpus::fromSentences(asWords(randomSentences(1500, 200, 17)), vo);
    QVERIFY(corpus->vocabulary().size() > 40);
    TrainOptions o = gloveOptions();
    o.epochs = 6;
    o.snapshots = 4; // at 0, 1.5, 3, 4.5 and 6 epochs
    o.snapshotWords = 40;
    o.threads = 2;
    o.statsInterval = 0;
    Recorder r;
    const auto result = train(*corpus, o, r);
    QCOMPARE(int(r.snapshots.size()), 5);
    for (int k = 0; k < 5; ++k) {
        const TrainSnapshot &s = r.snapshots[std::size_t(k)];
        QCOMPARE(s.index, k);
        QCOMPARE(s.stats.fraction, k / 4.0);
        QCOMPARE(s.vectors->size(), std::size_t(40));
        QCOMPARE(s.vectors->dim(), std::size_t(16));
        QCOMPARE(s.vectors->word(0), corpus->vocabulary().word(0));
    }
    // Snapshot 0 is the start: W + C, each uniform in [-0.5, 0.5] / dim.
    const EmbeddingSet &first = *r.snapshots[0].vectors;
    for (std::size_t i = 0; i < first.size() * first.dim(); ++i)
        QVERIFY(std::abs(first.row(0)[i]) <= 1.0f / 16);
    const EmbeddingSet &last = *r.snapshots[4].vectors;
    QVERIFY(std::memcmp(last.row(0), result.vectors->row(0), 40 * 16 * sizeof(float)) == 0);
    QVERIFY(!sameVectors(*r.snapshots[2].vectors, last));

    // Both stages report; the loss curve has one point per iteration, falling.
    QCOMPARE(r.stats.front().stage, std::string("counting co-occurrences"));
    QCOMPARE(r.stats.back().stage, std::string("training"));
    QCOMPARE(int(result.lossCurve.size()), 6);
    for (int e = 0; e < 6; ++e)
        QVERIFY(std::abs(result.lossCurve[std::size_t(e)].first - (e + 1) / 6.0) < 1e-9);
    for (std::size_t e = 1; e < result.lossCurve.size(); ++e)
        QVERIFY(result.lossCurve[e].second < 1.01 * result.lossCurve[e - 1].second);
    QVERIFY2(result.lossCurve.back().second < 0.8 * result.lossCurve.front().second,
             qPrintable(QString("loss %1 -> %2")
                            .arg(result.lossCurve.front().second)
                            .arg(result.lossCurve.back().second)));
    QCOMPARE(result.final.epoch, 6);
    QCOMPARE(result.final.fraction, 1.0);
    QVERIFY(result.final.wordsProcessed > 0);
    QCOMPARE(result.vectors->size(), corpus->vocabulary().size());
    QCOMPARE(result.vectors->metadata().front().name, std::string("frequency"));
}

void TestGloVe::cancelFromStatsIsQuick()
{
    VocabOptions vo;
    vo.minCount = 1;
    const auto corpus =
        TrainingCorpus::fromSentences(asWords(randomSentences(20000, 3000, 19)), vo);
    TrainOptions o = gloveOptions();
    o.dim = 100;
    o.threads = 2;
    o.epochs = 10000; // minutes of work
    o.statsInterval = 0.05;
    Recorder r;
    r.cancelAfterStats = 3;
    const auto start = std::chrono::steady_clock::now();
    bool cancelled = false;
    try {
        train(*corpus, o, r);
    } catch (const Cancelled &) {
        cancelled = true;
    }
    const auto end = std::chrono::steady_clock::now();
    QVERIFY(cancelled);
    const double latency = std::chrono::duration<double>(end - r.cancelTime).count();
    QVERIFY2(latency < (kSanitized ? 1.0 : 0.2), qPrintable(QString::number(latency)));
    QVERIFY(std::chrono::duration<double>(end - start).count() < 60);
}

void TestGloVe::cancelWhileCounting()
{
    VocabOptions vo;
    vo.minCount = 1;
    const auto corpus = TrainingCorpus::fromSentences(asWords(randomSentences(200, 50, 23)), vo);
    Recorder r;
    r.cancel();
    QVERIFY_THROWS_EXCEPTION(Cancelled, train(*corpus, gloveOptions(), r));
    for (const auto &s : r.stats)
        QCOMPARE(s.stage, std::string("counting co-occurrences"));
}

QTEST_GUILESS_MAIN(TestGloVe)
#include "tst_glove.moc"
