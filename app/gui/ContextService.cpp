#include "gui/ContextService.h"

#include "gui/PromiseProgress.h"

#include <QPromise>
#include <QtConcurrent>

#include <stdexcept>

namespace embex::gui {

ContextService::ContextService(QObject *parent) : QObject(parent)
{
    m_pool.setMaxThreadCount(1);
    m_pool.setObjectName("ContextService");
}

ContextService::~ContextService()
{
    cancelAndWait();
}

QFuture<LoadedModel> ContextService::load(const QString &folder)
{
    QFuture<LoadedModel> f = QtConcurrent::run(&m_pool, [folder](QPromise<LoadedModel> &promise) {
        PromiseProgress<LoadedModel> progress(promise);
        LoadedModel m;
        m.folder = folder;
        m.model = BertModel::load(folder.toStdString(), progress);
        progress.check();
        m.encoder = std::make_shared<Encoder>(m.model);
        promise.addResult(std::move(m));
    });
    m_last = QFuture<void>(f);
    return f;
}

void ContextService::adopt(LoadedModel model)
{
    m_current = std::move(model);
}

QFuture<LabStudyPtr> ContextService::study(StudyRequest request)
{
    if (!hasModel())
        throw std::logic_error("ContextService::study without a model");
    // The job owns a reference to the encoder: replacing the model meanwhile is safe, and the
    // pool's single thread keeps two jobs from using one encoder at once.
    QFuture<LabStudyPtr> f =
        QtConcurrent::run(&m_pool, [encoder = m_current.encoder,
                                    request = std::move(request)](QPromise<LabStudyPtr> &promise) {
            PromiseProgress<LabStudyPtr> progress(promise);
            auto lab = std::make_shared<LabStudy>();
            lab->study = runStudy(*encoder, request, progress);
            progress.report(1.0, "projecting");
            lab->frames = layerFrames(lab->study);
            lab->layers = summarizeLayers(lab->study, progress);
            promise.addResult(LabStudyPtr(std::move(lab)));
        });
    m_last = QFuture<void>(f);
    return f;
}

void ContextService::cancelAndWait()
{
    m_last.cancel();
    m_pool.waitForDone();
}

} // namespace embex::gui
