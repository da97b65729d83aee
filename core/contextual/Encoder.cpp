#include "contextual/Encoder.h"
#include "util/ThreadTeam.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace embex {

namespace detail {

namespace {

/// GELU with erf on a block of values (an Eigen array map or a fixed-size chunk).
template <typename Block> void geluErfBlock(Block &&v)
{
    // x · Φ(x) = x/2 · (1 + erf(x/√2)). erf by the rational approximation Eigen and TensorFlow
    // use for float (odd degree-13 numerator over even degree-8 denominator on [-4, 4], beyond
    // which erf is ±1 in float). Each step is one vectorised Eigen array expression.
    constexpr float a1 = -1.60960333262415e-02f, a3 = -2.95459980854025e-03f,
                    a5 = -7.34990630326855e-04f, a7 = -5.69250639462346e-05f,
                    a9 = -2.10102402082508e-06f, a11 = 2.77068142495902e-08f,
                    a13 = -2.72614225801306e-10f;
    constexpr float b0 = -1.42647390514189e-02f, b2 = -7.37332916720468e-03f,
                    b4 = -1.68282697438203e-03f, b6 = -2.13374055278905e-04f,
                    b8 = -1.45660718464996e-05f;
    const auto z = (v * 0.70710678118654752f).max(-4.0f).min(4.0f).eval();
    const auto z2 = (z * z).eval();
    const auto p =
        ((((((z2 * a13 + a11) * z2 + a9) * z2 + a7) * z2 + a5) * z2 + a3) * z2 + a1).eval();
    const auto q = ((((z2 * b8 + b6) * z2 + b4) * z2 + b2) * z2 + b0).eval();
    v = 0.5f * v * (1.0f + z * p / q);
}

} // namespace

void geluErf(float *x, std::size_t n)
{
    using Chunk = Eigen::Array<float, 64, 1>;
    std::size_t i = 0;
    for (; i + 64 <= n; i += 64)
        geluErfBlock(Eigen::Map<Chunk>(x + i));
    if (i < n)
        geluErfBlock(Eigen::Map<Eigen::ArrayXf>(x + i, Eigen::Index(n - i)));
}

void geluTanh(float *x, std::size_t n)
{
    Eigen::Map<Eigen::ArrayXf> a(x, Eigen::Index(n));
    a = 0.5f * a * (1.0f + (0.7978845608028654f * (a + 0.044715f * a.cube())).tanh());
}

} // namespace detail

namespace {

/// In-place LayerNorm of one row after adding the residual: x ← LN(x + r).
void addLayerNorm(float *x, const float *r, const LayerNormWeights &ln, float eps, Eigen::Index h)
{
    Eigen::Map<Eigen::RowVectorXf> v(x, h);
    v += Eigen::Map<const Eigen::RowVectorXf>(r, h);
    const float mean = v.mean();
    v.array() -= mean;
    const float var = v.squaredNorm() / float(h);
    const float inv = 1.0f / std::sqrt(var + eps);
    v = (v * inv).cwiseProduct(ln.gamma) + ln.beta;
}

} // namespace

Encoder::Encoder(BertModelPtr model, EncoderOptions options)
    : m_model(std::move(model)), m_options(options)
{
    if (!m_model)
        throw std::invalid_argument("Encoder: no model");
    m_options.threads = std::max(1u, m_options.threads);
    m_scratch.resize(m_options.threads);
    m_team = std::make_unique<ThreadTeam>(m_options.threads);
}

Encoder::~Encoder() = default;
Encoder::Encoder(Encoder &&) noexcept = default;
Encoder &Encoder::operator=(Encoder &&) noexcept = default;

EncodedBatch Encoder::encode(const std::vector<std::vector<std::int32_t>> &sentences,
                             Progress &progress)
{
    EncodedBatch out;
    encodeInto(sentences, out, progress);
    return out;
}

void Encoder::encodeInto(const std::vector<std::vector<std::int32_t>> &sentences, EncodedBatch &out,
                         Progress &progress)
{
    out.m_offsets.clear();
    const BertConfig &c = m_model->config();
    m_offsets.assign(1, 0);
    for (std::size_t s = 0; s < sentences.size(); ++s) {
        const auto &ids = sentences[s];
        if (ids.empty() || ids.size() > c.maxPositions)
            throw std::invalid_argument(
                "sentence " + std::to_string(s) + " has " + std::to_string(ids.size()) +
                " tokens; the model takes 1 to " + std::to_string(c.maxPositions));
        for (std::int32_t id : ids)
            if (id < 0 || std::size_t(id) >= c.vocabSize)
                throw std::invalid_argument("sentence " + std::to_string(s) + ": token id " +
                                            std::to_string(id) + " is outside the vocabulary (" +
                                            std::to_string(c.vocabSize) + ")");
        m_offsets.push_back(m_offsets.back() + ids.size());
    }
    const auto total = Eigen::Index(m_offsets.back());
    const auto h = Eigen::Index(c.hiddenSize);
    std::vector<RowMatrix> &states = out.m_layers;
    try {
        states.resize(c.layers + 1);
        progress.check();
        progress.report(0, "encoding");
        states[0].resize(total, h);
        if (total > 0)
            embed(sentences, states[0]);
        m_qkv.resize(total, 3 * h);
        m_ctx.resize(total, h);
        m_attn.resize(total, h);
        m_inter.resize(total, Eigen::Index(c.intermediateSize));
        for (std::size_t l = 0; l < c.layers; ++l) {
            progress.check();
            states[l + 1].resize(total, h);
            if (total > 0)
                layer(m_model->weights().layers[l], states[l], states[l + 1]);
            progress.report(double(l + 1) / double(c.layers), "encoding");
        }
    } catch (...) {
        states.clear(); // an empty batch rather than half-computed states
        throw;
    }
    out.m_offsets = m_offsets;
}

void Encoder::embed(const std::vector<std::vector<std::int32_t>> &sentences, RowMatrix &out)
{
    const BertWeights &w = m_model->weights();
    const float eps = m_model->config().layerNormEps;
    const Eigen::Index h = out.cols();
    const RowVector zero = RowVector::Zero(h);
    m_team->forRanges(std::size_t(out.rows()), [&](auto b, auto e, unsigned) {
        // The sentence of row b, then walk forward.
        std::size_t s = std::size_t(std::upper_bound(m_offsets.begin(), m_offsets.end(), b) -
                                    m_offsets.begin()) -
                        1;
        for (std::size_t r = b; r < e; ++r) {
            while (r >= m_offsets[s + 1])
                ++s;
            const std::size_t pos = r - m_offsets[s];
            const auto id = Eigen::Index(sentences[s][pos]);
            // Hugging Face's order: word + token type, then + position.
            out.row(Eigen::Index(r)) = w.wordEmbeddings.row(id) + w.tokenType0;
            out.row(Eigen::Index(r)) += w.positionEmbeddings.row(Eigen::Index(pos));
            addLayerNorm(out.row(Eigen::Index(r)).data(), zero.data(), w.embeddingNorm, eps, h);
        }
    });
}

namespace {

/// The activation in place on a row segment.
void activate(float *row, std::size_t m, BertActivation act)
{
    switch (act) {
    case BertActivation::GeluErf:
        detail::geluErf(row, m);
        break;
    case BertActivation::GeluTanh:
        detail::geluTanh(row, m);
        break;
    case BertActivation::Relu:
        for (std::size_t j = 0; j < m; ++j)
            row[j] = row[j] > 0.0f ? row[j] : 0.0f;
        break;
    }
}

/// y = x·w + b (then the activation when `act` is set) for the output columns of panels
/// [p0, p1).
void denseColumns(const RowMatrix &x, const DenseWeights &d, RowMatrix &y, Eigen::Index p0,
                  Eigen::Index p1, const BertActivation *act, detail::AlignedFloats &scratch)
{
    const Eigen::Index c0 = d.w.panelBegin(p0), c1 = d.w.panelBegin(p1);
    if (c1 <= c0)
        return;
    // Start from the bias and accumulate the product into it.
    y.middleCols(c0, c1 - c0).rowwise() = d.b.segment(c0, c1 - c0);
    d.w.multiplyAdd(x.data(), x.rows(), y.data(), p0, p1, scratch);
    if (act)
        for (Eigen::Index r = 0; r < y.rows(); ++r)
            activate(y.row(r).data() + c0, std::size_t(c1 - c0), *act);
}

} // namespace

void Encoder::dense(const RowMatrix &x, const DenseWeights &d, RowMatrix &y, bool activate)
{
    const BertActivation act = m_model->config().activation;
    m_team->forRanges(std::size_t(d.w.panelCount()),
                      [&](std::size_t p0, std::size_t p1, unsigned t) {
                          denseColumns(x, d, y, Eigen::Index(p0), Eigen::Index(p1),
                                       activate ? &act : nullptr, m_scratch[t]);
                      });
}

void Encoder::layer(const EncoderLayerWeights &w, const RowMatrix &in, RowMatrix &out)
{
    const BertConfig &c = m_model->config();
    dense(in, w.qkv, m_qkv, false);
    attention(m_qkv, m_ctx);
    dense(m_ctx, w.attentionOutput, m_attn, false);
    const Eigen::Index h = in.cols();
    m_team->forRanges(std::size_t(in.rows()), [&](auto b, auto e, unsigned) {
        for (auto r = Eigen::Index(b); r < Eigen::Index(e); ++r)
            addLayerNorm(m_attn.row(r).data(), in.row(r).data(), w.attentionNorm, c.layerNormEps,
                         h);
    });
    dense(m_attn, w.intermediate, m_inter, true);
    dense(m_inter, w.output, out, false);
    m_team->forRanges(std::size_t(in.rows()), [&](auto b, auto e, unsigned) {
        for (auto r = Eigen::Index(b); r < Eigen::Index(e); ++r)
            addLayerNorm(out.row(r).data(), m_attn.row(r).data(), w.outputNorm, c.layerNormEps, h);
    });
}

void Encoder::attention(const RowMatrix &qkv, RowMatrix &ctx)
{
    const BertConfig &c = m_model->config();
    const auto heads = c.heads;
    const auto d = Eigen::Index(c.headSize());
    const auto h = Eigen::Index(c.hiddenSize);
    const float scale = 1.0f / std::sqrt(float(d));
    const std::size_t sentences = m_offsets.size() - 1;
    m_team->forRanges(sentences * heads, [&](auto b, auto e, unsigned) {
        RowMatrix scores;
        for (std::size_t task = b; task < e; ++task) {
            const std::size_t s = task / heads;
            const auto head = Eigen::Index(task % heads);
            const auto o = Eigen::Index(m_offsets[s]);
            const auto n = Eigen::Index(m_offsets[s + 1] - m_offsets[s]);
            const auto q = qkv.block(o, head * d, n, d);
            const auto k = qkv.block(o, h + head * d, n, d);
            const auto v = qkv.block(o, 2 * h + head * d, n, d);
            scores.resize(n, n);
            scores.noalias() = q * k.transpose();
            // Softmax over keys of (q·k)/√d: exp((s − max)·scale), normalised.
            for (Eigen::Index i = 0; i < n; ++i) {
                auto row = scores.row(i).array();
                const float m = row.maxCoeff();
                row = ((row - m) * scale).exp();
                row /= row.sum();
            }
            ctx.block(o, head * d, n, d).noalias() = scores * v;
        }
    });
}

RowMatrix mlmLogits(const BertModel &model, const Eigen::Ref<const RowMatrix> &lastHidden)
{
    const auto &mlm = model.weights().mlm;
    if (!mlm)
        throw std::logic_error("the model has no masked-language-model head");
    const BertConfig &c = model.config();
    const RowMatrix h = lastHidden; // contiguous for the kernel
    RowMatrix t(h.rows(), mlm->transform.w.cols());
    t.rowwise() = mlm->transform.b;
    detail::AlignedFloats scratch;
    mlm->transform.w.multiplyAdd(h.data(), h.rows(), t.data(), 0, mlm->transform.w.panelCount(),
                                 scratch);
    const RowVector zero = RowVector::Zero(t.cols());
    for (Eigen::Index r = 0; r < t.rows(); ++r) {
        activate(t.row(r).data(), std::size_t(t.cols()), c.activation);
        addLayerNorm(t.row(r).data(), zero.data(), mlm->norm, c.layerNormEps, t.cols());
    }
    const RowMatrix &decoder = mlm->decoder.size() ? mlm->decoder : model.weights().wordEmbeddings;
    RowMatrix logits = t * decoder.transpose();
    logits.rowwise() += mlm->bias;
    return logits;
}

} // namespace embex
