#pragma once
// Background jobs of the explorer (QtConcurrent + QPromise; docs/ARCHITECTURE.md, "Threading"):
// loading a set and projecting it. Both report progress 0–1000, can be cancelled, and carry
// exceptions.
#include "gui/ProjectionDock.h"
#include "io/Formats.h"
#include "project/Pca.h"
#include "search/ExactIndex.h"

#include <QFuture>
#include <QString>
#include <QStringList>

namespace embex::gui {

struct LoadedSet
{
    EmbeddingSetPtr set;
    QStringList words;                       ///< in id order
    QStringList sortedWords;                 ///< case-insensitively sorted, for completion
    std::shared_ptr<const ExactIndex> index; ///< neighbour search over the set
};

/// Reads the file, then indexes the set as startIndexing does.
QFuture<LoadedSet> startLoad(const QString &path, const LoadOptions &options = {});
/// The same result for a set already in memory (a trained set): the search index and the word
/// lists, built off the UI thread so that the window shows both kinds alike.
QFuture<LoadedSet> startIndexing(EmbeddingSetPtr set);

struct ProjectionResult
{
    ProjectionSettings::Method method = ProjectionSettings::Method::Pca;
    std::vector<WordId> ids;           ///< the projected words, ascending (frequency order)
    RowMatrix coords;                  ///< PCA: ids.size() × up to 10 components; t-SNE: × dims
    std::vector<double> varianceRatio; ///< PCA: explained variance ratio per component
    QStringList labels;                ///< words of ids
};

/// Selects the subset and runs PCA on it (10 components; the window picks the axes). `words`
/// are the set's words in id order (LoadedSet::words): the labels share their strings.
QFuture<ProjectionResult> startProjection(EmbeddingSetPtr set, QStringList words,
                                          ProjectionSettings settings);

} // namespace embex::gui
