#pragma once
// A square similarity matrix painted as coloured cells (QPainter), with row numbers, a colour
// scale fitted to the values and a tooltip per cell. The context lab shows the cosine similarity
// between a word's occurrences with it.
#include <QColor>
#include <QStringList>
#include <QWidget>

#include <Eigen/Core>

#include <vector>

namespace embex::gui {

class Heatmap : public QWidget
{
    Q_OBJECT
public:
    explicit Heatmap(QWidget *parent = nullptr);

    /// values: n × n in [-1, 1]; labels: short row names ("1", "2"…); details: a line per row
    /// for tooltips (the sentence); order: the display order of the rows (empty = as given);
    /// groups: a group per row for the separating lines (empty = none).
    void setMatrix(Eigen::MatrixXf values, QStringList labels, QStringList details,
                   std::vector<int> order = {}, std::vector<int> groups = {});
    void clear();
    const Eigen::MatrixXf &values() const { return m_values; }
    const std::vector<int> &order() const { return m_order; }
    /// The (row, column) of the matrix under a widget position, or (-1, -1).
    std::pair<int, int> cellAt(QPoint pos) const;
    /// The tooltip text of a cell.
    QString tooltipFor(int row, int column) const;
    /// The colour scale's ends: the lowest and highest value off the diagonal (cosines of a
    /// word's occurrences usually span a narrow band, which a fixed −1…1 scale would hide).
    float low() const { return m_lo; }
    float high() const { return m_hi; }
    /// Colour of a value on the current scale (a perceptual ramp from low to high).
    QColor colorOf(float value) const;

    QSize sizeHint() const override { return {320, 320}; }
    QSize minimumSizeHint() const override { return {160, 160}; }

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;

private:
    QRectF gridRect() const;

    Eigen::MatrixXf m_values;
    QStringList m_labels, m_details;
    std::vector<int> m_order, m_groups;
    float m_lo = 0, m_hi = 1;
};

} // namespace embex::gui
