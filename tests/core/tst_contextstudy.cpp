// The context lab's analysis (core/contextual/ContextStudy): finding a word's occurrences as the
// tokenizer sees them, the study against the lower-level functions it is built from (marked
// targets, masked sentences encoded by hand, nearest tokens one by one), the measures against
// brute force over pairs, average-linkage clustering against a naive implementation, and the
// per-layer frames' invariants (a rotation of each layer's PCA), and the per-layer summaries the
// lab and the CLI show against the computations each of them did before they shared it.
#include "contextual/ContextStudy.h"
#include "contextual/LayerSummary.h"
#include "project/Pca.h"
#include "support/TestRandom.h"

#include <QtTest>

#include <cmath>
#include <set>
#include <string>
#include <vector>

using namespace embex;

namespace {

const std::string kModel = EMBEX_FIXTURES "/bert/bert-mlm-f32";

/// Average linkage done the obvious way: recompute every group pair's mean from the members.
std::vector<int> naiveClusters(const Eigen::MatrixXf &c, double threshold,
                               std::vector<double> *levels = nullptr)
{
    std::vector<std::vector<int>> groups;
    for (int i = 0; i < int(c.rows()); ++i)
        groups.push_back({i});
    while (groups.size() > 1) {
        double best = -1e300;
        std::size_t ba = 0, bb = 0;
        for (std::size_t a = 0; a < groups.size(); ++a)
            for (std::size_t b = a + 1; b < groups.size(); ++b) {
                double s = 0;
                for (int i : groups[a])
                    for (int j : groups[b])
                        s += double(c(i, j));
                s /= double(groups[a].size() * groups[b].size());
                if (s > best) {
                    best = s;
                    ba = a;
                    bb = b;
                }
            }
        if (best < threshold)
            break;
        if (levels)
            levels->push_back(best);
        groups[ba].insert(groups[ba].end(), groups[bb].begin(), groups[bb].end());
        groups.erase(groups.begin() + std::ptrdiff_t(bb));
        std::sort(groups.begin(), groups.end(), [](const auto &x, const auto &y) {
            return *std::min_element(x.begin(), x.end()) < *std::min_element(y.begin(), y.end());
        });
    }
    std::vector<int> label(std::size_t(c.rows()));
    for (std::size_t g = 0; g < groups.size(); ++g)
        for (int i : groups[g])
            label[std::size_t(i)] = int(g);
    return label;
}

/// n unit vectors around `centres` random centres (spread `noise`), as a cosine matrix; the
/// centre of each vector goes to `planted` when given. With `orthogonal` the centres are
/// 4 × the first unit vectors (well apart: cosine 0).
Eigen::MatrixXf clusteredCosines(int n, int centres, double noise, std::uint32_t seed,
                                 std::vector<int> *planted = nullptr, bool orthogonal = false)
{
    test::Normal rnd(seed);
    const int d = 16;
    Eigen::MatrixXd c(centres, d), v(n, d);
    for (int i = 0; i < centres; ++i)
        for (int j = 0; j < d; ++j)
            c(i, j) = orthogonal ? (i == j ? 4.0 : 0.0) : rnd();
    for (int i = 0; i < n; ++i) {
        const int k = int(rnd.index(std::uint32_t(centres)));
        if (planted)
            planted->push_back(k);
        for (int j = 0; j < d; ++j)
            v(i, j) = c(k, j) + noise * rnd();
    }
    v.rowwise().normalize();
    return (v * v.transpose()).cast<float>();
}

} // namespace

class TstContextStudy : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { m_model = BertModel::load(kModel); }
    void findWord_data();
    void findWord();
    void clusteringMatchesNaive();
    void suggestedThresholdFindsPlantedSenses();
    void measuresMatchBruteForce();
    void studyAgreesWithItsParts();
    void layerSummariesMatchTheOldComputations();
    void studyErrors();
    void chunksAgreeWithOneBatch();
    void framesAreRotatedPcas();

private:
    BertModelPtr m_model;
};

void TstContextStudy::findWord_data()
{
    QTest::addColumn<QString>("sentence");
    QTest::addColumn<QString>("word");
    QTest::addColumn<QString>("found"); // the matched texts, joined by '|'
    QTest::newRow("two") << "The river was high; the river flooded."
                         << "river"
                         << "river|river";
    QTest::newRow("case as the model sees it") << "RIVER and River."
                                               << "river"
                                               << "RIVER|River";
    QTest::newRow("not a longer word") << "Rivers and a river."
                                       << "river"
                                       << "river";
    QTest::newRow("several pieces") << "The bank, the banks."
                                    << "bank"
                                    << "bank";
    QTest::newRow("several words") << "I went to New York, not to new things."
                                   << "new york"
                                   << "New York";
    QTest::newRow("punctuation apart") << "river's end"
                                       << "river"
                                       << "river";
    QTest::newRow("absent") << "Nothing here."
                            << "river"
                            << "";
    QTest::newRow("empty word") << "The river."
                                << ""
                                << "";
    QTest::newRow("spaces only") << "The river."
                                 << "   "
                                 << "";
    // Both become [UNK] in the tiny vocabulary: only the same text matches.
    QTest::newRow("unknown by text") << "ξξ ψψ ξξ"
                                     << "ξξ"
                                     << "ξξ|ξξ";
}

void TstContextStudy::findWord()
{
    QFETCH(QString, sentence);
    QFETCH(QString, word);
    QFETCH(QString, found);
    const ContextSentence s = prepareText(*m_model, sentence.toStdString());
    const std::string w = word.toStdString();
    QStringList got;
    for (const ByteSpan &span : embex::findWord(m_model->tokenizer(), s, w))
        got << QString::fromStdString(s.text.substr(span.begin, span.end - span.begin));
    QCOMPARE(got.join('|'), found);
}

void TstContextStudy::clusteringMatchesNaive()
{
    for (std::uint32_t seed = 1; seed <= 12; ++seed) {
        const int n = 5 + int(seed * 7 % 40);
        const Eigen::MatrixXf c =
            clusteredCosines(n, 1 + int(seed % 4), 0.3 + 0.1 * (seed % 5), seed);
        for (double t : {-1.0, 0.0, 0.3, 0.6, 0.9, 1.01}) {
            const std::vector<int> got = clusterByCosine(c, t);
            QCOMPARE(got, naiveClusters(c, t));
        }
        // The extremes: everything apart, everything together.
        const std::vector<int> apart = clusterByCosine(c, 1.5);
        for (int i = 0; i < n; ++i)
            QCOMPARE(apart[std::size_t(i)], i);
        for (int g : clusterByCosine(c, -2.0))
            QCOMPARE(g, 0);
    }
    QVERIFY(clusterByCosine(Eigen::MatrixXf(0, 0), 0.5).empty());
    QCOMPARE(clusterByCosine(Eigen::MatrixXf::Ones(1, 1), 0.5), std::vector<int>{0});
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, clusterByCosine(Eigen::MatrixXf(2, 3), 0.5));
}

void TstContextStudy::suggestedThresholdFindsPlantedSenses()
{
    for (std::uint32_t seed = 1; seed <= 10; ++seed) {
        const int centres = 2 + int(seed % 3);
        std::vector<int> planted;
        const Eigen::MatrixXf c = clusteredCosines(30, centres, 0.25, seed, &planted, true);
        // The merge levels: as the naive clustering's, never increasing.
        std::vector<double> naive;
        naiveClusters(c, -1e300, &naive);
        const std::vector<double> levels = mergeLevels(c);
        QCOMPARE(levels.size(), std::size_t(29));
        for (std::size_t k = 0; k < levels.size(); ++k) {
            QVERIFY(std::abs(levels[k] - naive[k]) < 1e-9);
            if (k)
                QVERIFY(levels[k] <= levels[k - 1] + 1e-9);
        }
        // The suggested cut gives back the planted groups (same partition, any numbering).
        const auto t = suggestThreshold(c);
        QVERIFY(t);
        const std::vector<int> got = clusterByCosine(c, *t);
        const int used = int(std::set<int>(planted.begin(), planted.end()).size());
        QCOMPARE(*std::max_element(got.begin(), got.end()) + 1, used);
        for (int i = 0; i < 30; ++i)
            for (int j = 0; j < 30; ++j)
                QCOMPARE(got[std::size_t(i)] == got[std::size_t(j)],
                         planted[std::size_t(i)] == planted[std::size_t(j)]);
    }
    QVERIFY(!suggestThreshold(Eigen::MatrixXf::Ones(2, 2)));
}

void TstContextStudy::measuresMatchBruteForce()
{
    const Eigen::MatrixXf c = clusteredCosines(9, 3, 0.4, 7);
    double all = 0;
    for (int i = 0; i < 9; ++i)
        for (int j = 0; j < 9; ++j)
            all += i == j ? 0.0 : double(c(i, j));
    QVERIFY(std::abs(meanPairCosine(c) - all / 72.0) < 1e-12);
    QVERIFY(std::isnan(meanPairCosine(Eigen::MatrixXf::Ones(1, 1))));

    const std::vector<int> groups{0, 0, 1, 1, 1, 2, 0, 2, 2};
    double w = 0, b = 0;
    int nw = 0, nb = 0;
    for (int i = 0; i < 9; ++i)
        for (int j = 0; j < 9; ++j) {
            if (i == j)
                continue;
            (groups[std::size_t(i)] == groups[std::size_t(j)] ? w : b) += double(c(i, j));
            ++(groups[std::size_t(i)] == groups[std::size_t(j)] ? nw : nb);
        }
    const SenseGap g = senseGap(c, groups);
    QVERIFY(std::abs(g.within - w / nw) < 1e-12);
    QVERIFY(std::abs(g.between - b / nb) < 1e-12);
    QVERIFY(std::isnan(senseGap(c, std::vector<int>(9, 0)).gap()));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, senseGap(c, std::vector<int>(3, 0)));

    // The baseline: mean cosine over all pairs of ordinary tokens of different sentences.
    Encoder enc(m_model, EncoderOptions{1});
    const ContextAnalysis a =
        analyzeSentences(enc, {"The river went on.", "He played.", "I went to the [MASK] of it"});
    const auto base = anisotropyBaseline(a, m_model->tokenizer());
    QCOMPARE(base.size(), a.states.layerCount());
    const auto &tok = m_model->tokenizer();
    for (std::size_t l = 0; l < base.size(); ++l) {
        double sum = 0;
        long pairs = 0;
        for (std::size_t s = 0; s < 3; ++s)
            for (std::size_t t = 0; t < 3; ++t) {
                if (s == t)
                    continue;
                for (std::size_t i = 0; i < a.sentences[s].ids.size(); ++i)
                    for (std::size_t j = 0; j < a.sentences[t].ids.size(); ++j) {
                        const auto ii = a.sentences[s].ids[i], jj = a.sentences[t].ids[j];
                        if (ii == tok.clsId() || ii == tok.sepId() || jj == tok.clsId() ||
                            jj == tok.sepId())
                            continue;
                        const Eigen::VectorXd x =
                            a.states.states(l, s).row(Eigen::Index(i)).transpose().cast<double>();
                        const Eigen::VectorXd y =
                            a.states.states(l, t).row(Eigen::Index(j)).transpose().cast<double>();
                        sum += x.dot(y) / (x.norm() * y.norm());
                        ++pairs;
                    }
            }
        QVERIFY2(
            std::abs(base[l] - sum / double(pairs)) < 1e-9,
            qPrintable(QString("layer %1: %2 vs %3").arg(l).arg(base[l]).arg(sum / double(pairs))));
    }
}

void TstContextStudy::studyAgreesWithItsParts()
{
    Encoder enc(m_model, EncoderOptions{2});
    StudyRequest r;
    r.word = "river";
    r.sentences = {"The river was high, the River flooded.", "Nothing to see.",
                   "He [went] to the river.", "By the river we sat."};
    r.nearestCount = 4;
    r.predictionCount = 3;
    const ContextStudy st = runStudy(enc, r);
    // Sentence 3 is marked: its marker wins over the word.
    QCOMPARE(st.occurrences.size(), std::size_t(4));
    QCOMPARE(st.sentencesWithoutTarget, std::vector<std::size_t>{2});
    QVERIFY(st.hasPredictions);
    QCOMPARE(st.layerCount(), m_model->config().layers + 1);

    // The same targets marked by hand, through analyzeSentences.
    const ContextAnalysis marked =
        analyzeSentences(enc, {"The [river] was high, the [River] flooded.", "Nothing to see.",
                               "He [went] to the river.", "By the [river] we sat."});
    QCOMPARE(marked.targets.size(), st.occurrences.size());
    for (std::size_t i = 0; i < marked.targets.size(); ++i) {
        const ContextTarget &want = marked.targets[i];
        const Occurrence &o = st.occurrences[i];
        QCOMPARE(o.target.sentence, want.sentence);
        QCOMPARE(o.target.word, want.word);
        QCOMPARE(o.target.rows, want.rows);
        QVERIFY((o.target.layers - want.layers).cwiseAbs().maxCoeff() < 1e-6f);
        // Nearest tokens: one vector at a time.
        QCOMPARE(o.nearest.size(), st.layerCount());
        for (std::size_t l = 0; l < st.layerCount(); ++l) {
            const RowVector v = want.layers.row(Eigen::Index(l));
            const auto one = nearestTokens(*m_model, {v.data(), std::size_t(v.size())}, 4);
            QCOMPARE(o.nearest[l].size(), one.size());
            for (std::size_t k = 0; k < one.size(); ++k) {
                QCOMPARE(o.nearest[l][k].id, one[k].id);
                QVERIFY(std::abs(o.nearest[l][k].score - one[k].score) < 1e-5f);
            }
        }
    }
    // Masked predictions: the sentence with the word replaced by [MASK], encoded alone.
    const ContextAnalysis masked = analyzeSentences(enc, {"By the [MASK] we sat."});
    const auto &ids = masked.sentences[0].ids;
    const std::size_t row =
        std::size_t(std::find(ids.begin(), ids.end(), m_model->tokenizer().maskId()) - ids.begin());
    const auto want = maskedPredictions(*m_model, masked.states, 0, row, 3);
    const auto &got = st.occurrences[3].predictions;
    QCOMPARE(got.size(), want.size());
    for (std::size_t k = 0; k < want.size(); ++k) {
        QCOMPARE(got[k].id, want[k].id);
        QVERIFY(std::abs(got[k].score - want[k].score) < 1e-5f);
    }
    // The word typed with brackets, as in the sentences, means the same.
    StudyRequest bracketed = r;
    bracketed.word = "[river]";
    QCOMPARE(runStudy(enc, bracketed).occurrences.size(), st.occurrences.size());
    // "bank" has several pieces in the tiny vocabulary: one [MASK] stands for all of them.
    StudyRequest b;
    b.word = "bank";
    b.sentences = {"the bank of the river", "money at the bank"};
    const ContextStudy sb = runStudy(enc, b);
    QCOMPARE(sb.occurrences.size(), std::size_t(2));
    QVERIFY(sb.occurrences[0].target.rows.size() > 1);
    QCOMPARE(sb.occurrences[1].predictions.size(), std::size_t(5));

    // Without an MLM head: no predictions, the rest as before.
    Encoder plain(BertModel::load(EMBEX_FIXTURES "/bert/bert-f16"));
    const ContextStudy sp = runStudy(plain, r);
    QVERIFY(!sp.hasPredictions);
    QCOMPARE(sp.occurrences.size(), std::size_t(4));
    QVERIFY(sp.occurrences[0].predictions.empty());
}

void TstContextStudy::layerSummariesMatchTheOldComputations()
{
    Encoder enc(m_model, EncoderOptions{1});
    StudyRequest r;
    r.word = "bank";
    r.sentences = {"the bank of the river", "money at the bank", "a bank loan and a bank",
                   "we sat on the bank"};
    const ContextStudy st = runStudy(enc, r);
    const std::size_t n = st.occurrences.size();
    QCOMPARE(n, std::size_t(5));
    const std::vector<LayerSummary> all = summarizeLayers(st);
    QCOMPARE(all.size(), st.layerCount());
    // What the lab computed per layer: cosineMatrix(vectorsAt(l)) and meanPairCosine of it.
    for (std::size_t l = 0; l < st.layerCount(); ++l) {
        const Eigen::MatrixXf old = cosineMatrix(st.vectorsAt(l));
        QVERIFY(all[l].cosine == old);
        QCOMPARE(all[l].selfSimilarity, meanPairCosine(old));
        QCOMPARE(all[l].baseline, st.baseline[l]);
        // And the cosines themselves, by brute force.
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = 0; j < n; ++j) {
                const Eigen::VectorXd x =
                    st.occurrences[i].target.layers.row(Eigen::Index(l)).transpose().cast<double>();
                const Eigen::VectorXd y =
                    st.occurrences[j].target.layers.row(Eigen::Index(l)).transpose().cast<double>();
                QVERIFY(std::abs(double(all[l].cosine(Eigen::Index(i), Eigen::Index(j))) -
                                 x.dot(y) / (x.norm() * y.norm())) < 1e-6);
            }
    }
    // What the CLI computed per requested layer: each target's selectLayer(), then the same.
    for (const LayerChoice choice :
         {LayerChoice::index(-1), LayerChoice::index(1), LayerChoice::lastFourMean()}) {
        RowMatrix v(Eigen::Index(n), Eigen::Index(st.hidden));
        for (std::size_t t = 0; t < n; ++t)
            v.row(Eigen::Index(t)) = selectLayer(st.occurrences[t].target.layers, choice);
        QVERIFY(st.vectorsAt(choice) == v);
        const LayerSummary s = summarizeLayer(st, choice);
        QVERIFY(s.cosine == cosineMatrix(v));
        QCOMPARE(s.selfSimilarity, meanPairCosine(s.cosine));
        if (choice.kind == LayerChoice::Kind::LastFourMean)
            QVERIFY(std::isnan(s.baseline));
        else
            QCOMPARE(s.baseline,
                     st.baseline[std::size_t(choice.layer < 0 ? int(st.layerCount()) + choice.layer
                                                              : choice.layer)]);
    }
    QVERIFY(summarizeLayer(st, LayerChoice::index(-1)).cosine == all.back().cosine);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             summarizeLayer(st, LayerChoice::index(int(st.layerCount()))));
    // Cancelled between layers.
    struct Stop : Progress
    {
        void report(double, std::string_view) override {}
        bool cancelled() const override { return true; }
    } stop;
    QVERIFY_THROWS_EXCEPTION(Cancelled, summarizeLayers(st, stop));
}

void TstContextStudy::studyErrors()
{
    Encoder enc(m_model, EncoderOptions{1});
    StudyRequest r;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, runStudy(enc, r));
    r.sentences = {"The river.", "A sea."};
    r.word = "lake";
    try {
        runStudy(enc, r);
        QFAIL("no occurrence should throw");
    } catch (const std::invalid_argument &e) {
        QVERIFY2(std::string(e.what()).find("'lake'") != std::string::npos, e.what());
    }
    r.word.clear();
    try {
        runStudy(enc, r);
        QFAIL("no target should throw");
    } catch (const std::invalid_argument &e) {
        QVERIFY2(std::string(e.what()).find("square brackets") != std::string::npos, e.what());
    }
    // Cancelled before the encoding ends.
    SimpleProgress stop;
    stop.cancel();
    r.word = "river";
    QVERIFY_THROWS_EXCEPTION(Cancelled, runStudy(enc, r, stop));
}

void TstContextStudy::chunksAgreeWithOneBatch()
{
    // More sentences than one encoder batch of the study: the chunked targets, baseline and
    // predictions equal those of everything encoded at once.
    Encoder enc(m_model, EncoderOptions{2});
    StudyRequest r;
    r.word = "river";
    std::vector<std::string> marked;
    for (std::size_t i = 0; i < 2 * kStudyChunk + 7; ++i) {
        const std::string filler(i % 5, 'a');
        r.sentences.push_back("The river " + std::to_string(i) + " went " + filler + " on.");
        marked.push_back("The [river] " + std::to_string(i) + " went " + filler + " on.");
    }
    r.predictionCount = 2;
    const ContextStudy st = runStudy(enc, r);
    const ContextAnalysis all = analyzeSentences(enc, marked);
    QCOMPARE(st.occurrences.size(), all.targets.size());
    for (std::size_t i = 0; i < all.targets.size(); ++i) {
        QCOMPARE(st.occurrences[i].target.sentence, all.targets[i].sentence);
        QVERIFY((st.occurrences[i].target.layers - all.targets[i].layers).cwiseAbs().maxCoeff() <
                1e-5f);
    }
    const auto base = anisotropyBaseline(all, m_model->tokenizer());
    QCOMPARE(st.baseline.size(), base.size());
    for (std::size_t l = 0; l < base.size(); ++l)
        QVERIFY(std::abs(st.baseline[l] - base[l]) < 1e-6);
    // The last sentence's masked prediction, encoded alone.
    const std::size_t lastSentence = 2 * kStudyChunk + 6;
    const ContextAnalysis masked =
        analyzeSentences(enc, {"The [MASK] " + std::to_string(lastSentence) + " went " +
                               std::string(lastSentence % 5, 'a') + " on."});
    const auto &ids = masked.sentences[0].ids;
    const std::size_t row =
        std::size_t(std::find(ids.begin(), ids.end(), m_model->tokenizer().maskId()) - ids.begin());
    const auto want = maskedPredictions(*m_model, masked.states, 0, row, 2);
    const auto &got = st.occurrences.back().predictions;
    QCOMPARE(got.size(), want.size());
    for (std::size_t k = 0; k < want.size(); ++k) {
        QCOMPARE(got[k].id, want[k].id);
        QVERIFY(std::abs(got[k].score - want[k].score) < 1e-5f);
    }
    QVERIFY(st.analysis.states.layerCount() == 0); // not kept
}

void TstContextStudy::framesAreRotatedPcas()
{
    Encoder enc(m_model, EncoderOptions{2});
    StudyRequest r;
    r.word = "river";
    r.sentences = {"The river was high.", "He went to the river.", "By the river we sat.",
                   "A river of words.", "The river, the river!"};
    const ContextStudy st = runStudy(enc, r);
    const auto frames = layerFrames(st);
    QCOMPARE(frames.size(), st.layerCount());
    const Eigen::Index n = Eigen::Index(st.occurrences.size());
    QCOMPARE(n, Eigen::Index(6));
    for (std::size_t l = 0; l < frames.size(); ++l) {
        QCOMPARE(frames[l].rows(), n);
        QCOMPARE(frames[l].cols(), Eigen::Index(2));
        // Same pairwise distances as the layer's own PCA of unit rows.
        const RowMatrix v = st.vectorsAt(l);
        PcaOptions po;
        po.components = 2;
        po.normalizeRows = true;
        const PcaResult p = pca(ConstRowMap(v.data(), v.rows(), v.cols()), po);
        for (Eigen::Index i = 0; i < n; ++i)
            for (Eigen::Index j = 0; j < n; ++j) {
                const double a = (frames[l].row(i) - frames[l].row(j)).norm();
                const double b = (p.coords.row(i) - p.coords.row(j)).norm();
                QVERIFY2(std::abs(a - b) < 1e-4, qPrintable(QString("layer %1").arg(l)));
            }
        // Aligned to the previous frame: no farther than the unaligned PCA is.
        if (l > 0) {
            const double aligned = (frames[l] - frames[l - 1]).norm();
            const double raw = (p.coords - frames[l - 1]).norm();
            QVERIFY(aligned <= raw + 1e-5);
        }
    }
    // One occurrence: the origin at every layer.
    r.sentences = {"The river was high."};
    const auto one = layerFrames(runStudy(enc, r));
    for (const RowMatrix &f : one)
        QCOMPARE(f.norm(), 0.0f);
}

QTEST_GUILESS_MAIN(TstContextStudy)
#include "tst_contextstudy.moc"
