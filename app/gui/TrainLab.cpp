#include "gui/TrainLab.h"

#include "ScatterView.h"
#include "gui/FutureResult.h"
#include "gui/LineChart.h"
#include "gui/NeighborModel.h"
#include "gui/ReplayControl.h"
#include "gui/RunOptions.h"
#include "gui/TrainSettings.h"
#include "gui/WheelGuard.h"
#include "io/Formats.h"

#include <QApplication>
#include <QCheckBox>
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QSlider>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>
#include <QtConcurrent>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace embex::gui {

namespace {

constexpr std::uint32_t kWatchColor = 0xffd2501eu;
constexpr std::uint32_t kOtherColor = 0xff7f9cc4u;
/// Neighbours of the selected word that are not among the shown words, added to the picture.
constexpr std::uint32_t kAddedColor = 0xff3c9a5au;
constexpr std::size_t kNeighbors = 10;
constexpr double kRateWindowSeconds = 1.5;

/// Cosine top-k of row `id` among the rows of a set, itself excluded. Brute force on the raw
/// rows (the set's cached unit copy would double the memory of every snapshot kept); a
/// snapshot holds at most TrainOptions::snapshotWords rows, a few milliseconds' work.
std::vector<Neighbor> cosineNeighbors(const EmbeddingSet &set, WordId id, std::size_t k)
{
    const ConstRowMap m = set.matrix();
    const Eigen::VectorXf q = m.row(Eigen::Index(id)).transpose();
    const float qn = q.norm();
    const Eigen::VectorXf dots = m * q;
    const Eigen::VectorXf norms = m.rowwise().norm();
    std::vector<Neighbor> all;
    all.reserve(set.size());
    for (WordId i = 0; i < set.size(); ++i) {
        if (i == id)
            continue;
        const float d = norms[Eigen::Index(i)] * qn;
        const float s = d > 0 ? dots[Eigen::Index(i)] / d : 0.0f;
        if (std::isfinite(s))
            all.push_back({i, s});
    }
    k = std::min(k, all.size());
    std::partial_sort(all.begin(), all.begin() + std::ptrdiff_t(k), all.end(),
                      [](const Neighbor &a, const Neighbor &b) {
                          return a.similarity > b.similarity ||
                                 (a.similarity == b.similarity && a.id < b.id);
                      });
    all.resize(k);
    return all;
}

QString duration(double seconds)
{
    if (!(seconds > 0) || !std::isfinite(seconds))
        return QStringLiteral("–");
    const int s = int(std::lround(seconds));
    if (s < 60)
        return QObject::tr("%1 s").arg(s);
    if (s < 3600)
        return QObject::tr("%1 min %2 s").arg(s / 60).arg(s % 60);
    return QObject::tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
}

QString rate(double wordsPerSecond)
{
    if (wordsPerSecond >= 1e6)
        return QObject::tr("%1M words/s").arg(wordsPerSecond / 1e6, 0, 'f', 2);
    if (wordsPerSecond >= 1e3)
        return QObject::tr("%1k words/s").arg(wordsPerSecond / 1e3, 0, 'f', 0);
    return QObject::tr("%1 words/s").arg(wordsPerSecond, 0, 'f', 0);
}

bool noDialogs()
{
    return runOptions().noDialogs;
}

} // namespace

TrainLab::TrainLab(QWidget *parent) : QMainWindow(parent)
{
    setWindowFlag(Qt::Window);
    setObjectName("TrainLab");
    setWindowTitle(tr("Embex — Training lab"));
    // At most the screen (a 1366 × 768 classroom projector), the geometry saved last time wins.
    QSize size(1400, 860);
    if (const QScreen *sc = QGuiApplication::primaryScreen())
        size = size.boundedTo(sc->availableGeometry().size() * 0.96);
    resize(size);

    m_runner = new TrainRunner(this);
    m_runner->setQueueBudget(kSnapshotMemoryBudget);
    auto *split = new QSplitter(Qt::Horizontal, this);
    QWidget *left = createSettingsPanel(split);
    QWidget *centre = createLiveView(split);
    QWidget *right = createNeighbourPanel(split);
    split->addWidget(left);
    split->addWidget(centre);
    split->addWidget(right);
    split->setStretchFactor(0, 0);
    split->setStretchFactor(1, 1);
    split->setStretchFactor(2, 0);
    split->setSizes({380, 800, 260});
    setCentralWidget(split);

    connectSignals();

    QSettings s;
    m_settings->restore(s);
    restoreGeometry(s.value("train/geometry").toByteArray());
    if (m_settings->corpusPath().isEmpty())
        setStatus(tr("The shipped corpus is not installed next to the program: choose a corpus "
                     "file."));
}

QWidget *TrainLab::createSettingsPanel(QWidget *parent)
{
    auto *left = new QWidget(parent);
    auto *ll = new QVBoxLayout(left);
    m_settings = new TrainSettings(left);
    ll->addWidget(verticalScrollArea(m_settings, left), 1);
    auto *runRow = new QHBoxLayout;
    m_start = new QPushButton(tr("Start"), left);
    m_start->setObjectName("startTraining");
    m_start->setDefault(true);
    m_stop = new QPushButton(tr("Stop"), left);
    m_stop->setObjectName("stopTraining");
    m_stop->setEnabled(false);
    runRow->addWidget(m_start);
    runRow->addWidget(m_stop);
    ll->addLayout(runRow);
    auto *resultRow = new QHBoxLayout;
    m_open = new QPushButton(tr("Open in explorer"), left);
    m_open->setObjectName("openInExplorer");
    m_open->setEnabled(false);
    m_save = new QPushButton(tr("Save..."), left);
    m_save->setObjectName("saveVectors");
    m_save->setEnabled(false);
    resultRow->addWidget(m_open);
    resultRow->addWidget(m_save);
    ll->addLayout(resultRow);
    m_progress = new QProgressBar(left);
    m_progress->setObjectName("trainProgress");
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    ll->addWidget(m_progress);
    m_corpusInfo = new QLabel(left);
    m_corpusInfo->setObjectName("corpusInfo");
    m_corpusInfo->setWordWrap(true);
    ll->addWidget(m_corpusInfo);
    m_status = new QLabel(left);
    m_status->setObjectName("labStatus");
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    ll->addWidget(m_status);

    return left;
}

QWidget *TrainLab::createLiveView(QWidget *parent)
{
    auto *centre = new QWidget(parent);
    auto *cl = new QVBoxLayout(centre);
    cl->setContentsMargins(0, 0, 0, 0);
    cl->addWidget(createScatterView(centre, m_view,
                                    tr("Training, the chart, the replay and the neighbour lists "
                                       "still work."),
                                    "labNoOpenGL"),
                  1);
    if (m_view) {
        m_view->setObjectName("labView");
        m_view->setPointSize(7);
        m_view->setLabelFontSize(11);
        m_view->setHighlightMeaning(tr("the words of the watch list"));
        connect(m_view, &render::ScatterView::pointClicked, this, [this](int p) {
            const QStringList words = viewWords();
            if (p >= 0 && p < words.size())
                selectWord(words[p]);
        });
    }
    auto *sliderRow = new QHBoxLayout;
    m_slider = new QSlider(Qt::Horizontal, centre);
    m_slider->setObjectName("snapshotSlider");
    m_slider->setRange(0, 0);
    m_slider->setEnabled(false);
    m_slider->setToolTip(tr("Replay the snapshots of the run"));
    m_sliderLabel = new QLabel(tr("no snapshots yet"), centre);
    m_sliderLabel->setObjectName("snapshotLabel");
    m_sliderLabel->setMinimumWidth(m_sliderLabel->fontMetrics().horizontalAdvance(
        QStringLiteral("snapshot 000 / 000 (live)")));
    m_labelOthers = new QCheckBox(tr("Label frequent words"), centre);
    m_labelOthers->setChecked(true);
    m_replay = new ReplayControl(m_slider, tr("snapshot"), tr("snapshots"), centre);
    m_replay->setEnabled(false);
    sliderRow->addWidget(m_replay);
    sliderRow->addWidget(m_slider, 1);
    sliderRow->addWidget(m_sliderLabel);
    sliderRow->addWidget(m_labelOthers);
    cl->addLayout(sliderRow);
    m_stats = new QLabel(centre);
    m_stats->setObjectName("trainStats");
    cl->addWidget(m_stats);
    m_chart = new LineChart(centre);
    m_chart->setObjectName("lossChart");
    m_chart->setMinimumHeight(150);
    m_chart->setXLabel(tr("fraction of training done"));
    m_lossSeries = m_chart->addSeries(tr("loss"), QColor(200, 60, 40), LineChart::Axis::Left);
    m_speedSeries = m_chart->addSeries(tr("words/s"), QColor(60, 110, 190), LineChart::Axis::Right);
    cl->addWidget(m_chart);

    return centre;
}

QWidget *TrainLab::createNeighbourPanel(QWidget *parent)
{
    auto *right = new QWidget(parent);
    auto *rl = new QVBoxLayout(right);
    m_word = new QLineEdit(right);
    m_word->setObjectName("labWord");
    m_word->setPlaceholderText(tr("word (or click a point)"));
    m_word->setClearButtonEnabled(true);
    rl->addWidget(new QLabel(tr("<b>Nearest neighbours</b>"), right));
    rl->addWidget(m_word);
    m_neighborNote = new QLabel(right);
    m_neighborNote->setObjectName("neighborNote");
    m_neighborNote->setWordWrap(true);
    rl->addWidget(m_neighborNote);
    m_neighborModel = new NeighborModel(this);
    m_neighborTable = new QTableView(right);
    m_neighborTable->setObjectName("labNeighbors");
    m_neighborTable->setModel(m_neighborModel);
    m_neighborTable->verticalHeader()->hide();
    m_neighborTable->horizontalHeader()->setStretchLastSection(false);
    m_neighborTable->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_neighborTable->horizontalHeader()->setSectionResizeMode(NeighborModel::Word,
                                                              QHeaderView::Stretch);
    m_neighborTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_neighborTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    rl->addWidget(m_neighborTable, 1);

    return right;
}

void TrainLab::connectSignals()
{
    connect(m_start, &QPushButton::clicked, this, &TrainLab::startTraining);
    connect(m_stop, &QPushButton::clicked, this, &TrainLab::stopTraining);
    connect(m_open, &QPushButton::clicked, this, [this] {
        if (m_result.vectors)
            emit openInExplorer(m_result.vectors, m_resultName);
    });
    connect(m_save, &QPushButton::clicked, this, &TrainLab::chooseSave);
    connect(m_slider, &QSlider::valueChanged, this, &TrainLab::showFrame);
    connect(m_labelOthers, &QCheckBox::toggled, this, &TrainLab::applyAppearance);
    connect(m_word, &QLineEdit::returnPressed, this, [this] { selectWord(m_word->text()); });
    connect(m_neighborTable, &QTableView::doubleClicked, this, [this](const QModelIndex &i) {
        if (i.isValid())
            selectWord(m_neighborModel->index(i.row(), NeighborModel::Word).data().toString());
    });

    connect(m_runner, &TrainRunner::frameReady, this, &TrainLab::onFrame);
    connect(m_runner, &TrainRunner::statsReady, this, &TrainLab::onTick);
    connect(m_runner, &TrainRunner::finished, this, &TrainLab::onFinished);
    connect(m_runner, &TrainRunner::corpusReady, m_corpusInfo, &QLabel::setText);
    connect(m_runner, &TrainRunner::progressChanged, this,
            [this](double fraction, const QString &stage) {
                m_progress->setValue(int(fraction * 1000));
                m_progress->setFormat(stage + QStringLiteral(" %p%"));
            });
    connect(&m_saveWatcher, &QFutureWatcher<void>::finished, this, [this] {
        try {
            takeResult(m_saveWatcher.future());
            setStatus(tr("Saved."));
            emit saved(true, {});
        } catch (const std::exception &e) {
            setStatus(QString::fromUtf8(e.what()), true);
            emit saved(false, QString::fromUtf8(e.what()));
        }
        m_save->setEnabled(m_result.vectors != nullptr);
    });
}

TrainLab::~TrainLab()
{
    m_runner->stop();
    waitQuietly(m_saveWatcher); // a save in progress completes
}

bool TrainLab::isTraining() const
{
    return m_runner->isRunning();
}

void TrainLab::setStatus(const QString &text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #b01010;") : QString());
}

void TrainLab::setRunning(bool running)
{
    m_start->setEnabled(!running);
    m_stop->setEnabled(running);
    m_settings->setEditable(!running);
    m_open->setEnabled(!running && m_result.vectors);
    m_save->setEnabled(!running && m_result.vectors && !m_saveWatcher.isRunning());
}

void TrainLab::startTraining()
{
    TrainRequest request = m_settings->request();
    if (request.corpusPath.isEmpty()) {
        setStatus(tr("Choose a corpus file: the shipped corpus is not installed."), true);
        emit trainingFinished(false, tr("no corpus"));
        return;
    }
    QSettings s;
    m_settings->save(s);
    m_replay->pause();
    m_frames.clear();
    m_budgetChecked = false;
    m_keepAllSets = m_keepRows = true;
    m_shown = -1;
    m_shownCoords.clear();
    m_viewLabels.clear();
    m_shownWordsSet.reset();
    m_shownWordsSetFrame = -1;
    m_result = TrainResult{};
    m_runName = m_settings->runName();
    m_chart->clearPoints();
    m_rateWindow.clear();
    m_chart->setMarker(std::nullopt);
    m_slider->blockSignals(true);
    m_slider->setRange(0, 0);
    m_slider->blockSignals(false);
    m_slider->setEnabled(false);
    m_replay->setEnabled(false);
    m_sliderLabel->setText(tr("waiting for the first snapshot"));
    m_stats->clear();
    m_corpusInfo->clear();
    m_neighborModel->clear();
    m_progress->setValue(0);
    m_progress->setFormat(QStringLiteral("%p%"));
    setStatus(tr("Training %1...").arg(m_runName));
    setRunning(true);
    m_runner->start(std::move(request));
}

void TrainLab::stopTraining()
{
    if (!m_runner->isRunning())
        return;
    setStatus(tr("Stopping..."));
    m_runner->requestStop();
}

void TrainLab::onTick(const TrainTick &tick)
{
    if (tick.epoch > 0) {
        m_chart->addPoint(m_lossSeries, tick.fraction, tick.loss);
        // Throughput over the last second or two rather than since the previous report: a
        // report right after a burst of finished work would otherwise spike.
        if (!m_rateWindow.empty() && tick.words < m_rateWindow.back().second)
            m_rateWindow.clear();
        m_rateWindow.emplace_back(tick.elapsedSeconds, tick.words);
        while (m_rateWindow.size() > 2 &&
               tick.elapsedSeconds - m_rateWindow[1].first >= kRateWindowSeconds)
            m_rateWindow.pop_front();
        const double dt = tick.elapsedSeconds - m_rateWindow.front().first;
        const double speed = dt >= 0.5 * kRateWindowSeconds
                                 ? double(tick.words - m_rateWindow.front().second) / dt
                                 : tick.wordsPerSecond;
        if (speed > 0) // 0: not measured yet (a report right at the start of an epoch)
            m_chart->addPoint(m_speedSeries, tick.fraction, speed);
        m_progress->setValue(int(tick.fraction * 1000));
        m_progress->setFormat(
            tr("%1: epoch %2 / %3, %p%").arg(tick.stage).arg(tick.epoch).arg(tick.epochs));
    }
    // Live statistics while the view follows the run.
    const bool live = m_shown < 0 || m_shown == int(m_frames.size()) - 1;
    if (live)
        updateStats(tick, -1, 0);
}

void TrainLab::updateStats(const TrainTick &t, int snapshot, int total)
{
    QStringList parts;
    if (snapshot >= 0)
        parts << tr("snapshot %1 / %2").arg(snapshot).arg(total);
    if (t.epoch > 0)
        parts << tr("epoch %1 / %2").arg(t.epoch).arg(t.epochs);
    else if (!t.stage.isEmpty())
        parts << t.stage;
    parts << tr("loss %1").arg(t.loss, 0, 'g', 4);
    if (t.wordsPerSecond > 0)
        parts << rate(t.wordsPerSecond);
    parts << tr("%1 done").arg(QLocale().toString(t.fraction * 100, 'f', 0) + QLatin1Char('%'));
    parts << tr("elapsed %1").arg(duration(t.elapsedSeconds));
    if (t.fraction < 1.0)
        parts << tr("ETA %1").arg(duration(t.etaSeconds));
    m_stats->setText(parts.join(QStringLiteral(" · ")));
}

void TrainLab::onFrame(const TrainFrame &frame)
{
    const bool follow = m_frames.empty() || m_slider->value() == int(m_frames.size()) - 1;
    if (!m_budgetChecked && frame.vectors) {
        m_budgetChecked = true;
        const std::size_t bytes = snapshotBytes(*frame.vectors);
        m_keepAllSets = bytes * std::size_t(std::max(1, frame.total + 1)) <= kSnapshotMemoryBudget;
    }
    if (m_frames.empty() && !frame.missingWatch.isEmpty())
        m_corpusInfo->setText(m_corpusInfo->text() + QLatin1Char('\n') +
                              tr("Watch words not in the vocabulary (too rare or absent): %1")
                                  .arg(frame.missingWatch.join(QStringLiteral(", "))));
    if (m_frames.empty()) {
        const std::size_t rowBytes = std::size_t(frame.rows.size()) * sizeof(float);
        m_keepRows = rowBytes * std::size_t(std::max(1, frame.total + 1)) <= kSnapshotMemoryBudget;
    }
    m_frames.push_back(frame);
    // Over the memory budget only the newest full snapshot stays (and the one on screen, for
    // its neighbour list); coordinates are always kept, rows while they fit the budget.
    for (int k = 0; k + 1 < int(m_frames.size()); ++k) {
        if (k == m_shown)
            continue;
        if (!m_keepAllSets)
            m_frames[std::size_t(k)].vectors.reset();
        if (!m_keepRows)
            m_frames[std::size_t(k)].rows = RowMatrix();
    }
    m_slider->setEnabled(true);
    m_replay->setEnabled(m_frames.size() > 1);
    m_slider->blockSignals(true);
    m_slider->setRange(0, int(m_frames.size()) - 1);
    if (follow)
        m_slider->setValue(int(m_frames.size()) - 1);
    m_slider->blockSignals(false);
    if (follow)
        showFrame(int(m_frames.size()) - 1);
}

void TrainLab::showFrame(int k)
{
    if (k < 0 || k >= int(m_frames.size()))
        return;
    const TrainFrame &f = m_frames[std::size_t(k)];
    const bool firstOfRun = m_shown < 0;
    const bool newWords = m_viewLabels != f.labels;
    m_shown = k;
    m_viewLabels = f.labels;
    m_shownCoords = f.coords;
    const bool latest = k == int(m_frames.size()) - 1;
    m_sliderLabel->setText(tr("snapshot %1 / %2%3")
                               .arg(f.index)
                               .arg(f.total)
                               .arg(latest && isTraining() ? tr(" (live)") : QString()));
    updateStats(f.stats, f.index, f.total);
    m_chart->setMarker(latest && isTraining() ? std::nullopt : std::optional(f.stats.fraction));
    updateNeighbors();
    if (m_view) {
        refreshView(!firstOfRun && !newWords);
        if (firstOfRun || newWords)
            m_view->fitView(false);
        else if (!m_view->cameraTouched())
            m_view->fitView(true);
    }
    emit frameShown(k);
}

void TrainLab::refreshView(bool animate)
{
    if (!m_view || m_shown < 0)
        return;
    const std::size_t n = m_shownCoords.size() / 2, extra = m_extraCoords.size() / 2;
    std::vector<float> xyz(3 * (n + extra), 0.0f);
    for (std::size_t i = 0; i < n + extra; ++i) {
        const float *xy = i < n ? &m_shownCoords[2 * i] : &m_extraCoords[2 * (i - n)];
        xyz[3 * i] = xy[0];
        xyz[3 * i + 1] = xy[1];
    }
    m_view->setLayout(std::move(xyz), false, animate);
    applyAppearance();
    m_view->setSelection(m_selectedPoint, m_neighborPoints);
}

QStringList TrainLab::viewWords() const
{
    return m_viewLabels + m_extraWords;
}

int TrainLab::viewPoint(const QString &word) const
{
    if (const auto p = m_viewLabels.indexOf(word); p >= 0)
        return int(p);
    const auto e = m_extraWords.indexOf(word);
    return e >= 0 ? int(m_viewLabels.size() + e) : -1;
}

bool TrainLab::isReplaying() const
{
    return m_replay->isPlaying();
}

int TrainLab::replayIntervalMs() const
{
    return m_replay->intervalMs();
}

void TrainLab::applyAppearance()
{
    if (!m_view || m_shown < 0)
        return;
    const int n = int(m_viewLabels.size());
    const int watch = m_frames[std::size_t(m_shown)].watchCount;
    QStringList labels = m_viewLabels;
    if (!m_labelOthers->isChecked())
        for (int i = watch; i < n; ++i)
            labels[i].clear();
    std::vector<std::uint32_t> colors(std::size_t(n), kOtherColor);
    std::vector<int> highlights;
    for (int i = 0; i < watch && i < n; ++i) {
        colors[std::size_t(i)] = kWatchColor;
        highlights.push_back(i);
    }
    // Added points: a word already shown is a hidden duplicate under its own point.
    for (qsizetype e = 0; e < m_extraWords.size(); ++e) {
        const int shown = m_extraShown[std::size_t(e)];
        labels << (shown >= 0 ? QString() : m_extraWords[e]);
        colors.push_back(shown >= 0 ? colors[std::size_t(shown)] : kAddedColor);
    }
    m_view->setLabels(labels);
    m_view->setColors(std::move(colors));
    m_view->setHighlights(std::move(highlights));
}

bool TrainLab::selectWord(const QString &word)
{
    const QString w = word.trimmed();
    if (w.isEmpty())
        return false;
    m_selectedWord = w;
    if (m_word->text() != w)
        m_word->setText(w);
    updateNeighbors();
    refreshView(true);
    return !m_neighborModel->neighbors().empty();
}

void TrainLab::updateNeighbors()
{
    m_extraWords.clear();
    m_extraCoords.clear();
    m_extraShown.clear();
    m_selectedPoint = -1;
    m_neighborPoints.clear();
    if (m_selectedWord.isEmpty() || m_shown < 0) {
        m_neighborModel->clear();
        return;
    }
    const TrainFrame &f = m_frames[std::size_t(m_shown)];
    EmbeddingSetPtr set = f.vectors;
    QString note;
    if (!set && f.rows.size() == 0) {
        m_neighborModel->clear();
        m_neighborNote->setText(
            tr("The vectors of snapshot %1 were not kept (too big to keep every snapshot).")
                .arg(f.index));
        return;
    }
    if (set) {
        note = tr("in snapshot %1 (%2 most frequent words)").arg(f.index).arg(set->size());
    } else {
        // The full snapshot was not kept: the neighbours among the shown words.
        if (m_shownWordsSetFrame != m_shown) {
            std::vector<std::string> words;
            for (const QString &l : f.labels)
                words.push_back(l.toStdString());
            std::vector<float> values(f.rows.data(), f.rows.data() + f.rows.size());
            m_shownWordsSet = std::make_shared<const EmbeddingSet>(
                std::move(words), std::move(values), std::size_t(f.rows.cols()));
            m_shownWordsSetFrame = m_shown;
        }
        set = m_shownWordsSet;
        note = tr("in snapshot %1, among the %2 words shown (the full snapshot is not kept)")
                   .arg(f.index)
                   .arg(set->size());
    }
    const auto id = set->find(m_selectedWord.toStdString());
    if (!id) {
        m_neighborModel->clear();
        m_neighborNote->setText(tr("'%1' is not in this snapshot").arg(m_selectedWord));
        return;
    }
    auto list = cosineNeighbors(*set, *id, kNeighbors);
    m_neighborNote->setText(note);
    // The selected word and its neighbours are drawn even when they are not among the shown
    // words: placed by the frame's projection. One added point per word whether shown or not
    // (a shown one is hidden under its own point), so the view keeps the same number of points
    // from frame to frame and the replay animates.
    if (f.projection.valid()) {
        std::vector<WordId> ids{*id};
        for (const auto &nb : list)
            ids.push_back(nb.id);
        const ConstRowMap m = set->matrix();
        for (const WordId w : ids) {
            const QString word = QString::fromStdString(set->word(w));
            const int shown = int(m_viewLabels.indexOf(word));
            Eigen::RowVector2f xy;
            if (shown >= 0) {
                xy = {f.coords[2 * std::size_t(shown)], f.coords[2 * std::size_t(shown) + 1]};
            } else {
                const Eigen::RowVectorXf row = m.row(Eigen::Index(w));
                xy = f.projection.apply(row.data());
            }
            m_extraWords << word;
            m_extraShown.push_back(shown);
            m_extraCoords.push_back(xy[0]);
            m_extraCoords.push_back(xy[1]);
        }
    }
    m_selectedPoint = viewPoint(m_selectedWord);
    if (m_selectedPoint >= 0)
        for (const auto &nb : list)
            if (const int p = viewPoint(QString::fromStdString(set->word(nb.id))); p >= 0)
                m_neighborPoints.push_back(p);
    m_neighborModel->setNeighbors(set, std::move(list));
}

void TrainLab::onFinished(bool ok, const QString &message)
{
    if (ok) {
        m_result = m_runner->result();
        m_resultName = m_runName;
        const auto &f = m_result.final;
        setStatus(tr("Trained %1 word vectors in %2.")
                      .arg(m_result.vectors ? m_result.vectors->size() : 0)
                      .arg(duration(f.elapsedSeconds)));
        m_progress->setValue(1000);
        // Replace the loss curve by the complete one the trainer kept.
        if (!m_result.lossCurve.empty()) {
            QVector<QPointF> pts;
            for (const auto &[x, y] : m_result.lossCurve)
                if (std::isfinite(y))
                    pts.push_back({x, y});
            m_chart->setPoints(m_lossSeries, std::move(pts));
        }
    } else if (message == QLatin1String("stopped")) {
        setStatus(tr("Stopped."));
    } else {
        setStatus(tr("Training failed: %1").arg(message), true);
        if (!noDialogs())
            QMessageBox::warning(this, tr("Training failed"), message);
    }
    setRunning(false);
    if (m_shown >= 0)
        showFrame(m_shown); // drop "(live)"
    emit trainingFinished(ok, message);
}

void TrainLab::chooseSave()
{
    if (!m_result.vectors)
        return;
    const QString nativeFilter = tr("fastText model with subwords (*.bin)");
    QString filters = tr("Embex (*.embex);;word2vec text (*.txt *.vec);;word2vec binary "
                         "(*.bin);;GloVe text (*.glove);;TensorFlow Projector (*.tsv)");
    if (m_result.saveNative)
        filters = nativeFilter + QStringLiteral(";;") + filters;
    QSettings s;
    const QString dir = s.value("train/saveDir").toString();
    QString base = m_resultName;
    base.replace(QLatin1Char(' '), QLatin1Char('_'));
    base.remove(QLatin1Char('('));
    base.remove(QLatin1Char(')'));
    QString selected;
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Save the trained vectors"),
                                     QDir(dir).filePath(base + ".embex"), filters, &selected);
    if (path.isEmpty())
        return;
    s.setValue("train/saveDir", QFileInfo(path).absolutePath());
    saveTo(path, selected == nativeFilter || !selected.startsWith(QLatin1String("word2vec")));
}

void TrainLab::saveTo(const QString &path, bool nativeBin)
{
    if (!m_result.vectors || m_saveWatcher.isRunning()) {
        emit saved(false, tr("nothing to save"));
        return;
    }
    setStatus(tr("Saving %1...").arg(QFileInfo(path).fileName()));
    m_save->setEnabled(false);
    const bool native = nativeBin && m_result.saveNative &&
                        path.endsWith(QLatin1String(".bin"), Qt::CaseInsensitive);
    auto job = [native, set = m_result.vectors, saveNative = m_result.saveNative,
                file = path.toStdString()] {
        if (native)
            saveNative(file);
        else
            save(*set, file); // atomic: a temporary file renamed over the target
    };
    m_saveWatcher.setFuture(QtConcurrent::run(job));
}

void TrainLab::closeEvent(QCloseEvent *event)
{
    // Closing the lab ends its run: wait for the trainer to notice (it checks often).
    m_runner->stop();
    QSettings s;
    m_settings->save(s);
    s.setValue("train/geometry", saveGeometry());
    QMainWindow::closeEvent(event);
}

} // namespace embex::gui
