#pragma once
// The forward pass of a BERT-family encoder (Hugging Face's BertModel / DistilBertModel in eval
// mode) in float32 Eigen, returning every hidden state.
#include "contextual/BertModel.h"
#include "util/Parallel.h"
#include "util/Progress.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace embex {

class ThreadTeam;

/// Options of Encoder.
struct EncoderOptions
{
    /// Threads of one forward pass (0 counts as 1). Default: all cores. The dense layers are
    /// split by output columns, attention by (sentence, head).
    unsigned threads = defaultThreads();
};

/// The hidden states of a batch of sentences. Layer 0 is the embedding output, layer i the
/// output of transformer layer i (Hugging Face's output_hidden_states). The tokens of all
/// sentences are packed one after another: layer(l) is totalTokens() × hidden, row-major, and
/// sentence s occupies rows [offset(s), offset(s) + tokenCount(s)). Value type. Memory:
/// (layers + 1) × hidden floats per token, about 40 KB per token for bert-base.
class EncodedBatch
{
public:
    EncodedBatch() = default;
    EncodedBatch(std::vector<RowMatrix> layers, std::vector<std::size_t> offsets)
        : m_layers(std::move(layers)), m_offsets(std::move(offsets))
    {}

    std::size_t sentenceCount() const { return m_offsets.empty() ? 0 : m_offsets.size() - 1; }
    /// Hidden states per token: the model's layers + 1.
    std::size_t layerCount() const { return m_layers.size(); }
    std::size_t hiddenSize() const
    {
        return m_layers.empty() ? 0 : std::size_t(m_layers.front().cols());
    }
    std::size_t totalTokens() const { return m_offsets.empty() ? 0 : m_offsets.back(); }
    std::size_t offset(std::size_t sentence) const { return m_offsets[sentence]; }
    std::size_t tokenCount(std::size_t sentence) const
    {
        return m_offsets[sentence + 1] - m_offsets[sentence];
    }
    /// All tokens at one layer.
    const RowMatrix &layer(std::size_t l) const { return m_layers[l]; }
    /// One sentence at one layer: tokenCount(s) × hidden, a view into layer(l).
    Eigen::Block<const RowMatrix, Eigen::Dynamic, Eigen::Dynamic, true>
    states(std::size_t l, std::size_t sentence) const
    {
        return m_layers[l].middleRows(Eigen::Index(offset(sentence)),
                                      Eigen::Index(tokenCount(sentence)));
    }

private:
    friend class Encoder;
    std::vector<RowMatrix> m_layers;
    std::vector<std::size_t> m_offsets;
};

/// Runs a model on batches of token-id sequences.
///
/// Per layer, the tokens of all sentences form one matrix for the dense products (fused
/// query/key/value, attention output, feed-forward), so each weight matrix is read once per
/// batch; attention runs per sentence and head over that sentence's tokens only, which is
/// exactly what Hugging Face's padding mask computes for the real tokens (masked scores get
/// exp(−huge) = 0), without computing padding. GELU uses the error function (or the tanh form
/// when the config says so); LayerNorm uses the config's eps; scores are scaled by
/// 1/√head_size. Results match PyTorch to about 1e-5 (the tests' tolerance is 1e-4).
///
/// The dense products use weights packed at load (detail::PackedMatrix): Eigen's AVX2 + FMA
/// kernel in the x86-64-v3 build, or, chosen at run time on CPUs with AVX-512, Embex's own
/// 512-bit kernel (faster on AVX-512 cores, see bench/README.md; EMBEX_GEMM=eigen in the
/// environment turns it off). The same inputs give the same results, bit for bit, for any thread
/// count.
///
/// Not thread-safe: one Encoder is used from one thread at a time (it keeps scratch buffers);
/// several Encoders may share one model. The work of one encode() call runs on
/// options.threads threads: the caller and options.threads − 1 workers that the Encoder keeps
/// (asleep between calls).
class Encoder
{
public:
    explicit Encoder(BertModelPtr model, EncoderOptions options = {});
    ~Encoder();
    Encoder(Encoder &&) noexcept;
    Encoder &operator=(Encoder &&) noexcept;

    const BertModel &model() const { return *m_model; }
    const BertModelPtr &modelPtr() const { return m_model; }
    const EncoderOptions &options() const { return m_options; }

    /// Encodes sentences given as token ids, special tokens included ([CLS] … [SEP]). Each
    /// sentence holds 1 to maxPositions ids in [0, vocabSize) (std::invalid_argument
    /// otherwise). Progress: stage "encoding", one report per layer; throws Cancelled between
    /// layers.
    EncodedBatch encode(const std::vector<std::vector<std::int32_t>> &sentences,
                        Progress &progress = nullProgress());
    /// The same into an existing batch, whose memory is reused when the shapes allow (repeated
    /// encodings then skip allocating and faulting in fresh pages). On an exception `out` is
    /// left empty.
    void encodeInto(const std::vector<std::vector<std::int32_t>> &sentences, EncodedBatch &out,
                    Progress &progress = nullProgress());

private:
    void embed(const std::vector<std::vector<std::int32_t>> &sentences, RowMatrix &out);
    void layer(const EncoderLayerWeights &w, const RowMatrix &in, RowMatrix &out);
    void dense(const RowMatrix &x, const DenseWeights &d, RowMatrix &y, bool activate);
    void attention(const RowMatrix &qkv, RowMatrix &ctx);

    BertModelPtr m_model;
    EncoderOptions m_options;
    std::vector<std::size_t> m_offsets;
    RowMatrix m_qkv, m_ctx, m_attn, m_inter;
    std::vector<detail::AlignedFloats> m_scratch; ///< per thread, for the packed products
    std::unique_ptr<ThreadTeam> m_team;           ///< options.threads − 1 sleeping workers
};

/// Masked-language-model logits for rows of the last hidden state: rows × vocab (the head's
/// transform, activation and LayerNorm, then the decoder and bias). Throws std::logic_error when
/// the model has no MLM head.
RowMatrix mlmLogits(const BertModel &model, const Eigen::Ref<const RowMatrix> &lastHidden);

namespace detail {
/// In-place activations, vectorised; exposed for the tests.
void geluErf(float *x, std::size_t n);
void geluTanh(float *x, std::size_t n);
} // namespace detail

} // namespace embex
