// embex-cli project: PCA or t-SNE coordinates of the first N words, with how faithful they are.
#include "cli/Args.h"
#include "cli/CliSupport.h"
#include "cli/Commands.h"
#include "cli/Json.h"
#include "io/Formats.h"
#include "project/Pca.h"
#include "project/Quality.h"
#include "project/Tsne.h"
#include "util/AtomicFile.h"
#include "util/FloatText.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <unistd.h>

namespace embex::cli {

namespace {

const char *kProjectUsage =
    "embex-cli project FILE --method pca|tsne [--dims 2|3] [--limit N] [--seed S] "
    "[--perplexity P] [--iterations I] [--distance cosine|euclidean] [-o coords.tsv] [--json] "
    "[--no-quality]";

/// Default number of words t-SNE projects (the first ones in file order).
constexpr std::size_t kTsneDefaultLimit = 10000;
/// kNN preservation is measured at this k, and only up to this many points (its HNSW search
/// takes about as long as t-SNE's own neighbour search; see core/project/Quality.h).
constexpr std::size_t kQualityK = 10;
constexpr std::size_t kQualityMaxN = 100000;

double seconds(std::chrono::steady_clock::time_point since)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

/// A number option > 0 (UsageError otherwise).
std::optional<double> positiveNumber(const Args &a, const std::string &name)
{
    auto v = a.value(name);
    if (!v)
        return std::nullopt;
    double out = 0;
    auto r = std::from_chars(v->data(), v->data() + v->size(), out);
    if (r.ec != std::errc() || r.ptr != v->data() + v->size() || !std::isfinite(out) || out <= 0)
        throw UsageError("option " + name + " must be a number > 0, got '" + *v + "'");
    return out;
}

/// printf into a std::string (one summary line).
__attribute__((format(printf, 1, 2))) std::string format(const char *fmt, ...)
{
    char buffer[512];
    va_list args;
    va_start(args, fmt);
    std::vsnprintf(buffer, sizeof buffer, fmt, args);
    va_end(args);
    return buffer;
}

/// The word as one TSV field: tabs and line breaks become spaces.
void appendField(std::string &out, const std::string &word)
{
    for (char c : word)
        out.push_back(c == '\t' || c == '\n' || c == '\r' ? ' ' : c);
}

/// word<TAB>x<TAB>y[<TAB>z] per point, shortest round-trip decimals.
std::string coordinateLines(const EmbeddingSet &set, const RowMatrix &layout)
{
    std::string out;
    out.reserve(std::size_t(layout.rows()) * (16 + 14 * std::size_t(layout.cols())));
    for (Eigen::Index i = 0; i < layout.rows(); ++i) {
        appendField(out, set.word(WordId(i)));
        for (Eigen::Index c = 0; c < layout.cols(); ++c) {
            out.push_back('\t');
            appendShortestFloat(out, layout(i, c));
        }
        out.push_back('\n');
    }
    return out;
}

} // namespace

int runProject(const std::vector<std::string> &argv)
{
    Args a(argv,
           withLoadOptions({"--method", "--dims", "--limit", "--seed", "--perplexity",
                            "--iterations", "--distance", "-o"}),
           {"--json", "--quiet", "--no-quality"});
    a.expectPositionals(1, 1, kProjectUsage);
    const std::string &path = a.positionals()[0];
    const auto methodName = a.value("--method");
    if (!methodName)
        throw UsageError("--method is required (pca or tsne); usage: " +
                         std::string(kProjectUsage));
    const bool tsneMethod = *methodName == "tsne";
    if (!tsneMethod && *methodName != "pca")
        throw UsageError("--method must be pca or tsne (umap is not available yet), got '" +
                         *methodName + "'");
    const int dims = int(a.integer("--dims", 2, 2, 3));
    // The first N words: all for PCA, kTsneDefaultLimit for t-SNE, unless --limit says.
    const auto limit = std::size_t(
        a.integer("--limit", tsneMethod ? static_cast<long long>(kTsneDefaultLimit) : (1LL << 40),
                  1, 1LL << 40));
    const auto seed = std::uint64_t(a.integer("--seed", 42, 0, (1LL << 62)));
    const auto perplexity = positiveNumber(a, "--perplexity");
    const int iterations = int(a.integer("--iterations", TsneOptions{}.maxIterations, 0, 1000000));
    if (!tsneMethod && (perplexity || a.value("--iterations")))
        throw UsageError("--perplexity and --iterations apply to --method tsne only");
    const std::string distanceName = a.value("--distance", "cosine");
    if (distanceName != "cosine" && distanceName != "euclidean")
        throw UsageError("--distance must be cosine or euclidean, got '" + distanceName + "'");
    const bool cosine = distanceName == "cosine";
    const auto output = a.value("-o");
    const bool json = a.flag("--json"), quiet = a.flag("--quiet");
    if (json && !output)
        throw UsageError("--json needs -o FILE (the coordinates would share stdout with it)");
    const LoadOptions loadOptions = loadOptionsFrom(a);
    const unsigned threads = loadOptions.threads;

    EmbeddingSetPtr set;
    {
        TerminalProgress progress;
        set = load(path, loadOptions, progress);
    }
    if (!quiet)
        for (const auto &w : set->warnings())
            std::cerr << "warning: " << path << ": " << w << "\n";
    const std::size_t n = std::min(set->size(), limit);
    if (n == 0)
        throw std::runtime_error(path + ": no words to project");
    const ConstRowMap rows(set->data(), Eigen::Index(n), Eigen::Index(set->dim()));

    // Opened now, so that an unwritable -o fails before the work rather than after it.
    std::unique_ptr<AtomicFile> file;
    if (output)
        file = std::make_unique<AtomicFile>(*output);

    const auto start = std::chrono::steady_clock::now();
    RowMatrix layout;
    std::optional<double> kl, usedPerplexity;
    {
        TerminalProgress progress;
        if (tsneMethod) {
            TsneOptions o;
            o.dims = dims;
            o.perplexity = perplexity.value_or(o.perplexity);
            o.maxIterations = iterations;
            o.seed = seed;
            o.threads = threads;
            o.distance = cosine ? TsneDistance::Cosine : TsneDistance::Euclidean;
            TsneStatus status = tsneInit(rows, o, progress);
            status.runToEnd(progress);
            layout = status.layout();
            kl = status.klDivergence();
            usedPerplexity = status.options().perplexity;
        } else {
            PcaOptions o;
            o.components = std::size_t(dims);
            o.center = true;
            o.threads = threads;
            o.seed = seed;
            layout = pca(rows, o, progress).coords;
            // Fewer components than asked (1-D vectors, a single word): the missing
            // coordinates are 0.
            if (layout.cols() < dims) {
                RowMatrix padded = RowMatrix::Zero(layout.rows(), dims);
                padded.leftCols(layout.cols()) = layout;
                layout = std::move(padded);
            }
        }
    }
    const double elapsed = seconds(start);

    std::optional<double> preservation;
    double qualitySeconds = 0.0;
    const std::size_t qualityK = std::min(kQualityK, n - 1);
    const bool measure = !a.flag("--no-quality") && n <= kQualityMaxN && qualityK > 0;
    if (measure) {
        TerminalProgress progress;
        const auto qualityStart = std::chrono::steady_clock::now();
        const ConstRowMap y(layout.data(), layout.rows(), layout.cols());
        preservation = meanKnnPreservation(rows, y, qualityK, cosine, threads, progress);
        qualitySeconds = seconds(qualityStart);
    }

    const std::string text = coordinateLines(*set, layout);
    if (file) {
        file->write(text);
        file->commit();
    } else {
        std::cout << text << std::flush;
    }

    if (!quiet) {
        std::string summary =
            format("%s: %zu points, %d-D, %.2f s", methodName->c_str(), n, dims, elapsed);
        if (usedPerplexity)
            summary +=
                format(", perplexity %g, %d iterations, KL %.4f", *usedPerplexity, iterations, *kl);
        if (preservation)
            summary += format("; kNN preservation (k=%zu, %s) %.4f in %.2f s", qualityK,
                              distanceName.c_str(), *preservation, qualitySeconds);
        else if (!a.flag("--no-quality") && qualityK > 0)
            summary += format("; kNN preservation skipped above %zu points", kQualityMaxN);
        if (output)
            summary += "; wrote " + *output;
        std::cerr << summary << "\n";
    }
    if (json) {
        Json j;
        j.beginObject().key("method").value(*methodName).key("n").value(n);
        j.key("dims").value(dims).key("seconds").value(elapsed);
        j.key("distance")
            .value(distanceName)
            .key("seed")
            .value(static_cast<unsigned long long>(seed));
        j.key("perplexity");
        if (usedPerplexity)
            j.value(*usedPerplexity);
        else
            j.null();
        j.key("iterations");
        if (tsneMethod)
            j.value(iterations);
        else
            j.null();
        j.key("kl");
        if (kl)
            j.value(*kl);
        else
            j.null();
        j.key("knn_preservation");
        if (preservation)
            j.value(*preservation);
        else
            j.null();
        j.key("knn_k").value(qualityK).key("output").value(*output).endObject();
        std::cout << j.str() << "\n";
    }
    return 0;
}

} // namespace embex::cli
