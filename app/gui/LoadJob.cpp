#include "gui/LoadJob.h"

#include "gui/PromiseProgress.h"

#include <QtConcurrent>

namespace embex::gui {

QFuture<LoadedSet> startLoad(const QString &path, const LoadOptions &options)
{
    LoadOptions opts = options;
    // As for projections: one core stays free for the UI.
    opts.threads = std::max(1u, std::min(opts.threads, defaultThreads() - 1));
    return QtConcurrent::run(
        [](QPromise<LoadedSet> &promise, std::string file, LoadOptions loadOptions) {
            PromiseProgress<LoadedSet> progress(promise);
            // Exceptions (FormatError, Cancelled...) propagate through the future.
            LoadedSet out;
            out.set = load(file, loadOptions, progress);
            progress.report(1.0, "indexing words");
            // The search index (unit vectors, half-precision copy) is built here rather than
            // on the UI thread.
            out.index = std::make_shared<const ExactIndex>(out.set);
            out.words.reserve(qsizetype(out.set->size()));
            for (const auto &w : out.set->words())
                out.words.append(QString::fromStdString(w));
            progress.check();
            out.sortedWords = out.words;
            std::sort(out.sortedWords.begin(), out.sortedWords.end(),
                      [](const QString &a, const QString &b) {
                          return a.compare(b, Qt::CaseInsensitive) < 0;
                      });
            promise.addResult(std::move(out));
        },
        path.toStdString(), opts);
}

QFuture<ProjectionResult> startProjection(EmbeddingSetPtr set, ProjectionSettings settings)
{
    return QtConcurrent::run(
        [](QPromise<ProjectionResult> &promise, EmbeddingSetPtr s, ProjectionSettings o) {
            PromiseProgress<ProjectionResult> progress(promise);
            progress.report(0.0, "selecting words");
            ProjectionResult r;
            r.ids = selectSubset(*s, o.subset);
            if (r.ids.empty())
                throw std::invalid_argument("no words match the subset settings");
            progress.check();
            PcaOptions po;
            po.components = 10;
            po.center = o.center;
            po.normalizeRows = o.spherize;
            // Leave one core to the UI thread (and llvmpipe's rasteriser) so the window keeps
            // repainting while the projection runs.
            po.threads = std::max(1u, defaultThreads() - 1);
            PcaResult result = pca(*s, r.ids, po, progress);
            r.coords = std::move(result.coords);
            const auto &ratio = result.explainedVarianceRatio;
            r.varianceRatio.assign(ratio.data(), ratio.data() + ratio.size());
            r.labels.reserve(qsizetype(r.ids.size()));
            for (WordId id : r.ids)
                r.labels.append(QString::fromStdString(s->word(id)));
            promise.addResult(std::move(r));
        },
        std::move(set), std::move(settings));
}

} // namespace embex::gui
