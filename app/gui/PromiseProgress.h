#pragma once
// Adapts core's Qt-free Progress to a QPromise (docs/ARCHITECTURE.md, "Threading").
#include "util/Progress.h"

#include <QPromise>
#include <QString>

namespace embex::gui {

/// Reports map to progress values 0–1000 with the stage as text; cancel maps to isCanceled().
template <typename T> class PromiseProgress : public Progress
{
public:
    explicit PromiseProgress(QPromise<T> &promise) : m_promise(promise)
    {
        m_promise.setProgressRange(0, 1000);
    }
    void report(double fraction, std::string_view stage) override
    {
        m_promise.setProgressValueAndText(int(fraction * 1000.0),
                                          QString::fromUtf8(stage.data(), qsizetype(stage.size())));
    }
    bool cancelled() const override { return m_promise.isCanceled(); }

private:
    QPromise<T> &m_promise;
};

} // namespace embex::gui
