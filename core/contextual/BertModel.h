#pragma once
// A BERT-family model folder as Hugging Face publishes it, loaded into float32 Eigen matrices:
// config.json, the WordPiece vocabulary (tokenizer.json or vocab.txt) and the weights
// (model.safetensors, or the shards named by model.safetensors.index.json).
//
// Recognised layouts (the tensor names are found from the word-embedding tensor's prefix):
//   BERT        [bert.]embeddings.{word,position,token_type}_embeddings.weight,
//               [bert.]embeddings.LayerNorm.{weight,bias | gamma,beta},
//               [bert.]encoder.layer.N.attention.self.{query,key,value}.{weight,bias},
//               ...attention.output.dense, ...attention.output.LayerNorm,
//               ...intermediate.dense, ...output.dense, ...output.LayerNorm;
//               MLM head cls.predictions.{transform.dense, transform.LayerNorm, bias,
//               decoder.weight (optional: tied to the word embeddings)}
//   DistilBERT  [distilbert.]embeddings.{word,position}_embeddings.weight, embeddings.LayerNorm,
//               [distilbert.]transformer.layer.N.attention.{q,k,v,out}_lin,
//               ...sa_layer_norm, ...ffn.lin1, ...ffn.lin2, ...output_layer_norm;
//               MLM head vocab_transform, vocab_layer_norm, vocab_projector (weight optional)
//   sentence-transformers folders (all-MiniLM-L6-v2 and the like) are BERT without prefix; a
//   folder whose model sits in 0_Transformer/ is followed there.
// Other tensors (pooler, next-sentence head, position_ids buffers) are skipped and listed in
// skippedTensors().
#include "contextual/BertConfig.h"
#include "contextual/PackedMatrix.h"
#include "contextual/WordPiece.h"
#include "util/Progress.h"
#include "vectors/EmbeddingSet.h"

#include <Eigen/Core>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace embex {

using RowVector = Eigen::Matrix<float, 1, Eigen::Dynamic>;

/// y = x·w + b for row vectors x: `w` is in × out (the transpose of PyTorch's nn.Linear
/// weight), packed for the product kernel.
struct DenseWeights
{
    detail::PackedMatrix w;
    RowVector b;
};

struct LayerNormWeights
{
    RowVector gamma, beta;
};

/// One transformer layer. Query, key and value are fused into one in × 3·hidden matrix,
/// columns [query | key | value], so that one product computes all three.
struct EncoderLayerWeights
{
    DenseWeights qkv;
    DenseWeights attentionOutput;
    LayerNormWeights attentionNorm;
    DenseWeights intermediate;
    DenseWeights output;
    LayerNormWeights outputNorm;
};

/// The masked-language-model head: transform (dense, activation, LayerNorm), then logits
/// = h·decoderᵀ + bias, where the decoder is the word-embedding matrix unless the checkpoint
/// stores a different one.
struct MlmHeadWeights
{
    DenseWeights transform;
    LayerNormWeights norm;
    /// vocab × hidden; empty when tied to the word embeddings.
    RowMatrix decoder;
    RowVector bias;
};

/// All weights, float32. Memory: 4 bytes per parameter whatever the file's dtype (F16 and BF16
/// checkpoints are converted once at load, so they take twice their file size in RAM:
/// bert-base about 420 MiB, all-MiniLM-L6-v2 about 87 MiB).
struct BertWeights
{
    RowMatrix wordEmbeddings;     ///< vocab × hidden
    RowMatrix positionEmbeddings; ///< maxPositions × hidden
    RowVector tokenType0;         ///< token-type 0 embedding (zeros for DistilBERT)
    LayerNormWeights embeddingNorm;
    std::vector<EncoderLayerWeights> layers;
    std::optional<MlmHeadWeights> mlm;
};

/// A loaded model: configuration, tokenizer and weights. Immutable; share it as
/// shared_ptr<const BertModel>. Const members are thread-safe.
class BertModel
{
public:
    /// Loads a model folder (see the file comment). Progress: stage "loading weights",
    /// fraction of the tensors converted; throws Cancelled. Errors: FormatError naming the file
    /// and the rule (a missing tensor, a shape that disagrees with config.json, a malformed
    /// file), std::runtime_error for a folder without the needed files (a PyTorch-only
    /// pytorch_model.bin is named as such).
    static std::shared_ptr<const BertModel> load(const std::string &folder,
                                                 Progress &progress = nullProgress());

    const BertConfig &config() const { return m_config; }
    const WordPieceTokenizer &tokenizer() const { return m_tokenizer; }
    const BertWeights &weights() const { return m_weights; }
    bool hasMlmHead() const { return m_weights.mlm.has_value(); }
    /// The folder the model came from (after following 0_Transformer/).
    const std::string &folder() const { return m_folder; }
    /// The prefix of the encoder's tensor names in the checkpoint ("bert.", "distilbert.", "").
    const std::string &tensorPrefix() const { return m_prefix; }
    /// Names of the checkpoint's tensors that the encoder does not use.
    const std::vector<std::string> &skippedTensors() const { return m_skipped; }
    /// 1 / ‖row‖ of each word embedding (0 for a zero row), for cosine searches.
    const Eigen::VectorXf &inverseEmbeddingNorms() const { return m_inverseNorms; }
    /// Number of float parameters held.
    std::size_t parameterCount() const;

    BertModel(BertConfig config, WordPieceTokenizer tokenizer, BertWeights weights,
              std::string folder, std::string prefix, std::vector<std::string> skipped);

private:
    BertConfig m_config;
    WordPieceTokenizer m_tokenizer;
    BertWeights m_weights;
    std::string m_folder, m_prefix;
    std::vector<std::string> m_skipped;
    Eigen::VectorXf m_inverseNorms;
};

using BertModelPtr = std::shared_ptr<const BertModel>;

} // namespace embex
