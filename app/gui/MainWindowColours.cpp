// MainWindow's colours: the colour modes, and projection honesty measured in the background
// for the layout shown (grey until then; never on a half-made t-SNE map).
#include "ScatterView.h"
#include "gui/AppearanceBar.h"
#include "gui/ColorScheme.h"
#include "gui/FutureResult.h"
#include "gui/MainWindow.h"
#include "gui/PromiseProgress.h"
#include "gui/TsneRunner.h"
#include "project/Quality.h"

#include <QProgressBar>
#include <QStatusBar>
#include <QToolButton>
#include <QtConcurrent>

namespace embex::gui {

namespace {
constexpr std::size_t kHonestyK = 10;
}

bool MainWindow::isMeasuringHonesty() const
{
    return m_honestyWatcher.isRunning();
}

void MainWindow::computeHonesty()
{
    if (!m_set || m_projection.ids.empty())
        return;
    if (m_honestyWatcher.isRunning()) {
        if (m_honestyGeneration != m_layoutGeneration)
            m_honestyWatcher.cancel(); // onHonestyMeasured starts the current one
        return;
    }
    const std::size_t n = m_projection.ids.size(), d = m_set->dim();
    RowMatrix original(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(d));
    for (std::size_t i = 0; i < n; ++i)
        original.row(Eigen::Index(i)) = m_set->matrix().row(Eigen::Index(m_projection.ids[i]));
    const bool cosine = !(m_projection.method == ProjectionSettings::Method::Tsne &&
                          m_projectionSettings.tsne.distance == TsneDistance::Euclidean);
    m_honestyGeneration = m_layoutGeneration;
    m_honestyCancelled = false;
    m_honestyProgress->setValue(0);
    m_honestyProgress->show();
    m_honestyCancel->show();
    // Both cores: nothing else runs while the map is measured. Above kQualityExactMaxN words
    // the original-space neighbours come from HNSW (approximate), as in embex-cli project.
    auto job = [](QPromise<std::vector<float>> &promise, RowMatrix x, RowMatrix y, bool cos) {
        PromiseProgress<std::vector<float>> progress(promise);
        promise.addResult(knnPreservation(ConstRowMap(x.data(), x.rows(), x.cols()),
                                          ConstRowMap(y.data(), y.rows(), y.cols()), kHonestyK, cos,
                                          defaultThreads(), progress));
    };
    m_honestyWatcher.setFuture(
        QtConcurrent::run(job, std::move(original), shownCoordinates(), cosine));
}

void MainWindow::cancelHonesty()
{
    if (!m_honestyWatcher.isRunning())
        return;
    m_honestyCancelled = true;
    m_honestyWatcher.cancel();
}

void MainWindow::onHonestyMeasured()
{
    m_honestyProgress->hide();
    m_honestyCancel->hide();
    std::vector<float> kept;
    try {
        kept = takeResult(m_honestyWatcher.future());
    } catch (const Cancelled &) {
        if (m_honestyCancelled)
            statusBar()->showMessage(tr("Measuring the map's honesty was cancelled"), 5000);
        kept.clear();
    } catch (const std::exception &e) {
        statusBar()->showMessage(tr("Projection honesty: %1").arg(e.what()), 8000);
        return;
    }
    if (m_honestyGeneration != m_layoutGeneration || kept.size() != m_projection.ids.size()) {
        // Measured on a layout that is no longer shown: never show it. applyAppearance()
        // measures the current one (unless the user cancelled, which it says).
        applyAppearance();
        return;
    }
    m_honesty = std::move(kept);
    double mean = 0;
    for (float v : m_honesty)
        mean += double(v);
    mean = m_honesty.empty() ? 0 : mean / double(m_honesty.size());
    statusBar()->showMessage(
        tr("On average %1% of each word's 10 nearest neighbours stay its neighbours on the map")
            .arg(mean * 100, 0, 'f', 1),
        8000);
    applyAppearance();
    emit honestyReady(mean);
}

void MainWindow::applyAppearance()
{
    if (!m_view)
        return;
    m_view->setPointSize(m_appearance->pointSize());
    m_view->setLabelFontSize(m_appearance->labelFontSize());
    m_view->setLabelsVisible(m_appearance->labelsVisible());
    if (!m_set || m_projection.ids.empty()) {
        m_view->setLegend({});
        return;
    }
    const QString mode = m_appearance->colorMode();
    const std::size_t n = m_projection.ids.size();
    Coloring c;
    if (mode == "knn") {
        if (m_honesty.size() == n) {
            double mean = 0;
            for (float v : m_honesty)
                mean += double(v);
            mean /= double(n);
            c = colorByPreservation(m_honesty,
                                    n > kQualityExactMaxN
                                        ? tr("on average %1% kept; original-space neighbours "
                                             "approximate (HNSW) above %L2 words")
                                              .arg(mean * 100, 0, 'f', 1)
                                              .arg(kQualityExactMaxN)
                                        : tr("on average %1% kept").arg(mean * 100, 0, 'f', 1));
        } else if (m_tsne->isRunning()) {
            c = colorPending(n, tr("Neighbours kept: measured when t-SNE finishes (grey "
                                   "until then)"));
        } else if (m_honestyCancelled && !m_honestyWatcher.isRunning()) {
            c = colorPending(n, tr("Neighbours kept: not measured (cancelled). Choose the "
                                   "colouring again to measure."));
        } else {
            computeHonesty();
            c = colorPending(n, tr("Neighbours kept: measuring... (grey until measured)"));
        }
    } else if (mode.startsWith("meta:")) {
        c = colorByMetadata(*m_set, m_projection.ids, mode.mid(5));
    } else if (mode == "uniform") {
        c = colorUniform(n);
    } else {
        c = colorByFrequency(m_projection.ids, m_set->size());
    }
    if (mode != "knn")
        m_honestyCancelled = false;
    m_view->setColors(std::move(c.colors));
    m_view->setLegend(c.legend);
}

} // namespace embex::gui
