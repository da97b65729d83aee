#include "cli/Commands.h"

#include "cli/Args.h"
#include "cli/CliSupport.h"
#include "cli/Json.h"
#include "io/Formats.h"
#include "search/Analogy.h"
#include "search/ExactIndex.h"
#include "search/HnswIndex.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <iostream>
#include <unistd.h>

namespace embex::cli {

namespace {

/// Resolves a query word; error message suggests a differently-cased match.
WordId requireWord(const EmbeddingSet &set, const std::string &path, const std::string &word)
{
    if (auto id = set.find(word))
        return *id;
    std::string lower = word;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    std::string hint;
    if (lower != word && set.find(lower))
        hint = "; did you mean '" + lower + "'?";
    throw std::runtime_error(path + ": word '" + word + "' is not in the vocabulary (" +
                             std::to_string(set.size()) + " words)" + hint);
}

void printNeighbors(const std::vector<Neighbor> &list, const EmbeddingSet &set, Json *json)
{
    int rank = 0;
    for (const auto &n : list) {
        ++rank;
        if (json) {
            json->beginObject()
                .key("rank")
                .value(rank)
                .key("word")
                .value(set.word(n.id))
                .key("similarity")
                .value(n.similarity)
                .endObject();
        } else {
            char sim[32];
            std::snprintf(sim, sizeof sim, "%.6f", static_cast<double>(n.similarity));
            std::cout << rank << '\t' << set.word(n.id) << '\t' << sim << '\n';
        }
    }
}

} // namespace

int runInfo(const std::vector<std::string> &argv)
{
    Args a(argv, withLoadOptions({}), {"--json", "--quiet"});
    a.expectPositionals(1, 1, "embex-cli info FILE [--format F] [--json]");
    const std::string &path = a.positionals()[0];
    auto set = loadFile(path, a, false);
    const auto &norms = set->norms();
    double mn = 0, mx = 0, mean = 0;
    std::size_t zero = 0;
    if (norms.size() > 0) {
        mn = double(norms.minCoeff());
        mx = double(norms.maxCoeff());
        mean = norms.cast<double>().mean();
        zero = std::size_t((norms.array() == 0.0f).count());
    }
    if (a.flag("--json")) {
        Json j;
        j.beginObject()
            .key("file")
            .value(path)
            .key("format")
            .value(set->sourceFormat())
            .key("words")
            .value(set->size())
            .key("dimensions")
            .value(set->dim())
            .key("norms")
            .beginObject()
            .key("min")
            .value(mn)
            .key("mean")
            .value(mean)
            .key("max")
            .value(mx)
            .key("zero")
            .value(zero)
            .endObject()
            .key("subword_vectors")
            .value(set->oov() != nullptr)
            .key("metadata")
            .beginArray();
        for (const auto &c : set->metadata())
            j.value(c.name);
        j.endArray().key("warnings").beginArray();
        for (const auto &w : set->warnings())
            j.value(w);
        j.endArray().key("first_words").beginArray();
        for (std::size_t i = 0; i < std::min<std::size_t>(10, set->size()); ++i)
            j.value(set->word(WordId(i)));
        j.endArray().endObject();
        std::cout << j.str() << "\n";
        return 0;
    }
    std::cout << "file: " << path << "\n"
              << "format: " << set->sourceFormat() << "\n"
              << "words: " << set->size() << "\n"
              << "dimensions: " << set->dim() << "\n";
    char normLine[160];
    std::snprintf(normLine, sizeof normLine,
                  "norms: min %.6g, mean %.6g, max %.6g, zero vectors %zu\n", mn, mean, mx, zero);
    std::cout << normLine;
    std::cout << "subword vectors for unknown words: " << (set->oov() ? "yes" : "no") << "\n";
    std::cout << "metadata columns:";
    if (set->metadata().empty())
        std::cout << " none";
    for (const auto &c : set->metadata())
        std::cout << " " << c.name;
    std::cout << "\nfirst words:";
    for (std::size_t i = 0; i < std::min<std::size_t>(10, set->size()); ++i)
        std::cout << " " << set->word(WordId(i));
    std::cout << "\nwarnings: " << (set->warnings().empty() ? "none" : "") << "\n";
    for (const auto &w : set->warnings())
        std::cout << "  " << w << "\n";
    return 0;
}

int runNeighbors(const std::vector<std::string> &argv)
{
    Args a(argv, withLoadOptions({"-k", "--index"}), {"--json", "--quiet"});
    a.expectPositionals(2, 2,
                        "embex-cli neighbors FILE WORD [-k 10] [--index exact|hnsw] "
                        "[--json]");
    const std::string &path = a.positionals()[0];
    const std::string &word = a.positionals()[1];
    auto k = std::size_t(a.integer("-k", 10, 1, 1000000));
    std::string indexKind = a.value("--index", "exact");
    if (indexKind != "exact" && indexKind != "hnsw")
        throw UsageError("--index must be exact or hnsw");
    auto set = loadFile(path, a, true);

    std::unique_ptr<NeighborIndex> index;
    if (indexKind == "hnsw") {
        TerminalProgress progress;
        index = std::make_unique<HnswIndex>(set, HnswIndex::Options{}, progress);
    } else {
        // One query: a single scan of the float32 rows beats building the 8-bit filter
        // first (a pass over the rows and a quarter of the matrix's size in memory).
        index = std::make_unique<ExactIndex>(set, defaultThreads(), false);
    }
    std::vector<Neighbor> result;
    bool oov = false;
    if (auto id = set->find(word)) {
        result = neighborsOf(*index, *id, k);
    } else if (auto v = set->vectorFor(word)) {
        oov = true;
        result = index->search(v->data(), k);
    } else {
        requireWord(*set, path, word);
    }
    if (a.flag("--json")) {
        Json j;
        j.beginObject()
            .key("file")
            .value(path)
            .key("word")
            .value(word)
            .key("k")
            .value(k)
            .key("index")
            .value(indexKind)
            .key("out_of_vocabulary")
            .value(oov)
            .key("neighbors")
            .beginArray();
        printNeighbors(result, *set, &j);
        j.endArray().endObject();
        std::cout << j.str() << "\n";
    } else {
        if (oov)
            std::cerr << "note: '" << word
                      << "' is not in the vocabulary; using its subword (fastText) vector\n";
        printNeighbors(result, *set, nullptr);
    }
    return 0;
}

int runAnalogy(const std::vector<std::string> &argv)
{
    Args a(argv, withLoadOptions({"-k", "--method"}), {"--json", "--quiet"});
    a.expectPositionals(4, 4, "embex-cli analogy FILE A B C [-k 5] [--method add|mul] [--json]");
    const auto &p = a.positionals();
    auto k = std::size_t(a.integer("-k", 5, 1, 1000000));
    std::string methodName = a.value("--method", "add");
    AnalogyMethod method;
    if (methodName == "add")
        method = AnalogyMethod::Add;
    else if (methodName == "mul")
        method = AnalogyMethod::Mul;
    else
        throw UsageError("--method must be add or mul");
    auto set = loadFile(p[0], a, true);
    WordId ia = requireWord(*set, p[0], p[1]);
    WordId ib = requireWord(*set, p[0], p[2]);
    WordId ic = requireWord(*set, p[0], p[3]);
    auto result = analogy(*set, ia, ib, ic, k, method);
    if (a.flag("--json")) {
        Json j;
        j.beginObject()
            .key("file")
            .value(p[0])
            .key("a")
            .value(p[1])
            .key("b")
            .value(p[2])
            .key("c")
            .value(p[3])
            .key("method")
            .value(methodName)
            .key("results")
            .beginArray();
        printNeighbors(result, *set, &j);
        j.endArray().endObject();
        std::cout << j.str() << "\n";
    } else {
        printNeighbors(result, *set, nullptr);
    }
    return 0;
}

int runConvert(const std::vector<std::string> &argv)
{
    Args a(argv, withLoadOptions({"--to"}), {"--quiet", "--float16"});
    a.expectPositionals(2, 2,
                        "embex-cli convert IN OUT [--to word2vec|word2vec-bin|glove|vec|tsv|npy|"
                        "embex] [--float16]");
    const std::string &in = a.positionals()[0];
    const std::string &out = a.positionals()[1];
    SaveOptions so;
    if (auto t = a.value("--to")) {
        auto f = parseFormatName(*t);
        if (!f || *f == Format::FastTextBin)
            throw UsageError("--to must be one of word2vec, word2vec-bin, glove, vec, tsv, npy, "
                             "embex; got '" +
                             *t + "'");
        so.format = *f;
    } else if (!formatForExtension(out)) {
        throw UsageError("cannot tell the output format from '" + out +
                         "'; add --to word2vec|word2vec-bin|glove|vec|tsv|npy|embex");
    }
    if (a.flag("--float16")) {
        if (so.format == Format::Auto ? formatForExtension(out) != Format::Embex
                                      : so.format != Format::Embex)
            throw UsageError("--float16 needs --to embex");
        so.float16 = true;
    }
    auto set = loadFile(in, a, true);
    TerminalProgress progress;
    save(*set, out, so, progress);
    if (!a.flag("--quiet"))
        std::cerr << "wrote " << set->size() << " words x " << set->dim() << " to " << out << "\n";
    return 0;
}

} // namespace embex::cli
