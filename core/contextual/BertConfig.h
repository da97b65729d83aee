#pragma once
// The shape of a BERT-family encoder, read from a Hugging Face config.json.
#include <cstddef>
#include <string>

namespace embex {

class JsonDocument;

/// The encoder families Embex runs. Both are post-LayerNorm transformer encoders with learned
/// absolute positions; DistilBERT has no token-type embeddings and a fixed LayerNorm eps.
enum class BertArchitecture { Bert, DistilBert };

/// The feed-forward activation ("hidden_act" / "activation").
enum class BertActivation {
    GeluErf,  ///< "gelu", "gelu_python": x·Φ(x) with the error function
    GeluTanh, ///< "gelu_new", "gelu_pytorch_tanh", "gelu_fast": the tanh approximation
    Relu,     ///< "relu"
};

/// config.json of a BERT (model_type "bert") or DistilBERT ("distilbert") model; the field
/// names differ (hidden_size / dim, num_hidden_layers / n_layers, ...), the meaning does not.
struct BertConfig
{
    BertArchitecture architecture = BertArchitecture::Bert;
    std::size_t vocabSize = 0;
    std::size_t hiddenSize = 0;
    std::size_t layers = 0;
    std::size_t heads = 0;
    std::size_t intermediateSize = 0;
    std::size_t maxPositions = 0;
    /// Rows of the token-type embedding (BERT: usually 2; DistilBERT: 0). Embex always uses
    /// type 0 (single sentences).
    std::size_t typeVocabSize = 0;
    BertActivation activation = BertActivation::GeluErf;
    /// LayerNorm epsilon (BERT: "layer_norm_eps", default 1e-12; DistilBERT: 1e-12).
    float layerNormEps = 1e-12f;
    /// "model_type" as written ("bert", "distilbert").
    std::string modelType;

    std::size_t headSize() const { return heads ? hiddenSize / heads : 0; }

    /// Parses and validates (positive sizes within sane limits, hidden divisible by heads, a
    /// known activation, absolute position embeddings). Throws FormatError naming the file,
    /// line and field.
    static BertConfig fromJson(const JsonDocument &doc);
    static BertConfig load(const std::string &path);
};

} // namespace embex
