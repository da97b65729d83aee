#pragma once
// Which words go into a projection (the "subset" controls of the Projection dock).
#include "vectors/EmbeddingSet.h"

#include <QString>
#include <vector>

namespace embex::gui {

struct SubsetOptions
{
    /// Keep the first N words in frequency (file) order; 0 = all.
    std::size_t topN = 0;
    /// Keep only words matching this regular expression (empty = all).
    QString include;
    /// Drop words matching this regular expression (empty = none).
    QString exclude;
    /// Drop common English stop words ("the", "of", ...).
    bool hideStopWords = false;
    /// When not empty: keep only these ids (search hits and their neighbours).
    std::vector<WordId> only;
};

/// Ids (ascending, so frequency order is kept) of the words that pass the options.
/// Throws std::invalid_argument naming the bad pattern when a regular expression is invalid.
std::vector<WordId> selectSubset(const EmbeddingSet &set, const SubsetOptions &options);

/// True for a common English stop word (case-insensitive).
bool isStopWord(const QString &word);

} // namespace embex::gui
