#pragma once
// Results of QtConcurrent jobs with their original exceptions.
#include "util/Progress.h"

#include <QFuture>
#include <QFutureWatcher>
#include <QUnhandledException>

#include <exception>

namespace embex::gui {

/// QtConcurrent wraps exceptions that are not QException in QUnhandledException; this gives
/// back the original (FormatError, Cancelled...) so its message reaches the user. A job
/// cancelled before it produced a result throws Cancelled.
template <typename T> T takeResult(QFuture<T> future)
{
    try {
        if (future.isCanceled() && future.resultCount() == 0) {
            future.waitForFinished();
            throw Cancelled();
        }
        return future.result();
    } catch (const QUnhandledException &e) {
        if (e.exception())
            std::rethrow_exception(e.exception());
        throw;
    }
}

/// Cancels a job and waits for it; a job that failed rethrows from waitForFinished(), which
/// here (replacing or closing) is no longer of interest.
template <typename T> void cancelAndWait(QFutureWatcher<T> &watcher)
{
    watcher.cancel();
    try {
        watcher.waitForFinished();
    } catch (...) {
    }
}

} // namespace embex::gui
