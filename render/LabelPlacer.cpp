#include "LabelPlacer.h"

#include <algorithm>
#include <cmath>

namespace embex::render {

LabelPlacer::LabelPlacer(QSizeF viewport, double cellSize)
    : m_viewport(viewport), m_cell(cellSize),
      m_cols(std::max(1, int(std::ceil(viewport.width() / cellSize)))),
      m_rows(std::max(1, int(std::ceil(viewport.height() / cellSize)))),
      m_grid(std::size_t(m_cols) * std::size_t(m_rows))
{}

bool LabelPlacer::isFree(const QRectF &box) const
{
    if (box.left() < 0 || box.top() < 0 || box.right() > m_viewport.width() ||
        box.bottom() > m_viewport.height())
        return false;
    const int c0 = std::clamp(int(box.left() / m_cell), 0, m_cols - 1);
    const int c1 = std::clamp(int(box.right() / m_cell), 0, m_cols - 1);
    const int r0 = std::clamp(int(box.top() / m_cell), 0, m_rows - 1);
    const int r1 = std::clamp(int(box.bottom() / m_cell), 0, m_rows - 1);
    for (int r = r0; r <= r1; ++r)
        for (int c = c0; c <= c1; ++c)
            for (int i : m_grid[std::size_t(r) * std::size_t(m_cols) + std::size_t(c)])
                if (m_boxes[std::size_t(i)].intersects(box))
                    return false;
    return true;
}

void LabelPlacer::insert(const QRectF &box)
{
    const int id = int(m_boxes.size());
    m_boxes.push_back(box);
    m_area += box.width() * box.height();
    const int c0 = std::clamp(int(box.left() / m_cell), 0, m_cols - 1);
    const int c1 = std::clamp(int(box.right() / m_cell), 0, m_cols - 1);
    const int r0 = std::clamp(int(box.top() / m_cell), 0, m_rows - 1);
    const int r1 = std::clamp(int(box.bottom() / m_cell), 0, m_rows - 1);
    for (int r = r0; r <= r1; ++r)
        for (int c = c0; c <= c1; ++c)
            m_grid[std::size_t(r) * std::size_t(m_cols) + std::size_t(c)].push_back(id);
}

bool LabelPlacer::place(const QRectF &box)
{
    if (!isFree(box))
        return false;
    insert(box);
    ++m_placed;
    return true;
}

QRectF LabelPlacer::placeNear(QPointF a, QSizeF s, double radius)
{
    const double gap = radius + 2;
    const QRectF options[] = {
        QRectF(QPointF(a.x() + gap, a.y() - s.height() / 2), s),
        QRectF(QPointF(a.x() - gap - s.width(), a.y() - s.height() / 2), s),
        QRectF(QPointF(a.x() - s.width() / 2, a.y() - gap - s.height()), s),
        QRectF(QPointF(a.x() - s.width() / 2, a.y() + gap), s),
    };
    for (const auto &box : options)
        if (place(box))
            return box;
    return {};
}

void LabelPlacer::block(const QRectF &box)
{
    insert(box);
}

bool LabelPlacer::full() const
{
    // Past ~60% coverage greedy placement almost never succeeds; stop trying.
    return m_area > 0.6 * m_viewport.width() * m_viewport.height();
}

} // namespace embex::render
