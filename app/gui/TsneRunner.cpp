#include "gui/TsneRunner.h"

#include "project/Tsne.h"

#include <QMetaObject>

#include <chrono>

namespace embex::gui {

namespace {

using Clock = std::chrono::steady_clock;

/// Forwards core progress to the UI (at most every 100 ms) and answers the stop flag.
class RunnerProgress : public Progress
{
public:
    RunnerProgress(TsneRunner *runner, const std::atomic<bool> &cancel)
        : m_runner(runner), m_cancel(cancel)
    {}
    void report(double fraction, std::string_view stage) override
    {
        const auto now = Clock::now();
        if (now - m_last < std::chrono::milliseconds(100) && fraction < 1.0)
            return;
        m_last = now;
        const QString text = QString::fromUtf8(stage.data(), qsizetype(stage.size()));
        const int permille = int(fraction * 1000);
        QMetaObject::invokeMethod(
            m_runner, [r = m_runner, permille, text] { emit r->progressChanged(permille, text); },
            Qt::QueuedConnection);
    }
    bool cancelled() const override { return m_cancel.load(std::memory_order_relaxed); }

private:
    TsneRunner *m_runner;
    const std::atomic<bool> &m_cancel;
    Clock::time_point m_last{};
};

std::vector<float> flatten(const RowMatrix &m)
{
    return std::vector<float>(m.data(), m.data() + m.size());
}

} // namespace

TsneRunner::TsneRunner(QObject *parent) : QObject(parent)
{
    qRegisterMetaType<TsneFrame>();
}

TsneRunner::~TsneRunner()
{
    stop();
}

void TsneRunner::stop()
{
    m_cancel = true;
    m_paused = false;
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
    m_cancel = false;
}

void TsneRunner::setPaused(bool paused)
{
    m_paused = paused;
    m_wake.notify_all();
}

void TsneRunner::start(EmbeddingSetPtr set, SubsetOptions subset, TsneOptions options)
{
    stop();
    m_paused = false;
    m_frameInFlight = false;
    m_running = true;
    const quint64 run = ++m_run;
    m_thread = std::thread(&TsneRunner::work, this, run, std::move(set), std::move(subset),
                           std::move(options));
}

void TsneRunner::waitWhilePaused()
{
    std::unique_lock lock(m_mutex);
    m_wake.wait(lock, [this] { return !m_paused.load() || m_cancel.load(); });
}

void TsneRunner::post(TsneFrame frame)
{
    m_frameInFlight = true;
    QMetaObject::invokeMethod(
        this,
        [this, f = std::move(frame)] {
            m_frameInFlight = false;
            if (f.run == m_run)
                emit frameReady(f);
        },
        Qt::QueuedConnection);
}

void TsneRunner::work(quint64 run, EmbeddingSetPtr set, SubsetOptions subset, TsneOptions options)
{
    RunnerProgress progress(this, m_cancel);
    auto done = [this, run](bool ok, QString message) {
        QMetaObject::invokeMethod(
            this,
            [this, run, ok, message] {
                if (run != m_run)
                    return;
                m_running = false;
                emit finished(ok, message);
            },
            Qt::QueuedConnection);
    };
    try {
        progress.report(0.0, "selecting words");
        TsneFrame first;
        first.run = run;
        first.dims = options.dims;
        first.total = options.maxIterations;
        first.ids = selectSubset(*set, subset);
        if (first.ids.size() < 2)
            throw std::invalid_argument("t-SNE needs at least 2 words; the subset has " +
                                        std::to_string(first.ids.size()));
        for (WordId id : first.ids)
            first.labels.append(QString::fromStdString(set->word(id)));
        // A PCA preview straight away, so the first frame appears long before the
        // neighbour search and affinities are done.
        // The run's own starting layout (core's tsneInitialLayout, a scaled PCA), shown
        // straight away: the first frame appears long before the neighbour search and the
        // affinities are done, and the animation starts exactly where the optimiser does.
        RowMatrix rows(Eigen::Index(first.ids.size()), Eigen::Index(set->dim()));
        for (std::size_t i = 0; i < first.ids.size(); ++i)
            rows.row(Eigen::Index(i)) = set->matrix().row(Eigen::Index(first.ids[i]));
        const RowMatrix preview =
            tsneInitialLayout(ConstRowMap(rows.data(), rows.rows(), rows.cols()), options)
                .cast<float>();
        first.coords = flatten(preview);
        const std::vector<WordId> ids = first.ids;
        post(std::move(first));

        TsneStatus status = tsneInit(*set, ids, options, progress);
        double kl = std::numeric_limits<double>::quiet_NaN();
        std::size_t chunk = 5;
        std::size_t lastKl = 0;
        auto frame = [&](bool final) {
            TsneFrame f;
            f.run = run;
            f.dims = options.dims;
            f.iteration = int(status.iteration());
            f.total = options.maxIterations;
            f.kl = kl;
            f.final = final;
            f.coords = flatten(status.layout());
            post(std::move(f));
        };
        frame(false);
        while (!status.finished()) {
            waitWhilePaused();
            progress.check();
            const auto t0 = Clock::now();
            status.run(chunk, progress);
            const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
            // Aim for a frame about every 40 ms whatever the size of the run.
            chunk = std::clamp<std::size_t>(std::size_t(double(chunk) * 40.0 / std::max(ms, 1.0)),
                                            1, 50);
            if (status.iteration() >= lastKl + 50 || status.finished()) {
                kl = status.klDivergence();
                lastKl = status.iteration();
            }
            progress.report(double(status.iteration()) / double(options.maxIterations),
                            "iteration " + std::to_string(status.iteration()));
            if (!m_frameInFlight.load())
                frame(false);
        }
        frame(true);
        done(true, {});
    } catch (const Cancelled &) {
        done(false, QStringLiteral("stopped"));
    } catch (const std::exception &e) {
        done(false, QString::fromUtf8(e.what()));
    }
}

} // namespace embex::gui
