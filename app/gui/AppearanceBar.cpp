#include "gui/AppearanceBar.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QSettings>
#include <QSpinBox>

namespace embex::gui {

namespace {
constexpr int kFixedModes = 3; // frequency, uniform, knn; metadata columns follow
}

AppearanceBar::AppearanceBar(QWidget *parent) : QToolBar(tr("Appearance"), parent)
{
    setObjectName("AppearanceBar");
    setMovable(false);
    addWidget(new QLabel(tr(" Colour by: "), this));
    m_color = new QComboBox(this);
    m_color->setObjectName("colorBy");
    m_color->addItem(tr("Frequency rank"), "frequency");
    m_color->addItem(tr("One colour (selection stands out)"), "uniform");
    m_color->addItem(tr("Projection honesty (neighbours kept)"), "knn");
    m_color->setItemData(2,
                         tr("How many of each word's 10 nearest neighbours in the original "
                            "space are also among its 10 nearest on the map: where the map "
                            "misleads, this is low."),
                         Qt::ToolTipRole);
    m_color->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    addWidget(m_color);
    addSeparator();
    addWidget(new QLabel(tr(" Points: "), this));
    m_pointSize = new QSpinBox(this);
    m_pointSize->setObjectName("pointSize");
    m_pointSize->setRange(1, 40);
    m_pointSize->setValue(6);
    m_pointSize->setSuffix(" px");
    addWidget(m_pointSize);
    addWidget(new QLabel(tr(" Labels: "), this));
    m_fontSize = new QSpinBox(this);
    m_fontSize->setObjectName("labelFont");
    m_fontSize->setRange(6, 48);
    m_fontSize->setValue(10);
    m_fontSize->setSuffix(" pt");
    addWidget(m_fontSize);
    m_labels = new QCheckBox(tr("Show"), this);
    m_labels->setObjectName("showLabels");
    m_labels->setChecked(true);
    addWidget(m_labels);

    connect(m_color, &QComboBox::currentIndexChanged, this, &AppearanceBar::changed);
    connect(m_pointSize, &QSpinBox::valueChanged, this, &AppearanceBar::changed);
    connect(m_fontSize, &QSpinBox::valueChanged, this, &AppearanceBar::changed);
    connect(m_labels, &QCheckBox::toggled, this, &AppearanceBar::changed);
}

QString AppearanceBar::colorMode() const
{
    return m_color->currentData().toString();
}

double AppearanceBar::pointSize() const
{
    return m_pointSize->value();
}

int AppearanceBar::labelFontSize() const
{
    return m_fontSize->value();
}

bool AppearanceBar::labelsVisible() const
{
    return m_labels->isChecked();
}

void AppearanceBar::setMetadataColumns(const QStringList &columns)
{
    const QString current = colorMode();
    QSignalBlocker block(m_color);
    while (m_color->count() > kFixedModes)
        m_color->removeItem(kFixedModes);
    for (const auto &c : columns)
        m_color->addItem(tr("Metadata: %1").arg(c), QStringLiteral("meta:") + c);
    const int i = m_color->findData(current);
    m_color->setCurrentIndex(i >= 0 ? i : 0);
    if (colorMode() != current)
        emit changed();
}

void AppearanceBar::save(QSettings &s) const
{
    s.beginGroup("appearance");
    s.setValue("color", colorMode());
    s.setValue("pointSize", m_pointSize->value());
    s.setValue("labelFont", m_fontSize->value());
    s.setValue("labels", m_labels->isChecked());
    s.endGroup();
}

void AppearanceBar::restore(QSettings &s)
{
    s.beginGroup("appearance");
    const int c = m_color->findData(s.value("color", "frequency"));
    m_color->setCurrentIndex(c >= 0 ? c : 0);
    m_pointSize->setValue(s.value("pointSize", 6).toInt());
    m_fontSize->setValue(s.value("labelFont", 10).toInt());
    m_labels->setChecked(s.value("labels", true).toBool());
    s.endGroup();
}

} // namespace embex::gui
