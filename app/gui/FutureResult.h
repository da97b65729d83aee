#pragma once
// Results of QtConcurrent jobs with their original exceptions.
#include "util/Progress.h"

#include <QFuture>
#include <QFutureWatcher>
#include <QString>
#include <QUnhandledException>

#include <exception>
#include <optional>

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

/// The result of a watched job that has ended, or nullopt: for the late notification of a
/// replaced job or a repeat (`pending` is false or the current job still runs), and after
/// reporting a cancel (error = false) or a failure (error = true, with its message).
template <typename T, typename Report>
std::optional<T> takeFinished(QFutureWatcher<T> &watcher, bool &pending, Report report)
{
    if (!pending || !watcher.future().isFinished())
        return std::nullopt;
    pending = false;
    try {
        return takeResult(watcher.future());
    } catch (const Cancelled &) {
        report(QString(), false);
    } catch (const std::exception &e) {
        report(QString::fromUtf8(e.what()), true);
    }
    return std::nullopt;
}

} // namespace embex::gui
