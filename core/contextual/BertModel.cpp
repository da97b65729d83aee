#include "contextual/BertModel.h"
#include "contextual/JsonValue.h"
#include "contextual/Safetensors.h"
#include "util/FormatError.h"
#include "util/MemoryBudget.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <stdexcept>

namespace embex {

namespace {

namespace fs = std::filesystem;

bool isFile(const std::string &path)
{
    std::error_code ec;
    return fs::is_regular_file(path, ec);
}

/// The tensors of one checkpoint (one file or several shards), by name, with the ones read
/// marked so that the rest can be reported as skipped.
class Checkpoint
{
public:
    explicit Checkpoint(const std::string &folder)
    {
        const std::string single = folder + "/model.safetensors";
        const std::string index = folder + "/model.safetensors.index.json";
        if (isFile(single)) {
            open(single);
        } else if (isFile(index)) {
            const JsonDocument doc = JsonDocument::read(index);
            const JsonValue *map = doc.root().find("weight_map");
            if (!map || !map->isObject())
                throw doc.error(doc.root(), "no \"weight_map\" object");
            std::set<std::string> shards;
            for (const auto &[name, file] : map->asObject()) {
                if (!file.isString() || file.asString().find('/') != std::string::npos)
                    throw doc.error(file, "shard names must be file names in the folder");
                shards.insert(file.asString());
            }
            for (const std::string &s : shards)
                open(folder + "/" + s);
        } else {
            for (const char *other : {"pytorch_model.bin", "tf_model.h5", "flax_model.msgpack"})
                if (isFile(folder + "/" + other))
                    throw std::runtime_error(
                        folder + ": has " + other +
                        " but no model.safetensors; Embex reads safetensors weights only "
                        "(Hugging Face publishes model.safetensors for most models; convert "
                        "with the safetensors library's convert script otherwise)");
            throw std::runtime_error(folder + ": no model.safetensors");
        }
    }

    const SafetensorsTensor *find(const std::string &name) const
    {
        auto it = m_index.find(name);
        return it == m_index.end() ? nullptr : it->second.second;
    }

    const SafetensorsFile &fileOf(const std::string &name) const
    {
        return *m_files[m_index.at(name).first];
    }

    /// A required float tensor of the given shape, converted to float32 (row-major).
    std::vector<float> read(const std::string &name, std::initializer_list<std::size_t> shape)
    {
        const SafetensorsTensor *t = find(name);
        if (!t)
            throw FormatError(m_files.front()->path(), "no tensor '" + name + "'");
        const SafetensorsFile &f = fileOf(name);
        bool ok = t->shape.size() == shape.size();
        for (std::size_t i = 0; ok && i < shape.size(); ++i)
            ok = t->shape[i] == *(shape.begin() + std::ptrdiff_t(i));
        if (!ok) {
            std::string want = "[";
            for (std::size_t d : shape)
                want += (want.size() > 1 ? ", " : "") + std::to_string(d);
            throw FormatError::atByte(f.path(), t->begin,
                                      "tensor '" + name + "' has shape " + t->shapeText() +
                                          ", config.json implies " + want + "]");
        }
        m_used.insert(name);
        ++m_read;
        return f.toFloat(*t);
    }

    /// The first of several names that exists, or "" (LayerNorm.weight or .gamma...).
    std::string firstOf(std::initializer_list<std::string> names) const
    {
        for (const std::string &n : names)
            if (find(n))
                return n;
        return {};
    }

    std::vector<std::string> unused() const
    {
        std::vector<std::string> out;
        for (const auto &[name, where] : m_index)
            if (!m_used.count(name))
                out.push_back(name);
        return out;
    }

    std::vector<std::string> names() const
    {
        std::vector<std::string> out;
        for (const auto &[name, where] : m_index)
            out.push_back(name);
        return out;
    }

    const std::string &firstPath() const { return m_files.front()->path(); }
    /// Bytes the float tensors of every shard take as float32.
    std::uint64_t float32Bytes() const
    {
        std::uint64_t total = 0;
        for (const auto &f : m_files)
            total += f->float32Bytes();
        return total;
    }
    std::size_t readCount() const { return m_read; }

private:
    void open(const std::string &path)
    {
        m_files.push_back(std::make_unique<SafetensorsFile>(path));
        const SafetensorsFile &f = *m_files.back();
        for (const SafetensorsTensor &t : f.tensors())
            if (!m_index.emplace(t.name, std::make_pair(m_files.size() - 1, &t)).second)
                throw FormatError::atByte(path, t.begin,
                                          "tensor '" + t.name + "' is also in another shard");
    }

    std::vector<std::unique_ptr<SafetensorsFile>> m_files;
    std::map<std::string, std::pair<std::size_t, const SafetensorsTensor *>> m_index;
    std::set<std::string> m_used;
    std::size_t m_read = 0;
};

/// Loads the weights of one model, following the naming scheme of its architecture.
class WeightLoader
{
public:
    WeightLoader(Checkpoint &ckpt, const BertConfig &c, std::string prefix, Progress &progress,
                 std::size_t expectedTensors)
        : m_ckpt(ckpt), m_c(c), m_prefix(std::move(prefix)), m_progress(progress),
          m_expected(std::max<std::size_t>(expectedTensors, 1))
    {}

    RowMatrix matrix(const std::string &name, std::size_t rows, std::size_t cols)
    {
        tick();
        const std::vector<float> v = m_ckpt.read(name, {rows, cols});
        return Eigen::Map<const RowMatrix>(v.data(), Eigen::Index(rows), Eigen::Index(cols));
    }

    RowVector vector(const std::string &name, std::size_t n)
    {
        tick();
        const std::vector<float> v = m_ckpt.read(name, {n});
        return Eigen::Map<const RowVector>(v.data(), Eigen::Index(n));
    }

    /// nn.Linear(in, out) called `name` → in × out weights.
    DenseWeights dense(const std::string &name, std::size_t in, std::size_t out)
    {
        const RowMatrix w = matrix(name + ".weight", out, in).transpose();
        return {detail::PackedMatrix(w.data(), w.rows(), w.cols()), vector(name + ".bias", out)};
    }

    LayerNormWeights layerNorm(const std::string &name)
    {
        const std::size_t h = m_c.hiddenSize;
        LayerNormWeights n;
        const std::string g = m_ckpt.firstOf({name + ".weight", name + ".gamma"});
        const std::string b = m_ckpt.firstOf({name + ".bias", name + ".beta"});
        n.gamma = vector(g.empty() ? name + ".weight" : g, h);
        n.beta = vector(b.empty() ? name + ".bias" : b, h);
        return n;
    }

    /// Query, key and value fused into one in × 3·hidden layer.
    DenseWeights qkv(const std::string &q, const std::string &k, const std::string &v)
    {
        const auto h = Eigen::Index(m_c.hiddenSize);
        RowMatrix w(h, 3 * h);
        RowVector b(3 * h);
        const std::string *names[] = {&q, &k, &v};
        for (Eigen::Index i = 0; i < 3; ++i) {
            w.middleCols(i * h, h) =
                matrix(*names[i] + ".weight", m_c.hiddenSize, m_c.hiddenSize).transpose();
            b.segment(i * h, h) = vector(*names[i] + ".bias", m_c.hiddenSize);
        }
        return {detail::PackedMatrix(w.data(), w.rows(), w.cols()), b};
    }

    BertWeights load()
    {
        const std::size_t h = m_c.hiddenSize, inter = m_c.intermediateSize;
        const std::string &p = m_prefix;
        const bool distil = m_c.architecture == BertArchitecture::DistilBert;
        BertWeights w;
        w.wordEmbeddings = matrix(p + "embeddings.word_embeddings.weight", m_c.vocabSize, h);
        w.positionEmbeddings =
            matrix(p + "embeddings.position_embeddings.weight", m_c.maxPositions, h);
        if (distil)
            w.tokenType0 = RowVector::Zero(Eigen::Index(h));
        else
            w.tokenType0 =
                matrix(p + "embeddings.token_type_embeddings.weight", m_c.typeVocabSize, h).row(0);
        w.embeddingNorm = layerNorm(p + "embeddings.LayerNorm");
        for (std::size_t i = 0; i < m_c.layers; ++i) {
            EncoderLayerWeights l;
            if (distil) {
                const std::string b = p + "transformer.layer." + std::to_string(i) + ".";
                l.qkv = qkv(b + "attention.q_lin", b + "attention.k_lin", b + "attention.v_lin");
                l.attentionOutput = dense(b + "attention.out_lin", h, h);
                l.attentionNorm = layerNorm(b + "sa_layer_norm");
                l.intermediate = dense(b + "ffn.lin1", h, inter);
                l.output = dense(b + "ffn.lin2", inter, h);
                l.outputNorm = layerNorm(b + "output_layer_norm");
            } else {
                const std::string b = p + "encoder.layer." + std::to_string(i) + ".";
                l.qkv = qkv(b + "attention.self.query", b + "attention.self.key",
                            b + "attention.self.value");
                l.attentionOutput = dense(b + "attention.output.dense", h, h);
                l.attentionNorm = layerNorm(b + "attention.output.LayerNorm");
                l.intermediate = dense(b + "intermediate.dense", h, inter);
                l.output = dense(b + "output.dense", inter, h);
                l.outputNorm = layerNorm(b + "output.LayerNorm");
            }
            w.layers.push_back(std::move(l));
        }
        loadMlmHead(w);
        return w;
    }

private:
    void tick()
    {
        m_progress.check();
        m_progress.report(std::min(1.0, double(m_done++) / double(m_expected)), "loading weights");
    }

    /// The head sits next to the base model: "bert." → "", "model.bert." → "model.".
    std::string headPrefix() const
    {
        for (const char *base : {"distilbert.", "bert."}) {
            const std::string b = base;
            if (m_prefix.size() >= b.size() &&
                m_prefix.compare(m_prefix.size() - b.size(), b.size(), b) == 0)
                return m_prefix.substr(0, m_prefix.size() - b.size());
        }
        return m_prefix;
    }

    void loadMlmHead(BertWeights &w)
    {
        const std::size_t h = m_c.hiddenSize, v = m_c.vocabSize;
        const std::string hp = headPrefix();
        const bool distil = m_c.architecture == BertArchitecture::DistilBert;
        const std::string transform =
            hp + (distil ? "vocab_transform" : "cls.predictions.transform.dense");
        if (!m_ckpt.find(transform + ".weight"))
            return;
        MlmHeadWeights head;
        head.transform = dense(transform, h, h);
        head.norm = layerNorm(hp + (distil ? "vocab_layer_norm"
                                           : "cls.predictions.transform."
                                             "LayerNorm"));
        const std::string decoder =
            hp + (distil ? "vocab_projector.weight" : "cls.predictions.decoder.weight");
        if (m_ckpt.find(decoder)) {
            head.decoder = matrix(decoder, v, h);
            if (head.decoder == w.wordEmbeddings) // saved although tied: keep one copy
                head.decoder.resize(0, 0);
        }
        std::string bias = distil ? hp + "vocab_projector.bias"
                                  : m_ckpt.firstOf({hp + "cls.predictions.bias",
                                                    hp + "cls.predictions.decoder.bias"});
        if (bias.empty())
            bias = hp + "cls.predictions.bias";
        head.bias = vector(bias, v);
        w.mlm = std::move(head);
    }

    Checkpoint &m_ckpt;
    const BertConfig &m_c;
    std::string m_prefix;
    Progress &m_progress;
    std::size_t m_expected, m_done = 0;
};

/// The prefix of the encoder's tensor names: whatever precedes the word embeddings.
std::string findPrefix(const Checkpoint &ckpt)
{
    const std::string suffix = "embeddings.word_embeddings.weight";
    std::optional<std::string> best;
    for (const std::string &name : ckpt.names())
        if (name.size() >= suffix.size() &&
            name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
            std::string p = name.substr(0, name.size() - suffix.size());
            if (!best || p.size() < best->size())
                best = p;
        }
    if (!best)
        throw FormatError(ckpt.firstPath(), "no tensor named '[prefix.]" + suffix +
                                                "' (not a BERT or DistilBERT checkpoint?)");
    return *best;
}

} // namespace

BertModel::BertModel(BertConfig config, WordPieceTokenizer tokenizer, BertWeights weights,
                     std::string folder, std::string prefix, std::vector<std::string> skipped)
    : m_config(std::move(config)), m_tokenizer(std::move(tokenizer)), m_weights(std::move(weights)),
      m_folder(std::move(folder)), m_prefix(std::move(prefix)), m_skipped(std::move(skipped))
{
    const RowMatrix &e = m_weights.wordEmbeddings;
    m_inverseNorms.resize(e.rows());
    for (Eigen::Index i = 0; i < e.rows(); ++i) {
        const float n = e.row(i).norm();
        m_inverseNorms[i] = n > 0 ? 1.0f / n : 0.0f;
    }
}

std::size_t BertModel::parameterCount() const
{
    auto dense = [](const DenseWeights &d) {
        return d.w.sizeInFloats() + std::size_t(d.b.size());
    };
    auto norm = [](const LayerNormWeights &n) {
        return std::size_t(n.gamma.size() + n.beta.size());
    };
    const BertWeights &w = m_weights;
    std::size_t n =
        std::size_t(w.wordEmbeddings.size() + w.positionEmbeddings.size() + w.tokenType0.size()) +
        norm(w.embeddingNorm);
    for (const auto &l : w.layers)
        n += dense(l.qkv) + dense(l.attentionOutput) + norm(l.attentionNorm) +
             dense(l.intermediate) + dense(l.output) + norm(l.outputNorm);
    if (w.mlm)
        n += dense(w.mlm->transform) + norm(w.mlm->norm) + std::size_t(w.mlm->decoder.size()) +
             std::size_t(w.mlm->bias.size());
    return n;
}

std::shared_ptr<const BertModel> BertModel::load(const std::string &folderIn, Progress &progress)
{
    std::error_code ec;
    if (!fs::is_directory(folderIn, ec))
        throw std::runtime_error(folderIn + ": not a model folder (a directory with "
                                            "config.json, vocab.txt and model.safetensors)");
    std::string folder = folderIn;
    while (folder.size() > 1 && folder.back() == '/')
        folder.pop_back();
    if (!isFile(folder + "/config.json") && isFile(folder + "/0_Transformer/config.json"))
        folder += "/0_Transformer"; // older sentence-transformers layout
    if (!isFile(folder + "/config.json"))
        throw std::runtime_error(folder + ": no config.json (not a Hugging Face model folder)");
    progress.report(0, "reading config");
    BertConfig config = BertConfig::load(folder + "/config.json");
    WordPieceTokenizer tokenizer = WordPieceTokenizer::fromFolder(folder);
    if (tokenizer.vocabSize() > config.vocabSize)
        throw FormatError(folder + "/config.json",
                          "vocab_size " + std::to_string(config.vocabSize) +
                              " is smaller than the tokenizer's " +
                              std::to_string(tokenizer.vocabSize()) + " tokens");
    for (auto [id, name] : {std::pair{tokenizer.clsId(), "[CLS]"}, {tokenizer.sepId(), "[SEP]"}})
        if (id < 0)
            throw FormatError(folder, std::string("the vocabulary lacks the ") + name +
                                          " token the encoder needs");
    Checkpoint ckpt(folder);
    const std::string prefix = findPrefix(ckpt);
    // Every weight is converted to float32 (F16/BF16 checkpoints double): refuse up front
    // what would not fit rather than meet the OOM killer half-way.
    requireMemory(ckpt.firstPath(), ckpt.float32Bytes(), "the model's weights as float32");
    // Tensors read: 5 for the embeddings, 16 per layer, 6 for an MLM head.
    const std::size_t expected = 5 + 16 * config.layers + 6;
    BertWeights weights = WeightLoader(ckpt, config, prefix, progress, expected).load();
    progress.report(1, "loading weights");
    return std::make_shared<const BertModel>(std::move(config), std::move(tokenizer),
                                             std::move(weights), folder, prefix, ckpt.unused());
}

} // namespace embex
