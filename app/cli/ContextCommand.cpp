// embex-cli context: one word's contextual vectors across sentences and layers of a BERT-family
// model, and how similar its occurrences are.
#include "cli/Args.h"
#include "cli/CliSupport.h"
#include "cli/Commands.h"
#include "cli/Json.h"
#include "contextual/ContextStudy.h"
#include "contextual/LayerSummary.h"
#include "io/ReaderSupport.h"
#include "util/FloatText.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>

namespace embex::cli {

namespace {

const char *kContextUsage =
    "embex-cli context MODEL_DIR [--layer L|all|last4] [--word WORD] [--nearest K] [--predict K]\n"
    "          [--threshold COS] [--threads N] [--json] [--quiet] \"sentence with the [target] "
    "word\" ...\n"
    "--word: in sentences without [brackets], every occurrence of WORD is a target;\n"
    "--nearest K: the K vocabulary tokens nearest each target; --predict K: the MLM head's K\n"
    "guesses with the target masked; --threshold: the sense-grouping cut (default: suggested);\n"
    "L: 0 = embedding output, 1..layers, negative = from the end (default -1, the last);\n"
    "last4 = mean of the last four layers";

/// The hidden-state rows a target's vector is read from, as requested on the command line.
struct LayerRequest
{
    std::vector<LayerChoice> choices;
    std::vector<std::string> names; ///< "0".."L", "last4"
};

LayerRequest parseLayers(const std::string &text, std::size_t layers)
{
    LayerRequest r;
    if (text == "all") {
        for (std::size_t l = 0; l <= layers; ++l) {
            r.choices.push_back(LayerChoice::index(int(l)));
            r.names.push_back(std::to_string(l));
        }
        return r;
    }
    if (text == "last4") {
        r.choices.push_back(LayerChoice::lastFourMean());
        r.names.push_back("last4");
        return r;
    }
    int layer = 0;
    auto res = std::from_chars(text.data(), text.data() + text.size(), layer);
    const int n = int(layers);
    if (res.ec != std::errc() || res.ptr != text.data() + text.size() || layer > n ||
        layer < -(n + 1))
        throw UsageError("--layer must be all, last4 or an integer from " +
                         std::to_string(-(n + 1)) + " to " + std::to_string(n) + ", got '" + text +
                         "'");
    const int absolute = layer < 0 ? n + 1 + layer : layer;
    r.choices.push_back(LayerChoice::index(absolute));
    r.names.push_back(std::to_string(absolute));
    return r;
}

std::string formatFloat(float v)
{
    std::string s;
    appendShortestFloat(s, v);
    return s;
}

/// The command line, parsed.
struct ContextOptions
{
    std::string folder;
    StudyRequest study;
    EncoderOptions encoder;
    std::string layer;
    std::size_t nearest = 0;
    std::optional<double> threshold;
    bool json = false;
    bool quiet = false;
};

ContextOptions parseOptions(const std::vector<std::string> &argv)
{
    Args a(argv, {"--layer", "--threads", "--word", "--nearest", "--predict", "--threshold"},
           {"--json", "--quiet"});
    if (a.positionals().size() < 2)
        throw UsageError(std::string("usage: ") + kContextUsage);
    ContextOptions o;
    o.folder = a.positionals()[0];
    o.study.sentences.assign(a.positionals().begin() + 1, a.positionals().end());
    if (a.value("--threads"))
        o.encoder.threads = unsigned(a.integer("--threads", 0, 1, 1024));
    o.study.word = a.value("--word", "");
    o.study.nearestCount = 0; // computed for the requested layers only
    o.study.predictionCount = std::size_t(a.integer("--predict", 0, 0, 1000));
    o.nearest = std::size_t(a.integer("--nearest", 0, 0, 1000));
    if (a.value("--threshold")) {
        const std::string t = a.value("--threshold", "");
        char *end = nullptr;
        const double v = std::strtod(t.c_str(), &end);
        if (t.empty() || *end != '\0' || !(v >= -1.0 && v <= 1.0))
            throw UsageError("--threshold must be a cosine from -1 to 1, got '" + t + "'");
        o.threshold = v;
    }
    o.layer = a.value("--layer", "-1");
    o.json = a.flag("--json");
    o.quiet = a.flag("--quiet");
    return o;
}

/// What the model and the sentences must satisfy before the encoding starts.
void checkRequest(const ContextOptions &o, const BertModel &model)
{
    if (o.study.predictionCount > 0 && !model.hasMlmHead())
        throw std::runtime_error("--predict: " + o.folder +
                                 " has no masked-language-model head (a *ForMaskedLM checkpoint "
                                 "has one)");
    if (o.study.word.empty())
        for (std::size_t s = 0; s < o.study.sentences.size(); ++s)
            if (parseMarkedSentence(o.study.sentences[s], model.tokenizer()).targets.empty())
                throw std::runtime_error("sentence " + std::to_string(s + 1) +
                                         " has no [target]: mark the word in square brackets, as "
                                         "in \"the [bank] of the river\", or give --word WORD");
}

void warnAboutSentences(const ContextStudy &study, const ContextOptions &o, const BertModel &model)
{
    for (std::size_t s : study.sentencesWithoutTarget)
        std::cerr << "warning: sentence " << s << " has no '" << o.study.word << "'\n";
    for (std::size_t s = 0; s < study.analysis.sentences.size(); ++s)
        if (study.analysis.sentences[s].truncated())
            std::cerr << "warning: sentence " << s + 1 << " is longer than the model's "
                      << model.config().maxPositions << " positions; the rest is cut\n";
}

/// One requested layer: the targets' vectors (one row each), core's summary, the sense groups
/// and the nearest tokens.
struct LayerOutput
{
    std::string name; ///< "0".."L", "last4"
    RowMatrix vectors;
    LayerSummary summary;
    double cut = 1.0;
    std::vector<int> senses;
    std::vector<std::vector<TokenScore>> nearest; ///< per target; empty lists without --nearest
};

std::vector<LayerOutput> computeLayers(const ContextStudy &study, const BertModel &model,
                                       const ContextOptions &o, const LayerRequest &request)
{
    std::vector<LayerOutput> out(request.choices.size());
    for (std::size_t c = 0; c < out.size(); ++c) {
        LayerOutput &l = out[c];
        l.name = request.names[c];
        l.vectors = study.vectorsAt(request.choices[c]);
        l.summary = summarizeLayer(study, request.choices[c]);
        l.cut = o.threshold ? *o.threshold : suggestThreshold(l.summary.cosine).value_or(1.0);
        l.senses = clusterByCosine(l.summary.cosine, l.cut);
        l.nearest = o.nearest ? nearestTokensOfRows(model, l.vectors, o.nearest)
                              : std::vector<std::vector<TokenScore>>(study.occurrences.size());
    }
    return out;
}

void writeTargetJson(Json &j, const ContextStudy &study, std::size_t t,
                     const std::vector<LayerOutput> &layers, bool nearest)
{
    const auto &target = study.occurrences[t].target;
    j.beginObject()
        .key("sentence")
        .value(target.sentence + 1)
        .key("word")
        .value(target.word)
        .key("rows")
        .beginArray();
    for (auto r : target.rows)
        j.value(r);
    j.endArray().key("vectors").beginObject();
    for (const LayerOutput &l : layers) {
        j.key(l.name).beginArray();
        for (Eigen::Index k = 0; k < l.vectors.cols(); ++k)
            j.value(l.vectors(Eigen::Index(t), k));
        j.endArray();
    }
    j.endObject();
    if (nearest) {
        j.key("nearest").beginObject();
        for (const LayerOutput &l : layers) {
            j.key(l.name).beginArray();
            for (const TokenScore &ts : l.nearest[t])
                j.beginObject()
                    .key("token")
                    .value(ts.token)
                    .key("cosine")
                    .value(ts.score)
                    .endObject();
            j.endArray();
        }
        j.endObject();
    }
    if (study.hasPredictions) {
        j.key("predictions").beginArray();
        for (const TokenScore &ts : study.occurrences[t].predictions)
            j.beginObject()
                .key("token")
                .value(ts.token)
                .key("probability")
                .value(ts.score)
                .endObject();
        j.endArray();
    }
    j.endObject();
}

void writeJson(const ContextOptions &o, const BertModel &model, const ContextStudy &study,
               const std::vector<LayerOutput> &layers)
{
    Json j;
    j.beginObject()
        .key("model")
        .value(o.folder)
        .key("architecture")
        .value(model.config().modelType)
        .key("layers")
        .value(model.config().layers)
        .key("hidden")
        .value(model.config().hiddenSize)
        .key("sentences")
        .beginArray();
    for (const auto &sent : study.analysis.sentences) {
        j.beginObject().key("text").value(sent.text).key("pieces").beginArray();
        for (auto id : sent.ids)
            j.value(model.tokenizer().token(id));
        j.endArray().key("truncated").value(sent.truncated()).endObject();
    }
    j.endArray().key("targets").beginArray();
    for (std::size_t t = 0; t < study.occurrences.size(); ++t)
        writeTargetJson(j, study, t, layers, o.nearest > 0);
    j.endArray().key("self_similarity").beginObject();
    for (const LayerOutput &l : layers)
        j.key(l.name).value(l.summary.selfSimilarity);
    j.endObject().key("baseline").beginObject();
    for (const LayerOutput &l : layers)
        j.key(l.name).value(l.summary.baseline);
    j.endObject().key("senses").beginObject();
    for (const LayerOutput &l : layers) {
        j.key(l.name).beginObject().key("threshold").value(l.cut).key("groups").beginArray();
        for (int g : l.senses)
            j.value(g + 1);
        j.endArray().endObject();
    }
    j.endObject().key("cosine").beginObject();
    for (const LayerOutput &l : layers) {
        const Eigen::MatrixXf &cos = l.summary.cosine;
        j.key(l.name).beginArray();
        for (Eigen::Index r = 0; r < cos.rows(); ++r) {
            j.beginArray();
            for (Eigen::Index k = 0; k < cos.cols(); ++k)
                j.value(cos(r, k));
            j.endArray();
        }
        j.endArray();
    }
    j.endObject().endObject();
    std::cout << j.str() << "\n";
}

void writeCosineTable(const LayerOutput &l)
{
    const Eigen::MatrixXf &cos = l.summary.cosine;
    std::cout << "cosine similarity between targets, layer " << l.name << ":\n";
    std::cout << "      ";
    for (Eigen::Index k = 0; k < cos.cols(); ++k) {
        char cell[16];
        std::snprintf(cell, sizeof cell, "%7d", int(k + 1));
        std::cout << cell;
    }
    std::cout << "\n";
    for (Eigen::Index r = 0; r < cos.rows(); ++r) {
        char head[16];
        std::snprintf(head, sizeof head, "%6d", int(r + 1));
        std::cout << head;
        for (Eigen::Index k = 0; k < cos.cols(); ++k) {
            char cell[16];
            std::snprintf(cell, sizeof cell, "%7.3f", double(cos(r, k)));
            std::cout << cell;
        }
        std::cout << "\n";
    }
    char line[160];
    std::snprintf(line, sizeof line, "self-similarity %.3f, baseline %.3f; senses at cosine %.3f:",
                  l.summary.selfSimilarity, l.summary.baseline, l.cut);
    std::cout << line;
    for (int g : l.senses)
        std::cout << ' ' << g + 1;
    std::cout << "\n";
}

void writeText(const ContextOptions &o, const BertModel &model, const ContextStudy &study,
               const std::vector<LayerOutput> &layers)
{
    const auto &tok = model.tokenizer();
    std::cout << "model: " << o.folder << " (" << model.config().modelType << ", "
              << model.config().layers << " layers, hidden " << model.config().hiddenSize << ")\n";
    for (std::size_t s = 0; s < study.analysis.sentences.size(); ++s) {
        const auto &sent = study.analysis.sentences[s];
        std::cout << "sentence " << s + 1 << ": " << sent.text << "\n  pieces:";
        for (auto id : sent.ids)
            std::cout << ' ' << tok.token(id);
        std::cout << "\n";
    }
    for (std::size_t t = 0; t < study.occurrences.size(); ++t) {
        const auto &target = study.occurrences[t].target;
        std::cout << "target " << t + 1 << ": '" << target.word << "' in sentence "
                  << target.sentence + 1 << " (" << target.rows.size() << " piece"
                  << (target.rows.size() == 1 ? "" : "s") << ")\n";
        for (const LayerOutput &l : layers) {
            std::cout << "  layer " << l.name << ":";
            for (Eigen::Index k = 0; k < l.vectors.cols(); ++k)
                std::cout << ' ' << formatFloat(l.vectors(Eigen::Index(t), k));
            std::cout << "\n";
            if (o.nearest) {
                std::cout << "    nearest tokens:";
                for (const TokenScore &ts : l.nearest[t])
                    std::cout << ' ' << ts.token << " (" << formatFloat(ts.score) << ')';
                std::cout << "\n";
            }
        }
        if (study.hasPredictions) {
            std::cout << "  guesses for [MASK]:";
            for (const TokenScore &ts : study.occurrences[t].predictions)
                std::cout << ' ' << ts.token << " (" << formatFloat(ts.score) << ')';
            std::cout << "\n";
        }
    }
    for (const LayerOutput &l : layers)
        writeCosineTable(l);
}

} // namespace

int runContext(const std::vector<std::string> &argv)
{
    const ContextOptions o = parseOptions(argv);
    TerminalProgress progress;
    auto model = BertModel::load(o.folder, o.quiet ? nullProgress() : progress);
    const LayerRequest request = parseLayers(o.layer, model->config().layers);
    checkRequest(o, *model);

    Encoder encoder(model, o.encoder);
    const ContextStudy study = runStudy(encoder, o.study, progress);
    progress.clear();
    if (!o.quiet)
        warnAboutSentences(study, o, *model);

    const std::vector<LayerOutput> layers = computeLayers(study, *model, o, request);
    if (o.json)
        writeJson(o, *model, study, layers);
    else
        writeText(o, *model, study, layers);
    return 0;
}

} // namespace embex::cli
