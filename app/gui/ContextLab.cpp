#include "gui/ContextLab.h"

#include "ScatterView.h"
#include "gui/ColorScheme.h"
#include "gui/ContextPresets.h"
#include "gui/FutureResult.h"
#include "gui/Heatmap.h"
#include "gui/LineChart.h"
#include "gui/RunOptions.h"

#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QShortcut>
#include <QSlider>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTableWidget>
#include <QTextBrowser>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>

namespace embex::gui {

namespace {

constexpr int kPlayIntervalMs = 700;
constexpr double kDefaultThreshold = 0.6;
constexpr int kThresholdSteps = 1000; // the threshold slider's resolution: 0.001
/// Occurrences studied at most: the views hold n × n cosines per layer and the heatmap n × n
/// cells.
constexpr std::size_t kMaxOccurrences = 500;

QString fromStd(const std::string &s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

QLabel *title(const QString &text, QWidget *parent)
{
    auto *l = new QLabel(text, parent);
    QFont f = l->font();
    f.setBold(true);
    l->setFont(f);
    l->setWordWrap(true);
    return l;
}

} // namespace

ContextLab::ContextLab(QWidget *parent) : QMainWindow(parent)
{
    setWindowTitle(tr("Context lab - Embex"));
    setObjectName("contextLab");
    setWindowFlag(Qt::Window); // its own window even with the explorer as parent
    m_service = new ContextService(this);

    QWidget *top = createModelRow();
    QWidget *left = createSentencePanel();
    QSplitter *centre = createViews();
    createOccurrenceTable();
    auto *main = new QSplitter(Qt::Horizontal, this);
    main->addWidget(left);
    main->addWidget(centre);
    main->addWidget(m_table);
    main->setSizes({300, 800, 400});
    auto *central = new QWidget(this);
    auto *centralLayout = new QVBoxLayout(central);
    centralLayout->setContentsMargins(4, 4, 4, 4);
    centralLayout->addWidget(top);
    centralLayout->addWidget(main, 1);
    setCentralWidget(central);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    statusBar()->addWidget(m_status, 1);
    const QSize room = screen() ? screen()->availableSize() : QSize(1500, 900);
    resize(std::min(1500, room.width() * 19 / 20), std::min(900, room.height() * 9 / 10));

    createMenus();
    connectSignals();
    updateViews(false);
    updateModelPages();
    updateStatic();
    setStatus(tr("No model open: the guide says which models work and how to get one."));
}

QWidget *ContextLab::createModelRow()
{
    auto *top = new QWidget(this);
    auto *topRow = new QHBoxLayout(top);
    m_openButton = new QPushButton(tr("Open model folder..."), top);
    m_openButton->setToolTip(tr("A Hugging Face BERT-family folder: config.json, vocab.txt or "
                                "tokenizer.json, model.safetensors"));
    m_modelLabel = new QLabel(tr("No model open"), top);
    m_progress = new QProgressBar(top);
    m_progress->setRange(0, 1000);
    m_progress->setMaximumWidth(220);
    m_progress->setVisible(false);
    m_cancelButton = new QPushButton(tr("Cancel"), top);
    m_cancelButton->setVisible(false);
    topRow->addWidget(m_openButton);
    topRow->addWidget(m_modelLabel, 1);
    topRow->addWidget(m_progress);
    topRow->addWidget(m_cancelButton);

    return top;
}

QWidget *ContextLab::createSentencePanel()
{
    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    auto *form = new QFormLayout;
    m_presets = new QComboBox(left);
    m_presets->addItem(tr("(choose an example)"));
    for (const ContextPreset &p : contextPresets())
        m_presets->addItem(tr("%1 (%2)").arg(p.word, p.senses.join(tr(" / "))));
    m_word = new QLineEdit(left);
    m_word->setPlaceholderText(tr("e.g. bank"));
    m_word->setToolTip(tr("Every occurrence of this word becomes a point. Sentences with "
                          "[square brackets] use the bracketed words instead."));
    form->addRow(tr("Examples:"), m_presets);
    form->addRow(tr("Target word:"), m_word);
    leftLayout->addLayout(form);
    m_sentences = new QPlainTextEdit(left);
    m_sentences->setPlaceholderText(
        tr("One sentence per line, e.g.\nI went to the bank to withdraw money.\nHe sat on the "
           "bank of the river.\n\nMark a word as [bank] to choose it in that sentence."));
    leftLayout->addWidget(m_sentences, 2);
    auto *buttons = new QHBoxLayout;
    auto *loadText = new QPushButton(tr("Load text file..."), left);
    m_analyseButton = new QPushButton(tr("Analyse"), left);
    m_analyseButton->setDefault(true);
    m_analyseButton->setToolTip(tr("Run the model on the sentences (Ctrl+Return)"));
    buttons->addWidget(loadText);
    buttons->addStretch(1);
    buttons->addWidget(m_analyseButton);
    leftLayout->addLayout(buttons);
    auto *studiedLabel = new QLabel(tr("Studied sentences (click a word to study it):"), left);
    leftLayout->addWidget(studiedLabel);
    m_sentenceView = new QTextBrowser(left);
    m_sentenceView->setOpenLinks(false);
    m_sentenceView->setOpenExternalLinks(false);
    leftLayout->addWidget(m_sentenceView, 3);

    connect(loadText, &QPushButton::clicked, this, &ContextLab::chooseTextFile);
    m_modelOnly << studiedLabel << m_sentenceView;
    return left;
}

QSplitter *ContextLab::createViews()
{
    auto *centre = new QSplitter(Qt::Vertical, this);
    auto *viewsRow = new QSplitter(Qt::Horizontal, centre);
    auto makeViewBox = [&](QLabel *&titleLabel, render::ScatterView *&view, const QString &text,
                           QWidget *owner, const QString &noticeName) {
        auto *box = new QWidget(owner);
        auto *layout = new QVBoxLayout(box);
        layout->setContentsMargins(2, 2, 2, 2);
        titleLabel = title(text, box);
        layout->addWidget(titleLabel);
        layout->addWidget(createScatterView(box, view,
                                            tr("The sentences, the table, the heatmap and the "
                                               "chart still work."),
                                            noticeName),
                          1);
        if (view)
            view->setMinimumSize(240, 200);
        return box;
    };
    // Until a model is open the guide stands where the contextual view goes.
    m_contextPages = new QStackedWidget(viewsRow);
    m_contextPages->addWidget(createGuidePage(m_contextPages));
    m_contextPages->addWidget(makeViewBox(m_contextTitle, m_contextView,
                                          tr("Contextual: one point per occurrence"),
                                          m_contextPages, "contextNoOpenGL"));
    viewsRow->addWidget(m_contextPages);
    viewsRow->addWidget(makeViewBox(m_staticTitle, m_staticView, tr("Static: one point per word"),
                                    viewsRow, "staticNoOpenGL"));
    viewsRow->setStretchFactor(0, 3); // the guide, then the contextual view, wider
    viewsRow->setStretchFactor(1, 2);
    m_staticTitle->setObjectName("staticTitle");

    QWidget *controls = createLayerControls(centre);
    QWidget *bottom = createMeasures(centre);
    centre->addWidget(viewsRow);
    centre->addWidget(controls);
    centre->addWidget(bottom);
    centre->setStretchFactor(0, 3);
    centre->setStretchFactor(2, 2);

    m_modelOnly << controls << bottom;
    return centre;
}

QWidget *ContextLab::createLayerControls(QWidget *parent)
{
    auto *controls = new QWidget(parent);
    auto *controlRow = new QHBoxLayout(controls);
    m_layerLabel = new QLabel(tr("Layer"), controls);
    m_layerSlider = new QSlider(Qt::Horizontal, controls);
    m_layerSlider->setRange(0, 0);
    m_layerSlider->setToolTip(tr("0 = the embedding output (no context yet); the last layer is "
                                 "the most contextual"));
    m_playButton = new QPushButton(tr("Play"), controls);
    m_playButton->setToolTip(tr("Step through the layers from the first"));
    m_thresholdLabel = new QLabel(controls);
    m_thresholdSlider = new QSlider(Qt::Horizontal, controls);
    m_thresholdSlider->setRange(0, kThresholdSteps);
    m_thresholdSlider->setValue(int(std::lround(kDefaultThreshold * kThresholdSteps)));
    m_thresholdSlider->setToolTip(
        tr("Occurrences are grouped into senses by average-linkage clustering: groups whose "
           "mean cosine similarity is at least this much are merged"));
    m_suggestButton = new QPushButton(tr("Suggest"), controls);
    m_suggestButton->setToolTip(
        tr("Cut where the groups are most clearly apart at this layer (the widest gap between "
           "merge levels, 2 to 6 senses). Done for every new analysis."));
    m_showStatic = new QCheckBox(tr("Static vectors"), controls);
    m_showStatic->setChecked(true);
    m_showStatic->setToolTip(tr("Show the word among its neighbours in the set open in the "
                                "explorer"));
    controlRow->addWidget(m_layerLabel);
    controlRow->addWidget(m_layerSlider, 2);
    controlRow->addWidget(m_playButton);
    controlRow->addSpacing(16);
    controlRow->addWidget(m_thresholdLabel);
    controlRow->addWidget(m_thresholdSlider, 1);
    controlRow->addWidget(m_suggestButton);
    controlRow->addWidget(m_showStatic);

    return controls;
}

QWidget *ContextLab::createMeasures(QWidget *parent)
{
    auto *bottom = new QSplitter(Qt::Horizontal, parent);
    auto *heatBox = new QWidget(bottom);
    auto *heatLayout = new QVBoxLayout(heatBox);
    heatLayout->setContentsMargins(2, 2, 2, 2);
    heatLayout->addWidget(
        title(tr("Cosine similarity between occurrences (ordered by sense)"), heatBox));
    m_heatmap = new Heatmap(heatBox);
    heatLayout->addWidget(m_heatmap, 1);
    auto *chartBox = new QWidget(bottom);
    auto *chartLayout = new QVBoxLayout(chartBox);
    chartLayout->setContentsMargins(2, 2, 2, 2);
    chartLayout->addWidget(title(tr("Per layer: how alike the occurrences are"), chartBox));
    m_chart = new LineChart(chartBox);
    m_selfSeries =
        m_chart->addSeries(tr("self-similarity"), QColor(31, 119, 180), LineChart::Axis::Left);
    m_baselineSeries =
        m_chart->addSeries(tr("baseline"), QColor(127, 127, 127), LineChart::Axis::Left);
    m_gapSeries = m_chart->addSeries(tr("sense gap"), QColor(255, 127, 14), LineChart::Axis::Right);
    m_chart->setXLabel(tr("layer"));
    m_chart->setToolTip(
        tr("Self-similarity: mean cosine between the word's occurrences (Ethayarajh 2019). "
           "Baseline: mean cosine between tokens of different sentences; a layer where both are "
           "high is anisotropic, not context-free. Sense gap: mean cosine within sense groups "
           "minus between them."));
    chartLayout->addWidget(m_chart, 1);
    bottom->addWidget(heatBox);
    bottom->addWidget(chartBox);
    return bottom;
}

void ContextLab::createOccurrenceTable()
{
    m_table = new QTableWidget(0, 5, this);
    m_table->setHorizontalHeaderLabels(
        {tr("#"), tr("Sense"), tr("Sentence"), tr("Nearest tokens"), tr("Guesses for [MASK]")});
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->setVisible(false);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setWordWrap(false);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_table->setColumnWidth(2, 220);
    m_table->setColumnWidth(3, 180);
    m_modelOnly << m_table;
}

void ContextLab::createMenus()
{
    auto *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open model folder..."), QKeySequence::Open, this,
                    &ContextLab::chooseModelFolder);
    file->addAction(tr("&Load sentences..."), this, &ContextLab::chooseTextFile);
    file->addSeparator();
    file->addAction(tr("Export window as &PNG..."), this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export PNG"), "context-lab.png",
                                                          tr("PNG images (*.png)"));
        if (!path.isEmpty())
            exportPng(path);
    });
    file->addAction(tr("Export occurrences as &CSV..."), this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export CSV"), "occurrences.csv",
                                                          tr("CSV files (*.csv)"));
        if (!path.isEmpty())
            exportCsv(path);
    });
    file->addSeparator();
    file->addAction(tr("&Close"), QKeySequence::Close, this, &QWidget::close);
}

void ContextLab::connectSignals()
{
    connect(m_openButton, &QPushButton::clicked, this, &ContextLab::chooseModelFolder);
    connect(m_cancelButton, &QPushButton::clicked, this, &ContextLab::cancel);
    connect(m_analyseButton, &QPushButton::clicked, this, &ContextLab::analyse);
    auto *shortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), this);
    connect(shortcut, &QShortcut::activated, this, &ContextLab::analyse);
    connect(m_word, &QLineEdit::returnPressed, this, &ContextLab::analyse);
    connect(m_word, &QLineEdit::textChanged, this, &ContextLab::updateStatic);
    connect(m_presets, &QComboBox::activated, this, [this](int i) {
        if (i > 0)
            applyPreset(i - 1);
    });
    connect(m_sentenceView, &QTextBrowser::anchorClicked, this, &ContextLab::onLink);
    connect(m_layerSlider, &QSlider::valueChanged, this, [this] { updateViews(true); });
    connect(m_thresholdSlider, &QSlider::valueChanged, this, [this] { updateViews(false); });
    connect(m_showStatic, &QCheckBox::toggled, this, &ContextLab::updateStatic);
    connect(m_playButton, &QPushButton::clicked, this, &ContextLab::play);
    connect(m_suggestButton, &QPushButton::clicked, this, &ContextLab::suggestThreshold);
    m_playTimer.setInterval(kPlayIntervalMs);
    connect(&m_playTimer, &QTimer::timeout, this, [this] {
        if (m_layerSlider->value() >= m_layerSlider->maximum())
            m_playTimer.stop();
        else
            m_layerSlider->setValue(m_layerSlider->value() + 1);
    });
    connect(&m_loadWatcher, &QFutureWatcherBase::finished, this, &ContextLab::onModelLoaded);
    connect(&m_studyWatcher, &QFutureWatcherBase::finished, this, &ContextLab::onStudied);
    for (QFutureWatcherBase *w :
         std::initializer_list<QFutureWatcherBase *>{&m_loadWatcher, &m_studyWatcher}) {
        connect(w, &QFutureWatcherBase::progressValueChanged, m_progress, &QProgressBar::setValue);
        connect(w, &QFutureWatcherBase::progressTextChanged, this, [this](const QString &text) {
            m_progress->setFormat(text + QStringLiteral(" %p%"));
        });
    }
    if (m_contextView) {
        m_contextView->setTooltipProvider([this](int p) { return occurrenceText(p, true); });
        connect(m_contextView, &render::ScatterView::pointClicked, this, [this](int p) {
            if (p >= 0)
                m_table->selectRow(p);
        });
        connect(m_table, &QTableWidget::itemSelectionChanged, this, [this] {
            const auto rows = m_table->selectionModel()->selectedRows();
            m_contextView->setSelection(rows.isEmpty() ? -1 : rows.front().row());
        });
    }
}

ContextLab::~ContextLab()
{
    m_playTimer.stop();
    cancelAndWait(m_loadWatcher);
    cancelAndWait(m_studyWatcher);
    m_service->cancelAndWait();
}

void ContextLab::closeEvent(QCloseEvent *event)
{
    // A job left running would only finish into a hidden window: stop it.
    m_playTimer.stop();
    cancel();
    QMainWindow::closeEvent(event);
}

bool ContextLab::isBusy() const
{
    return m_loadWatcher.isRunning() || m_studyWatcher.isRunning();
}

int ContextLab::layer() const
{
    return m_layerSlider->value();
}

double ContextLab::threshold() const
{
    return m_thresholdSlider->value() / double(kThresholdSteps);
}

const std::vector<RowMatrix> &ContextLab::frames() const
{
    static const std::vector<RowMatrix> none;
    return m_lab ? m_lab->frames : none;
}

std::vector<double> ContextLab::selfSimilarity() const
{
    std::vector<double> out;
    if (m_lab)
        for (const LayerSummary &s : m_lab->layers)
            out.push_back(s.selfSimilarity);
    return out;
}

int ContextLab::senseCount() const
{
    return m_senses.empty() ? 0 : *std::max_element(m_senses.begin(), m_senses.end()) + 1;
}

std::vector<double> ContextLab::senseGaps() const
{
    std::vector<double> out;
    if (!m_lab)
        return out;
    for (const LayerSummary &s : m_lab->layers)
        out.push_back(senseGap(s.cosine, m_senses).gap());
    return out;
}

void ContextLab::setStaticSet(EmbeddingSetPtr set, std::shared_ptr<const NeighborIndex> index,
                              const QString &name)
{
    m_staticSet = std::move(set);
    m_staticIndex = std::move(index);
    m_staticName = name;
    updateStatic();
}

void ContextLab::setStatus(const QString &text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #b2182b;") : QString());
}

void ContextLab::showError(const QString &titleText, const QString &message)
{
    setStatus(message, true);
    // Window-modal but not blocking: the lab keeps running, tests find the box.
    auto *box = new QMessageBox(QMessageBox::Warning, titleText, message, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setObjectName("contextLabError");
    box->open();
}

void ContextLab::setBusy(bool busy, const QString &what)
{
    if (busy == m_progress->isVisible() && what.isEmpty())
        return;
    m_progress->setVisible(busy);
    m_cancelButton->setVisible(busy);
    m_progress->setValue(0);
    m_progress->setFormat(what + QStringLiteral(" %p%"));
    m_openButton->setEnabled(!busy);
    m_analyseButton->setEnabled(!busy);
}

void ContextLab::cancel()
{
    m_loadWatcher.cancel();
    m_studyWatcher.cancel();
}

void ContextLab::analyse()
{
    if (!m_service->hasModel()) {
        if (m_loadWatcher.isRunning()) {
            m_analyseAfterLoad = true;
            return;
        }
        setStatus(tr("Open a model folder first: the guide in the middle says which models work "
                     "and how to get one."),
                  true);
        emit studyFinished(false, tr("no model"));
        return;
    }
    StudyRequest request;
    for (const QString &line : m_sentences->toPlainText().split('\n')) {
        const QString s = line.trimmed();
        if (!s.isEmpty())
            request.sentences.push_back(s.toStdString());
    }
    if (request.sentences.empty()) {
        setStatus(tr("Type some sentences (one per line) or choose an example."), true);
        emit studyFinished(false, tr("no sentences"));
        return;
    }
    request.word = m_word->text().trimmed().toStdString();
    request.maxOccurrences = kMaxOccurrences;
    if (m_studyWatcher.isRunning())
        m_studyWatcher.cancel();
    m_playTimer.stop();
    setBusy(true, tr("analysing"));
    setStatus(tr("Analysing %n sentence(s)...", nullptr, int(request.sentences.size())));
    m_studyPending = true;
    m_studyWatcher.setFuture(m_service->study(std::move(request)));
}

void ContextLab::onStudied()
{
    setBusy(isBusy());
    std::optional<LabStudyPtr> lab =
        takeFinished(m_studyWatcher, m_studyPending, [this](const QString &message, bool error) {
            if (error)
                showError(tr("Could not analyse the sentences"), message);
            else
                setStatus(tr("Analysis cancelled"));
            emit studyFinished(false, error ? message : tr("cancelled"));
        });
    if (!lab)
        return;
    // The study shares the bundle's lifetime (aliasing pointer).
    m_lab = std::move(*lab);
    m_study = ContextStudyPtr(m_lab, &m_lab->study);
    const int last = int(m_study->layerCount()) - 1;
    const bool keep = m_layerSlider->maximum() == last && m_layerSlider->value() <= last;
    {
        const QSignalBlocker block(m_layerSlider);
        m_layerSlider->setRange(0, last);
        if (!keep)
            m_layerSlider->setValue(last);
    }
    QString note =
        tr("%n occurrence(s) in %1 sentence(s).", nullptr, int(m_study->occurrences.size()))
            .arg(m_study->analysis.sentences.size());
    if (!m_study->sentencesWithoutTarget.empty()) {
        QStringList numbers;
        for (std::size_t s : m_study->sentencesWithoutTarget)
            numbers << QString::number(s);
        note += QLatin1Char(' ') + tr("No target in sentence %1.").arg(numbers.join(", "));
    }
    if (m_study->droppedOccurrences)
        note += QLatin1Char(' ') + tr("Only the first %1 occurrences are shown (%2 more left out).")
                                       .arg(kMaxOccurrences)
                                       .arg(m_study->droppedOccurrences);
    std::size_t cut = 0;
    for (const ContextSentence &s : m_study->analysis.sentences)
        cut += s.truncated() ? 1 : 0;
    if (cut)
        note +=
            QLatin1Char(' ') +
            tr("%n sentence(s) longer than the model's %1 positions were cut.", nullptr, int(cut))
                .arg(m_service->current().model->config().maxPositions);
    setStatus(note);
    if (m_contextView)
        m_contextView->setLayout({}, false, false); // a new set of points: fit, no animation
    {
        const QSignalBlocker block(m_thresholdSlider);
        if (const auto t = embex::suggestThreshold(m_lab->layers[std::size_t(layer())].cosine))
            setThreshold(*t);
    }
    updateViews(false);
    updateStatic();
    emit studyFinished(true, {});
}

void ContextLab::setLayer(int layer)
{
    m_layerSlider->setValue(layer);
}

void ContextLab::setThreshold(double cosine)
{
    m_thresholdSlider->setValue(int(std::lround(std::clamp(cosine, 0.0, 1.0) * kThresholdSteps)));
}

void ContextLab::suggestThreshold()
{
    if (!m_lab || m_lab->layers.empty())
        return;
    if (const auto t = embex::suggestThreshold(m_lab->layers[std::size_t(layer())].cosine))
        setThreshold(*t);
}

void ContextLab::play()
{
    if (!m_study)
        return;
    m_layerSlider->setValue(0);
    m_playTimer.start();
}

void ContextLab::onLink(const QUrl &url)
{
    const QStringList parts = url.toString().split(':');
    if (parts.size() != 4 || parts[0] != QLatin1String("w"))
        return;
    chooseWord(parts[1].toInt(), parts[2].toULongLong(), parts[3].toULongLong());
}

void ContextLab::chooseWord(int sentence, std::size_t begin, std::size_t end)
{
    if (!m_study || sentence < 0 || sentence >= int(m_study->analysis.sentences.size()))
        return;
    const auto &sentences = m_study->analysis.sentences;
    const std::string &text = sentences[std::size_t(sentence)].text;
    if (begin >= end || end > text.size())
        return;
    m_word->setText(fromStd(text.substr(begin, end - begin)));
    // The studied texts, markers removed, so the word applies to every sentence.
    QStringList lines;
    for (const ContextSentence &s : sentences)
        lines << fromStd(s.text);
    m_sentences->setPlainText(lines.join('\n'));
    analyse();
}

void ContextLab::applyPreset(int k)
{
    const auto &presets = contextPresets();
    if (k < 0 || k >= presets.size())
        return;
    const ContextPreset &p = presets[k];
    m_word->setText(p.word);
    m_sentences->setPlainText(p.sentences.join('\n'));
    {
        const QSignalBlocker block(m_presets);
        m_presets->setCurrentIndex(k + 1);
    }
    if (m_service->hasModel() || m_loadWatcher.isRunning())
        analyse();
}

} // namespace embex::gui
