#include "cli/CliSupport.h"

#include <cstdio>
#include <iostream>
#include <unistd.h>

namespace embex::cli {

TerminalProgress::TerminalProgress() : m_tty(::isatty(2) != 0) {}

void TerminalProgress::report(double fraction, std::string_view stage)
{
    if (!m_tty)
        return;
    const int pct = int(fraction * 100.0);
    if (pct == m_last && stage == m_stage)
        return;
    m_last = pct;
    m_stage = stage;
    m_shown = true;
    std::fprintf(stderr, "\r\033[K%.*s %d%%", int(stage.size()), stage.data(), pct);
    std::fflush(stderr);
}

void TerminalProgress::clear()
{
    if (m_shown)
        std::fputs("\r\033[K", stderr);
    m_shown = false;
}

std::set<std::string> withLoadOptions(std::set<std::string> options)
{
    options.insert({"--format", "--metadata", "--words", "--threads"});
    return options;
}

LoadOptions loadOptionsFrom(const Args &a)
{
    LoadOptions o;
    if (auto f = a.value("--format")) {
        auto parsed = parseFormatName(*f);
        if (!parsed)
            throw UsageError("unknown format '" + *f +
                             "' (word2vec, word2vec-bin, glove, vec, fasttext-bin, tsv, npy, "
                             "embex)");
        o.format = *parsed;
    }
    o.metadataPath = a.value("--metadata", "");
    o.wordsPath = a.value("--words", "");
    o.threads = unsigned(a.integer("--threads", defaultThreads(), 1, 256));
    return o;
}

EmbeddingSetPtr loadFile(const std::string &path, const Args &a, bool printWarnings)
{
    TerminalProgress progress;
    auto set = load(path, loadOptionsFrom(a), progress);
    progress.clear();
    if (printWarnings && !a.flag("--quiet"))
        for (const auto &w : set->warnings())
            std::cerr << "warning: " << path << ": " << w << "\n";
    return set;
}

} // namespace embex::cli
