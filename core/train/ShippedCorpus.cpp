#include "train/ShippedCorpus.h"

#include <array>
#include <filesystem>

namespace embex {

namespace {

// The counts are what `embex-cli train NAME` reports (and tst_trainlab checks): lines that
// are empty after tokenisation are not sentences, punctuation tokens are not words.
constexpr std::array kCorpora = {
    ShippedCorpus{"brown", "brown.txt.gz", "Brown corpus",
                  "500 samples of 1960s American English (news, fiction, science, ...)", 57'159,
                  1'013'319},
    ShippedCorpus{"teaching", "teaching.txt.gz", "Teaching corpus",
                  "the Brown corpus, two Bibles (King James, World English), Webster's "
                  "dictionary of 1913, WordNet's definitions, two of computing (FOLDOC, the "
                  "Jargon File), The Devil's Dictionary, the State of the Union addresses "
                  "1790-2021 and Moby-Dick",
                  694'601, 10'513'433},
};

} // namespace

std::span<const ShippedCorpus> shippedCorpora()
{
    return kCorpora;
}

const ShippedCorpus *findShippedCorpus(std::string_view name)
{
    for (const ShippedCorpus &c : kCorpora)
        if (c.name == name)
            return &c;
    return nullptr;
}

std::string shippedCorpusPath(const ShippedCorpus &corpus, const std::string &programDir)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path dir(programDir);
    for (const fs::path &p : {dir / "../share/embex" / corpus.file, dir / corpus.file}) {
        const fs::path clean = p.lexically_normal();
        if (fs::is_regular_file(clean, ec))
            return clean.string();
    }
    return {};
}

} // namespace embex
