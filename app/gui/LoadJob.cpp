#include "gui/LoadJob.h"

#include <QPromise>
#include <QtConcurrent>

namespace embex::gui {

namespace {

/// Adapts core's Progress to a QPromise: reports map to progress values, cancel to isCanceled.
class PromiseProgress : public Progress
{
public:
    explicit PromiseProgress(QPromise<EmbeddingSetPtr> &promise) : m_promise(promise) {}
    void report(double fraction, std::string_view stage) override
    {
        m_promise.setProgressValueAndText(int(fraction * 1000.0),
                                          QString::fromUtf8(stage.data(), qsizetype(stage.size())));
    }
    bool cancelled() const override { return m_promise.isCanceled(); }

private:
    QPromise<EmbeddingSetPtr> &m_promise;
};

} // namespace

QFuture<EmbeddingSetPtr> startLoad(const QString &path, const LoadOptions &options)
{
    return QtConcurrent::run(
        [](QPromise<EmbeddingSetPtr> &promise, std::string file, LoadOptions opts) {
            promise.setProgressRange(0, 1000);
            PromiseProgress progress(promise);
            // Exceptions (FormatError, Cancelled...) propagate through the future.
            promise.addResult(load(file, opts, progress));
        },
        path.toStdString(), options);
}

} // namespace embex::gui
