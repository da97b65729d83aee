#pragma once
// Results of QtConcurrent jobs with their original exceptions.
#include "util/Progress.h"

#include <QFuture>
#include <QFutureWatcher>
#include <QString>
#include <QUnhandledException>

#include <exception>
#include <optional>
#include <type_traits>

namespace embex::gui {

/// QtConcurrent wraps exceptions that are not QException in QUnhandledException; this gives
/// back the original (FormatError, Cancelled...) so its message reaches the user. A job
/// cancelled before it produced a result throws Cancelled. For a QFuture<void>: waits, and
/// rethrows the job's exception if it failed.
template <typename T> T takeResult(QFuture<T> future)
{
    try {
        if constexpr (std::is_void_v<T>) {
            future.waitForFinished();
        } else {
            if (future.isCanceled() && future.resultCount() == 0) {
                future.waitForFinished();
                throw Cancelled();
            }
            return future.result();
        }
    } catch (const QUnhandledException &e) {
        if (e.exception())
            std::rethrow_exception(e.exception());
        throw;
    }
}

/// Waits for a job to end without cancelling it (a save that must complete). A job that failed
/// rethrows from waitForFinished(); its handler has reported that, so it is not of interest
/// here (replacing or closing).
template <typename T> void waitQuietly(QFutureWatcher<T> &watcher)
{
    try {
        watcher.waitForFinished();
    } catch (...) {
    }
}

/// Cancels a job and waits for it (waitQuietly()).
template <typename T> void cancelAndWait(QFutureWatcher<T> &watcher)
{
    watcher.cancel();
    waitQuietly(watcher);
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
