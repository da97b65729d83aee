#include "gui/TrainSettings.h"

#include "gui/WheelGuard.h"
#include "train/ShippedCorpus.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QThread>
#include <QVBoxLayout>

#include <algorithm>

namespace embex::gui {

namespace {

int defaultThreadCount()
{
    // One core stays with the window (and the software rasteriser) so the view keeps moving.
    return std::max(1, QThread::idealThreadCount() - 1);
}

/// Adds "label: field" and, under it, a one-line explanation in small grey text.
void addExplained(QFormLayout *form, const QString &label, QWidget *field,
                  const QString &explanation)
{
    form->addRow(label, field);
    auto *help = new QLabel(explanation, field->parentWidget());
    help->setWordWrap(true);
    QFont f = help->font();
    f.setPointSizeF(f.pointSizeF() * 0.9);
    help->setFont(f);
    help->setStyleSheet(QStringLiteral("color: palette(dark);"));
    help->setObjectName(field->objectName() + QStringLiteral("Help"));
    form->addRow(help);
    field->setToolTip(explanation);
}

QSpinBox *spin(QWidget *parent, const char *name, int lo, int hi, int value)
{
    auto *s = new QSpinBox(parent);
    s->setObjectName(QLatin1String(name));
    s->setRange(lo, hi);
    s->setValue(value);
    return s;
}

} // namespace

TrainSettings::TrainSettings(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);

    auto *corpusBox = new QGroupBox(tr("Corpus"), this);
    auto *df = new QFormLayout(corpusBox);
    m_shipped = new QComboBox(corpusBox);
    m_shipped->setObjectName("shippedCorpus");
    for (const ShippedCorpus &c : shippedCorpora()) {
        const QString name = QString::fromUtf8(c.name.data(), qsizetype(c.name.size()));
        m_shipped->addItem(tr("%1 (%2 words)")
                               .arg(QString::fromUtf8(c.title.data(), qsizetype(c.title.size())))
                               .arg(QLocale().toString(qulonglong(c.tokens))),
                           name);
        if (shippedCorpusPath(name).isEmpty()) {
            // Not installed (the teaching corpus is built from Debian packages by the set-up).
            auto *items = qobject_cast<QStandardItemModel *>(m_shipped->model());
            if (auto *item = items ? items->item(m_shipped->count() - 1) : nullptr) {
                item->setEnabled(false);
                item->setToolTip(
                    tr("Not installed beside the program (share/embex/%1)")
                        .arg(QString::fromUtf8(c.file.data(), qsizetype(c.file.size()))));
            }
        }
    }
    df->addRow(tr("Shipped:"), m_shipped);
    m_corpus = new QLineEdit(corpusBox);
    m_corpus->setObjectName("corpus");
    m_corpus->setPlaceholderText(tr("or your own file"));
    m_corpus->setToolTip(tr("A corpus of your own: plain text (or .gz), one sentence per line. "
                            "Empty: the shipped corpus chosen above."));
    m_corpus->setClearButtonEnabled(true);
    m_browse = new QPushButton(tr("Browse..."), corpusBox);
    auto *row = new QHBoxLayout;
    row->addWidget(m_corpus, 1);
    row->addWidget(m_browse);
    df->addRow(tr("File:"), row);
    m_corpusHelp = new QLabel(corpusBox);
    m_corpusHelp->setObjectName("corpusHelp");
    m_corpusHelp->setWordWrap(true);
    m_corpusHelp->setStyleSheet(QStringLiteral("color: palette(dark);"));
    df->addRow(m_corpusHelp);
    layout->addWidget(corpusBox);

    auto *model = new QGroupBox(tr("Model"), this);
    auto *mf = new QFormLayout(model);
    m_model = new QComboBox(model);
    m_model->setObjectName("model");
    m_model->addItem(tr("word2vec skip-gram"), "skipgram");
    m_model->addItem(tr("word2vec CBOW"), "cbow");
    m_model->addItem(tr("GloVe"), "glove");
    m_model->addItem(tr("fastText (skip-gram + subwords)"), "fasttext");
    m_model->addItem(tr("fastText CBOW"), "fasttext-cbow");
    addExplained(mf, tr("Model:"), m_model,
                 tr("Skip-gram predicts the neighbours of a word; CBOW predicts a word from its "
                    "neighbours; GloVe fits global co-occurrence counts; fastText also learns "
                    "pieces of words (200,000 hashed n-gram rows here)."));
    m_dim = spin(model, "dim", 2, 1000, 100);
    addExplained(mf, tr("Dimensions:"), m_dim,
                 tr("Numbers per word vector. More can hold more distinctions but need more "
                    "text."));
    m_window = spin(model, "window", 0, 50, 0);
    addExplained(mf, tr("Window:"), m_window,
                 tr("How many words on each side count as context. Small: similar function; "
                    "large: similar topic."));
    m_epochs = spin(model, "epochs", 0, 1000, 0);
    addExplained(mf, tr("Epochs:"), m_epochs, tr("How many times training reads the corpus."));
    m_minCount = spin(model, "minCount", 1, 100000, 5);
    addExplained(mf, tr("Min count:"), m_minCount,
                 tr("Words seen fewer times are ignored: too rare to learn anything about."));
    m_negative = spin(model, "negative", 0, 50, 5);
    addExplained(mf, tr("Negatives:"), m_negative,
                 tr("Random 'wrong' words contrasted with each real context word (word2vec, "
                    "fastText)."));
    m_threads =
        spin(model, "threads", 1, std::max(1, QThread::idealThreadCount()), defaultThreadCount());
    addExplained(mf, tr("Threads:"), m_threads,
                 tr("CPU cores used. With more than one, runs differ slightly even with the "
                    "same seed."));
    m_seed = spin(model, "seed", 0, 1000000000, 1);
    addExplained(mf, tr("Seed:"), m_seed,
                 tr("Starting point of the random numbers: same seed and one thread, same "
                    "vectors."));
    layout->addWidget(model);

    auto *live = new QGroupBox(tr("Live view"), this);
    auto *lf = new QFormLayout(live);
    m_snapshots = spin(live, "snapshots", 2, 500, 60);
    addExplained(lf, tr("Snapshots:"), m_snapshots,
                 tr("Pictures taken of the vectors during the run, replayed with the slider."));
    m_pace = new QComboBox(live);
    m_pace->setObjectName("pace");
    for (int seconds : paceChoices())
        m_pace->addItem(seconds == 0   ? tr("Full speed")
                        : seconds < 60 ? tr("Classroom: about %1 s a run").arg(seconds)
                                       : tr("Classroom: about %1 min a run").arg(seconds / 60),
                        seconds);
    addExplained(lf, tr("Pace:"), m_pace,
                 tr("Classroom pace slows training down so that a run takes about this long, "
                    "the snapshots evenly spread over it, for a class to watch the words move. "
                    "A run that needs longer takes longer. word2vec and GloVe; fastText always "
                    "trains at full speed."));
    m_topN = spin(live, "topN", 0, 5000, 300);
    addExplained(lf, tr("Frequent words:"), m_topN,
                 tr("How many of the most frequent words are drawn besides the watch list."));
    m_watch = new QLineEdit(live);
    m_watch->setObjectName("watch");
    m_watch->setText(defaultWatchWords().join(QStringLiteral(", ")));
    addExplained(lf, tr("Watch list:"), m_watch,
                 tr("Words always drawn and labelled: see them find their places."));
    layout->addWidget(live);
    layout->addStretch(1);

    // Scrolling the form must not change the value under the pointer.
    guardWheelIn(this);

    connect(m_browse, &QPushButton::clicked, this, &TrainSettings::chooseCorpus);
    connect(m_shipped, &QComboBox::activated, this, [this] { m_corpus->clear(); });
    connect(m_shipped, &QComboBox::currentIndexChanged, this, &TrainSettings::corpusChanged);
    connect(m_model, &QComboBox::currentIndexChanged, this, &TrainSettings::modelChanged);
    connect(m_pace, &QComboBox::currentIndexChanged, this, &TrainSettings::changed);
    modelChanged();
    corpusChanged();
    for (QSpinBox *s : {m_dim, m_window, m_epochs, m_minCount, m_negative, m_threads, m_seed,
                        m_snapshots, m_topN})
        connect(s, &QSpinBox::valueChanged, this, &TrainSettings::changed);
    connect(m_corpus, &QLineEdit::textChanged, this, &TrainSettings::corpusChanged);
    connect(m_watch, &QLineEdit::textChanged, this, &TrainSettings::changed);
}

QString TrainSettings::defaultCorpusPath()
{
    return shippedCorpusPath(QStringLiteral("brown"));
}

QString TrainSettings::shippedCorpusPath(const QString &name)
{
    // As the default vector set: share/embex beside bin/ in the build and install trees.
    const ShippedCorpus *c = findShippedCorpus(name.toStdString());
    if (!c)
        return {};
    return QString::fromStdString(
        embex::shippedCorpusPath(*c, QCoreApplication::applicationDirPath().toStdString()));
}

QString TrainSettings::corpusBlurb(const QString &name)
{
    const ShippedCorpus *c = findShippedCorpus(name.toStdString());
    if (!c)
        return {};
    const QLocale loc;
    return tr("%1: %2. %3 sentences, %4 words (as a run counts them).")
        .arg(QString::fromUtf8(c->title.data(), qsizetype(c->title.size())),
             QString::fromUtf8(c->description.data(), qsizetype(c->description.size())),
             loc.toString(qulonglong(c->sentences)), loc.toString(qulonglong(c->tokens)));
}

QList<int> TrainSettings::paceChoices()
{
    return {0, 30, 60, 120, 300};
}

QString TrainSettings::shippedChoice() const
{
    return m_shipped->currentData().toString();
}

void TrainSettings::corpusChanged()
{
    const bool own = !m_corpus->text().trimmed().isEmpty();
    QString help = own ? tr("Your own corpus: plain text (or .gz), one sentence per line.")
                       : corpusBlurb(shippedChoice());
    if (!own && shippedCorpusPath(shippedChoice()).isEmpty())
        help += QLatin1Char(' ') + tr("Not installed beside the program: choose a file.");
    m_corpusHelp->setText(help);
    emit changed();
}

QStringList TrainSettings::defaultWatchWords()
{
    return {"king",   "queen",   "man", "woman", "paris", "france", "london", "england",
            "monday", "tuesday", "red", "blue",  "one",   "two",    "dog",    "cat"};
}

QString TrainSettings::corpusPath() const
{
    const QString p = m_corpus->text().trimmed();
    return p.isEmpty() ? shippedCorpusPath(shippedChoice()) : p;
}

void TrainSettings::setCorpusPath(const QString &path)
{
    for (int i = 0; i < m_shipped->count(); ++i)
        if (!path.isEmpty() && path == shippedCorpusPath(m_shipped->itemData(i).toString())) {
            m_shipped->setCurrentIndex(i);
            m_corpus->clear();
            return;
        }
    m_corpus->setText(path);
}

void TrainSettings::chooseCorpus()
{
    QSettings s;
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Choose a corpus"), s.value("train/lastDir").toString(),
        tr("Text (*.txt *.gz *.text);;All files (*)"));
    if (path.isEmpty())
        return;
    s.setValue("train/lastDir", QFileInfo(path).absolutePath());
    m_corpus->setText(path);
}

bool TrainSettings::isFastText() const
{
    return m_model->currentData().toString().startsWith(QLatin1String("fasttext"));
}

void TrainSettings::modelChanged()
{
    TrainOptions o;
    o.model = parseTrainModel(m_model->currentData().toString().toStdString());
    m_window->setSpecialValueText(tr("default (%1)").arg(o.effectiveWindow()));
    m_epochs->setSpecialValueText(tr("default (%1)").arg(o.effectiveEpochs()));
    const bool glove = o.model == TrainModel::GloVe;
    m_negative->setEnabled(!glove && isEnabled());
    m_pace->setEnabled(!isFastText() && isEnabled());
    emit changed();
}

TrainRequest TrainSettings::request() const
{
    TrainRequest r;
    r.corpusPath = corpusPath();
    r.corpus.vocab.minCount = std::uint64_t(m_minCount->value());
    TrainOptions &o = r.options;
    o.model = parseTrainModel(m_model->currentData().toString().toStdString());
    o.dim = m_dim->value();
    o.window = m_window->value() > 0 ? m_window->value() : -1;
    o.epochs = m_epochs->value() > 0 ? m_epochs->value() : -1;
    o.negative = m_negative->value();
    o.threads = m_threads->value();
    o.seed = std::uint64_t(m_seed->value());
    o.snapshots = m_snapshots->value();
    r.paceSeconds = isFastText() ? 0.0 : m_pace->currentData().toDouble();
    // fastText's own default of 2,000,000 n-gram rows makes an 800 MB model of Brown; a tenth
    // is plenty for classroom corpora (embex-cli train --buckets sets it for big ones).
    o.buckets = 200'000;
    r.topN = m_topN->value();
    for (const QString &w :
         m_watch->text().split(QRegularExpression(QStringLiteral("[,;\\s]+")), Qt::SkipEmptyParts))
        r.watchWords << w;
    return r;
}

QString TrainSettings::runName() const
{
    const QString corpus = QFileInfo(corpusPath()).fileName();
    return tr("%1 on %2 (%3d)")
        .arg(m_model->currentData().toString(), corpus.isEmpty() ? tr("no corpus") : corpus)
        .arg(m_dim->value());
}

void TrainSettings::setEditable(bool editable)
{
    for (QWidget *w : std::initializer_list<QWidget *>{
             m_shipped, m_corpus, m_browse, m_model, m_dim, m_window, m_epochs, m_minCount,
             m_threads, m_seed, m_snapshots, m_topN, m_watch})
        w->setEnabled(editable);
    m_negative->setEnabled(editable && m_model->currentData() != QLatin1String("glove"));
    m_pace->setEnabled(editable && !isFastText());
}

void TrainSettings::save(QSettings &s) const
{
    s.beginGroup("train");
    s.setValue("corpus", m_corpus->text());
    s.setValue("shippedCorpus", shippedChoice());
    s.setValue("pace", m_pace->currentData());
    s.setValue("model", m_model->currentData());
    s.setValue("dim", m_dim->value());
    s.setValue("window", m_window->value());
    s.setValue("epochs", m_epochs->value());
    s.setValue("minCount", m_minCount->value());
    s.setValue("negative", m_negative->value());
    s.setValue("threads", m_threads->value());
    s.setValue("seed", m_seed->value());
    s.setValue("snapshots", m_snapshots->value());
    s.setValue("topN", m_topN->value());
    s.setValue("watch", m_watch->text());
    s.endGroup();
}

void TrainSettings::restore(QSettings &s)
{
    s.beginGroup("train");
    m_shipped->setCurrentIndex(std::max(0, m_shipped->findData(s.value("shippedCorpus", "brown"))));
    m_corpus->setText(s.value("corpus").toString());
    m_pace->setCurrentIndex(std::max(0, m_pace->findData(s.value("pace", 0))));
    m_model->setCurrentIndex(std::max(0, m_model->findData(s.value("model", "skipgram"))));
    m_dim->setValue(s.value("dim", 100).toInt());
    m_window->setValue(s.value("window", 0).toInt());
    m_epochs->setValue(s.value("epochs", 0).toInt());
    m_minCount->setValue(s.value("minCount", 5).toInt());
    m_negative->setValue(s.value("negative", 5).toInt());
    m_threads->setValue(s.value("threads", defaultThreadCount()).toInt());
    m_seed->setValue(s.value("seed", 1).toInt());
    m_snapshots->setValue(s.value("snapshots", 60).toInt());
    m_topN->setValue(s.value("topN", 300).toInt());
    m_watch->setText(s.value("watch", defaultWatchWords().join(QStringLiteral(", "))).toString());
    s.endGroup();
}

} // namespace embex::gui
