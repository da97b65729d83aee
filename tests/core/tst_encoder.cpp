// The encoder against PyTorch: tiny random BERT, DistilBERT and sentence-transformers
// checkpoints in F32, F16 and BF16 (tests/make_bert_fixtures.py, Hugging Face's modules rebuilt
// from torch.nn), every layer's hidden states and the MLM logits within 1e-4; then the
// invariants (thread counts, batching), the folder and config errors, and cancellation.
#include "contextual/BertModel.h"
#include "contextual/ContextVectors.h"
#include "contextual/Encoder.h"
#include "contextual/Safetensors.h"
#include "util/FormatError.h"

#include <QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <string>
#include <vector>

using namespace embex;
using detail::avx512Available;
using detail::defaultGemmKernel;
using detail::GemmKernel;
using detail::setDefaultGemmKernel;

namespace {

const std::string kFixtures = EMBEX_FIXTURES "/bert/";

/// The reference batch of a fixture folder (expected.safetensors).
struct Expected
{
    std::vector<std::vector<std::int32_t>> ids; ///< real tokens only
    std::size_t layers = 0, batch = 0, length = 0, hidden = 0, vocab = 0;
    std::vector<float> states; ///< layers × batch × length × hidden
    std::vector<float> logits; ///< batch × length × vocab, empty without MLM head
    std::string sentences;     ///< JSON list of the sentences

    float state(std::size_t l, std::size_t s, std::size_t t, std::size_t j) const
    {
        return states[((l * batch + s) * length + t) * hidden + j];
    }
};

Expected readExpected(const std::string &folder)
{
    const SafetensorsFile f(folder + "/expected.safetensors");
    Expected e;
    const SafetensorsTensor *ids = f.find("input_ids"), *lengths = f.find("lengths"),
                            *hs = f.find("hidden_states"), *lg = f.find("mlm_logits");
    if (!ids || !lengths || !hs)
        qFatal("%s: incomplete expected.safetensors", folder.c_str());
    e.layers = hs->shape[0];
    e.batch = hs->shape[1];
    e.length = hs->shape[2];
    e.hidden = hs->shape[3];
    const auto allIds = f.toInt64(*ids);
    const auto lens = f.toInt64(*lengths);
    for (std::size_t s = 0; s < e.batch; ++s)
        e.ids.emplace_back(allIds.begin() + std::ptrdiff_t(s * e.length),
                           allIds.begin() + std::ptrdiff_t(s * e.length + std::size_t(lens[s])));
    e.states = f.toFloat(*hs);
    if (lg) {
        e.vocab = lg->shape[2];
        e.logits = f.toFloat(*lg);
    }
    e.sentences = f.metadata().at("sentences");
    return e;
}

/// Largest |a - b| / max(1, |b|).
double maxRelativeError(const RowMatrix &got,
                        const std::function<float(Eigen::Index, Eigen::Index)> &want)
{
    double worst = 0;
    for (Eigen::Index i = 0; i < got.rows(); ++i)
        for (Eigen::Index j = 0; j < got.cols(); ++j) {
            const double w = want(i, j);
            worst = std::max(worst, std::fabs(double(got(i, j)) - w) / std::max(1.0, std::fabs(w)));
        }
    return worst;
}

class CancelAfter : public Progress
{
public:
    explicit CancelAfter(int after) : m_left(after) {}
    void report(double, std::string_view) override { --m_left; }
    bool cancelled() const override { return m_left <= 0; }

private:
    int m_left;
};

} // namespace

class TstEncoder : public QObject
{
    Q_OBJECT
private slots:
    void matchesPyTorch_data();
    void matchesPyTorch();
    void threadsAndBatchingAgree_data();
    void threadsAndBatchingAgree();
    void geluMatchesErf();
    void packedProductMatchesEigen_data();
    void packedProductMatchesEigen();
    void rejectsBadInput();
    void cancels();
    void folderErrors_data();
    void folderErrors();
    void markers_data();
    void markers();
    void targetVectorsAreMeansOfPieces();
    void layerChoiceAndCosines();
    void maskedPredictionsMatchPyTorch();
    void nearestTokensFindThemselves();
    void targetErrors();

private:
    QTemporaryDir m_dir;
};

void TstEncoder::matchesPyTorch_data()
{
    QTest::addColumn<QString>("folder");
    QTest::addColumn<int>("kernel");
    QTest::addColumn<QString>("prefix");
    QTest::addColumn<int>("architecture");
    QTest::addColumn<bool>("mlm");
    QTest::addColumn<QString>("skipped");
    for (GemmKernel kernel : {GemmKernel::Eigen, GemmKernel::Avx512}) {
        if (kernel == GemmKernel::Avx512 && !avx512Available())
            continue;
        const char *k = kernel == GemmKernel::Eigen ? "eigen" : "avx512";
        auto row = [&](const char *folder) -> QTestData & {
            return QTest::addRow("%s %s", folder, k) << QString(folder) << int(kernel);
        };
        row("bert-mlm-f32") << "bert." << int(BertArchitecture::Bert) << true
                            << "bert.embeddings.position_ids";
        row("bert-f16") << "" << int(BertArchitecture::Bert) << false
                        << "embeddings.position_ids pooler.dense.bias pooler.dense.weight";
        row("minilm-bf16") << "" << int(BertArchitecture::Bert) << false
                           << "embeddings.position_ids pooler.dense.bias pooler.dense.weight";
        row("distilbert-mlm-f32") << "distilbert." << int(BertArchitecture::DistilBert) << true
                                  << "distilbert.embeddings.position_ids";
        row("distilbert-bf16") << "" << int(BertArchitecture::DistilBert) << false
                               << "embeddings.position_ids";
        row("distilbert-f16") << "" << int(BertArchitecture::DistilBert) << false
                              << "embeddings.position_ids";
    }
}

void TstEncoder::matchesPyTorch()
{
    QFETCH(QString, folder);
    QFETCH(int, kernel);
    QFETCH(QString, prefix);
    QFETCH(int, architecture);
    QFETCH(bool, mlm);
    QFETCH(QString, skipped);
    const std::string dir = kFixtures + folder.toStdString();
    const GemmKernel previous = defaultGemmKernel();
    setDefaultGemmKernel(GemmKernel(kernel));
    const BertModelPtr model = BertModel::load(dir);
    setDefaultGemmKernel(previous);
    QCOMPARE(int(model->weights().layers[0].qkv.w.kernel()), kernel);
    QCOMPARE(int(model->config().architecture), architecture);
    QCOMPARE(QString::fromStdString(model->tensorPrefix()), prefix);
    QCOMPARE(model->hasMlmHead(), mlm);
    QStringList skippedNames;
    for (const auto &s : model->skippedTensors())
        skippedNames << QString::fromStdString(s);
    QCOMPARE(skippedNames.join(' '), skipped);

    const Expected e = readExpected(dir);
    QCOMPARE(e.layers, model->config().layers + 1);
    QCOMPARE(e.hidden, model->config().hiddenSize);

    // The tokenizer gives the ids the script computed for the same sentences.
    const QJsonArray sentences =
        QJsonDocument::fromJson(QByteArray::fromStdString(e.sentences)).array();
    QCOMPARE(std::size_t(sentences.size()), e.batch);
    for (std::size_t s = 0; s < e.batch; ++s) {
        std::vector<std::int32_t> ids = {model->tokenizer().clsId()};
        for (std::int32_t id :
             model->tokenizer().tokenize(sentences[qsizetype(s)].toString().toStdString()).ids())
            ids.push_back(id);
        ids.push_back(model->tokenizer().sepId());
        QCOMPARE(ids, e.ids[s]);
    }

    Encoder encoder(model, EncoderOptions{2});
    const EncodedBatch out = encoder.encode(e.ids);
    QCOMPARE(out.layerCount(), e.layers);
    QCOMPARE(out.sentenceCount(), e.batch);
    double worst = 0;
    for (std::size_t l = 0; l < e.layers; ++l)
        for (std::size_t s = 0; s < e.batch; ++s) {
            const RowMatrix got = out.states(l, s);
            const double err = maxRelativeError(got, [&](Eigen::Index t, Eigen::Index j) {
                return e.state(l, s, std::size_t(t), std::size_t(j));
            });
            if (err > 1e-4)
                QFAIL(qPrintable(QString("layer %1 sentence %2: error %3").arg(l).arg(s).arg(err)));
            worst = std::max(worst, err);
        }
    qInfo("%s: largest hidden-state error %.3g", QTest::currentDataTag(), worst);

    if (mlm) {
        for (std::size_t s = 0; s < e.batch; ++s) {
            const RowMatrix logits = mlmLogits(*model, out.states(e.layers - 1, s));
            QCOMPARE(std::size_t(logits.cols()), e.vocab);
            const double err = maxRelativeError(logits, [&](Eigen::Index t, Eigen::Index v) {
                return e.logits[(s * e.length + std::size_t(t)) * e.vocab + std::size_t(v)];
            });
            QVERIFY2(err < 1e-4, qPrintable(QString("MLM logits error %1").arg(err)));
        }
    } else {
        QVERIFY_THROWS_EXCEPTION(std::logic_error, mlmLogits(*model, out.states(0, 0)));
    }
}

void TstEncoder::threadsAndBatchingAgree_data()
{
    QTest::addColumn<int>("kernel");
    QTest::newRow("eigen") << int(GemmKernel::Eigen);
    if (avx512Available())
        QTest::newRow("avx512") << int(GemmKernel::Avx512);
}

void TstEncoder::threadsAndBatchingAgree()
{
    QFETCH(int, kernel);
    const GemmKernel previous = defaultGemmKernel();
    setDefaultGemmKernel(GemmKernel(kernel));
    const BertModelPtr model = BertModel::load(kFixtures + "bert-mlm-f32");
    setDefaultGemmKernel(previous);
    const Expected e = readExpected(kFixtures + "bert-mlm-f32");
    Encoder one(model, EncoderOptions{1}), three(model, EncoderOptions{3});
    const EncodedBatch a = one.encode(e.ids), b = three.encode(e.ids);
    for (std::size_t l = 0; l < a.layerCount(); ++l)
        QCOMPARE(a.layer(l), b.layer(l)); // bit for bit, whatever the thread count
    // Each sentence alone gives what it gives in the batch: bit for bit with the AVX-512
    // kernel, to rounding with Eigen's (whose kernel treats the last few tokens apart).
    for (std::size_t s = 0; s < e.ids.size(); ++s) {
        const EncodedBatch alone = one.encode({e.ids[s]});
        QCOMPARE(alone.sentenceCount(), std::size_t(1));
        for (std::size_t l = 0; l < a.layerCount(); ++l) {
            const RowMatrix x = alone.states(l, 0), y = a.states(l, s);
            if (GemmKernel(kernel) == GemmKernel::Avx512)
                QCOMPARE(x, y);
            else
                QVERIFY((x - y).cwiseAbs().maxCoeff() < 1e-5f);
        }
    }
    // Encoding into a used batch gives the same states; a cancelled one leaves it empty.
    EncodedBatch reused = one.encode({e.ids[0]});
    one.encodeInto(e.ids, reused);
    QCOMPARE(reused.sentenceCount(), e.ids.size());
    for (std::size_t l = 0; l < a.layerCount(); ++l)
        QCOMPARE(reused.layer(l), a.layer(l));
    CancelAfter cancel(3);
    QVERIFY_THROWS_EXCEPTION(Cancelled, one.encodeInto(e.ids, reused, cancel));
    QCOMPARE(reused.sentenceCount(), std::size_t(0));
    QCOMPARE(reused.layerCount(), std::size_t(0));
    // An empty batch is fine.
    const EncodedBatch none = one.encode({});
    QCOMPARE(none.sentenceCount(), std::size_t(0));
    QCOMPARE(none.layerCount(), model->config().layers + 1);
}

void TstEncoder::geluMatchesErf()
{
    std::vector<float> x;
    for (double v = -10; v <= 10; v += 0.001)
        x.push_back(float(v));
    std::vector<float> y = x;
    detail::geluErf(y.data(), y.size());
    double worst = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double v = x[i], want = 0.5 * v * (1 + std::erf(v / std::sqrt(2.0)));
        worst = std::max(worst, std::fabs(double(y[i]) - want));
    }
    QVERIFY2(worst < 2e-6, qPrintable(QString::number(worst)));
    y = x;
    detail::geluTanh(y.data(), y.size());
    worst = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double v = x[i];
        const double want =
            0.5 * v *
            (1 + std::tanh(std::sqrt(2 / 3.141592653589793) * (v + 0.044715 * v * v * v)));
        worst = std::max(worst, std::fabs(double(y[i]) - want));
    }
    QVERIFY2(worst < 2e-6, qPrintable(QString::number(worst)));
}

void TstEncoder::packedProductMatchesEigen_data()
{
    QTest::addColumn<int>("kernel");
    QTest::addColumn<int>("in");
    QTest::addColumn<int>("out");
    QTest::addColumn<int>("rows");
    for (GemmKernel kernel : {GemmKernel::Eigen, GemmKernel::Avx512}) {
        if (kernel == GemmKernel::Avx512 && !avx512Available()) {
            qInfo("no AVX-512 on this CPU: its kernel is not tested");
            continue;
        }
        const char *k = kernel == GemmKernel::Eigen ? "eigen" : "avx512";
        QTest::addRow("%s 1x1x1", k) << int(kernel) << 1 << 1 << 1;
        QTest::addRow("%s ragged small", k) << int(kernel) << 5 << 7 << 3;
        QTest::addRow("%s one block", k) << int(kernel) << 384 << 96 << 256;
        QTest::addRow("%s ragged blocks", k) << int(kernel) << 385 << 97 << 257;
        QTest::addRow("%s ragged columns", k) << int(kernel) << 40 << 113 << 13;
        QTest::addRow("%s several blocks", k) << int(kernel) << 1600 << 290 << 600;
    }
}

void TstEncoder::packedProductMatchesEigen()
{
    QFETCH(int, kernel);
    QFETCH(int, in);
    QFETCH(int, out);
    QFETCH(int, rows);
    std::srand(7);
    const RowMatrix w = RowMatrix::Random(in, out), x = RowMatrix::Random(rows, in);
    const detail::PackedMatrix packed(w.data(), in, out, GemmKernel(kernel));
    QCOMPARE(int(packed.kernel()), kernel);
    QCOMPARE(packed.rows(), Eigen::Index(in));
    QCOMPARE(packed.cols(), Eigen::Index(out));
    const Eigen::MatrixXd want = x.cast<double>() * w.cast<double>();
    detail::AlignedFloats scratch;
    // All panels at once, then panel by panel into a matrix that starts at 1: both add.
    RowMatrix y = RowMatrix::Zero(rows, out), z = RowMatrix::Ones(rows, out);
    packed.multiplyAdd(x.data(), rows, y.data(), 0, packed.panelCount(), scratch);
    for (Eigen::Index p = packed.panelCount() - 1; p >= 0; --p)
        packed.multiplyAdd(x.data(), rows, z.data(), p, p + 1, scratch);
    const double tol = 1e-5 * std::sqrt(double(in));
    QVERIFY((y.cast<double>() - want).cwiseAbs().maxCoeff() < tol);
    QVERIFY((z.cast<double>() - want - Eigen::MatrixXd::Ones(rows, out)).cwiseAbs().maxCoeff() <
            tol);
    // A panel range leaves the other columns alone.
    if (packed.panelCount() > 1) {
        RowMatrix part = RowMatrix::Zero(rows, out);
        packed.multiplyAdd(x.data(), rows, part.data(), 1, 2, scratch);
        QCOMPARE(part.leftCols(packed.panelBegin(1)).cwiseAbs().maxCoeff(), 0.0f);
        const Eigen::Index rest = out - packed.panelBegin(2);
        if (rest > 0)
            QCOMPARE(part.rightCols(rest).cwiseAbs().maxCoeff(), 0.0f);
    }
}

void TstEncoder::rejectsBadInput()
{
    const BertModelPtr model = BertModel::load(kFixtures + "distilbert-bf16");
    Encoder enc(model);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, enc.encode({{}}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             enc.encode({{2, std::int32_t(model->config().vocabSize), 3}}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, enc.encode({{2, -1, 3}}));
    const std::vector<std::int32_t> tooLong(model->config().maxPositions + 1, 5);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, enc.encode({tooLong}));
    const std::vector<std::int32_t> longest(model->config().maxPositions, 5);
    QCOMPARE(enc.encode({longest}).tokenCount(0), longest.size());
}

void TstEncoder::cancels()
{
    const BertModelPtr model = BertModel::load(kFixtures + "bert-f16");
    Encoder enc(model);
    CancelAfter cancel(2);
    QVERIFY_THROWS_EXCEPTION(Cancelled, enc.encode({{2, 10, 11, 3}}, cancel));
    CancelAfter cancelLoad(3);
    QVERIFY_THROWS_EXCEPTION(Cancelled, BertModel::load(kFixtures + "bert-f16", cancelLoad));
}

void TstEncoder::folderErrors_data()
{
    // Each row edits a copy of a fixture folder: removes `file` (empty `from`), creates it
    // (`from` "+"), or replaces `from` by `to` in it.
    QTest::addColumn<QString>("file");
    QTest::addColumn<QByteArray>("from");
    QTest::addColumn<QByteArray>("to");
    QTest::addColumn<QString>("message");
    QTest::newRow("no config") << "config.json" << QByteArray() << QByteArray() << "no config.json";
    QTest::newRow("no weights") << "model.safetensors" << QByteArray() << QByteArray()
                                << "no model.safetensors";
    QTest::newRow("pytorch only") << "pytorch_model.bin" << QByteArray("+") << QByteArray()
                                  << "has pytorch_model.bin but no model.safetensors";
    QTest::newRow("no vocabulary")
        << "vocab.txt" << QByteArray() << QByteArray() << "no tokenizer.json or vocab.txt";
    QTest::newRow("roberta") << "config.json" << QByteArray("\"distilbert\"")
                             << QByteArray("\"roberta\"")
                             << "config.json:5: column 17: model_type 'roberta' is not supported";
    QTest::newRow("shape mismatch")
        << "config.json" << QByteArray("\"dim\": 32") << QByteArray("\"dim\": 64")
        << "tensor 'distilbert.embeddings.word_embeddings.weight' has shape [493, 32], "
           "config.json implies [493, 64]";
    QTest::newRow("heads") << "config.json" << QByteArray("\"n_heads\": 4")
                           << QByteArray("\"n_heads\": 5")
                           << "is not divisible by the 5 attention heads";
    QTest::newRow("missing tensor")
        << "model.safetensors" << QByteArray("transformer.layer.2.ffn.lin2.bias")
        << QByteArray("transformer.layer.2.ffn.lin9.bias")
        << "no tensor 'distilbert.transformer.layer.2.ffn.lin2.bias'";
}

void TstEncoder::folderErrors()
{
    QFETCH(QString, file);
    QFETCH(QByteArray, from);
    QFETCH(QByteArray, to);
    QFETCH(QString, message);
    const QString dir = m_dir.filePath(QTest::currentDataTag());
    std::filesystem::copy(kFixtures + "distilbert-mlm-f32", dir.toStdString(),
                          std::filesystem::copy_options::recursive);
    QFile f(dir + "/" + file);
    if (from.isEmpty()) {
        QVERIFY(f.remove());
    } else if (from == "+") {
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        QVERIFY(QFile::remove(dir + "/model.safetensors"));
    } else {
        QVERIFY(f.open(QIODevice::ReadOnly));
        QByteArray bytes = f.readAll();
        f.close();
        QVERIFY(bytes.contains(from));
        bytes.replace(from, to);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(bytes);
        f.close();
    }
    try {
        BertModel::load(dir.toStdString());
        QFAIL("loaded");
    } catch (const std::exception &e) {
        QVERIFY2(QString(e.what()).contains(message), e.what());
    }
}

void TstEncoder::markers_data()
{
    QTest::addColumn<QString>("marked");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("targets");
    QTest::newRow("one") << "I sat on the [bank] of the river."
                         << "I sat on the bank of the river." << QStringList{"bank"};
    QTest::newRow("two words") << "[New York] is [big]"
                               << "New York is big" << QStringList{"New York", "big"};
    QTest::newRow("mask stays") << "It [MASK] [fits] here."
                                << "It [MASK] fits here." << QStringList{"fits"};
    QTest::newRow("unmatched") << "a [ b] c [d"
                               << "a  b c [d" << QStringList{" b"};
    QTest::newRow("empty") << "a [] b"
                           << "a [] b" << QStringList{};
    QTest::newRow("nested") << "[[x]]"
                            << "[x]" << QStringList{"x"};
    QTest::newRow("utf8") << "Der [Äpfel] Preis"
                          << "Der Äpfel Preis" << QStringList{"Äpfel"};
}

void TstEncoder::markers()
{
    QFETCH(QString, marked);
    QFETCH(QString, text);
    QFETCH(QStringList, targets);
    static const WordPieceTokenizer tok({"[UNK]", "[MASK]", "[CLS]", "[SEP]"});
    const MarkedSentence m = parseMarkedSentence(marked.toStdString(), tok);
    QCOMPARE(QString::fromStdString(m.text), text);
    QStringList got;
    for (const ByteSpan &s : m.targets)
        got << QString::fromStdString(m.text.substr(s.begin, s.end - s.begin));
    QCOMPARE(got, targets);
}

void TstEncoder::targetVectorsAreMeansOfPieces()
{
    const BertModelPtr model = BertModel::load(kFixtures + "bert-mlm-f32");
    Encoder enc(model, EncoderOptions{2});
    const ContextAnalysis a = analyzeSentences(enc, {"The river [bank] was steep.",
                                                     "She went to the [bank] to get money.",
                                                     "I [sat] on the [bank], unaffable."});
    QCOMPARE(a.sentences.size(), std::size_t(3));
    QCOMPARE(a.targets.size(), std::size_t(4));
    QCOMPARE(QString::fromStdString(a.targets[3].word), QString("bank"));
    QCOMPARE(a.targets[3].sentence, std::size_t(2));
    for (const ContextTarget &t : a.targets) {
        QVERIFY(!t.rows.empty());
        QCOMPARE(std::size_t(t.layers.rows()), model->config().layers + 1);
        // The pieces of the target are exactly those whose bytes lie in its span.
        const ContextSentence &s = a.sentences[t.sentence];
        for (std::size_t r : t.rows) {
            const WordPieceToken &p = s.tokens.pieces[r - 1];
            QVERIFY(p.begin >= t.span.begin && p.end <= t.span.end);
        }
        for (std::size_t l = 0; l < a.states.layerCount(); ++l) {
            RowVector mean = RowVector::Zero(t.layers.cols());
            for (std::size_t r : t.rows)
                mean += a.states.states(l, t.sentence).row(Eigen::Index(r));
            mean /= float(t.rows.size());
            QVERIFY((mean - t.layers.row(Eigen::Index(l))).cwiseAbs().maxCoeff() < 1e-6f);
        }
    }
    // "bank" is not in the tiny vocabulary: several pieces, averaged.
    QVERIFY(a.targets[0].rows.size() > 1);
    // A click inside "bank" finds the word; a click on a space finds none.
    const ContextSentence &s0 = a.sentences[0];
    QCOMPARE(wordAt(s0, 12).value(), (ByteSpan{10, 14}));
    QVERIFY(!wordAt(s0, 9));
    QCOMPARE(rowsOfSpan(s0, ByteSpan{10, 14}), a.targets[0].rows);
    // A click on "river" in sentence 1 gives that word's vector.
    const ContextTarget river = makeTarget(*model, a, 0, *wordAt(s0, 5));
    QCOMPARE(QString::fromStdString(river.word), QString("river"));
    QCOMPARE(river.layers.rows(), a.targets[0].layers.rows());
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, makeTarget(*model, a, 0, ByteSpan{9, 10}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, makeTarget(*model, a, 3, ByteSpan{0, 1}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, makeTarget(*model, a, 0, ByteSpan{10, 99}));
}

void TstEncoder::layerChoiceAndCosines()
{
    RowMatrix perLayer(6, 3);
    for (Eigen::Index i = 0; i < perLayer.size(); ++i)
        perLayer.data()[i] = float(i);
    QCOMPARE(selectLayer(perLayer, LayerChoice::index(-1)), RowVector(perLayer.row(5)));
    QCOMPARE(selectLayer(perLayer, LayerChoice::index(0)), RowVector(perLayer.row(0)));
    QCOMPARE(selectLayer(perLayer, LayerChoice::index(-6)), RowVector(perLayer.row(0)));
    const RowVector last4 = selectLayer(perLayer, LayerChoice::lastFourMean());
    QCOMPARE(last4, RowVector(perLayer.bottomRows(4).colwise().mean()));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, selectLayer(perLayer, LayerChoice::index(6)));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, selectLayer(perLayer, LayerChoice::index(-7)));

    RowMatrix v(3, 2);
    v << 1, 0, 0, 2, 0, 0;
    const Eigen::MatrixXf c = cosineMatrix(v);
    QCOMPARE(c(0, 0), 1.0f);
    QCOMPARE(c(1, 1), 1.0f);
    QCOMPARE(c(0, 1), 0.0f);
    QCOMPARE(c(2, 2), 0.0f);
    RowMatrix w(2, 2);
    w << 1, 1, 1, 0;
    QVERIFY(std::fabs(cosineMatrix(w)(0, 1) - float(std::sqrt(0.5))) < 1e-7f);
}

void TstEncoder::maskedPredictionsMatchPyTorch()
{
    for (const char *name : {"bert-mlm-f32", "distilbert-mlm-f32"}) {
        const std::string dir = kFixtures + name;
        const BertModelPtr model = BertModel::load(dir);
        const Expected e = readExpected(dir);
        Encoder enc(model);
        const EncodedBatch out = enc.encode(e.ids);
        const std::size_t s = 2;
        const auto mask =
            std::size_t(std::find(e.ids[s].begin(), e.ids[s].end(), model->tokenizer().maskId()) -
                        e.ids[s].begin());
        QVERIFY(mask < e.ids[s].size());
        const auto top = maskedPredictions(*model, out, s, mask, 5);
        QCOMPARE(top.size(), std::size_t(5));
        // PyTorch's ranking of the same logits.
        std::vector<std::int32_t> want(e.vocab);
        std::iota(want.begin(), want.end(), 0);
        const float *lg = e.logits.data() + (s * e.length + mask) * e.vocab;
        std::stable_sort(want.begin(), want.end(),
                         [&](std::int32_t a, std::int32_t b) { return lg[a] > lg[b]; });
        for (std::size_t i = 0; i < top.size(); ++i) {
            QCOMPARE(top[i].id, want[i]);
            QCOMPARE(top[i].token, model->tokenizer().token(want[i]));
            QVERIFY(top[i].score > 0 && top[i].score < 1);
            if (i)
                QVERIFY(top[i].score <= top[i - 1].score);
        }
    }
    const BertModelPtr plain = BertModel::load(kFixtures + "bert-f16");
    Encoder enc(plain);
    const EncodedBatch out = enc.encode({{2, 3}});
    QVERIFY_THROWS_EXCEPTION(std::logic_error, maskedPredictions(*plain, out, 0, 1, 5));
}

void TstEncoder::nearestTokensFindThemselves()
{
    const BertModelPtr model = BertModel::load(kFixtures + "distilbert-bf16");
    const std::int32_t id = *model->tokenizer().find("the");
    const RowVector v = model->weights().wordEmbeddings.row(id);
    const auto near = nearestTokens(*model, {v.data(), std::size_t(v.size())}, 3);
    QCOMPARE(near.size(), std::size_t(3));
    QCOMPARE(near[0].id, id);
    QCOMPARE(near[0].token, std::string("the"));
    QVERIFY(std::fabs(near[0].score - 1.0f) < 1e-5f);
    QVERIFY(near[1].score <= near[0].score && near[2].score <= near[1].score);
    // Bracketed tokens are skipped unless asked for.
    const std::int32_t mask = model->tokenizer().maskId();
    const RowVector m = model->weights().wordEmbeddings.row(mask);
    QVERIFY(nearestTokens(*model, {m.data(), std::size_t(m.size())}, 1)[0].id != mask);
    QCOMPARE(nearestTokens(*model, {m.data(), std::size_t(m.size())}, 1, false)[0].id, mask);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, nearestTokens(*model, {m.data(), 3}, 1));
}

void TstEncoder::targetErrors()
{
    const BertModelPtr model = BertModel::load(kFixtures + "distilbert-bf16");
    Encoder enc(model);
    try {
        analyzeSentences(enc, {"fine [words] here", "a [ ] b"});
        QFAIL("no error");
    } catch (const std::invalid_argument &e) {
        QCOMPARE(QString(e.what()), QString("sentence 2: target ' ' has no tokens"));
    }
    // 64 positions: [CLS] + 62 pieces + [SEP]; a target past them is cut off.
    std::string longText;
    for (int i = 0; i < 70; ++i)
        longText += "the ";
    try {
        analyzeSentences(enc, {longText + "[end]"});
        QFAIL("no error");
    } catch (const std::invalid_argument &e) {
        QCOMPARE(QString(e.what()),
                 QString("sentence 1: target 'end' has no tokens within the model's 64-token "
                         "limit"));
    }
    const ContextAnalysis ok = analyzeSentences(enc, {"[the] " + longText});
    QVERIFY(ok.sentences[0].truncated());
    QCOMPARE(ok.sentences[0].ids.size(), std::size_t(64));
    QCOMPARE(ok.targets.size(), std::size_t(1));
    QCOMPARE(ok.targets[0].rows, std::vector<std::size_t>{1});
}

QTEST_APPLESS_MAIN(TstEncoder)
#include "tst_encoder.moc"
