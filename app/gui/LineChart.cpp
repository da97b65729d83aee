#include "gui/LineChart.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>
#include <limits>

namespace embex::gui {

namespace {

/// 1, 2 or 5 times a power of ten, at least `raw`.
double niceStep(double raw)
{
    if (!(raw > 0) || !std::isfinite(raw))
        return 1.0;
    const double p = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * p >= raw)
            return m * p;
    return 10.0 * p;
}

/// Short tick text: 1.5k, 2M, 0.25.
QString tickText(double v)
{
    const double a = std::abs(v);
    if (a >= 1e6)
        return QString::number(v / 1e6, 'g', 3) + QLatin1Char('M');
    if (a >= 1e4)
        return QString::number(v / 1e3, 'g', 3) + QLatin1Char('k');
    return QString::number(v, 'g', 3);
}

struct Range
{
    double lo = std::numeric_limits<double>::infinity();
    double hi = -std::numeric_limits<double>::infinity();
    bool valid() const { return lo <= hi; }
};

} // namespace

LineChart::LineChart(QWidget *parent) : QWidget(parent)
{
    setAttribute(Qt::WA_OpaquePaintEvent);
}

int LineChart::addSeries(const QString &name, const QColor &color, Axis axis)
{
    m_series.push_back({name, color, axis, {}});
    update();
    return int(m_series.size()) - 1;
}

void LineChart::addPoint(int series, double x, double y)
{
    if (!std::isfinite(x) || !std::isfinite(y))
        return;
    m_series[series].points.push_back({x, y});
    update();
}

void LineChart::setPoints(int series, QVector<QPointF> points)
{
    m_series[series].points = std::move(points);
    update();
}

void LineChart::clearPoints()
{
    for (auto &s : m_series)
        s.points.clear();
    update();
}

void LineChart::setXRange(double lo, double hi)
{
    m_xLo = lo;
    m_xHi = hi > lo ? hi : lo + 1;
    update();
}

void LineChart::setXLabel(const QString &label)
{
    m_xLabel = label;
    update();
}

void LineChart::setMarker(std::optional<double> x)
{
    m_marker = x;
    update();
}

void LineChart::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), palette().base());
    const QFontMetrics fm(font());
    const int left = fm.horizontalAdvance(QStringLiteral("0.000M")) + 10;
    const int top = fm.height() + 8;
    const int bottom = (m_xLabel.isEmpty() ? 1 : 2) * fm.height() + 12;
    const QRect plot(left, top, width() - 2 * left, height() - top - bottom);
    if (plot.width() < 20 || plot.height() < 20)
        return;

    Range ranges[2];
    for (const auto &s : m_series) {
        Range &r = ranges[s.axis == Axis::Left ? 0 : 1];
        for (const auto &pt : s.points) {
            r.lo = std::min(r.lo, pt.y());
            r.hi = std::max(r.hi, pt.y());
        }
    }
    // Nice bounds: four or five ticks; zero included for values that are all positive and
    // not far from it (throughput), so the curve's shape is not exaggerated.
    double step[2] = {1, 1};
    for (int a = 0; a < 2; ++a) {
        Range &r = ranges[a];
        if (!r.valid())
            continue;
        if (r.lo > 0 && r.lo < 0.5 * r.hi)
            r.lo = 0;
        if (r.hi - r.lo < 1e-12 * std::max(1.0, std::abs(r.hi))) {
            r.lo -= 0.5 * std::max(1e-9, std::abs(r.lo));
            r.hi += 0.5 * std::max(1e-9, std::abs(r.hi));
        }
        step[a] = niceStep((r.hi - r.lo) / 4);
        r.lo = std::floor(r.lo / step[a]) * step[a];
        r.hi = std::ceil(r.hi / step[a]) * step[a];
    }
    auto toX = [&](double x) {
        return plot.left() + (x - m_xLo) / (m_xHi - m_xLo) * plot.width();
    };
    auto toY = [&](int a, double y) {
        const Range &r = ranges[a];
        return plot.bottom() - (y - r.lo) / (r.hi - r.lo) * plot.height();
    };

    const QColor grid = palette().mid().color();
    const QColor text = palette().text().color();
    p.setPen(QPen(grid, 0));
    p.drawRect(plot);
    // x ticks
    const double xStep = niceStep((m_xHi - m_xLo) / 5);
    p.setPen(text);
    for (double x = std::ceil(m_xLo / xStep) * xStep; x <= m_xHi + 1e-9; x += xStep) {
        const double px = toX(x);
        p.setPen(QPen(grid, 0, Qt::DotLine));
        p.drawLine(QPointF(px, plot.top()), QPointF(px, plot.bottom()));
        p.setPen(text);
        const QString t = tickText(x);
        p.drawText(QPointF(px - fm.horizontalAdvance(t) / 2.0, plot.bottom() + fm.ascent() + 3), t);
    }
    if (!m_xLabel.isEmpty())
        p.drawText(
            QRect(plot.left(), plot.bottom() + fm.height() + 6, plot.width(), fm.height() + 2),
            Qt::AlignHCenter | Qt::AlignTop, m_xLabel);
    // y ticks, each axis in the colour of its first series
    for (int a = 0; a < 2; ++a) {
        if (!ranges[a].valid())
            continue;
        QColor c = text;
        for (const auto &s : m_series)
            if ((s.axis == Axis::Left ? 0 : 1) == a) {
                c = s.color.darker(120);
                break;
            }
        p.setPen(c);
        for (double y = ranges[a].lo; y <= ranges[a].hi + 1e-9 * step[a]; y += step[a]) {
            const double py = toY(a, y);
            const QString t = tickText(std::abs(y) < 1e-12 * step[a] ? 0.0 : y);
            const double tx =
                a == 0 ? plot.left() - fm.horizontalAdvance(t) - 4 : plot.right() + 4.0;
            p.drawText(QPointF(tx, py + fm.ascent() / 2.0 - 1), t);
        }
    }
    // series
    p.save();
    p.setClipRect(plot.adjusted(-1, -1, 1, 1));
    for (const auto &s : m_series) {
        if (s.points.isEmpty())
            continue;
        const int a = s.axis == Axis::Left ? 0 : 1;
        QPainterPath path;
        path.moveTo(toX(s.points.front().x()), toY(a, s.points.front().y()));
        for (qsizetype i = 1; i < s.points.size(); ++i)
            path.lineTo(toX(s.points[i].x()), toY(a, s.points[i].y()));
        p.setPen(QPen(s.color, 1.8));
        p.setBrush(Qt::NoBrush);
        p.drawPath(path);
        if (s.points.size() == 1) {
            p.setBrush(s.color);
            p.drawEllipse(QPointF(toX(s.points.front().x()), toY(a, s.points.front().y())), 2, 2);
        }
    }
    if (m_marker) {
        p.setPen(QPen(QColor(220, 20, 60), 1.5, Qt::DashLine));
        const double px = toX(*m_marker);
        p.drawLine(QPointF(px, plot.top()), QPointF(px, plot.bottom()));
    }
    p.restore();
    // legend
    double lx = plot.left();
    for (const auto &s : m_series) {
        p.setPen(QPen(s.color, 3));
        p.drawLine(QPointF(lx, fm.height() / 2.0 + 3), QPointF(lx + 16, fm.height() / 2.0 + 3));
        p.setPen(text);
        const QString name = s.name + (s.axis == Axis::Left ? tr(" (left)") : tr(" (right)"));
        p.drawText(QPointF(lx + 20, fm.ascent() + 2), name);
        lx += 20 + fm.horizontalAdvance(name) + 16;
    }
}

} // namespace embex::gui
