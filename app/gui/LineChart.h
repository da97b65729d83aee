#pragma once
// A small line chart painted with QPainter (no QtCharts): a few series against a shared x axis,
// each on the left or the right y axis, and an optional vertical marker. The training lab plots
// loss and throughput against the fraction of training done.
#include <QColor>
#include <QPointF>
#include <QString>
#include <QVector>
#include <QWidget>

#include <optional>

namespace embex::gui {

class LineChart : public QWidget
{
    Q_OBJECT
public:
    enum class Axis { Left, Right };
    explicit LineChart(QWidget *parent = nullptr);

    /// Adds a series; returns its index.
    int addSeries(const QString &name, const QColor &color, Axis axis);
    void addPoint(int series, double x, double y);
    void setPoints(int series, QVector<QPointF> points);
    const QVector<QPointF> &points(int series) const { return m_series[series].points; }
    int seriesCount() const { return int(m_series.size()); }
    /// Removes every series' points (the series stay).
    void clearPoints();
    /// Fixed x range (default 0–1).
    void setXRange(double lo, double hi);
    void setXLabel(const QString &label);
    /// A vertical line at x (the replayed snapshot); nullopt hides it.
    void setMarker(std::optional<double> x);
    std::optional<double> marker() const { return m_marker; }

    QSize sizeHint() const override { return {480, 160}; }
    QSize minimumSizeHint() const override { return {200, 100}; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    struct Series
    {
        QString name;
        QColor color;
        Axis axis;
        QVector<QPointF> points;
    };
    QVector<Series> m_series;
    double m_xLo = 0, m_xHi = 1;
    QString m_xLabel;
    std::optional<double> m_marker;
};

} // namespace embex::gui
