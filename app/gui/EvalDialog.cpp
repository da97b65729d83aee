#include "gui/EvalDialog.h"

#include "gui/EvalReference.h"
#include "gui/FutureResult.h"
#include "gui/PromiseProgress.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace embex::gui {

namespace {

constexpr int kKindRole = Qt::UserRole + 1; // true: analogies, false: word pairs
constexpr int kMaxRestrict = 100000000;

enum Column { kTest, kSection, kResult, kScore, kReference, kSkipped, kColumns };

QString baseName(const std::string &path)
{
    return QFileInfo(QString::fromStdString(path)).fileName();
}

QString percent(double fraction)
{
    return QString::number(fraction * 100.0, 'f', 1) + QLatin1Char('%');
}

} // namespace

EvalDialog::EvalDialog(std::shared_ptr<const EmbeddingSet> set, const QString &setName,
                       QWidget *parent)
    : QDialog(parent), m_set(std::move(set)), m_setName(setName)
{
    setWindowTitle(tr("Evaluate %1").arg(setName));
    const QSize room = screen() ? screen()->availableSize() : QSize(820, 720);
    resize(std::min(820, room.width()), std::min(720, room.height() * 23 / 25));

    auto *layout = new QVBoxLayout(this);
    auto *heading =
        new QLabel(tr("<b>%1</b>: %2 words × %3 dimensions. Analogy accuracy and word-similarity "
                      "correlation, computed as gensim's <tt>evaluate_word_analogies</tt> and "
                      "<tt>evaluate_word_pairs</tt>.")
                       .arg(setName.toHtmlEscaped())
                       .arg(m_set ? qulonglong(m_set->size()) : 0)
                       .arg(m_set ? qulonglong(m_set->dim()) : 0),
                   this);
    heading->setWordWrap(true);
    layout->addWidget(heading);

    auto *filesBox = new QGroupBox(tr("Test files"), this);
    auto *filesLayout = new QHBoxLayout(filesBox);
    m_files = new QListWidget(filesBox);
    m_files->setObjectName("evalFiles");
    m_files->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_files->setMaximumHeight(m_files->fontMetrics().height() * 4);
    filesLayout->addWidget(m_files, 1);
    auto *fileButtons = new QVBoxLayout;
    m_addAnalogies = new QPushButton(tr("Add analogies…"), filesBox);
    m_addPairs = new QPushButton(tr("Add word pairs…"), filesBox);
    m_remove = new QPushButton(tr("Remove"), filesBox);
    fileButtons->addWidget(m_addAnalogies);
    fileButtons->addWidget(m_addPairs);
    fileButtons->addWidget(m_remove);
    fileButtons->addStretch(1);
    filesLayout->addLayout(fileButtons);
    layout->addWidget(filesBox);

    auto *options = new QHBoxLayout;
    m_restrict = new QSpinBox(this);
    m_restrict->setObjectName("evalRestrict");
    m_restrict->setRange(1, kMaxRestrict);
    m_restrict->setGroupSeparatorShown(true);
    m_restrict->setToolTip(tr("Only the first N words of the set (file order, usually by "
                              "frequency) count, as questions' words and as answers; gensim's "
                              "restrict_vocab"));
    m_caseInsensitive = new QCheckBox(tr("Ignore case"), this);
    m_caseInsensitive->setToolTip(tr("Compare upper-cased words; of King and king the first in "
                                     "the set counts"));
    m_method = new QComboBox(this);
    m_method->addItem(tr("3CosAdd (gensim)"));
    m_method->addItem(tr("3CosMul (Levy & Goldberg)"));
    options->addWidget(new QLabel(tr("Vocabulary: first"), this));
    options->addWidget(m_restrict);
    // "words (all 50,000 here)": the limit means nothing to a class when the set is smaller.
    auto *ofSet = new QLabel(this);
    ofSet->setObjectName("evalRestrictNote");
    auto updateOfSet = [this, ofSet] {
        const qulonglong n = m_set ? qulonglong(m_set->size()) : 0;
        ofSet->setText(qulonglong(m_restrict->value()) >= n
                           ? tr("words (all %L1 of this set)").arg(n)
                           : tr("words (of %L1)").arg(n));
    };
    connect(m_restrict, &QSpinBox::valueChanged, ofSet, updateOfSet);
    updateOfSet();
    options->addWidget(ofSet);
    options->addSpacing(16);
    options->addWidget(m_caseInsensitive);
    options->addSpacing(16);
    options->addWidget(new QLabel(tr("Analogies by"), this));
    options->addWidget(m_method);
    options->addStretch(1);
    layout->addLayout(options);
    setOptions(EvalOptions{});

    auto *runRow = new QHBoxLayout;
    m_run = new QPushButton(tr("Evaluate"), this);
    m_run->setObjectName("evalRun");
    m_run->setDefault(true);
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setObjectName("evalCancel");
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    m_progress->setTextVisible(false);
    runRow->addWidget(m_run);
    runRow->addWidget(m_progress, 1);
    runRow->addWidget(m_cancel);
    layout->addLayout(runRow);
    m_status = new QLabel(this);
    m_status->setObjectName("evalStatus");
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_status);

    m_table = new QTableWidget(0, kColumns, this);
    m_table->setObjectName("evalResults");
    m_table->setHorizontalHeaderLabels({tr("Test"), tr("Section"), tr("Result"), tr("Score"),
                                        tr("Reference"), tr("Skipped (unknown words)")});
    m_table->horizontalHeaderItem(kReference)
        ->setToolTip(tr("The same score of Embex's default set (GloVe 6B 100d, 50,000 words) on "
                        "the same files with the same options"));
    m_table->setColumnHidden(kReference, true);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    m_table->horizontalHeader()->setSectionResizeMode(kSection, QHeaderView::Stretch);
    layout->addWidget(m_table, 1);
    m_explanation = new QLabel(this);
    m_explanation->setObjectName("evalExplanation");
    m_explanation->setWordWrap(true);
    m_explanation->setTextFormat(Qt::RichText);
    m_explanation->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_explanation->setVisible(false);
    layout->addWidget(m_explanation);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_copy = buttons->addButton(tr("Copy results"), QDialogButtonBox::ActionRole);
    m_copy->setObjectName("evalCopy");
    layout->addWidget(buttons);

    connect(m_addAnalogies, &QPushButton::clicked, this, [this] { addFiles(true); });
    connect(m_addPairs, &QPushButton::clicked, this, [this] { addFiles(false); });
    connect(m_remove, &QPushButton::clicked, this, &EvalDialog::removeSelectedFiles);
    connect(m_run, &QPushButton::clicked, this, &EvalDialog::start);
    connect(m_cancel, &QPushButton::clicked, this, &EvalDialog::cancel);
    connect(m_copy, &QPushButton::clicked, this, &EvalDialog::copyResults);
    connect(buttons, &QDialogButtonBox::rejected, this, &EvalDialog::reject);
    connect(&m_watcher, &QFutureWatcher<EvalOutcome>::progressValueChanged, m_progress,
            &QProgressBar::setValue);
    connect(&m_watcher, &QFutureWatcher<EvalOutcome>::finished, this, &EvalDialog::onFinished);

    const auto [analogies, pairs] = shippedFiles();
    setFiles(analogies, pairs);
    setRunning(false);
    m_copy->setEnabled(false);
}

EvalDialog::~EvalDialog()
{
    m_watcher.disconnect(this);
    cancelAndWait(m_watcher);
}

std::pair<QStringList, QStringList> EvalDialog::shippedFiles()
{
    const QString dir =
        QDir::cleanPath(QCoreApplication::applicationDirPath() + "/../share/embex/eval");
    QStringList analogies, pairs;
    const auto add = [&](QStringList &list, const char *name) {
        const QString p = dir + QLatin1Char('/') + QLatin1String(name);
        if (QFileInfo(p).isFile())
            list << p;
    };
    add(analogies, "questions-words.txt");
    add(pairs, "wordsim353.tsv");
    add(pairs, "simlex999.txt");
    return {analogies, pairs};
}

bool EvalDialog::looksLikeAnalogies(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return false;
    while (!f.atEnd()) {
        const QByteArray line = f.readLine(4096).trimmed();
        if (line.startsWith("\xEF\xBB\xBF:") || line.startsWith(':'))
            return true;
        if (!line.isEmpty() && !line.startsWith("\xEF\xBB\xBF"))
            return false;
    }
    return false;
}

QStringList EvalDialog::analogyFiles() const
{
    QStringList out;
    for (int i = 0; i < m_files->count(); ++i)
        if (m_files->item(i)->data(kKindRole).toBool())
            out << m_files->item(i)->data(Qt::UserRole).toString();
    return out;
}

QStringList EvalDialog::similarityFiles() const
{
    QStringList out;
    for (int i = 0; i < m_files->count(); ++i)
        if (!m_files->item(i)->data(kKindRole).toBool())
            out << m_files->item(i)->data(Qt::UserRole).toString();
    return out;
}

void EvalDialog::setFiles(const QStringList &analogies, const QStringList &similarity)
{
    m_files->clear();
    for (const QString &p : analogies)
        addFileItem(p, true);
    for (const QString &p : similarity)
        addFileItem(p, false);
}

void EvalDialog::addFileItem(const QString &path, bool analogies)
{
    auto *item = new QListWidgetItem(
        (analogies ? tr("Analogies: %1") : tr("Word pairs: %1")).arg(QFileInfo(path).fileName()),
        m_files);
    item->setToolTip(QDir::toNativeSeparators(path));
    item->setData(Qt::UserRole, path);
    item->setData(kKindRole, analogies);
}

EvalOptions EvalDialog::options() const
{
    EvalOptions o;
    o.restrictVocab = std::size_t(m_restrict->value());
    o.caseInsensitive = m_caseInsensitive->isChecked();
    o.method = m_method->currentIndex() == 1 ? AnalogyMethod::Mul : AnalogyMethod::Add;
    // One core stays with the UI, as for loading and projecting.
    o.threads = std::max(1u, defaultThreads() - 1);
    return o;
}

void EvalDialog::setOptions(const EvalOptions &o)
{
    m_restrict->setValue(int(std::min<std::size_t>(o.restrictVocab, kMaxRestrict)));
    m_caseInsensitive->setChecked(o.caseInsensitive);
    m_method->setCurrentIndex(o.method == AnalogyMethod::Mul ? 1 : 0);
}

void EvalDialog::setReference(const QString &path, bool isThisSet)
{
    m_referencePath = path;
    m_isReference = isThisSet;
}

QString EvalDialog::explanationText() const
{
    return m_explanation->text();
}

bool EvalDialog::isRunning() const
{
    return m_watcher.isRunning();
}

QString EvalDialog::statusText() const
{
    return m_status->text();
}

void EvalDialog::addFiles(bool analogies)
{
    QSettings s;
    const QStringList paths = QFileDialog::getOpenFileNames(
        this, analogies ? tr("Analogy files") : tr("Word-pair files"),
        s.value("evalDir").toString(), tr("Test files (*.txt *.tsv *.csv *.gz);;All files (*)"));
    if (paths.isEmpty())
        return;
    s.setValue("evalDir", QFileInfo(paths.first()).absolutePath());
    for (const QString &p : paths)
        addFileItem(p, analogies);
}

void EvalDialog::removeSelectedFiles()
{
    qDeleteAll(m_files->selectedItems());
}

void EvalDialog::startDefault()
{
    if (m_files->count() == 0) {
        // Nothing shipped: ask, and tell analogies from pairs by their content.
        QSettings s;
        const QStringList paths = QFileDialog::getOpenFileNames(
            this, tr("Choose test files (analogies and word pairs)"), s.value("evalDir").toString(),
            tr("Test files (*.txt *.tsv *.csv *.gz);;All files (*)"));
        if (paths.isEmpty())
            return;
        s.setValue("evalDir", QFileInfo(paths.first()).absolutePath());
        for (const QString &p : paths)
            addFileItem(p, looksLikeAnalogies(p));
    }
    start();
}

void EvalDialog::start()
{
    if (isRunning() || !m_set)
        return;
    std::vector<std::string> analogies, pairs;
    for (const QString &p : analogyFiles())
        analogies.push_back(p.toStdString());
    for (const QString &p : similarityFiles())
        pairs.push_back(p.toStdString());
    if (analogies.empty() && pairs.empty()) {
        m_status->setText(tr("Add an analogy or word-pair file first."));
        return;
    }
    m_status->setText(tr("Evaluating…"));
    m_progress->setValue(0);
    m_startedMs = QDateTime::currentMSecsSinceEpoch();
    setRunning(true);
    // The reference is evaluated after the set, in the same job (cached: usually only once).
    const std::string reference = m_isReference ? std::string() : m_referencePath.toStdString();
    m_watcher.setFuture(QtConcurrent::run(
        [](QPromise<EvalOutcome> &promise, std::shared_ptr<const EmbeddingSet> set,
           std::vector<std::string> a, std::vector<std::string> p, EvalOptions o,
           std::string referencePath) {
            PromiseProgress<EvalOutcome> progress(promise);
            const bool referenceWork =
                !referencePath.empty() && !isReferenceCached(referencePath, a, p, o);
            SubProgress own(progress, 0.0, referenceWork ? 0.6 : 1.0);
            // Exceptions (FormatError, Cancelled...) propagate through the future.
            EvalOutcome out{evaluate(*set, a, p, o, own), nullptr, {}};
            if (!referencePath.empty()) {
                SubProgress ref(progress, 0.6, 1.0);
                try {
                    out.reference = evaluateReference(referencePath, a, p, o, ref);
                } catch (const Cancelled &) {
                    throw;
                } catch (const std::exception &e) {
                    // The set's scores stand without it; the explanation says why.
                    out.referenceProblem = QString::fromUtf8(e.what());
                }
            }
            promise.addResult(std::move(out));
        },
        m_set, std::move(analogies), std::move(pairs), options(), reference));
}

void EvalDialog::cancel()
{
    m_watcher.cancel();
}

void EvalDialog::reject()
{
    if (isRunning())
        cancelAndWait(m_watcher);
    QDialog::reject();
}

void EvalDialog::onFinished()
{
    setRunning(false);
    QString error;
    try {
        EvalOutcome outcome = takeResult(m_watcher.future());
        m_report = std::move(outcome.report);
        m_reference = std::move(outcome.reference);
        m_referenceProblem = std::move(outcome.referenceProblem);
    } catch (const Cancelled &) {
        error = tr("Cancelled");
    } catch (const QUnhandledException &) {
        error = tr("The evaluation failed.");
    } catch (const std::exception &e) {
        error = QString::fromUtf8(e.what());
    }
    if (!error.isEmpty()) {
        m_progress->setValue(0);
        m_status->setText(error);
        emit evaluationFinished(false, error);
        return;
    }
    showReport(*m_report);
    ReferenceState state = ReferenceState::Shown;
    QString note;
    if (m_isReference) {
        state = ReferenceState::IsThisSet;
    } else if (!m_reference) {
        state = ReferenceState::Missing;
        note = m_referencePath.isEmpty()
                   ? tr("Embex's default set (default-glove-50k.embex.gz) is not installed next "
                        "to the program.")
                   : tr("the reference set could not be evaluated: %1").arg(m_referenceProblem);
    }
    m_explanation->setText(
        evalExplanation(*m_report, m_set ? m_set->size() : 0, options(), state, note));
    m_explanation->setVisible(true);
    QStringList problems;
    for (const auto &r : m_report->analogies)
        if (auto p = r.problem(); !p.empty())
            problems << QString::fromStdString(p);
    for (const auto &r : m_report->wordPairs)
        if (auto p = r.problem(); !p.empty())
            problems << QString::fromStdString(p);
    const double seconds = double(QDateTime::currentMSecsSinceEpoch() - m_startedMs) / 1000.0;
    QString status = tr("Done in %1 s.").arg(seconds, 0, 'f', 1);
    if (!problems.isEmpty())
        status += QLatin1Char(' ') + problems.join(QLatin1Char(' '));
    m_status->setText(status);
    m_progress->setValue(1000);
    emit evaluationFinished(true, status);
}

void EvalDialog::showReport(const EvaluationReport &report)
{
    m_table->setRowCount(0);
    const EvaluationReport *ref = m_reference.get();
    m_table->setColumnHidden(kReference, !ref);
    const auto addRow = [this](const QStringList &cells, bool bold, const QString &refTip = {}) {
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        for (int c = 0; c < kColumns; ++c) {
            auto *item = new QTableWidgetItem(cells.value(c));
            if (c >= kResult)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            if (c == kReference) {
                item->setToolTip(refTip);
                item->setForeground(palette().color(QPalette::PlaceholderText));
            }
            if (bold) {
                QFont f = item->font();
                f.setBold(true);
                item->setFont(f);
            }
            m_table->setItem(row, c, item);
        }
    };
    const auto score = [](const AnalogySectionResult &s) {
        return s.evaluated() ? percent(s.accuracy()) : QStringLiteral("–");
    };
    const auto scoreTip = [this](const AnalogySectionResult &s) {
        return tr("Reference: %1 of %2 questions asked right, %3 skipped")
            .arg(s.correct)
            .arg(s.evaluated())
            .arg(s.outOfVocabulary);
    };
    for (std::size_t i = 0; i < report.analogies.size(); ++i) {
        const AnalogyResult &r = report.analogies[i];
        // The reference ran the same files in the same order: the same sections.
        const AnalogyResult *rr = ref && i < ref->analogies.size() ? &ref->analogies[i] : nullptr;
        const QString file = baseName(r.path);
        const auto cells = [&](const AnalogySectionResult &s, const AnalogySectionResult *rs,
                               const QString &skipped) {
            return QStringList{file,
                               QString::fromStdString(s.name),
                               QStringLiteral("%1/%2").arg(s.correct).arg(s.evaluated()),
                               score(s),
                               rs ? score(*rs) : QString(),
                               skipped};
        };
        for (std::size_t k = 0; k < r.sections.size(); ++k) {
            const AnalogySectionResult *rs =
                rr && k < rr->sections.size() ? &rr->sections[k] : nullptr;
            addRow(cells(r.sections[k], rs, QString::number(r.sections[k].outOfVocabulary)), false,
                   rs ? scoreTip(*rs) : QString());
        }
        addRow(cells(r.total, rr ? &rr->total : nullptr,
                     tr("%1 of %2 (%3%)")
                         .arg(r.total.outOfVocabulary)
                         .arg(r.questions)
                         .arg(r.oovPercent(), 0, 'f', 1)),
               true,
               rr ? scoreTip(rr->total) + tr(" (%1%)").arg(rr->oovPercent(), 0, 'f', 1)
                  : QString());
    }
    const auto number = [](const std::optional<double> &v) {
        return v ? QString::number(*v, 'f', 4) : QStringLiteral("n/a");
    };
    for (std::size_t i = 0; i < report.wordPairs.size(); ++i) {
        const WordPairResult &r = report.wordPairs[i];
        const WordPairResult *rr = ref && i < ref->wordPairs.size() ? &ref->wordPairs[i] : nullptr;
        const QString file = baseName(r.path);
        const QString used = tr("%1 of %2 pairs").arg(r.used).arg(r.pairs);
        const QString skipped =
            tr("%1 (%2%)").arg(r.outOfVocabulary).arg(r.oovPercent(), 0, 'f', 1);
        const QString tip =
            rr ? tr("Reference: %1 of %2 pairs used").arg(rr->used).arg(rr->pairs) : QString();
        addRow({file, tr("Spearman ρ"), used, number(r.spearman), rr ? number(rr->spearman) : "",
                skipped},
               true, tip);
        addRow({file, tr("Pearson r"), used, number(r.pearson), rr ? number(rr->pearson) : "",
                skipped},
               false, tip);
    }
    m_table->resizeColumnsToContents();
    m_table->horizontalHeader()->setSectionResizeMode(kSection, QHeaderView::Stretch);
    m_copy->setEnabled(m_table->rowCount() > 0);
}

QString EvalDialog::resultsText() const
{
    QStringList lines;
    QStringList header;
    for (int c = 0; c < kColumns; ++c)
        if (!m_table->isColumnHidden(c))
            header << m_table->horizontalHeaderItem(c)->text();
    lines << header.join(QLatin1Char('\t'));
    for (int r = 0; r < m_table->rowCount(); ++r) {
        QStringList cells;
        for (int c = 0; c < kColumns; ++c)
            if (!m_table->isColumnHidden(c))
                cells << (m_table->item(r, c) ? m_table->item(r, c)->text() : QString());
        lines << cells.join(QLatin1Char('\t'));
    }
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

void EvalDialog::copyResults()
{
    QApplication::clipboard()->setText(resultsText());
}

void EvalDialog::setRunning(bool running)
{
    m_run->setEnabled(!running);
    m_cancel->setEnabled(running);
    for (QWidget *w : std::initializer_list<QWidget *>{m_addAnalogies, m_addPairs, m_remove,
                                                       m_restrict, m_caseInsensitive, m_method})
        w->setEnabled(!running);
}

} // namespace embex::gui
