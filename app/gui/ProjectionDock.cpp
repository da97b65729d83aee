#include "gui/ProjectionDock.h"

#include "gui/WheelGuard.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>
#include <cmath>

namespace embex::gui {

ProjectionDock::ProjectionDock(QWidget *parent) : QDockWidget(tr("Projection"), parent)
{
    setObjectName("ProjectionDock");
    auto *w = new QWidget(this);
    auto *layout = new QVBoxLayout(w);

    createRunControls(w, layout);
    layout->addWidget(createPcaBox(w));
    layout->addWidget(createTsneBox(w));
    layout->addWidget(createSubsetBox(w));
    layout->addStretch(1);
    setWidget(verticalScrollArea(w, this));

    connectSignals();
    m_axis[2]->setEnabled(false);
    m_tsneBox->setVisible(false);
    for (auto *combo : w->findChildren<QComboBox *>()) {
        combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        combo->setMinimumContentsLength(8);
    }
    guardWheelIn(w); // wheeling down the dock scrolls it, never changes a value
    m_run->setToolTip(tr("Lay out the words again with the settings below (choosing a method "
                         "projects at once)"));
    updateAxisLabels();
}

void ProjectionDock::createRunControls(QWidget *w, QVBoxLayout *layout)
{
    auto *top = new QFormLayout;
    m_method = new QComboBox(w);
    m_method->setObjectName("method");
    m_method->addItem(tr("PCA (linear, exact)"), "pca");
    m_method->addItem(tr("t-SNE (neighbourhoods)"), "tsne");
    top->addRow(tr("Method:"), m_method);
    m_dims = new QComboBox(w);
    m_dims->setObjectName("dims");
    m_dims->addItems({tr("2-D"), tr("3-D")});
    top->addRow(tr("Layout:"), m_dims);
    layout->addLayout(top);
    auto *runRow = new QHBoxLayout;
    m_run = new QPushButton(tr("Project"), w);
    m_run->setObjectName("run");
    m_pause = new QPushButton(tr("Pause"), w);
    m_pause->setObjectName("pause");
    m_pause->setCheckable(true);
    m_pause->setEnabled(false);
    m_cancel = new QPushButton(tr("Stop"), w);
    m_cancel->setObjectName("stop");
    m_cancel->setEnabled(false);
    runRow->addWidget(m_run);
    runRow->addWidget(m_pause);
    runRow->addWidget(m_cancel);
    layout->addLayout(runRow);
    m_progress = new QProgressBar(w);
    m_progress->setObjectName("projectionProgress");
    m_progress->setRange(0, 1000);
    m_progress->setVisible(false);
    layout->addWidget(m_progress);
}

QGroupBox *ProjectionDock::createPcaBox(QWidget *w)
{
    auto *method = new QGroupBox(tr("PCA"), w);
    m_pcaBox = method;
    auto *mf = new QFormLayout(method);
    const char *axisNames[3] = {"x", "y", "z"};
    for (int a = 0; a < 3; ++a) {
        m_axis[a] = new QComboBox(method);
        m_axis[a]->setObjectName(QStringLiteral("axis_%1").arg(axisNames[a]));
        for (int c = 0; c < 10; ++c)
            m_axis[a]->addItem(QStringLiteral("PC%1").arg(c + 1));
        m_axis[a]->setCurrentIndex(a);
        mf->addRow(QStringLiteral("%1:").arg(axisNames[a]), m_axis[a]);
    }
    m_center = new QCheckBox(tr("Centre (subtract the mean)"), method);
    m_center->setChecked(true);
    m_spherize = new QCheckBox(tr("Spherize (unit length first)"), method);
    m_spherize->setToolTip(tr("PCA then follows cosine geometry: every vector has length 1."));
    mf->addRow(m_center);
    mf->addRow(m_spherize);
    m_variance = new QLabel(method);
    m_variance->setObjectName("variance");
    m_variance->setWordWrap(true);
    mf->addRow(m_variance);
    return method;
}

QGroupBox *ProjectionDock::createTsneBox(QWidget *w)
{
    auto *tsne = new QGroupBox(tr("t-SNE"), w);
    m_tsneBox = tsne;
    auto *tf = new QFormLayout(tsne);
    m_perplexity = new QDoubleSpinBox(tsne);
    m_perplexity->setObjectName("perplexity");
    m_perplexity->setRange(2, 200);
    m_perplexity->setValue(30);
    m_perplexity->setToolTip(tr("About how many neighbours each word pays attention to."));
    tf->addRow(tr("Perplexity:"), m_perplexity);
    m_learningRate = new QDoubleSpinBox(tsne);
    m_learningRate->setRange(0, 100000);
    m_learningRate->setDecimals(0);
    m_learningRate->setSpecialValueText(tr("auto"));
    m_learningRate->setToolTip(tr("0 = auto: N / 12, at least 200 (scikit-learn's \"auto\")"));
    tf->addRow(tr("Learning rate:"), m_learningRate);
    m_iterations = new QSpinBox(tsne);
    m_iterations->setObjectName("iterations");
    m_iterations->setRange(50, 10000);
    m_iterations->setValue(750);
    tf->addRow(tr("Iterations:"), m_iterations);
    m_exaggeration = new QDoubleSpinBox(tsne);
    m_exaggeration->setRange(1, 100);
    m_exaggeration->setValue(12);
    m_exaggeration->setToolTip(tr("Early exaggeration for the first 250 iterations: pulls "
                                  "clusters apart before they settle."));
    tf->addRow(tr("Exaggeration:"), m_exaggeration);
    m_seed = new QSpinBox(tsne);
    m_seed->setObjectName("seed");
    m_seed->setRange(0, 1000000000);
    m_seed->setValue(42);
    tf->addRow(tr("Seed:"), m_seed);
    m_distance = new QComboBox(tsne);
    m_distance->addItem(tr("Cosine"), "cosine");
    m_distance->setToolTip(tr("Cosine is the usual distance for word vectors"));
    m_distance->addItem(tr("Euclidean"), "euclidean");
    tf->addRow(tr("Distance:"), m_distance);
    m_tsneStatus = new QLabel(tsne);
    m_tsneStatus->setObjectName("tsneStatus");
    m_tsneStatus->setWordWrap(true); // never widens the dock past its width
    tf->addRow(m_tsneStatus);
    return tsne;
}

QGroupBox *ProjectionDock::createSubsetBox(QWidget *w)
{
    auto *subset = new QGroupBox(tr("Subset"), w);
    auto *sf = new QFormLayout(subset);
    m_topN = new QSpinBox(subset);
    m_topN->setObjectName("topN");
    m_topN->setRange(0, 100000000);
    m_topN->setSpecialValueText(tr("all"));
    m_topN->setSingleStep(1000);
    m_topN->setToolTip(tr("The N most frequent words (file order); 0 = all. PCA and t-SNE "
                          "each keep their own value (t-SNE: 10,000 by default)."));
    sf->addRow(tr("Top N words:"), m_topN);
    m_include = new QLineEdit(subset);
    m_include->setObjectName("include");
    m_include->setPlaceholderText(tr("regular expression"));
    m_exclude = new QLineEdit(subset);
    m_exclude->setObjectName("exclude");
    m_exclude->setPlaceholderText(tr("regular expression"));
    sf->addRow(tr("Include:"), m_include);
    sf->addRow(tr("Exclude:"), m_exclude);
    m_stopWords = new QCheckBox(tr("Hide stop words"), subset);
    m_stopWords->setObjectName("hideStopWords");
    m_onlyHits = new QCheckBox(tr("Only search hits + neighbours"), subset);
    sf->addRow(m_stopWords);
    sf->addRow(m_onlyHits);
    return subset;
}

void ProjectionDock::connectSignals()
{
    connect(m_run, &QPushButton::clicked, this, &ProjectionDock::runRequested);
    connect(m_pause, &QPushButton::toggled, this, [this](bool on) {
        m_pause->setText(on ? tr("Resume") : tr("Pause"));
        emit pauseToggled(on);
    });
    connect(m_method, &QComboBox::currentIndexChanged, this, [this] {
        updateMethodBoxes();
        emit methodChanged();
    });
    for (auto *spin : {m_perplexity, m_learningRate, m_exaggeration})
        connect(spin, &QDoubleSpinBox::valueChanged, this, &ProjectionDock::tsneParametersChanged);
    for (auto *spin : {m_iterations, m_seed})
        connect(spin, &QSpinBox::valueChanged, this, &ProjectionDock::tsneParametersChanged);
    connect(m_distance, &QComboBox::currentIndexChanged, this,
            &ProjectionDock::tsneParametersChanged);
    connect(m_cancel, &QPushButton::clicked, this, &ProjectionDock::cancelRequested);
    connect(m_topN, &QSpinBox::valueChanged, this, &ProjectionDock::subsetChanged);
    for (auto *edit : {m_include, m_exclude})
        connect(edit, &QLineEdit::textChanged, this, &ProjectionDock::subsetChanged);
    for (auto *box : {m_stopWords, m_onlyHits})
        connect(box, &QCheckBox::toggled, this, &ProjectionDock::subsetChanged);
    connect(m_dims, &QComboBox::currentIndexChanged, this, [this] {
        m_axis[2]->setEnabled(m_dims->currentIndex() == 1);
        updateAxisLabels(); // the variance line counts the axes shown
        emit axesChanged();
    });
    for (auto *a : m_axis)
        connect(a, &QComboBox::currentIndexChanged, this, [this] {
            updateAxisLabels();
            emit axesChanged();
        });
}

bool ProjectionDock::isTsne() const
{
    return m_method->currentData().toString() == "tsne";
}

void ProjectionDock::setTsneRunning(bool running)
{
    m_run->setEnabled(true);
    m_pause->setEnabled(running);
    m_cancel->setEnabled(running);
    if (!running) {
        QSignalBlocker block(m_pause);
        m_pause->setChecked(false);
        m_pause->setText(tr("Pause"));
    }
    m_progress->setVisible(running);
}

void ProjectionDock::updateMethodBoxes()
{
    const int method = isTsne() ? 1 : 0;
    m_pcaBox->setVisible(method == 0);
    m_tsneBox->setVisible(method == 1);
    if (method != m_shownMethod) {
        m_topNOf[m_shownMethod] = m_topN->value();
        m_shownMethod = method;
        QSignalBlocker block(m_topN);
        m_topN->setValue(m_topNOf[method]);
    }
}

void ProjectionDock::clearStatus()
{
    m_tsneStatus->clear();
    m_ratios.clear();
    updateAxisLabels();
    m_progress->setValue(0);
    m_progress->setFormat(QStringLiteral("%p%"));
}

void ProjectionDock::setTsneStatus(int iteration, int total, double kl)
{
    if (total > 0 && iteration > 0) {
        m_progress->setValue(int(1000.0 * iteration / total));
        m_progress->setFormat(tr("iteration %1 of %2").arg(iteration).arg(total));
    }
    m_tsneStatus->setText(std::isfinite(kl) ? tr("Iteration %1 of %2, KL divergence %3")
                                                  .arg(iteration)
                                                  .arg(total)
                                                  .arg(kl, 0, 'f', 3)
                                            : tr("Iteration %1 of %2").arg(iteration).arg(total));
}

ProjectionSettings ProjectionDock::settings() const
{
    ProjectionSettings s;
    s.method = isTsne() ? ProjectionSettings::Method::Tsne : ProjectionSettings::Method::Pca;
    s.dims = m_dims->currentIndex() == 1 ? 3 : 2;
    s.tsne.dims = s.dims;
    s.tsne.perplexity = m_perplexity->value();
    s.tsne.learningRate = m_learningRate->value();
    s.tsne.maxIterations = m_iterations->value();
    s.tsne.exaggeration = m_exaggeration->value();
    s.tsne.seed = std::uint64_t(m_seed->value());
    s.tsne.distance = m_distance->currentData().toString() == "euclidean" ? TsneDistance::Euclidean
                                                                          : TsneDistance::Cosine;
    for (int a = 0; a < 3; ++a)
        s.axis[a] = m_axis[a]->currentIndex();
    s.center = m_center->isChecked();
    s.spherize = m_spherize->isChecked();
    s.subset.topN = std::size_t(m_topN->value());
    s.subset.include = m_include->text();
    s.subset.exclude = m_exclude->text();
    s.subset.hideStopWords = m_stopWords->isChecked();
    s.onlyHitsAndNeighbors = m_onlyHits->isChecked();
    return s;
}

void ProjectionDock::setBusy(bool busy)
{
    m_run->setEnabled(!busy);
    m_cancel->setEnabled(busy);
    m_progress->setVisible(busy);
    m_progress->setValue(0);
}

void ProjectionDock::setProgress(int value, const QString &stage)
{
    m_progress->setValue(value);
    m_progress->setFormat(stage.isEmpty() ? QStringLiteral("%p%") : stage + QStringLiteral(" %p%"));
}

void ProjectionDock::setExplainedVariance(const std::vector<double> &ratios)
{
    m_ratios = ratios;
    updateAxisLabels();
}

void ProjectionDock::updateAxisLabels()
{
    for (auto *combo : m_axis)
        for (int c = 0; c < combo->count(); ++c)
            combo->setItemText(c, c < int(m_ratios.size())
                                      ? QStringLiteral("PC%1 (%2% of variance)")
                                            .arg(c + 1)
                                            .arg(m_ratios[std::size_t(c)] * 100, 0, 'f', 1)
                                      : QStringLiteral("PC%1").arg(c + 1));
    if (m_ratios.empty()) {
        m_variance->setText(tr("Explained variance appears after projecting."));
        return;
    }
    double shown = 0;
    const int dims = m_dims->currentIndex() == 1 ? 3 : 2;
    for (int a = 0; a < dims; ++a) {
        const int c = m_axis[a]->currentIndex();
        if (c < int(m_ratios.size()))
            shown += m_ratios[std::size_t(c)];
    }
    m_variance->setText(
        tr("The axes shown explain %1% of the variance.").arg(shown * 100, 0, 'f', 1));
}

void ProjectionDock::save(QSettings &s) const
{
    s.beginGroup("projection");
    s.setValue("method", m_method->currentData());
    s.setValue("perplexity", m_perplexity->value());
    s.setValue("learningRate", m_learningRate->value());
    s.setValue("iterations", m_iterations->value());
    s.setValue("exaggeration", m_exaggeration->value());
    s.setValue("seed", m_seed->value());
    s.setValue("distance", m_distance->currentData());
    s.setValue("dims", m_dims->currentIndex());
    for (int a = 0; a < 3; ++a)
        s.setValue(QStringLiteral("axis%1").arg(a), m_axis[a]->currentIndex());
    s.setValue("center", m_center->isChecked());
    s.setValue("spherize", m_spherize->isChecked());
    int topN[2] = {m_topNOf[0], m_topNOf[1]};
    topN[m_shownMethod] = m_topN->value();
    s.setValue("topNPca", topN[0]);
    s.setValue("topNTsne", topN[1]);
    s.setValue("include", m_include->text());
    s.setValue("exclude", m_exclude->text());
    s.setValue("stopWords", m_stopWords->isChecked());
    s.setValue("onlyHits", m_onlyHits->isChecked());
    s.endGroup();
}

void ProjectionDock::restore(QSettings &s)
{
    s.beginGroup("projection");
    m_perplexity->setValue(s.value("perplexity", 30.0).toDouble());
    m_learningRate->setValue(s.value("learningRate", 0.0).toDouble());
    m_iterations->setValue(s.value("iterations", 750).toInt());
    m_exaggeration->setValue(s.value("exaggeration", 12.0).toDouble());
    m_seed->setValue(s.value("seed", 42).toInt());
    m_distance->setCurrentIndex(std::max(0, m_distance->findData(s.value("distance", "cosine"))));
    m_topNOf[0] = s.value("topNPca", 0).toInt();
    m_topNOf[1] = s.value("topNTsne", 10000).toInt();
    {
        // The first view is a t-SNE map of the 10,000 most frequent words (shipped with the
        // default set, so it appears at once).
        QSignalBlocker block(m_method);
        m_method->setCurrentIndex(std::max(0, m_method->findData(s.value("method", "tsne"))));
    }
    m_shownMethod = isTsne() ? 1 : 0;
    {
        QSignalBlocker block(m_topN);
        m_topN->setValue(m_topNOf[m_shownMethod]);
    }
    updateMethodBoxes();
    m_dims->setCurrentIndex(s.value("dims", 0).toInt());
    for (int a = 0; a < 3; ++a)
        m_axis[a]->setCurrentIndex(s.value(QStringLiteral("axis%1").arg(a), a).toInt());
    m_center->setChecked(s.value("center", true).toBool());
    m_spherize->setChecked(s.value("spherize", false).toBool());
    m_include->setText(s.value("include").toString());
    m_exclude->setText(s.value("exclude").toString());
    m_stopWords->setChecked(s.value("stopWords", false).toBool());
    m_onlyHits->setChecked(s.value("onlyHits", false).toBool());
    s.endGroup();
}

} // namespace embex::gui
