#include "gui/LoadJob.h"

#include "gui/PromiseProgress.h"

#include <QtConcurrent>

namespace embex::gui {

namespace {

/// The one path from a set to what the window shows: search index and word lists.
LoadedSet indexSet(EmbeddingSetPtr set, Progress &progress)
{
    progress.report(1.0, "indexing words");
    LoadedSet out;
    out.set = std::move(set);
    // The search index (8-bit codes of the unit rows) is built here rather than on the UI
    // thread.
    out.index = std::make_shared<const ExactIndex>(out.set);
    out.words.reserve(qsizetype(out.set->size()));
    for (const auto &w : out.set->words())
        out.words.append(QString::fromStdString(w));
    progress.check();
    out.sortedWords = out.words;
    std::sort(
        out.sortedWords.begin(), out.sortedWords.end(),
        [](const QString &a, const QString &b) { return a.compare(b, Qt::CaseInsensitive) < 0; });
    return out;
}

} // namespace

QFuture<LoadedSet> startLoad(const QString &path, const LoadOptions &options)
{
    LoadOptions opts = options;
    // As for projections: one core stays free for the UI.
    opts.threads = std::max(1u, std::min(opts.threads, defaultThreads() - 1));
    return QtConcurrent::run(
        [](QPromise<LoadedSet> &promise, std::string file, LoadOptions loadOptions) {
            PromiseProgress<LoadedSet> progress(promise);
            // Exceptions (FormatError, Cancelled...) propagate through the future.
            promise.addResult(indexSet(load(file, loadOptions, progress), progress));
        },
        path.toStdString(), opts);
}

QFuture<LoadedSet> startIndexing(EmbeddingSetPtr set)
{
    return QtConcurrent::run(
        [](QPromise<LoadedSet> &promise, EmbeddingSetPtr s) {
            PromiseProgress<LoadedSet> progress(promise);
            promise.addResult(indexSet(std::move(s), progress));
        },
        std::move(set));
}

QFuture<ProjectionResult> startProjection(EmbeddingSetPtr set, QStringList words,
                                          ProjectionSettings settings)
{
    return QtConcurrent::run(
        [](QPromise<ProjectionResult> &promise, EmbeddingSetPtr s, QStringList w,
           ProjectionSettings o) {
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
            // Copies of the window's strings (shared, not allocated again: a million labels
            // would otherwise cost a million allocations and ~50 MB).
            for (WordId id : r.ids)
                r.labels.append(w.size() == qsizetype(s->size())
                                    ? w[qsizetype(id)]
                                    : QString::fromStdString(s->word(id)));
            promise.addResult(std::move(r));
        },
        std::move(set), std::move(words), std::move(settings));
}

} // namespace embex::gui
