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

/// The command line, parsed.
struct ProjectOptions
{
    std::string path;
    std::string method; ///< "pca" or "tsne"
    bool tsne = false;
    int dims = 2;
    std::size_t limit = 0;
    std::uint64_t seed = 42;
    std::optional<double> perplexity;
    int iterations = 0;
    std::string distance; ///< "cosine" or "euclidean"
    bool cosine = true;
    std::optional<std::string> output;
    bool json = false, quiet = false, quality = true;
    LoadOptions load;
};

ProjectOptions parseOptions(const std::vector<std::string> &argv)
{
    Args a(argv,
           withLoadOptions({"--method", "--dims", "--limit", "--seed", "--perplexity",
                            "--iterations", "--distance", "-o"}),
           {"--json", "--quiet", "--no-quality"});
    a.expectPositionals(1, 1, kProjectUsage);
    ProjectOptions o;
    o.path = a.positionals()[0];
    const auto methodName = a.value("--method");
    if (!methodName)
        throw UsageError("--method is required (pca or tsne); usage: " +
                         std::string(kProjectUsage));
    o.method = *methodName;
    o.tsne = o.method == "tsne";
    if (!o.tsne && o.method != "pca")
        throw UsageError("--method must be pca or tsne (umap is not available yet), got '" +
                         o.method + "'");
    o.dims = int(a.integer("--dims", 2, 2, 3));
    // The first N words: all for PCA, kTsneDefaultLimit for t-SNE, unless --limit says.
    o.limit = std::size_t(a.integer(
        "--limit", o.tsne ? static_cast<long long>(kTsneDefaultLimit) : (1LL << 40), 1, 1LL << 40));
    o.seed = std::uint64_t(a.integer("--seed", 42, 0, (1LL << 62)));
    o.perplexity = positiveNumber(a, "--perplexity");
    o.iterations = int(a.integer("--iterations", TsneOptions{}.maxIterations, 0, 1000000));
    if (!o.tsne && (o.perplexity || a.value("--iterations")))
        throw UsageError("--perplexity and --iterations apply to --method tsne only");
    o.distance = a.value("--distance", "cosine");
    if (o.distance != "cosine" && o.distance != "euclidean")
        throw UsageError("--distance must be cosine or euclidean, got '" + o.distance + "'");
    o.cosine = o.distance == "cosine";
    o.output = a.value("-o");
    o.json = a.flag("--json");
    o.quiet = a.flag("--quiet");
    o.quality = !a.flag("--no-quality");
    if (o.json && !o.output)
        throw UsageError("--json needs -o FILE (the coordinates would share stdout with it)");
    o.load = loadOptionsFrom(a);
    return o;
}

/// A layout and what its method reports.
struct Projection
{
    RowMatrix layout;
    std::optional<double> kl, perplexity; ///< t-SNE only
    double seconds = 0;
};

Projection project(ConstRowMap rows, const ProjectOptions &o)
{
    const auto start = std::chrono::steady_clock::now();
    Projection p;
    TerminalProgress progress;
    if (o.tsne) {
        TsneOptions to;
        to.dims = o.dims;
        to.perplexity = o.perplexity.value_or(to.perplexity);
        to.maxIterations = o.iterations;
        to.seed = o.seed;
        to.threads = o.load.threads;
        to.distance = o.cosine ? TsneDistance::Cosine : TsneDistance::Euclidean;
        TsneStatus status = tsneInit(rows, to, progress);
        status.runToEnd(progress);
        p.layout = status.layout();
        p.kl = status.klDivergence();
        p.perplexity = status.options().perplexity;
    } else {
        PcaOptions po;
        po.components = std::size_t(o.dims);
        po.center = true;
        po.threads = o.load.threads;
        po.seed = o.seed;
        p.layout = pca(rows, po, progress).coords;
        // Fewer components than asked (1-D vectors, a single word): the missing coordinates
        // are 0.
        if (p.layout.cols() < o.dims) {
            RowMatrix padded = RowMatrix::Zero(p.layout.rows(), o.dims);
            padded.leftCols(p.layout.cols()) = p.layout;
            p.layout = std::move(padded);
        }
    }
    p.seconds = seconds(start);
    return p;
}

/// kNN preservation of the layout (k = min(kQualityK, n − 1)), when asked for and affordable.
struct LayoutQuality
{
    std::size_t k = 0;
    std::optional<double> preservation;
    double seconds = 0;
};

LayoutQuality measureQuality(ConstRowMap rows, const RowMatrix &layout, const ProjectOptions &o)
{
    LayoutQuality q;
    const auto n = std::size_t(rows.rows());
    q.k = std::min(kQualityK, n - 1);
    if (!o.quality || n > kQualityMaxN || q.k == 0)
        return q;
    TerminalProgress progress;
    const auto start = std::chrono::steady_clock::now();
    const ConstRowMap y(layout.data(), layout.rows(), layout.cols());
    q.preservation = meanKnnPreservation(rows, y, q.k, o.cosine, o.load.threads, progress);
    q.seconds = seconds(start);
    return q;
}

void writeSummary(const ProjectOptions &o, std::size_t n, const Projection &p,
                  const LayoutQuality &q)
{
    std::string summary =
        format("%s: %zu points, %d-D, %.2f s", o.method.c_str(), n, o.dims, p.seconds);
    if (p.perplexity)
        summary +=
            format(", perplexity %g, %d iterations, KL %.4f", *p.perplexity, o.iterations, *p.kl);
    if (q.preservation)
        summary += format("; kNN preservation (k=%zu, %s) %.4f in %.2f s", q.k, o.distance.c_str(),
                          *q.preservation, q.seconds);
    else if (o.quality && q.k > 0)
        summary += format("; kNN preservation skipped above %zu points", kQualityMaxN);
    if (o.output)
        summary += "; wrote " + *o.output;
    std::cerr << summary << "\n";
}

void writeJson(const ProjectOptions &o, std::size_t n, const Projection &p, const LayoutQuality &q)
{
    const auto orNull = [](Json &j, const std::optional<double> &v) {
        if (v)
            j.value(*v);
        else
            j.null();
    };
    Json j;
    j.beginObject().key("method").value(o.method).key("n").value(n);
    j.key("dims").value(o.dims).key("seconds").value(p.seconds);
    j.key("distance").value(o.distance).key("seed").value(static_cast<unsigned long long>(o.seed));
    j.key("perplexity");
    orNull(j, p.perplexity);
    j.key("iterations");
    if (o.tsne)
        j.value(o.iterations);
    else
        j.null();
    j.key("kl");
    orNull(j, p.kl);
    j.key("knn_preservation");
    orNull(j, q.preservation);
    j.key("knn_k").value(q.k).key("output").value(*o.output).endObject();
    std::cout << j.str() << "\n";
}

} // namespace

int runProject(const std::vector<std::string> &argv)
{
    const ProjectOptions o = parseOptions(argv);
    EmbeddingSetPtr set;
    {
        TerminalProgress progress;
        set = load(o.path, o.load, progress);
    }
    if (!o.quiet)
        for (const auto &w : set->warnings())
            std::cerr << "warning: " << o.path << ": " << w << "\n";
    const std::size_t n = std::min(set->size(), o.limit);
    if (n == 0)
        throw std::runtime_error(o.path + ": no words to project");
    const ConstRowMap rows(set->data(), Eigen::Index(n), Eigen::Index(set->dim()));

    // Opened now, so that an unwritable -o fails before the work rather than after it.
    std::unique_ptr<AtomicFile> file;
    if (o.output)
        file = std::make_unique<AtomicFile>(*o.output);

    const Projection p = project(rows, o);
    const LayoutQuality q = measureQuality(rows, p.layout, o);
    const std::string text = coordinateLines(*set, p.layout);
    if (file) {
        file->write(text);
        file->commit();
    } else {
        std::cout << text << std::flush;
    }
    if (!o.quiet)
        writeSummary(o, n, p, q);
    if (o.json)
        writeJson(o, n, p, q);
    return 0;
}

} // namespace embex::cli
