// embex-cli train: word2vec / GloVe / fastText from a corpus, with a progress line on stderr.
#include "cli/Args.h"
#include "cli/CliSupport.h"
#include "cli/Commands.h"
#include "cli/Json.h"
#include "io/Formats.h"
#include "train/ShippedCorpus.h"
#include "train/Trainer.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <unistd.h>

namespace embex::cli {

namespace {

const char *kTrainUsage =
    "embex-cli train CORPUS --model skipgram|cbow|glove|fasttext|fasttext-cbow -o OUT\n"
    "          [--dim 100] [--window W] [--epochs E] [--min-count 5] [--max-vocab N]\n"
    "          [--negative 5] [--hs] [--sample 1e-3] [--alpha A] [--x-max 10] [--minn 3]\n"
    "          [--maxn 6] [--buckets 2000000] [--threads T] [--seed 1] [--keep-case]\n"
    "          [--keep-punctuation] [--running-text] [--to FORMAT] [--float16] [--json]\n"
    "          [--quiet]\n"
    "CORPUS 'brown' or 'teaching' (when no such file exists) is a corpus shipped with Embex:\n"
    "the Brown corpus, or the larger teaching corpus built by the set-up";

double number(const Args &a, const std::string &name, double fallback, double lo, double hi)
{
    auto v = a.value(name);
    if (!v)
        return fallback;
    double out = 0;
    auto r = std::from_chars(v->data(), v->data() + v->size(), out);
    if (r.ec != std::errc() || r.ptr != v->data() + v->size() || !std::isfinite(out) || out < lo ||
        out > hi)
        throw UsageError("option " + name + " must be a number between " + std::to_string(lo) +
                         " and " + std::to_string(hi) + ", got '" + *v + "'");
    return out;
}

/// A corpus shipped with Embex, by name: <dir of embex-cli>/../share/embex/FILE.
std::string shippedCorpus(const ShippedCorpus &corpus)
{
    std::error_code ec;
    auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec)
        return {};
    return shippedCorpusPath(corpus, exe.parent_path().string());
}

/// Progress on stderr: a refreshed line on a terminal, otherwise a line every few seconds.
class TrainProgress : public TrainObserver
{
public:
    TrainProgress(bool quiet, const char *unit)
        : m_quiet(quiet), m_tty(isatty(STDERR_FILENO) != 0), m_unit(unit)
    {}

    void report(double fraction, std::string_view stage) override
    {
        if (m_quiet)
            return;
        char line[160];
        std::snprintf(line, sizeof line, "%.*s %3.0f%%", int(stage.size()), stage.data(),
                      fraction * 100.0);
        show(line, stage != m_lastStage);
        m_lastStage = stage;
    }

    void onStats(const TrainStats &s) override
    {
        if (m_quiet)
            return;
        // GloVe counts co-occurrence updates, not corpus words; fastText publishes its loss
        // only at the end (0 until then).
        char loss[32] = "-";
        if (s.loss != 0)
            std::snprintf(loss, sizeof loss, "%.4f", s.loss);
        char line[200];
        std::snprintf(line, sizeof line,
                      "%s epoch %d/%d %5.1f%%  %.0fk %s/s  loss %s  lr %.5f  ETA %.0fs",
                      s.stage.c_str(), s.epoch, s.epochs, s.fraction * 100.0,
                      s.wordsPerSecond / 1000.0, m_unit, loss, s.learningRate, s.etaSeconds);
        show(line, s.epoch != m_lastEpoch);
        m_lastEpoch = s.epoch;
    }

    void clear()
    {
        if (m_tty && m_shown)
            std::fputs("\r\033[K", stderr);
        m_shown = false;
    }

private:
    void show(const char *line, bool milestone)
    {
        auto now = std::chrono::steady_clock::now();
        if (m_tty) {
            std::fprintf(stderr, "\r\033[K%s", line);
            m_shown = true;
        } else if (milestone || now - m_lastLine > std::chrono::seconds(5)) {
            std::fprintf(stderr, "%s\n", line);
            m_lastLine = now;
        }
        std::fflush(stderr);
    }

    bool m_quiet, m_tty;
    const char *m_unit;
    bool m_shown = false;
    int m_lastEpoch = -1;
    std::string m_lastStage;
    std::chrono::steady_clock::time_point m_lastLine{};
};

/// The corpus argument: a file, or the name of a corpus shipped with Embex when no such file
/// exists.
std::string resolveCorpus(const std::string &argument)
{
    std::error_code ec;
    const ShippedCorpus *shipped = findShippedCorpus(argument);
    if (!shipped || std::filesystem::exists(argument, ec))
        return argument;
    std::string path = shippedCorpus(*shipped);
    if (path.empty())
        throw std::runtime_error(
            std::string(shipped->name) + ": the " + std::string(shipped->title) + " (share/embex/" +
            std::string(shipped->file) + ") is not installed beside embex-cli");
    return path;
}

TrainOptions parseTrainOptions(const Args &a, const std::string &model)
{
    TrainOptions o;
    try {
        o.model = parseTrainModel(model);
    } catch (const std::invalid_argument &e) {
        throw UsageError(e.what());
    }
    o.dim = int(a.integer("--dim", 100, 1, 65536));
    o.window = int(a.integer("--window", -1, 1, 1000));
    o.epochs = int(a.integer("--epochs", -1, 1, 100000));
    o.negative = int(a.integer("--negative", 5, 0, 1000));
    o.hierarchicalSoftmax = a.flag("--hs");
    o.sample = number(a, "--sample", 1e-3, 0, 1);
    o.alpha = number(a, "--alpha", -1, 1e-9, 10);
    o.xMax = number(a, "--x-max", 10, 1e-6, 1e12);
    o.minN = int(a.integer("--minn", 3, 0, 100));
    o.maxN = int(a.integer("--maxn", 6, 0, 100));
    o.buckets = int(a.integer("--buckets", 2000000, 1, 1000000000));
    o.threads = int(a.integer("--threads", 0, 0, 1024));
    o.seed = std::uint64_t(a.integer("--seed", 1, 0, (1LL << 62)));
    if (a.value("--negative") && o.negative == 0 && !o.hierarchicalSoftmax &&
        (o.model == TrainModel::SkipGram || o.model == TrainModel::Cbow))
        throw UsageError("--negative 0 needs --hs (word2vec needs negative sampling or "
                         "hierarchical softmax)");
    try {
        o.validate();
    } catch (const std::invalid_argument &e) {
        throw UsageError(e.what());
    }
    return o;
}

TrainingCorpus::Options parseCorpusOptions(const Args &a)
{
    TrainingCorpus::Options co;
    co.tokenizer.lowercase = !a.flag("--keep-case");
    co.tokenizer.punctuation = a.flag("--keep-punctuation") ? TokenizerOptions::Punctuation::Keep
                                                            : TokenizerOptions::Punctuation::Strip;
    co.tokenizer.sentencePerLine = !a.flag("--running-text");
    co.vocab.minCount = std::uint64_t(a.integer("--min-count", 5, 1, (1LL << 62)));
    co.vocab.maxSize = std::size_t(a.integer("--max-vocab", 0, 0, (1LL << 40)));
    return co;
}

/// How the result is written: a format for save(), or a fastText model file.
struct OutputPlan
{
    SaveOptions save;
    bool nativeBin = false;
};

/// Decides the output format before hours of training, not after, and checks that the output
/// folder exists and is writable.
OutputPlan planOutput(const Args &a, const std::string &out, TrainModel model)
{
    OutputPlan plan;
    if (auto t = a.value("--to")) {
        auto f = parseFormatName(*t);
        if (!f)
            throw UsageError("--to must be one of word2vec, word2vec-bin, glove, vec, tsv, npy, "
                             "embex, fasttext; got '" +
                             *t + "'");
        plan.save.format = *f;
    } else if (!formatForExtension(out)) {
        throw UsageError("cannot tell the output format from '" + out +
                         "'; add --to word2vec|word2vec-bin|glove|vec|tsv|npy|embex");
    }
    const bool fastText = model == TrainModel::FastText || model == TrainModel::FastTextCbow;
    Format outFormat =
        plan.save.format == Format::Auto ? *formatForExtension(out) : plan.save.format;
    // A fastText model written to .bin is a fastText model file (with its subwords), as
    // fastText users expect; --to word2vec-bin gives word2vec binary instead.
    if (fastText && !a.value("--to") && outFormat == Format::Word2VecBinary)
        outFormat = Format::FastTextBin;
    if (outFormat == Format::FastTextBin) {
        if (!fastText)
            throw UsageError("a fastText .bin model can only be written by --model fasttext; "
                             "use .vec, .txt, .embex...");
        plan.nativeBin = true;
    }
    if (a.flag("--float16")) {
        if (outFormat != Format::Embex)
            throw UsageError("--float16 needs --to embex");
        plan.save.float16 = true;
    }
    std::error_code ec;
    auto dir = std::filesystem::path(out).parent_path();
    if (dir.empty())
        dir = ".";
    if (!std::filesystem::is_directory(dir, ec))
        throw std::runtime_error(out + ": folder '" + dir.string() + "' does not exist");
    if (access(dir.c_str(), W_OK) != 0)
        throw std::runtime_error(out + ": folder '" + dir.string() + "' is not writable");
    return plan;
}

void reportCorpus(const std::string &corpusPath, const Vocabulary &vocab,
                  const TrainingCorpus::Options &co)
{
    for (const auto &w : vocab.warnings())
        std::cerr << corpusPath << ": warning: " << w << "\n";
    std::cerr << corpusPath << ": " << vocab.corpusWords() << " tokens, " << vocab.sentences()
              << " sentences, " << vocab.size() << " words with min-count " << co.vocab.minCount
              << " (of " << vocab.distinctWords() << ")\n";
}

void writeResultJson(const std::string &corpusPath, const std::string &out, const TrainOptions &o,
                     const TrainResult &result, const Vocabulary &vocab)
{
    const auto &f = result.final;
    Json j;
    j.beginObject()
        .key("corpus")
        .value(corpusPath)
        .key("model")
        .value(std::string(trainModelName(o.model)))
        .key("output")
        .value(out)
        .key("words")
        .value(result.vectors->size())
        .key("dim")
        .value(result.vectors->dim())
        .key("corpus_tokens")
        .value(static_cast<unsigned long long>(vocab.corpusWords()))
        .key("epochs")
        .value(o.effectiveEpochs())
        .key("seconds")
        .value(f.elapsedSeconds)
        .key("words_per_second")
        .value(f.elapsedSeconds > 0 ? double(f.wordsProcessed) / f.elapsedSeconds : 0.0)
        .key("final_loss")
        .value(f.loss)
        .endObject();
    std::cout << j.str() << "\n";
}

void writeResultLine(const std::string &out, const TrainOptions &o, const TrainResult &result)
{
    const auto &f = result.final;
    char line[256];
    std::snprintf(line, sizeof line,
                  "%s: %zu words x %zu, %d epochs in %.2f s (%.0fk %s/s), "
                  "final loss %.4f -> %s",
                  std::string(trainModelName(o.model)).c_str(), result.vectors->size(),
                  result.vectors->dim(), o.effectiveEpochs(), f.elapsedSeconds,
                  f.elapsedSeconds > 0 ? double(f.wordsProcessed) / f.elapsedSeconds / 1000.0 : 0.0,
                  o.model == TrainModel::GloVe ? "pairs" : "words", f.loss, out.c_str());
    std::cerr << line << "\n";
}

} // namespace

int runTrain(const std::vector<std::string> &argv)
{
    if (std::find(argv.begin(), argv.end(), "--help") != argv.end()) {
        std::cout << "usage: " << kTrainUsage << "\n";
        return 0;
    }
    Args a(argv,
           {"--model", "-o", "--output", "--dim", "--window", "--epochs", "--min-count",
            "--max-vocab", "--negative", "--sample", "--alpha", "--x-max", "--minn", "--maxn",
            "--buckets", "--threads", "--seed", "--to"},
           {"--hs", "--keep-case", "--keep-punctuation", "--running-text", "--float16", "--json",
            "--quiet"});
    a.expectPositionals(1, 1, kTrainUsage);
    const std::string corpusPath = resolveCorpus(a.positionals()[0]);
    auto model = a.value("--model");
    if (!model)
        throw UsageError(std::string("--model is required\nusage: ") + kTrainUsage);
    const std::string out = a.value("-o", a.value("--output", ""));
    if (out.empty())
        throw UsageError(std::string("-o OUT is required\nusage: ") + kTrainUsage);
    const TrainOptions o = parseTrainOptions(a, *model);
    const TrainingCorpus::Options co = parseCorpusOptions(a);
    const OutputPlan plan = planOutput(a, out, o.model);

    const bool quiet = a.flag("--quiet");
    TrainProgress progress(quiet, o.model == TrainModel::GloVe ? "pairs" : "words");
    auto corpus = TrainingCorpus::open(corpusPath, co, progress);
    progress.clear();
    if (!quiet)
        reportCorpus(corpusPath, corpus->vocabulary(), co);
    TrainResult result = train(*corpus, o, progress);
    progress.clear();

    if (plan.nativeBin) {
        if (!result.saveNative)
            throw std::runtime_error(out + ": this model cannot be written as a fastText .bin");
        result.saveNative(out);
    } else {
        save(*result.vectors, out, plan.save, progress);
    }
    progress.clear();
    if (a.flag("--json"))
        writeResultJson(corpusPath, out, o, result, corpus->vocabulary());
    else if (!quiet)
        writeResultLine(out, o, result);
    return 0;
}

} // namespace embex::cli
