#pragma once
// The teaching corpora installed with Embex (share/embex beside bin/): what they are, their
// file names and their size as a run counts them, in one place for the CLI (`embex-cli train
// brown`), the training lab's corpus choice and the blurbs they show. tst_trainlab checks the
// counts against a scan of the installed files, so a blurb cannot go stale.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace embex {

struct ShippedCorpus
{
    std::string_view name;        ///< what `embex-cli train NAME` accepts: "brown", "teaching"
    std::string_view file;        ///< in share/embex: "brown.txt.gz"
    std::string_view title;       ///< "Brown corpus"
    std::string_view description; ///< one clause for a blurb: what the text is
    /// Sentences and tokens as TrainingCorpus counts them with the default options
    /// (Vocabulary::sentences(), Vocabulary::corpusWords()): what a run reports.
    std::uint64_t sentences = 0, tokens = 0;
};

/// Brown first (the default), then the larger teaching corpus.
std::span<const ShippedCorpus> shippedCorpora();
/// The corpus called `name`, or null.
const ShippedCorpus *findShippedCorpus(std::string_view name);
/// Where the corpus is installed for a program in `programDir`: programDir/../share/embex/FILE,
/// else programDir/FILE; empty if neither is a file. Thread-safe.
std::string shippedCorpusPath(const ShippedCorpus &corpus, const std::string &programDir);
} // namespace embex
