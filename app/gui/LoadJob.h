#pragma once
// Loads a vector file in a worker thread (QtConcurrent + QPromise, CONVENTIONS.md #3).
#include "io/Formats.h"

#include <QFuture>
#include <QString>

namespace embex::gui {

/// Starts loading `path` on the global thread pool. The future reports progress (0–1000),
/// can be cancelled (the reader stops at its next check) and carries the set or the exception.
QFuture<EmbeddingSetPtr> startLoad(const QString &path, const LoadOptions &options = {});

} // namespace embex::gui
