#pragma once
// Greedy label placement with collision rejection on a screen grid (docs/ARCHITECTURE.md,
// "The scatter view", Labels).
#include <QRectF>
#include <QSizeF>
#include <vector>

namespace embex::render {

/// Places label boxes one at a time, in the caller's priority order: a box is accepted when it
/// lies inside the viewport and overlaps no accepted box. Accepted boxes are bucketed in a
/// uniform grid so each test looks only at nearby boxes. Not thread-safe.
class LabelPlacer
{
public:
    explicit LabelPlacer(QSizeF viewport, double cellSize = 48.0);

    /// Accepts `box` if it is free; returns whether it was accepted.
    bool place(const QRectF &box);
    /// For a label of `size` anchored at a point drawn with `radius`, tries right, left, above
    /// and below the point; returns the accepted box or an empty rect.
    QRectF placeNear(QPointF anchor, QSizeF size, double radius);
    /// Marks an area as taken (e.g. the legend) without counting it as a label.
    void block(const QRectF &box);
    int placed() const { return m_placed; }
    /// True when the viewport is so full that no further label can fit anywhere useful.
    bool full() const;

private:
    bool isFree(const QRectF &box) const;
    void insert(const QRectF &box);

    QSizeF m_viewport;
    double m_cell;
    int m_cols, m_rows;
    std::vector<std::vector<int>> m_grid;
    std::vector<QRectF> m_boxes;
    double m_area = 0;
    int m_placed = 0;
};

} // namespace embex::render
