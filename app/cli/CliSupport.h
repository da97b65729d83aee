#pragma once
// Pieces every embex-cli command shares: terminal progress and the options for reading files.
#include "cli/Args.h"
#include "io/Formats.h"

#include <set>
#include <string>

namespace embex::cli {

/// Progress on stderr, only when it is a terminal (scripts get clean output).
class TerminalProgress : public Progress
{
public:
    TerminalProgress();
    ~TerminalProgress() override { clear(); }
    void report(double fraction, std::string_view stage) override;
    /// Erases the progress line (before printing a result).
    void clear();

private:
    bool m_tty;
    bool m_shown = false;
    int m_last = -1;
    std::string m_stage;
};

/// `options` plus the reading options every command takes: --format, --metadata, --words,
/// --threads.
std::set<std::string> withLoadOptions(std::set<std::string> options);
/// LoadOptions from those options (UsageError for an unknown format name).
LoadOptions loadOptionsFrom(const Args &a);
/// Loads a file with those options, progress on the terminal; prints the set's warnings on
/// stderr unless --quiet.
EmbeddingSetPtr loadFile(const std::string &path, const Args &a, bool printWarnings);

} // namespace embex::cli
