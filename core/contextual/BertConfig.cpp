#include "contextual/BertConfig.h"
#include "contextual/JsonValue.h"

namespace embex {

namespace {

/// A positive integer field, at most `max`; `fallback` when absent (0 = required).
std::size_t sizeField(const JsonDocument &doc, const char *key, std::size_t max,
                      std::size_t fallback = 0)
{
    const JsonValue *v = doc.root().find(key);
    if (!v || v->isNull()) {
        if (fallback)
            return fallback;
        throw doc.error(doc.root(), std::string("no \"") + key + "\"");
    }
    const auto n = v->asUint64();
    if (!n || *n == 0 || *n > max)
        throw doc.error(*v, std::string("\"") + key + "\" must be an integer in [1, " +
                                std::to_string(max) + "]");
    return std::size_t(*n);
}

std::string stringField(const JsonDocument &doc, const char *key, const std::string &fallback)
{
    const JsonValue *v = doc.root().find(key);
    if (!v || v->isNull())
        return fallback;
    if (!v->isString())
        throw doc.error(*v, std::string("\"") + key + "\" must be a string");
    return v->asString();
}

} // namespace

BertConfig BertConfig::fromJson(const JsonDocument &doc)
{
    const JsonValue &root = doc.root();
    if (!root.isObject())
        throw doc.error(root, "config.json must hold an object");
    BertConfig c;
    c.modelType = stringField(doc, "model_type", "");
    if (c.modelType.empty()) {
        // Old configs have no model_type; the architecture names the family.
        const JsonValue *arch = root.find("architectures");
        if (arch && arch->isArray() && !arch->asArray().empty() && arch->asArray()[0].isString()) {
            const std::string &a = arch->asArray()[0].asString();
            c.modelType = a.rfind("DistilBert", 0) == 0 ? "distilbert"
                          : a.rfind("Bert", 0) == 0     ? "bert"
                                                        : a;
        } else {
            c.modelType = root.find("dim") ? "distilbert" : "bert";
        }
    }
    constexpr std::size_t kMaxVocab = 10'000'000, kMaxHidden = 16384, kMaxLayers = 256,
                          kMaxPositions = 1 << 20;
    std::string act;
    if (c.modelType == "bert") {
        c.architecture = BertArchitecture::Bert;
        c.vocabSize = sizeField(doc, "vocab_size", kMaxVocab);
        c.hiddenSize = sizeField(doc, "hidden_size", kMaxHidden);
        c.layers = sizeField(doc, "num_hidden_layers", kMaxLayers);
        c.heads = sizeField(doc, "num_attention_heads", kMaxHidden);
        c.intermediateSize = sizeField(doc, "intermediate_size", 4 * kMaxHidden);
        c.maxPositions = sizeField(doc, "max_position_embeddings", kMaxPositions, 512);
        c.typeVocabSize = sizeField(doc, "type_vocab_size", 1024, 2);
        act = stringField(doc, "hidden_act", "gelu");
        if (const JsonValue *eps = root.find("layer_norm_eps"); eps && !eps->isNull()) {
            if (!eps->isNumber() || !(eps->asDouble() > 0) || eps->asDouble() > 1)
                throw doc.error(*eps, "\"layer_norm_eps\" must be a number in (0, 1]");
            c.layerNormEps = static_cast<float>(eps->asDouble());
        }
        const std::string pos = stringField(doc, "position_embedding_type", "absolute");
        if (pos != "absolute")
            throw doc.error(*root.find("position_embedding_type"),
                            "position_embedding_type '" + pos +
                                "' is not supported (only absolute positions)");
    } else if (c.modelType == "distilbert") {
        c.architecture = BertArchitecture::DistilBert;
        c.vocabSize = sizeField(doc, "vocab_size", kMaxVocab);
        c.hiddenSize = sizeField(doc, "dim", kMaxHidden);
        c.layers = sizeField(doc, "n_layers", kMaxLayers);
        c.heads = sizeField(doc, "n_heads", kMaxHidden);
        c.intermediateSize = sizeField(doc, "hidden_dim", 4 * kMaxHidden);
        c.maxPositions = sizeField(doc, "max_position_embeddings", kMaxPositions, 512);
        c.typeVocabSize = 0;
        act = stringField(doc, "activation", "gelu");
        c.layerNormEps = 1e-12f; // hard-coded in Hugging Face's modeling_distilbert.py
    } else {
        const JsonValue *at = root.find("model_type");
        throw doc.error(at ? *at : root, "model_type '" + c.modelType +
                                             "' is not supported (Embex runs BERT and "
                                             "DistilBERT encoders)");
    }
    if (c.hiddenSize % c.heads != 0)
        throw doc.error(root, "hidden size " + std::to_string(c.hiddenSize) +
                                  " is not divisible by the " + std::to_string(c.heads) +
                                  " attention heads");
    if (act == "gelu" || act == "gelu_python")
        c.activation = BertActivation::GeluErf;
    else if (act == "gelu_new" || act == "gelu_pytorch_tanh" || act == "gelu_fast")
        c.activation = BertActivation::GeluTanh;
    else if (act == "relu")
        c.activation = BertActivation::Relu;
    else
        throw doc.error(root.find("hidden_act")   ? *root.find("hidden_act")
                        : root.find("activation") ? *root.find("activation")
                                                  : root,
                        "activation '" + act +
                            "' is not supported (gelu, gelu_new, gelu_pytorch_tanh, relu)");
    return c;
}

BertConfig BertConfig::load(const std::string &path)
{
    return fromJson(JsonDocument::read(path));
}

} // namespace embex
