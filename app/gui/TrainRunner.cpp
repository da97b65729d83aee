#include "gui/TrainRunner.h"

#include "project/Pca.h"
#include "project/Procrustes.h"

#include <QLocale>
#include <QMetaObject>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <thread>

namespace embex::gui {

namespace {

using Clock = std::chrono::steady_clock;

TrainTick toTick(quint64 run, const TrainStats &s)
{
    TrainTick t;
    t.run = run;
    t.stage = QString::fromStdString(s.stage);
    t.epoch = s.epoch;
    t.epochs = s.epochs;
    t.fraction = s.fraction;
    t.words = s.wordsProcessed;
    t.wordsPerSecond = s.wordsPerSecond;
    t.loss = s.loss;
    t.learningRate = s.learningRate;
    t.elapsedSeconds = s.elapsedSeconds;
    t.etaSeconds = s.etaSeconds;
    return t;
}

/// Points farther out than this many median radii are drawn on a rim (see projectFrame).
constexpr float kRimRadius = 2.5f;

/// Points beyond kRimRadius keep their direction but are pulled into [kRimRadius, 1.25
/// kRimRadius] (see projectFrame).
void pullToRim(float &x, float &y)
{
    const float radius = std::hypot(x, y);
    if (radius > kRimRadius) {
        const float excess = (radius - kRimRadius) / kRimRadius;
        const float scale = kRimRadius * (1.0f + 0.25f * std::tanh(excess)) / radius;
        x *= scale;
        y *= scale;
    }
}

/// 2-D PCA of the unit-normalised rows, centred and scaled to median radius 1, so that every
/// frame has the same size on screen whatever the spread of the vectors. Points beyond
/// kRimRadius are pulled onto a rim: early in training the few rare words that have barely
/// moved from their random start are far from all the others, and would otherwise shrink the
/// rest of the picture to a dot. `projection` receives the same map for any other row.
RowMatrix projectFrame(const RowMatrix &rows, FrameProjection &projection)
{
    const Eigen::Index n = rows.rows();
    RowMatrix out = RowMatrix::Zero(n, 2);
    projection = FrameProjection{};
    if (n < 2)
        return out;
    PcaOptions po;
    po.components = 2;
    po.center = true;
    po.normalizeRows = true;
    po.threads = 1; // a few hundred rows: threads would cost more than they save
    const PcaResult r = pca(ConstRowMap(rows.data(), rows.rows(), rows.cols()), po);
    out.leftCols(r.coords.cols()) = r.coords;
    const float meanX = out.col(0).mean(), meanY = out.col(1).mean();
    out.col(0).array() -= meanX;
    out.col(1).array() -= meanY;
    const Eigen::VectorXf radius = out.rowwise().norm();
    std::vector<float> sorted(radius.data(), radius.data() + n);
    std::nth_element(sorted.begin(), sorted.begin() + n / 2, sorted.end());
    float median = sorted[std::size_t(n / 2)];
    if (!(median > 0))
        median = radius.maxCoeff();
    if (!(median > 0))
        return out;
    out /= median;
    for (Eigen::Index i = 0; i < n; ++i)
        pullToRim(out(i, 0), out(i, 1));
    projection.mean = r.mean.transpose();
    projection.axes = Eigen::MatrixXf::Zero(rows.cols(), 2);
    projection.axes.leftCols(r.components.cols()) = r.components / median;
    projection.offset = Eigen::RowVector2f(meanX / median, meanY / median);
    return out;
}

} // namespace

Eigen::RowVector2f FrameProjection::apply(const float *row) const
{
    if (!valid())
        return Eigen::RowVector2f::Constant(std::numeric_limits<float>::quiet_NaN());
    Eigen::RowVectorXf u = Eigen::Map<const Eigen::RowVectorXf>(row, mean.size());
    if (const float norm = u.norm(); norm > 0)
        u /= norm;
    Eigen::RowVector2f p = (u - mean) * axes - offset;
    pullToRim(p[0], p[1]);
    return p;
}

std::size_t snapshotBytes(const EmbeddingSet &set)
{
    std::size_t bytes = set.size() * set.dim() * sizeof(float);
    for (const auto &w : set.words())
        bytes += sizeof(std::string) + w.capacity();
    return bytes;
}

/// Receives the trainer's reports on the worker thread and hands the UI what it shows:
/// throttled progress, statistics, and per snapshot the aligned PCA frame of the shown words.
class LabObserver : public TrainObserver
{
public:
    LabObserver(TrainRunner &runner, quint64 run, const TrainRequest &request, std::size_t budget)
        : m_runner(runner), m_run(run), m_request(request), m_budget(budget)
    {}

    void report(double fraction, std::string_view stage) override
    {
        const auto now = Clock::now();
        if (now - m_lastReport < std::chrono::milliseconds(100) && fraction < 1.0)
            return;
        m_lastReport = now;
        const QString text = QString::fromUtf8(stage.data(), qsizetype(stage.size()));
        m_runner.post(m_run, [&](TrainRunner::Pending &p) { p.progress = {fraction, text}; });
    }
    bool cancelled() const override { return m_runner.m_cancel.load(std::memory_order_relaxed); }

    void onStats(const TrainStats &stats) override
    {
        TrainTick tick = toTick(m_run, stats);
        m_runner.post(m_run, [&](TrainRunner::Pending &p) {
            // A UI that stalls for minutes must not make this grow without bound.
            if (p.ticks.size() >= 10000)
                p.ticks.erase(p.ticks.begin(), p.ticks.begin() + 5000);
            p.ticks.push_back(std::move(tick));
        });
    }

    void onSnapshot(const TrainSnapshot &snapshot) override
    {
        if (!snapshot.vectors)
            return;
        const EmbeddingSet &set = *snapshot.vectors;
        if (!m_chosen)
            chooseWords(set);
        TrainFrame f;
        f.run = m_run;
        f.index = snapshot.index;
        f.total = m_request.options.snapshots;
        f.stats = toTick(m_run, snapshot.stats);
        f.labels = m_labels;
        f.watchCount = m_watchCount;
        f.missingWatch = m_missing;
        // By word, not by id: every snapshot of a run holds the same words, but looking them
        // up costs nothing and survives a trainer that orders them differently.
        f.rows = RowMatrix::Zero(Eigen::Index(m_words.size()), Eigen::Index(set.dim()));
        for (std::size_t i = 0; i < m_words.size(); ++i)
            if (auto id = set.find(m_words[i]))
                f.rows.row(Eigen::Index(i)) = set.matrix().row(Eigen::Index(*id));
        if (!f.rows.allFinite())
            throw std::runtime_error("snapshot " + std::to_string(snapshot.index) +
                                     ": the vectors are no longer finite numbers (training "
                                     "diverged; try a lower learning rate)");
        RowMatrix coords = projectFrame(f.rows, f.projection);
        if (m_previous.rows() == coords.rows() && coords.rows() > 0) {
            // Rotation or reflection only: PCA's sign and order of axes are arbitrary, the
            // scale and centre are already fixed by projectFrame (and the rim is radial, so
            // it commutes with the rotation).
            ProcrustesOptions po;
            po.allowReflection = true;
            po.translate = false;
            const ProcrustesResult fit =
                procrustes(ConstRowMap(coords.data(), coords.rows(), 2),
                           ConstRowMap(m_previous.data(), m_previous.rows(), 2), po);
            coords = applyProcrustes(ConstRowMap(coords.data(), coords.rows(), 2), fit);
            const Eigen::Matrix2f rotation = fit.rotation.cast<float>();
            if (f.projection.valid()) {
                f.projection.axes = f.projection.axes * rotation;
                f.projection.offset = f.projection.offset * rotation;
            }
        }
        m_previous = coords;
        f.coords.assign(coords.data(), coords.data() + coords.size());
        f.vectors = snapshot.vectors;
        pace(snapshot.index);
        const std::size_t bytes = snapshotBytes(set);
        m_runner.post(m_run, [&](TrainRunner::Pending &p) {
            // Bounded queue: the oldest waiting full snapshots go first (their frames keep
            // coordinates and rows); the newest always stays.
            std::size_t waiting = bytes;
            for (auto it = p.frames.rbegin(); it != p.frames.rend(); ++it)
                if (it->vectors) {
                    const std::size_t b = snapshotBytes(*it->vectors);
                    if (waiting + b > m_budget)
                        it->vectors.reset();
                    else
                        waiting += b;
                }
            p.frames.push_back(std::move(f));
        });
    }

private:
    /// Classroom pace: waits until snapshot `index` is due (index / snapshots of the chosen
    /// time after snapshot 0). The trainers' workers stop at a snapshot until it is published,
    /// so the whole run slows down; cancelling ends the wait at once.
    void pace(int index)
    {
        const int total = m_request.options.snapshots;
        const TrainModel model = m_request.options.model;
        if (!(m_request.paceSeconds > 0) || total <= 0 || model == TrainModel::FastText ||
            model == TrainModel::FastTextCbow)
            return; // fastText's threads would train on while the snapshots wait

        const auto now = Clock::now();
        if (index == 0 || !m_paceStart)
            m_paceStart = now;
        const auto due = *m_paceStart +
                         std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                             m_request.paceSeconds * double(index) / double(total)));
        while (!cancelled()) {
            const auto left = due - Clock::now();
            if (left <= Clock::duration::zero())
                break;
            std::this_thread::sleep_for(
                std::min<Clock::duration>(left, std::chrono::milliseconds(20)));
        }
    }

    void chooseWords(const EmbeddingSet &set)
    {
        m_chosen = true;
        std::vector<char> taken(set.size(), 0);
        for (const QString &raw : m_request.watchWords) {
            // As the corpus was tokenised: "Paris" is found as "paris" when it lower-cases.
            const QString w =
                m_request.corpus.tokenizer.lowercase ? raw.trimmed().toLower() : raw.trimmed();
            const std::string word = w.toStdString();
            if (word.empty())
                continue;
            auto id = set.find(word);
            if (!id) {
                m_missing << w;
                continue;
            }
            if (taken[*id])
                continue;
            taken[*id] = 1;
            m_words.push_back(word);
            m_labels << w;
        }
        m_watchCount = int(m_words.size());
        int added = 0;
        for (WordId id = 0; id < set.size() && added < m_request.topN; ++id) {
            if (taken[id])
                continue;
            m_words.push_back(set.word(id));
            m_labels << QString::fromStdString(set.word(id));
            ++added;
        }
    }

    TrainRunner &m_runner;
    quint64 m_run;
    const TrainRequest &m_request;
    std::size_t m_budget;
    Clock::time_point m_lastReport{};
    bool m_chosen = false;
    std::vector<std::string> m_words;
    QStringList m_labels, m_missing;
    int m_watchCount = 0;
    RowMatrix m_previous;
    std::optional<Clock::time_point> m_paceStart;
};

TrainRunner::TrainRunner(QObject *parent) : QObject(parent)
{
    qRegisterMetaType<TrainTick>();
    qRegisterMetaType<TrainFrame>();
}

TrainRunner::~TrainRunner()
{
    stop();
}

void TrainRunner::requestStop()
{
    m_cancel = true;
}

void TrainRunner::stop()
{
    m_cancel = true;
    if (m_thread.joinable())
        m_thread.join();
}

void TrainRunner::start(TrainRequest request)
{
    stop();
    m_cancel = false;
    const quint64 run = ++m_run;
    {
        std::lock_guard lock(m_mutex);
        m_pending = Pending{};
        m_pendingRun = run;
    }
    m_result = TrainResult{};
    m_running = true;
    TrainFunction train = m_trainFunction;
    if (!train)
        train = [](const TrainingCorpus &corpus, const TrainOptions &options,
                   TrainObserver &observer) {
            return embex::train(corpus, options, observer);
        };
    m_thread = std::thread(&TrainRunner::work, this, run, std::move(request), std::move(train),
                           m_queueBudget);
}

void TrainRunner::post(quint64 run, const std::function<void(Pending &)> &add)
{
    bool queue = false;
    {
        std::lock_guard lock(m_mutex);
        if (run != m_pendingRun)
            return;
        add(m_pending);
        queue = !m_flushQueued;
        m_flushQueued = true;
    }
    // At most one flush waits in the event loop: a slow UI takes everything at once instead
    // of working through a queue of stale events.
    if (queue)
        QMetaObject::invokeMethod(this, &TrainRunner::flush, Qt::QueuedConnection);
}

void TrainRunner::flush()
{
    Pending p;
    quint64 run = 0;
    {
        std::lock_guard lock(m_mutex);
        p = std::move(m_pending);
        m_pending = Pending{};
        m_flushQueued = false;
        run = m_pendingRun;
    }
    // A slot may start another run while this one's data are being delivered.
    auto current = [&] {
        return run == m_run;
    };
    if (current() && p.progress)
        emit progressChanged(p.progress->first, p.progress->second);
    if (current() && p.corpus)
        emit corpusReady(*p.corpus);
    for (const auto &t : p.ticks)
        if (current())
            emit statsReady(t);
    for (const auto &f : p.frames)
        if (current())
            emit frameReady(f);
    if (current() && p.done) {
        m_running = false;
        if (p.ok)
            m_result = std::move(p.result);
        emit finished(p.ok, p.message);
    }
}

void TrainRunner::work(quint64 run, TrainRequest request, TrainFunction train, std::size_t budget)
{
    LabObserver observer(*this, run, request, budget);
    auto done = [&](bool ok, const QString &message, TrainResult result) {
        post(run, [&](Pending &p) {
            p.done = true;
            p.ok = ok;
            p.message = message;
            p.result = std::move(result);
        });
    };
    try {
        request.options.validate();
        observer.report(0.0, "reading the corpus");
        auto corpus =
            TrainingCorpus::open(request.corpusPath.toStdString(), request.corpus, observer);
        const Vocabulary &v = corpus->vocabulary();
        const QLocale loc;
        const QString summary =
            QObject::tr("%1 sentences, %2 words of text; %3 distinct words occur at least %4 "
                        "times")
                .arg(loc.toString(qulonglong(v.sentences())),
                     loc.toString(qulonglong(v.corpusWords())), loc.toString(qulonglong(v.size())))
                .arg(request.corpus.vocab.minCount);
        post(run, [&](Pending &p) { p.corpus = summary; });
        observer.check();
        done(true, {}, train(*corpus, request.options, observer));
    } catch (const Cancelled &) {
        done(false, QStringLiteral("stopped"), {});
    } catch (const std::exception &e) {
        done(false, QString::fromUtf8(e.what()), {});
    } catch (...) {
        done(false, QStringLiteral("unknown error"), {});
    }
}

} // namespace embex::gui
