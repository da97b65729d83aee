// word2vec against oracles: every per-example update (skip-gram and CBOW; negative sampling,
// hierarchical softmax, both) against finite differences of the example's log-likelihood, the
// samplers (alias table, subsampling formula), the sigmoid table, the Huffman code; then whole
// runs: determinism, cached == streaming corpora, planted structure, cancellation, snapshots,
// and a smoke test on the Brown corpus.
#include "support/TestSanitizers.h"
#include "support/TrainTestSupport.h"
#include "train/Huffman.h"
#include "train/Trainer.h"
#include "train/Word2VecKernels.h"

#include <QtTest>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <map>
#include <numeric>
#include <set>
#include <string>
#include <vector>

using namespace embex;
using embex::test::cosine;
using embex::test::kSanitized;
using embex::test::Recorder;
using embex::test::sameVectors;
using namespace embex::detail;
using w2v::Rng;

namespace {

double sigmoid(double x)
{
    return 1.0 / (1.0 + std::exp(-x));
}

/// The parameters of a tiny model in double precision, and the log-likelihood of one example.
struct TinyProblem
{
    std::size_t vocab = 12, dim = 13, stride = w2v::paddedDim(13);
    std::vector<float> syn0, syn1neg, syn1;

    explicit TinyProblem(std::uint64_t seed)
    {
        Rng rng(seed);
        auto fill = [&](std::vector<float> &m, float scale) {
            m.assign(vocab * stride, 0.0f);
            for (std::size_t w = 0; w < vocab; ++w)
                for (std::size_t i = 0; i < dim; ++i)
                    m[w * stride + i] = (rng.uniform() - 0.5f) * scale;
        };
        fill(syn0, 1.0f);
        fill(syn1neg, 1.0f);
        fill(syn1, 1.0f);
    }
};

/// What one example is: skip-gram (context[0] predicts centre) or CBOW (the mean of context
/// predicts centre), against negatives (targets[0] = centre) and/or a Huffman path.
struct Example
{
    std::vector<std::uint32_t> context;
    std::vector<std::uint32_t> targets; ///< NS: centre first, then negatives; empty = no NS
    std::vector<std::uint32_t> points;  ///< HS path; empty = no HS
    std::vector<std::uint8_t> codes;
};

double dotD(const double *a, const double *b, std::size_t n)
{
    double s = 0;
    for (std::size_t i = 0; i < n; ++i)
        s += a[i] * b[i];
    return s;
}

/// log L of the example; params = syn0 | syn1neg | syn1, each vocab × stride.
double logLikelihood(const std::vector<double> &p, const TinyProblem &t, const Example &e)
{
    const std::size_t block = t.vocab * t.stride;
    const double *syn0 = p.data(), *syn1neg = p.data() + block, *syn1 = p.data() + 2 * block;
    std::vector<double> h(t.stride, 0.0);
    for (auto c : e.context)
        for (std::size_t i = 0; i < t.stride; ++i)
            h[i] += syn0[c * t.stride + i] / double(e.context.size());
    double ll = 0;
    for (std::size_t k = 0; k < e.targets.size(); ++k) {
        const double f = dotD(h.data(), syn1neg + e.targets[k] * t.stride, t.stride);
        ll += std::log(sigmoid(k == 0 ? f : -f));
    }
    for (std::size_t d = 0; d < e.points.size(); ++d) {
        const double f = dotD(h.data(), syn1 + e.points[d] * t.stride, t.stride);
        ll += std::log(sigmoid(e.codes[d] ? -f : f));
    }
    return ll;
}

std::vector<double> concat(const TinyProblem &t)
{
    std::vector<double> p;
    for (const auto *m : {&t.syn0, &t.syn1neg, &t.syn1})
        p.insert(p.end(), m->begin(), m->end());
    return p;
}

/// Counts as word2vec sees them: a Zipf-like vocabulary of n words.
std::vector<std::uint64_t> zipfCounts(std::size_t n)
{
    std::vector<std::uint64_t> c(n);
    for (std::size_t i = 0; i < n; ++i)
        c[i] = std::uint64_t(10000.0 / double(i + 1)) + 1;
    return c;
}

/// Sentences over `groups` groups of `perGroup` words ("g0w3"); each sentence uses one group
/// only, so words of different groups never share a context.
std::vector<std::vector<std::string>> plantedCorpus(int groups, int perGroup, int sentences,
                                                    std::uint64_t seed)
{
    Rng rng(seed);
    std::vector<std::vector<std::string>> out;
    for (int s = 0; s < sentences; ++s) {
        const int g = s % groups;
        std::vector<std::string> sentence;
        const int len = 8 + int(rng.below(8));
        for (int i = 0; i < len; ++i)
            sentence.push_back("g" + std::to_string(g) + "w" +
                               std::to_string(rng.below(std::uint32_t(perGroup))));
        out.push_back(std::move(sentence));
    }
    return out;
}

/// Sentences of words drawn from a Zipf distribution over `vocab` words ("w17").
std::vector<std::vector<std::string>> zipfCorpus(int sentences, int vocab, std::uint64_t seed)
{
    Rng rng(seed);
    std::vector<double> cum(static_cast<std::size_t>(vocab));
    double sum = 0;
    for (int i = 0; i < vocab; ++i)
        cum[std::size_t(i)] = (sum += 1.0 / double(i + 1));
    std::vector<std::vector<std::string>> out;
    for (int s = 0; s < sentences; ++s) {
        std::vector<std::string> sentence;
        const int len = 5 + int(rng.below(20));
        for (int i = 0; i < len; ++i) {
            const double u = double(rng.uniform()) * sum;
            const auto w = std::lower_bound(cum.begin(), cum.end(), u) - cum.begin();
            sentence.push_back("w" + std::to_string(std::min<long>(w, vocab - 1)));
        }
        out.push_back(std::move(sentence));
    }
    return out;
}

TrainOptions smallOptions(TrainModel model)
{
    TrainOptions o;
    o.model = model;
    o.dim = 20;
    o.threads = 1;
    o.minAlpha = -1;
    return o;
}

} // namespace

class TestWord2Vec : public QObject
{
    Q_OBJECT

private slots:
    void sigmoidTableIsAccurate();
    void aliasSamplerMatchesUnigramPower();
    void keepProbabilityIsWord2VecFormula();
    void huffmanCodeIsOptimalPrefixCode();
    void huffmanSmallCases();
    void updatesMatchFiniteDifferences_data();
    void updatesMatchFiniteDifferences();
    void deterministicWithOneThread_data();
    void deterministicWithOneThread();
    void cachedAndStreamingCorporaAgree();
    void plantedGroupsSeparate_data();
    void plantedGroupsSeparate();
    void cancelFromStatsIsQuick();
    void snapshots();
    void statisticsAndLossCurve();
    void brownWeekdays();
};

void TestWord2Vec::sigmoidTableIsAccurate()
{
    const w2v::SigmoidTable table;
    double worst = 0, worstLog = 0;
    for (int i = -5999; i < 6000; ++i) {
        const double x = i / 1000.0 + 0.00037;
        if (std::abs(x) >= 6)
            continue;
        worst = std::max(worst, std::abs(double(table.sigmoid(float(x))) - sigmoid(x)));
        worstLog =
            std::max(worstLog, std::abs(double(table.logSigmoid(float(x))) - std::log(sigmoid(x))));
    }
    QVERIFY2(worst < 1e-6, qPrintable(QString::number(worst)));
    QVERIFY2(worstLog < 1e-5, qPrintable(QString::number(worstLog)));
    QCOMPARE(table.logSigmoid(-10.0f), -10.0f);
    QCOMPARE(table.logSigmoid(10.0f), 0.0f);
}

void TestWord2Vec::aliasSamplerMatchesUnigramPower()
{
    const auto counts = zipfCounts(1000);
    const w2v::AliasSampler sampler(counts, 0.75);
    QCOMPARE(sampler.size(), 1000u);
    double sum = 0;
    for (auto c : counts)
        sum += std::pow(double(c), 0.75);
    double total = 0;
    for (std::uint32_t w = 0; w < 1000; ++w) {
        const double expected = std::pow(double(counts[w]), 0.75) / sum;
        const double p = sampler.probability(w);
        total += p;
        QVERIFY2(std::abs(p - expected) < 1e-8 + 1e-6 * expected,
                 qPrintable(QString("word %1: %2 vs %3").arg(w).arg(p).arg(expected)));
    }
    QVERIFY(std::abs(total - 1.0) < 1e-9);
    // Empirical frequencies of the first words.
    Rng rng(5);
    std::vector<int> hits(1000, 0);
    const int draws = kSanitized ? 200000 : 2000000;
    for (int i = 0; i < draws; ++i)
        ++hits[sampler.sample(rng.next())];
    for (std::uint32_t w : {0u, 1u, 2u, 10u, 100u}) {
        const double p = sampler.probability(w);
        const double sd = std::sqrt(p * (1 - p) / draws);
        QVERIFY2(std::abs(double(hits[w]) / draws - p) < 5 * sd,
                 qPrintable(QString("word %1").arg(w)));
    }
}

void TestWord2Vec::keepProbabilityIsWord2VecFormula()
{
    const std::vector<std::uint64_t> counts{100000, 5000, 1000, 10, 1};
    const double total = 106011, t = 1e-3;
    const auto keep = w2v::keepProbabilities(counts, t);
    for (std::size_t i = 0; i < counts.size(); ++i) {
        const double f = double(counts[i]);
        const double expected = std::min(1.0, (std::sqrt(f / (t * total)) + 1) * (t * total) / f);
        QVERIFY(std::abs(double(keep[i]) - expected) < 1e-6);
    }
    QVERIFY(keep[0] < 0.5f);
    QCOMPARE(keep[4], 1.0f);
    for (float k : w2v::keepProbabilities(counts, 0.0))
        QCOMPARE(k, 1.0f);
}

void TestWord2Vec::huffmanCodeIsOptimalPrefixCode()
{
    const auto counts = zipfCounts(500);
    const HuffmanCodes h(counts);
    QCOMPARE(h.words(), std::size_t(500));
    QCOMPARE(h.innerNodes(), std::size_t(499));
    double kraft = 0, expectedLength = 0, total = 0;
    std::set<std::string> codes;
    for (std::uint32_t w = 0; w < 500; ++w) {
        const auto p = h.path(w);
        QVERIFY(p.length > 0);
        QCOMPARE(p.points[0], 498u); // the root is the last inner node
        std::string code;
        for (int d = 0; d < p.length; ++d) {
            QVERIFY(p.points[d] < 499u);
            QVERIFY(p.codes[d] <= 1);
            code += char('0' + p.codes[d]);
        }
        codes.insert(code);
        kraft += std::ldexp(1.0, -p.length);
        expectedLength += double(counts[w]) * p.length;
        total += double(counts[w]);
        if (w > 0) // more frequent words never get longer codes
            QVERIFY(h.path(w - 1).length <= p.length);
    }
    QCOMPARE(codes.size(), std::size_t(500)); // distinct...
    for (const auto &a : codes) {             // ...and prefix-free
        auto it = codes.upper_bound(a);
        QVERIFY(it == codes.end() || it->compare(0, a.size(), a) != 0);
    }
    QVERIFY(std::abs(kraft - 1.0) < 1e-12); // a full binary tree
    // Huffman is optimal: within 1 bit of the entropy.
    double entropy = 0;
    for (auto c : counts)
        entropy -= double(c) / total * std::log2(double(c) / total);
    QVERIFY(expectedLength / total >= entropy);
    QVERIFY(expectedLength / total < entropy + 1);
}

void TestWord2Vec::huffmanSmallCases()
{
    QCOMPARE(HuffmanCodes(std::vector<std::uint64_t>{7}).path(0).length, 0);
    QCOMPARE(HuffmanCodes(std::vector<std::uint64_t>{7}).innerNodes(), std::size_t(0));
    // Counts 5, 3, 1, 1 as word2vec.c's CreateBinaryTree merges them: 1 + 1 (node 0, bit 1 to
    // word 2), node 0 + 3 (node 1; bit 1 to word 1), then on the tie 5 = 5 the inner node first
    // (root 2; bit 1 to word 0).
    const HuffmanCodes h(std::vector<std::uint64_t>{5, 3, 1, 1});
    const std::vector<std::string> expected{"1", "01", "001", "000"};
    for (std::uint32_t w = 0; w < 4; ++w) {
        const auto p = h.path(w);
        std::string code;
        for (int d = 0; d < p.length; ++d)
            code += char('0' + p.codes[d]);
        QCOMPARE(QString::fromStdString(code), QString::fromStdString(expected[w]));
    }
    QCOMPARE(h.path(3).points[0], 2u);
    QCOMPARE(h.path(3).points[1], 1u);
    QCOMPARE(h.path(3).points[2], 0u);
}

void TestWord2Vec::updatesMatchFiniteDifferences_data()
{
    QTest::addColumn<bool>("cbow");
    QTest::addColumn<bool>("negative");
    QTest::addColumn<bool>("hs");
    QTest::newRow("skipgram-ns") << false << true << false;
    QTest::newRow("skipgram-hs") << false << false << true;
    QTest::newRow("skipgram-ns-hs") << false << true << true;
    QTest::newRow("cbow-ns") << true << true << false;
    QTest::newRow("cbow-hs") << true << false << true;
    QTest::newRow("cbow-ns-hs") << true << true << true;
}

void TestWord2Vec::updatesMatchFiniteDifferences()
{
    QFETCH(bool, cbow);
    QFETCH(bool, negative);
    QFETCH(bool, hs);
    TinyProblem t(11);
    const auto counts = zipfCounts(t.vocab);
    const w2v::AliasSampler sampler(counts, 0.75);
    const HuffmanCodes huffman(counts);
    w2v::Model m;
    m.dim = t.dim;
    m.stride = t.stride;
    m.syn0 = t.syn0.data();
    m.syn1neg = t.syn1neg.data();
    m.syn1 = t.syn1.data();
    m.negative = negative ? 4 : 0;
    m.cbow = cbow;
    m.negatives = &sampler;
    m.huffman = hs ? &huffman : nullptr;

    const std::uint32_t centre = 5;
    Example e;
    e.context = cbow ? std::vector<std::uint32_t>{2, 9, 0, 7} : std::vector<std::uint32_t>{9};
    // The negatives the example will draw: the same stream, the same sampler. Pick a stream
    // whose negatives are distinct (a repeated row gets its second update from moved values,
    // a second-order effect a finite-difference check would see).
    std::uint64_t seed = 1;
    for (;; ++seed) {
        Rng rng(seed);
        e.targets.clear();
        if (negative) {
            e.targets.push_back(centre);
            for (int k = 0; k < m.negative; ++k)
                if (auto w = sampler.sample(rng.next()); w != centre)
                    e.targets.push_back(w);
        }
        std::set<std::uint32_t> distinct(e.targets.begin(), e.targets.end());
        if (distinct.size() == e.targets.size() && e.targets.size() >= (negative ? 4u : 0u))
            break;
    }
    if (hs) {
        const auto p = huffman.path(centre);
        e.points.assign(p.points, p.points + p.length);
        e.codes.assign(p.codes, p.codes + p.length);
    }

    const std::vector<double> before = concat(t);
    const double ll = logLikelihood(before, t, e);
    const float alpha = 0.05f;
    w2v::Scratch scratch(m);
    Rng rng(seed);
    const int terms = cbow ? w2v::cbowExample(m, e.context.data(), int(e.context.size()), centre,
                                              alpha, rng, scratch)
                           : w2v::skipGramExample(m, e.context[0], centre, alpha, rng, scratch);
    QCOMPARE(terms, int(e.targets.size() + e.points.size()));
    QCOMPARE(scratch.terms, std::uint64_t(0)); // counted by trainSentence, not here
    QVERIFY2(std::abs(scratch.loss + ll) < 1e-5 * std::max(1.0, std::abs(ll)),
             qPrintable(QString("loss %1, -log L %2").arg(scratch.loss).arg(-ll)));
    const std::vector<double> after = concat(t);

    // Expected change: alpha · ∂logL/∂θ, except that CBOW moves every context row by the
    // gradient with respect to the mean (n times ∂logL/∂row, word2vec.c's cbow_mean).
    const std::size_t block = t.vocab * t.stride;
    const double eps = 1e-5;
    double worst = 0, largest = 0;
    std::vector<double> p = before;
    for (std::size_t i = 0; i < p.size(); ++i) {
        const double saved = p[i];
        p[i] = saved + eps;
        const double up = logLikelihood(p, t, e);
        p[i] = saved - eps;
        const double down = logLikelihood(p, t, e);
        p[i] = saved;
        double grad = (up - down) / (2 * eps);
        if (cbow && i < block)
            grad *= double(e.context.size());
        const double change = (after[i] - before[i]) / double(alpha);
        worst = std::max(worst, std::abs(change - grad));
        largest = std::max(largest, std::abs(grad));
        if ((i % t.stride) >= t.dim)
            QCOMPARE(after[i], 0.0); // padding stays zero
    }
    QVERIFY(largest > 0.05);
    QVERIFY2(worst < 2e-4 * largest,
             qPrintable(QString("largest gradient %1, worst error %2").arg(largest).arg(worst)));
}

void TestWord2Vec::deterministicWithOneThread_data()
{
    QTest::addColumn<int>("model");
    QTest::addColumn<bool>("hs");
    QTest::newRow("skipgram") << int(TrainModel::SkipGram) << false;
    QTest::newRow("cbow-hs") << int(TrainModel::Cbow) << true;
}

void TestWord2Vec::deterministicWithOneThread()
{
    QFETCH(int, model);
    QFETCH(bool, hs);
    const auto corpus = TrainingCorpus::fromSentences(zipfCorpus(3000, 300, 3), VocabOptions{});
    TrainOptions o = smallOptions(TrainModel(model));
    o.hierarchicalSoftmax = hs;
    o.seed = 42;
    Recorder r1, r2, r3;
    const auto a = train(*corpus, o, r1);
    const auto b = train(*corpus, o, r2);
    QVERIFY(sameVectors(*a.vectors, *b.vectors));
    o.seed = 43;
    const auto c = train(*corpus, o, r3);
    QVERIFY(!sameVectors(*a.vectors, *c.vectors));
    // Two threads: not bit-identical (Hogwild), but the same kind of result.
    o.threads = 2;
    Recorder r4;
    const auto d = train(*corpus, o, r4);
    QCOMPARE(d.vectors->size(), a.vectors->size());
    for (std::size_t i = 0; i < d.vectors->size() * d.vectors->dim(); ++i)
        QVERIFY(std::isfinite(d.vectors->row(0)[i]));
}

void TestWord2Vec::cachedAndStreamingCorporaAgree()
{
    QTemporaryDir dir;
    const std::string path = dir.filePath("corpus.txt").toStdString();
    {
        std::ofstream out(path);
        // Enough sentences for several batches, with blank lines and words below min-count.
        for (const auto &s : zipfCorpus(kSanitized ? 2000 : 6000, 2000, 9)) {
            for (const auto &w : s)
                out << w << ' ';
            out << "\n\n";
        }
    }
    TrainingCorpus::Options cachedOptions, streamingOptions;
    streamingOptions.cacheLimitWords = 0;
    const auto cached = TrainingCorpus::open(path, cachedOptions);
    const auto streaming = TrainingCorpus::open(path, streamingOptions);
    QVERIFY(cached->cached());
    QVERIFY(!streaming->cached());
    QVERIFY(cached->cachedIds().size() > 20000); // more than one batch an epoch
    for (TrainModel model : {TrainModel::SkipGram, TrainModel::Cbow}) {
        TrainOptions o = smallOptions(model);
        o.epochs = 2;
        o.snapshots = 3;
        Recorder r1, r2;
        const auto a = train(*cached, o, r1);
        const auto b = train(*streaming, o, r2);
        QVERIFY(sameVectors(*a.vectors, *b.vectors));
        QCOMPARE(r1.snapshots.size(), r2.snapshots.size());
        for (std::size_t i = 0; i < r1.snapshots.size(); ++i)
            QVERIFY(sameVectors(*r1.snapshots[i].vectors, *r2.snapshots[i].vectors));
        // Snapshots do not change the run.
        o.snapshots = 0;
        Recorder r3;
        QVERIFY(sameVectors(*a.vectors, *train(*cached, o, r3).vectors));
    }
}

void TestWord2Vec::plantedGroupsSeparate_data()
{
    QTest::addColumn<int>("model");
    QTest::addColumn<bool>("hs");
    QTest::newRow("skipgram-ns") << int(TrainModel::SkipGram) << false;
    QTest::newRow("skipgram-hs") << int(TrainModel::SkipGram) << true;
    QTest::newRow("cbow-ns") << int(TrainModel::Cbow) << false;
    QTest::newRow("cbow-hs") << int(TrainModel::Cbow) << true;
}

void TestWord2Vec::plantedGroupsSeparate()
{
    QFETCH(int, model);
    QFETCH(bool, hs);
    const int perGroup = 25;
    VocabOptions vo;
    vo.minCount = 1;
    const auto corpus = TrainingCorpus::fromSentences(plantedCorpus(2, perGroup, 4000, 5), vo);
    QCOMPARE(corpus->vocabulary().size(), std::size_t(2 * perGroup));
    TrainOptions o = smallOptions(TrainModel(model));
    o.hierarchicalSoftmax = hs;
    o.negative = hs ? 0 : 5;
    o.threads = 2;
    o.epochs = 10;
    Recorder r;
    const auto result = train(*corpus, o, r);
    const EmbeddingSet &v = *result.vectors;
    auto group = [&](std::size_t i) {
        return v.word(WordId(i))[1];
    };
    double within = 0, across = 0;
    int nWithin = 0, nAcross = 0;
    for (std::size_t i = 0; i < v.size(); ++i)
        for (std::size_t j = i + 1; j < v.size(); ++j) {
            const double c = cosine(v.row(WordId(i)), v.row(WordId(j)), v.dim());
            if (group(i) == group(j)) {
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

void TestWord2Vec::cancelFromStatsIsQuick()
{
    const auto corpus = TrainingCorpus::fromSentences(zipfCorpus(20000, 2000, 4), VocabOptions{});
    TrainOptions o = smallOptions(TrainModel::SkipGram);
    o.dim = 100;
    o.threads = 2;
    o.epochs = 1000; // minutes of work
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
    QCOMPARE(int(r.stats.size()), 3);
    const double latency = std::chrono::duration<double>(end - r.cancelTime).count();
    qInfo("cancel latency %.1f ms", latency * 1000);
    // About a millisecond on an idle machine; the bound leaves room for a loaded one.
    QVERIFY2(latency < (kSanitized ? 1.0 : 0.25), qPrintable(QString::number(latency)));
    QVERIFY(std::chrono::duration<double>(end - start).count() < 30);
}

void TestWord2Vec::snapshots()
{
    const auto corpus = TrainingCorpus::fromSentences(zipfCorpus(4000, 500, 6), VocabOptions{});
    const std::size_t vocab = corpus->vocabulary().size();
    QVERIFY(vocab > 40);
    TrainOptions o = smallOptions(TrainModel::SkipGram);
    o.threads = 2;
    o.snapshots = 4;
    o.snapshotWords = 40;
    Recorder r;
    const auto result = train(*corpus, o, r);
    QCOMPARE(int(r.snapshots.size()), 5);
    for (int k = 0; k < 5; ++k) {
        const TrainSnapshot &s = r.snapshots[std::size_t(k)];
        QCOMPARE(s.index, k);
        QCOMPARE(s.stats.fraction, k / 4.0);
        QCOMPARE(s.vectors->size(), std::size_t(40));
        QCOMPARE(s.vectors->dim(), std::size_t(20));
        QCOMPARE(s.vectors->word(0), corpus->vocabulary().word(0));
    }
    // Snapshot 0 is the random start, uniform in [-1, 1) / dim as gensim 4 draws it
    // (KeyedVectors' prep_vectors; word2vec.c's range is half as wide and trains slightly worse
    // vectors, bench/README.md): every value inside, the extremes near both ends, and the
    // variance that of the uniform distribution, 1 / (3 dim²), within 5 standard errors.
    const EmbeddingSet &first = *r.snapshots[0].vectors;
    const std::size_t values = first.size() * first.dim();
    const float *v = first.row(0);
    double sumSquares = 0;
    for (std::size_t i = 0; i < values; ++i) {
        QVERIFY(v[i] >= -1.0f / 20 && v[i] < 1.0f / 20);
        sumSquares += double(v[i]) * double(v[i]);
    }
    QVERIFY(*std::min_element(v, v + values) < -0.9f / 20);
    QVERIFY(*std::max_element(v, v + values) > 0.9f / 20);
    // Var(x²) / E[x²]² = (9/5 - 1) for a uniform x centred on 0.
    const double variance = sumSquares / double(values), expected = 1.0 / (3.0 * 20 * 20);
    QVERIFY2(std::abs(variance / expected - 1.0) < 5 * std::sqrt(0.8 / double(values)),
             qPrintable(QString::number(variance / expected)));
    // The last is the result's first rows; the middle ones are on the way.
    const EmbeddingSet &last = *r.snapshots[4].vectors;
    QVERIFY(std::memcmp(last.row(0), result.vectors->row(0), 40 * 20 * sizeof(float)) == 0);
    auto meanNorm = [](const EmbeddingSet &s) {
        return double(s.norms().sum()) / double(s.size());
    };
    QVERIFY(meanNorm(*r.snapshots[2].vectors) > 5 * meanNorm(first));
    QVERIFY(!sameVectors(*r.snapshots[2].vectors, last));
}

void TestWord2Vec::statisticsAndLossCurve()
{
    VocabOptions vo;
    vo.minCount = 1;
    const auto corpus = TrainingCorpus::fromSentences(plantedCorpus(2, 25, 4000, 8), vo);
    TrainOptions o = smallOptions(TrainModel::SkipGram);
    o.epochs = 8;
    o.statsInterval = 0;
    Recorder r;
    const auto result = train(*corpus, o, r);
    QVERIFY(r.stats.size() >= 2);
    for (std::size_t i = 1; i < r.stats.size(); ++i)
        QVERIFY(r.stats[i].fraction >= r.stats[i - 1].fraction);
    const TrainStats &f = result.final;
    QCOMPARE(f.stage, std::string("training"));
    QCOMPARE(f.epochs, 8);
    QCOMPARE(f.epoch, 8);
    QCOMPARE(f.fraction, 1.0);
    QCOMPARE(f.wordsProcessed, 8 * corpus->vocabulary().trainWords());
    QVERIFY(f.learningRate <= o.effectiveMinAlpha() * 1.0001);
    QVERIFY(f.elapsedSeconds > 0);
    QVERIFY(result.lossCurve.size() >= 2);
    // Untrained vectors score about 0, so every term costs about log 2; training lowers it.
    const double firstLoss = result.lossCurve.front().second;
    const double lastLoss = result.lossCurve.back().second;
    QVERIFY2(firstLoss < 0.75 && lastLoss < firstLoss - 0.05,
             qPrintable(QString("loss %1 -> %2").arg(firstLoss).arg(lastLoss)));
    QCOMPARE(result.vectors->metadata().front().name, std::string("frequency"));
}

void TestWord2Vec::brownWeekdays()
{
    if (kSanitized)
        QSKIP("a full pass over Brown is too slow under sanitizers");
    TrainingCorpus::Options co;
    const auto corpus = TrainingCorpus::open(EMBEX_BROWN, co);
    TrainOptions o;
    o.model = TrainModel::SkipGram;
    o.dim = 50;
    o.epochs = 3; // one epoch is not enough, for gensim either
    o.threads = 2;
    Recorder r;
    const auto result = train(*corpus, o, r);
    const EmbeddingSet &v = *result.vectors;
    const auto monday = corpus->vocabulary().find("monday");
    QVERIFY(monday);
    std::vector<std::pair<double, std::string>> sims;
    for (std::size_t i = 0; i < v.size(); ++i)
        if (i != *monday)
            sims.emplace_back(-cosine(v.row(*monday), v.row(WordId(i)), v.dim()),
                              v.word(WordId(i)));
    std::partial_sort(sims.begin(), sims.begin() + 10, sims.end());
    const std::set<std::string> days{"tuesday", "wednesday", "thursday",
                                     "friday",  "saturday",  "sunday"};
    int found = 0;
    QString top;
    for (int i = 0; i < 10; ++i) {
        found += int(days.count(sims[std::size_t(i)].second));
        top += QString::fromStdString(sims[std::size_t(i)].second) + " ";
    }
    QVERIFY2(found >= 3, qPrintable(top));
}

QTEST_GUILESS_MAIN(TestWord2Vec)
#include "tst_word2vec.moc"
