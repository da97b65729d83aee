// embex-cli context: one word's contextual vectors across sentences and layers of a BERT-family
// model, and how similar its occurrences are.
#include "cli/Args.h"
#include "cli/CliSupport.h"
#include "cli/Commands.h"
#include "cli/Json.h"
#include "contextual/ContextStudy.h"
#include "util/FloatText.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <limits>
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

} // namespace

int runContext(const std::vector<std::string> &argv)
{
    Args a(argv, {"--layer", "--threads", "--word", "--nearest", "--predict", "--threshold"},
           {"--json", "--quiet"});
    if (a.positionals().size() < 2)
        throw UsageError(std::string("usage: ") + kContextUsage);
    const std::string folder = a.positionals()[0];
    const std::vector<std::string> marked(a.positionals().begin() + 1, a.positionals().end());

    TerminalProgress progress;
    EncoderOptions eo;
    if (a.value("--threads"))
        eo.threads = unsigned(a.integer("--threads", 0, 1, 1024));
    StudyRequest sr;
    sr.sentences = marked;
    sr.word = a.value("--word", "");
    sr.nearestCount = 0; // computed below for the requested layers only
    sr.predictionCount = std::size_t(a.integer("--predict", 0, 0, 1000));
    const std::size_t nearest = std::size_t(a.integer("--nearest", 0, 0, 1000));
    std::optional<double> threshold;
    if (a.value("--threshold")) {
        const std::string t = a.value("--threshold", "");
        char *end = nullptr;
        const double v = std::strtod(t.c_str(), &end);
        if (t.empty() || *end != '\0' || !(v >= -1.0 && v <= 1.0))
            throw UsageError("--threshold must be a cosine from -1 to 1, got '" + t + "'");
        threshold = v;
    }
    auto model = BertModel::load(folder, a.flag("--quiet") ? nullProgress() : progress);
    const std::size_t layers = model->config().layers;
    const LayerRequest request = parseLayers(a.value("--layer", "-1"), layers);
    if (sr.predictionCount > 0 && !model->hasMlmHead())
        throw std::runtime_error("--predict: " + folder +
                                 " has no masked-language-model head (a *ForMaskedLM checkpoint "
                                 "has one)");
    if (sr.word.empty())
        for (std::size_t s = 0; s < marked.size(); ++s)
            if (parseMarkedSentence(marked[s], model->tokenizer()).targets.empty())
                throw std::runtime_error("sentence " + std::to_string(s + 1) +
                                         " has no [target]: mark the word in square brackets, as "
                                         "in \"the [bank] of the river\", or give --word WORD");

    Encoder encoder(model, eo);
    const ContextStudy study = runStudy(encoder, sr, progress);
    progress.clear();
    const ContextAnalysis &analysis = study.analysis;
    if (!a.flag("--quiet")) {
        for (std::size_t s : study.sentencesWithoutTarget)
            std::cerr << "warning: sentence " << s << " has no '" << sr.word << "'\n";
        for (std::size_t s = 0; s < analysis.sentences.size(); ++s)
            if (analysis.sentences[s].truncated())
                std::cerr << "warning: sentence " << s + 1 << " is longer than the model's "
                          << model->config().maxPositions << " positions; the rest is cut\n";
    }

    // vectors[c] = one row per target at layer choice c, with its cosines, self-similarity,
    // baseline (hidden states only), sense groups and nearest tokens.
    const std::size_t n = study.occurrences.size();
    std::vector<RowMatrix> vectors(request.choices.size());
    std::vector<Eigen::MatrixXf> cosines;
    std::vector<std::vector<int>> senses;
    std::vector<double> cuts;
    std::vector<std::vector<std::vector<TokenScore>>> near;
    for (std::size_t c = 0; c < request.choices.size(); ++c) {
        vectors[c].resize(Eigen::Index(n), Eigen::Index(model->config().hiddenSize));
        for (std::size_t t = 0; t < n; ++t)
            vectors[c].row(Eigen::Index(t)) =
                selectLayer(study.occurrences[t].target.layers, request.choices[c]);
        cosines.push_back(cosineMatrix(vectors[c]));
        const double cut = threshold ? *threshold : suggestThreshold(cosines.back()).value_or(1.0);
        cuts.push_back(cut);
        senses.push_back(clusterByCosine(cosines.back(), cut));
        near.push_back(nearest ? nearestTokensOfRows(*model, vectors[c], nearest)
                               : std::vector<std::vector<TokenScore>>(n));
    }
    const auto baselineOf = [&](std::size_t c) {
        const LayerChoice &choice = request.choices[c];
        if (choice.kind != LayerChoice::Kind::Layer)
            return std::numeric_limits<double>::quiet_NaN();
        return study.baseline[std::size_t(choice.layer)];
    };
    const auto &tok = model->tokenizer();

    if (a.flag("--json")) {
        Json j;
        j.beginObject()
            .key("model")
            .value(folder)
            .key("architecture")
            .value(model->config().modelType)
            .key("layers")
            .value(layers)
            .key("hidden")
            .value(model->config().hiddenSize)
            .key("sentences")
            .beginArray();
        for (std::size_t s = 0; s < analysis.sentences.size(); ++s) {
            const auto &sent = analysis.sentences[s];
            j.beginObject().key("text").value(sent.text).key("pieces").beginArray();
            for (auto id : sent.ids)
                j.value(tok.token(id));
            j.endArray().key("truncated").value(sent.truncated()).endObject();
        }
        j.endArray().key("targets").beginArray();
        for (std::size_t t = 0; t < n; ++t) {
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
            for (std::size_t c = 0; c < request.choices.size(); ++c) {
                j.key(request.names[c]).beginArray();
                for (Eigen::Index k = 0; k < vectors[c].cols(); ++k)
                    j.value(vectors[c](Eigen::Index(t), k));
                j.endArray();
            }
            j.endObject();
            if (nearest) {
                j.key("nearest").beginObject();
                for (std::size_t c = 0; c < request.choices.size(); ++c) {
                    j.key(request.names[c]).beginArray();
                    for (const TokenScore &ts : near[c][t])
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
        j.endArray().key("self_similarity").beginObject();
        for (std::size_t c = 0; c < request.choices.size(); ++c)
            j.key(request.names[c]).value(meanPairCosine(cosines[c]));
        j.endObject().key("baseline").beginObject();
        for (std::size_t c = 0; c < request.choices.size(); ++c)
            j.key(request.names[c]).value(baselineOf(c));
        j.endObject().key("senses").beginObject();
        for (std::size_t c = 0; c < request.choices.size(); ++c) {
            j.key(request.names[c])
                .beginObject()
                .key("threshold")
                .value(cuts[c])
                .key("groups")
                .beginArray();
            for (int g : senses[c])
                j.value(g + 1);
            j.endArray().endObject();
        }
        j.endObject().key("cosine").beginObject();
        for (std::size_t c = 0; c < request.choices.size(); ++c) {
            const Eigen::MatrixXf &cos = cosines[c];
            j.key(request.names[c]).beginArray();
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
        return 0;
    }

    std::cout << "model: " << folder << " (" << model->config().modelType << ", " << layers
              << " layers, hidden " << model->config().hiddenSize << ")\n";
    for (std::size_t s = 0; s < analysis.sentences.size(); ++s) {
        const auto &sent = analysis.sentences[s];
        std::cout << "sentence " << s + 1 << ": " << sent.text << "\n  pieces:";
        for (auto id : sent.ids)
            std::cout << ' ' << tok.token(id);
        std::cout << "\n";
    }
    for (std::size_t t = 0; t < n; ++t) {
        const auto &target = study.occurrences[t].target;
        std::cout << "target " << t + 1 << ": '" << target.word << "' in sentence "
                  << target.sentence + 1 << " (" << target.rows.size() << " piece"
                  << (target.rows.size() == 1 ? "" : "s") << ")\n";
        for (std::size_t c = 0; c < request.choices.size(); ++c) {
            std::cout << "  layer " << request.names[c] << ":";
            for (Eigen::Index k = 0; k < vectors[c].cols(); ++k)
                std::cout << ' ' << formatFloat(vectors[c](Eigen::Index(t), k));
            std::cout << "\n";
            if (nearest) {
                std::cout << "    nearest tokens:";
                for (const TokenScore &ts : near[c][t])
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
    for (std::size_t c = 0; c < request.choices.size(); ++c) {
        const Eigen::MatrixXf &cos = cosines[c];
        std::cout << "cosine similarity between targets, layer " << request.names[c] << ":\n";
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
        std::snprintf(line, sizeof line,
                      "self-similarity %.3f, baseline %.3f; senses at cosine %.3f:",
                      meanPairCosine(cos), baselineOf(c), cuts[c]);
        std::cout << line;
        for (int g : senses[c])
            std::cout << ' ' << g + 1;
        std::cout << "\n";
    }
    return 0;
}

} // namespace embex::cli
