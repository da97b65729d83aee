// embex-cli eval: analogy accuracy and word-similarity correlation, as gensim computes them.
#include "cli/Args.h"
#include "cli/CliSupport.h"
#include "cli/Commands.h"
#include "cli/Json.h"
#include "eval/Evaluation.h"

#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <filesystem>
#include <iostream>

namespace embex::cli {

namespace {

const char *kEvalUsage =
    "embex-cli eval FILE [--analogies F]... [--similarity F]... [--restrict N] "
    "[--method add|mul] [--case-sensitive] [--json]";

/// The files shipped with Embex (share/embex/eval beside bin/, as the GUI finds them).
std::filesystem::path shippedEvalDir()
{
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec)
        return {};
    return exe.parent_path().parent_path() / "share" / "embex" / "eval";
}

/// Takes every "--name F" / "--name=F" out of argv (Args keeps one value per option).
std::vector<std::string> takeRepeated(std::vector<std::string> &argv, const std::string &name)
{
    std::vector<std::string> values, rest;
    for (std::size_t i = 0; i < argv.size(); ++i) {
        if (argv[i] == "--") {
            rest.insert(rest.end(), argv.begin() + std::ptrdiff_t(i), argv.end());
            break;
        }
        if (argv[i] == name) {
            if (i + 1 >= argv.size())
                throw UsageError("option " + name + " needs a value");
            values.push_back(argv[++i]);
        } else if (argv[i].rfind(name + "=", 0) == 0) {
            values.push_back(argv[i].substr(name.size() + 1));
        } else {
            rest.push_back(argv[i]);
        }
    }
    argv = std::move(rest);
    return values;
}

std::string fileName(const std::string &path)
{
    return std::filesystem::path(path).filename().string();
}

/// printf into a std::string (all output goes through std::cout, in order).
__attribute__((format(printf, 1, 2))) std::string format(const char *fmt, ...)
{
    char buffer[1024];
    va_list args;
    va_start(args, fmt);
    std::vsnprintf(buffer, sizeof buffer, fmt, args);
    va_end(args);
    return buffer;
}

std::string percent(double fraction)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%", fraction * 100.0);
    return buf;
}

std::string number(const std::optional<double> &v)
{
    if (!v)
        return "n/a";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4f", *v);
    return buf;
}

void printText(const EvaluationReport &report, const EvalOptions &o)
{
    for (const auto &r : report.analogies) {
        std::cout << format("analogies: %s (%zu questions, %s, first %zu words%s)\n",
                            fileName(r.path).c_str(), r.questions,
                            o.method == AnalogyMethod::Add ? "3CosAdd" : "3CosMul", o.restrictVocab,
                            o.caseInsensitive ? ", case-insensitive" : "");
        std::size_t width = std::string("Total accuracy").size();
        for (const auto &s : r.sections)
            width = std::max(width, s.name.size());
        const auto row = [&](const AnalogySectionResult &s) {
            const std::string counts =
                std::to_string(s.correct) + "/" + std::to_string(s.evaluated());
            std::cout << format("  %-*s  %13s  %6s\n", int(width), s.name.c_str(), counts.c_str(),
                                s.evaluated() ? percent(s.accuracy()).c_str() : "-");
        };
        for (const auto &s : r.sections)
            row(s);
        row(r.total);
        std::cout << format("  skipped (word not in vocabulary): %zu of %zu questions (%.1f%%)\n",
                            r.total.outOfVocabulary, r.questions, r.oovPercent());
    }
    for (const auto &r : report.wordPairs) {
        std::cout << format("similarity: %s: %zu of %zu pairs used, OOV %.1f%%, Pearson %s, "
                            "Spearman %s\n",
                            fileName(r.path).c_str(), r.used, r.pairs, r.oovPercent(),
                            number(r.pearson).c_str(), number(r.spearman).c_str());
    }
}

void printJson(const std::string &path, const EvaluationReport &report, const EvalOptions &o,
               double seconds)
{
    const auto optional = [](Json &j, const std::optional<double> &v) {
        if (v)
            j.value(*v);
        else
            j.null();
    };
    Json j;
    j.beginObject()
        .key("file")
        .value(path)
        .key("restrict_vocab")
        .value(o.restrictVocab)
        .key("case_insensitive")
        .value(o.caseInsensitive)
        .key("method")
        .value(o.method == AnalogyMethod::Add ? "add" : "mul")
        .key("seconds")
        .value(seconds)
        .key("analogies")
        .beginArray();
    for (const auto &r : report.analogies) {
        j.beginObject()
            .key("file")
            .value(r.path)
            .key("questions")
            .value(r.questions)
            .key("sections")
            .beginArray();
        for (const auto &s : r.sections)
            j.beginObject()
                .key("name")
                .value(s.name)
                .key("correct")
                .value(s.correct)
                .key("incorrect")
                .value(s.incorrect)
                .key("oov")
                .value(s.outOfVocabulary)
                .key("accuracy")
                .value(s.accuracy())
                .endObject();
        j.endArray()
            .key("correct")
            .value(r.total.correct)
            .key("incorrect")
            .value(r.total.incorrect)
            .key("oov")
            .value(r.total.outOfVocabulary)
            .key("oov_ratio")
            .value(r.oovPercent())
            .key("accuracy")
            .value(r.total.accuracy())
            .endObject();
    }
    j.endArray().key("similarity").beginArray();
    for (const auto &r : report.wordPairs) {
        j.beginObject()
            .key("file")
            .value(r.path)
            .key("pairs")
            .value(r.pairs)
            .key("used")
            .value(r.used)
            .key("oov")
            .value(r.outOfVocabulary)
            .key("oov_ratio")
            .value(r.oovPercent())
            .key("pearson");
        optional(j, r.pearson);
        j.key("spearman");
        optional(j, r.spearman);
        j.endObject();
    }
    j.endArray().endObject();
    std::cout << j.str() << "\n";
}

} // namespace

int runEval(const std::vector<std::string> &argvIn)
{
    std::vector<std::string> argv = argvIn;
    std::vector<std::string> analogyFiles = takeRepeated(argv, "--analogies");
    std::vector<std::string> pairFiles = takeRepeated(argv, "--similarity");
    Args a(argv, withLoadOptions({"--restrict", "--method"}),
           {"--json", "--quiet", "--case-sensitive"});
    a.expectPositionals(1, 1, kEvalUsage);
    const std::string &path = a.positionals()[0];
    EvalOptions o;
    o.restrictVocab = std::size_t(a.integer("--restrict", 300000, 1, 1LL << 40));
    o.caseInsensitive = !a.flag("--case-sensitive");
    o.threads = loadOptionsFrom(a).threads;
    const std::string method = a.value("--method", "add");
    if (method == "add")
        o.method = AnalogyMethod::Add;
    else if (method == "mul")
        o.method = AnalogyMethod::Mul;
    else
        throw UsageError("--method must be add or mul");

    if (analogyFiles.empty() && pairFiles.empty()) {
        // Default: the files shipped with Embex, when they are installed.
        const auto dir = shippedEvalDir();
        std::error_code ec;
        if (dir.empty() || !std::filesystem::is_regular_file(dir / "questions-words.txt", ec))
            throw UsageError("give --analogies FILE and/or --similarity FILE (the shipped test "
                             "files are not installed next to embex-cli)\nusage: " +
                             std::string(kEvalUsage));
        analogyFiles.push_back((dir / "questions-words.txt").string());
        pairFiles.push_back((dir / "wordsim353.tsv").string());
        pairFiles.push_back((dir / "simlex999.txt").string());
    }

    auto set = loadFile(path, a, true);
    const auto start = std::chrono::steady_clock::now();
    TerminalProgress progress;
    const EvaluationReport report = evaluate(*set, analogyFiles, pairFiles, o, progress);
    progress.clear();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    if (a.flag("--json"))
        printJson(path, report, o, seconds);
    else
        printText(report, o);
    std::cout.flush();

    // A test file that shares no word with the set has no result: say so, exit 1.
    int status = 0;
    for (const auto &r : report.analogies)
        if (auto p = r.problem(); !p.empty()) {
            std::cerr << path << ": " << p << "\n";
            status = 1;
        }
    for (const auto &r : report.wordPairs)
        if (auto p = r.problem(); !p.empty()) {
            std::cerr << path << ": " << p << "\n";
            status = 1;
        }
    return status;
}

} // namespace embex::cli
