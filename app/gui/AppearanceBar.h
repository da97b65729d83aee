#pragma once
// The Appearance toolbar above the scatter view: colour mode, point and label size, labels on
// or off. A toolbar, not a dock section, so these controls are in view at any window size.
#include <QToolBar>

class QCheckBox;
class QComboBox;
class QSettings;
class QSpinBox;

namespace embex::gui {

class AppearanceBar : public QToolBar
{
    Q_OBJECT
public:
    explicit AppearanceBar(QWidget *parent = nullptr);

    /// Colour mode: "frequency", "uniform", "knn" or "meta:<column>".
    QString colorMode() const;
    double pointSize() const;
    int labelFontSize() const;
    bool labelsVisible() const;
    /// Offers "Metadata: <column>" modes for the shown set (keeps the mode when it still
    /// exists).
    void setMetadataColumns(const QStringList &columns);

    void save(QSettings &s) const;
    void restore(QSettings &s);

signals:
    void changed();

private:
    QComboBox *m_color;
    QSpinBox *m_pointSize, *m_fontSize;
    QCheckBox *m_labels;
};

} // namespace embex::gui
