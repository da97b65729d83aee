#pragma once
// The context lab's worker service: it keeps the loaded BERT-family model and its Encoder and
// runs the lab's jobs (loading a model folder, studying sentences) on one worker thread of its
// own, one job after another, so the Encoder (not thread-safe) is only ever used by one job and
// the GUI thread never waits for it (docs/ARCHITECTURE.md, "Threading"). Jobs are QFutures:
// progress 0–1000 with the stage as text, cancel through QFuture::cancel(), errors as
// exceptions.
#include "contextual/ContextStudy.h"
#include "contextual/LayerSummary.h"

#include <QFuture>
#include <QObject>
#include <QString>
#include <QThreadPool>

#include <memory>

namespace embex::gui {

/// A loaded model with its encoder.
struct LoadedModel
{
    BertModelPtr model;
    std::shared_ptr<Encoder> encoder;
    QString folder;
};

/// A study with what the lab shows per layer, computed in the worker too.
struct LabStudy
{
    ContextStudy study;
    std::vector<RowMatrix> frames;    ///< layerFrames(study)
    std::vector<LayerSummary> layers; ///< summarizeLayers(study)
};
using LabStudyPtr = std::shared_ptr<const LabStudy>;

class ContextService : public QObject
{
    Q_OBJECT
public:
    explicit ContextService(QObject *parent = nullptr);
    /// Cancels the running job and waits for it (it stops at its next progress check).
    ~ContextService() override;

    /// Loads a model folder in the worker. The service keeps using the previous model until
    /// adopt() is given the result.
    QFuture<LoadedModel> load(const QString &folder);
    /// Makes a loaded model the current one.
    void adopt(LoadedModel model);
    /// The current model (empty before the first adopt()).
    const LoadedModel &current() const { return m_current; }
    bool hasModel() const { return bool(m_current.model); }

    /// Studies sentences with the current model in the worker. Requires hasModel().
    QFuture<LabStudyPtr> study(StudyRequest request);

    /// Cancels the running job (if any) and waits until the worker is idle.
    void cancelAndWait();

private:
    QThreadPool m_pool; // one thread
    LoadedModel m_current;
    QFuture<void> m_last; // the newest job, for cancelAndWait()
};

} // namespace embex::gui
