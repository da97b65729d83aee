#include "gui/Heatmap.h"

#include "gui/ColorScheme.h"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace embex::gui {

namespace {
constexpr int kMargin = 28;     // room for the row and column numbers
constexpr int kScaleWidth = 14; // the colour scale on the right
} // namespace

Heatmap::Heatmap(QWidget *parent) : QWidget(parent)
{
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent, false);
}

void Heatmap::setMatrix(Eigen::MatrixXf values, QStringList labels, QStringList details,
                        std::vector<int> order, std::vector<int> groups)
{
    m_values = std::move(values);
    m_labels = std::move(labels);
    m_details = std::move(details);
    const int n = int(m_values.rows());
    if (int(order.size()) != n) {
        order.resize(std::size_t(n));
        for (int i = 0; i < n; ++i)
            order[std::size_t(i)] = i;
    }
    m_order = std::move(order);
    m_groups = int(groups.size()) == n ? std::move(groups) : std::vector<int>{};
    m_lo = 1;
    m_hi = -1;
    for (int r = 0; r < n; ++r)
        for (int c = 0; c < n; ++c)
            if (r != c && std::isfinite(m_values(r, c))) {
                m_lo = std::min(m_lo, m_values(r, c));
                m_hi = std::max(m_hi, m_values(r, c));
            }
    if (m_lo > m_hi) { // fewer than two rows
        m_lo = 0;
        m_hi = 1;
    }
    if (m_hi - m_lo < 0.02f) {
        m_lo -= 0.01f;
        m_hi += 0.01f;
    }
    update();
}

void Heatmap::clear()
{
    setMatrix({}, {}, {});
}

QRectF Heatmap::gridRect() const
{
    const double side = std::max(0.0, std::min(double(width() - kMargin - kScaleWidth - 44),
                                               double(height() - kMargin - 4)));
    return {double(kMargin), double(kMargin), side, side};
}

std::pair<int, int> Heatmap::cellAt(QPoint pos) const
{
    const int n = int(m_values.rows());
    const QRectF g = gridRect();
    if (n == 0 || !g.contains(pos))
        return {-1, -1};
    const double cell = g.width() / n;
    const int r = std::clamp(int((pos.y() - g.top()) / cell), 0, n - 1);
    const int c = std::clamp(int((pos.x() - g.left()) / cell), 0, n - 1);
    return {m_order[std::size_t(r)], m_order[std::size_t(c)]};
}

QString Heatmap::tooltipFor(int row, int column) const
{
    if (row < 0 || column < 0 || row >= m_values.rows() || column >= m_values.cols())
        return {};
    const auto label = [&](int i) {
        return i < m_labels.size() ? m_labels[i] : QString::number(i + 1);
    };
    const auto detail = [&](int i) {
        return i < m_details.size() ? m_details[i] : QString();
    };
    return tr("cosine %1 between %2 and %3\n%2: %4\n%3: %5")
        .arg(double(m_values(row, column)), 0, 'f', 3)
        .arg(label(row), label(column), detail(row), detail(column));
}

QColor Heatmap::colorOf(float value) const
{
    if (!std::isfinite(value))
        return palette().color(QPalette::Window);
    const double t = (double(value) - double(m_lo)) / std::max(1e-6, double(m_hi) - double(m_lo));
    return rampColor(std::clamp(t, 0.0, 1.0));
}

void Heatmap::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), palette().base());
    const int n = int(m_values.rows());
    if (n == 0) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap,
                   tr("Cosine similarity between occurrences"));
        return;
    }
    const QRectF g = gridRect();
    const double cell = g.width() / n;
    for (int r = 0; r < n; ++r)
        for (int c = 0; c < n; ++c)
            p.fillRect(QRectF(g.left() + c * cell, g.top() + r * cell, cell + 0.5, cell + 0.5),
                       colorOf(m_values(m_order[std::size_t(r)], m_order[std::size_t(c)])));
    // Lines between groups.
    if (!m_groups.empty()) {
        p.setPen(QPen(palette().color(QPalette::Text), 1.5));
        for (int k = 1; k < n; ++k)
            if (m_groups[std::size_t(m_order[std::size_t(k)])] !=
                m_groups[std::size_t(m_order[std::size_t(k - 1)])]) {
                const double x = g.left() + k * cell;
                p.drawLine(QPointF(x, g.top()), QPointF(x, g.bottom()));
                p.drawLine(QPointF(g.left(), g.top() + k * cell),
                           QPointF(g.right(), g.top() + k * cell));
            }
    }
    // Row and column numbers, when they fit.
    p.setPen(palette().color(QPalette::Text));
    QFont f = font();
    f.setPointSizeF(std::max(6.0, std::min(9.0, cell * 0.6)));
    p.setFont(f);
    const int step = std::max(1, int(std::ceil(12.0 / cell)));
    for (int k = 0; k < n; k += step) {
        const int i = m_order[std::size_t(k)];
        const QString text = i < m_labels.size() ? m_labels[i] : QString::number(i + 1);
        p.drawText(QRectF(0, g.top() + k * cell, kMargin - 3, cell),
                   Qt::AlignRight | Qt::AlignVCenter, text);
        p.drawText(QRectF(g.left() + k * cell, 0, cell, kMargin - 3),
                   Qt::AlignHCenter | Qt::AlignBottom, text);
    }
    // The colour scale.
    const QRectF scale(g.right() + 10, g.top(), kScaleWidth, g.height());
    for (int y = 0; y < int(scale.height()); ++y) {
        const float v = float(double(m_hi) - (double(m_hi) - double(m_lo)) * y /
                                                 std::max(1.0, scale.height() - 1));
        p.fillRect(QRectF(scale.left(), scale.top() + y, scale.width(), 1.0), colorOf(v));
    }
    p.drawRect(scale);
    p.drawText(QPointF(scale.right() + 3, scale.top() + 9), QString::number(double(m_hi), 'f', 2));
    p.drawText(QPointF(scale.right() + 3, scale.bottom()), QString::number(double(m_lo), 'f', 2));
}

bool Heatmap::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const auto [r, c] = cellAt(help->pos());
        if (r >= 0)
            QToolTip::showText(help->globalPos(), tooltipFor(r, c), this);
        else
            QToolTip::hideText();
        return true;
    }
    return QWidget::event(event);
}

} // namespace embex::gui
