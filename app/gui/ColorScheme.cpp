#include "gui/ColorScheme.h"

#include <QHash>
#include <QLocale>

#include <algorithm>
#include <cmath>

namespace embex::gui {

QList<QColor> rampStops()
{
    QList<QColor> stops;
    // Fine enough that the legend's linear blend between samples stays within a few levels of
    // rampColor() everywhere.
    for (int i = 0; i <= 32; ++i)
        stops.append(rampColor(i / 32.0));
    return stops;
}

namespace {
/// The colour at t ∈ [0, 1] of the map drawn linearly through evenly spaced stops.
template <std::size_t N> QColor mapColor(const QColor (&stops)[N], double t, float alpha)
{
    t = std::clamp(t, 0.0, 1.0) * double(N - 1);
    const int i = std::min(int(N) - 2, int(t));
    const float f = float(t - i);
    const QColor &a = stops[i], &b = stops[i + 1];
    return QColor::fromRgbF(a.redF() + (b.redF() - a.redF()) * f,
                            a.greenF() + (b.greenF() - a.greenF()) * f,
                            a.blueF() + (b.blueF() - a.blueF()) * f, alpha);
}
} // namespace

QColor rampColor(double t)
{
    // Samples of the viridis colour map, linearly interpolated.
    static const QColor stops[] = {QColor(68, 1, 84), QColor(59, 82, 139), QColor(33, 145, 140),
                                   QColor(94, 201, 98), QColor(253, 231, 37)};
    return mapColor(stops, t, 0.85f);
}

Coloring colorByFrequency(const std::vector<WordId> &ids, std::size_t vocabularySize)
{
    Coloring c;
    c.colors.assign(ids.size(), 0u);
    const double top = std::log1p(double(std::max<std::size_t>(vocabularySize, 2)));
    for (std::size_t i = 0; i < ids.size(); ++i)
        c.colors[i] = rampColor(std::log1p(double(ids[i])) / top).rgba();
    c.legend.kind = render::Legend::Kind::Gradient;
    c.legend.title = QObject::tr("Frequency rank (log scale)");
    c.legend.stops = rampStops();
    c.legend.lowText = QStringLiteral("1");
    c.legend.highText = QLocale().toString(qulonglong(vocabularySize));
    // Rank r (id r − 1) sits at log1p(r − 1) / log1p(N), as the points are coloured.
    for (std::size_t r = 10; r < vocabularySize; r *= 10)
        c.legend.ticks.append({std::log1p(double(r - 1)) / top, QLocale().toString(qulonglong(r))});
    return c;
}

Coloring colorByMetadata(const EmbeddingSet &set, const std::vector<WordId> &ids,
                         const QString &column)
{
    const MetadataColumn *col = set.metadataColumn(column.toStdString());
    if (!col)
        return colorUniform(ids.size());
    Coloring c;
    c.colors.assign(ids.size(), 0u);
    std::vector<double> numbers(ids.size());
    bool numeric = !ids.empty();
    for (std::size_t i = 0; i < ids.size() && numeric; ++i) {
        bool ok = false;
        numbers[i] = QString::fromStdString(col->values[ids[i]]).toDouble(&ok);
        numeric = ok && std::isfinite(numbers[i]);
    }
    c.legend.title = column;
    if (numeric) {
        auto [lo, hi] = std::minmax_element(numbers.begin(), numbers.end());
        const double span = *hi - *lo > 0 ? *hi - *lo : 1.0;
        for (std::size_t i = 0; i < ids.size(); ++i)
            c.colors[i] = rampColor((numbers[i] - *lo) / span).rgba();
        c.legend.kind = render::Legend::Kind::Gradient;
        c.legend.stops = rampStops();
        c.legend.lowText = QString::number(*lo);
        c.legend.highText = QString::number(*hi);
        return c;
    }
    QHash<QString, int> counts;
    for (WordId id : ids)
        counts[QString::fromStdString(col->values[id])]++;
    QList<QPair<int, QString>> order;
    for (auto it = counts.begin(); it != counts.end(); ++it)
        order.append({-it.value(), it.key()});
    std::sort(order.begin(), order.end());
    QHash<QString, QColor> colorOf;
    for (int i = 0; i < std::min<int>(10, int(order.size())); ++i) {
        colorOf[order[i].second] = categoricalColor(i);
        c.legend.entries.append(
            {order[i].second.isEmpty() ? QObject::tr("(empty)") : order[i].second,
             categoricalColor(i)});
    }
    const QColor other(200, 200, 200);
    if (order.size() > 10)
        c.legend.entries.append({QObject::tr("other"), other});
    for (std::size_t i = 0; i < ids.size(); ++i)
        c.colors[i] = colorOf.value(QString::fromStdString(col->values[ids[i]]), other).rgba();
    c.legend.kind = render::Legend::Kind::Categorical;
    return c;
}

QColor categoricalColor(int k)
{
    static const QColor palette[] = {
        QColor(31, 119, 180),  QColor(255, 127, 14), QColor(44, 160, 44),   QColor(214, 39, 40),
        QColor(148, 103, 189), QColor(140, 86, 75),  QColor(227, 119, 194), QColor(188, 189, 34),
        QColor(23, 190, 207),  QColor(127, 127, 127)};
    return palette[std::size_t(k) % std::size(palette)];
}

QColor preservationColor(double kept)
{
    // Diverging: red (few neighbours kept), pale yellow (half), blue (all).
    static const QColor stops[] = {QColor(215, 48, 39), QColor(254, 224, 144),
                                   QColor(49, 104, 176)};
    return mapColor(stops, kept, 0.9f);
}

Coloring colorByPreservation(const std::vector<float> &kept, const QString &note)
{
    Coloring c;
    c.colors.reserve(kept.size());
    for (float k : kept)
        c.colors.push_back(preservationColor(double(k)).rgba());
    c.legend.kind = render::Legend::Kind::Gradient;
    c.legend.title = QObject::tr("Neighbours kept (of 10)");
    for (int i = 0; i <= 20; ++i)
        c.legend.stops.append(preservationColor(i / 20.0));
    c.legend.lowText = QStringLiteral("0");
    c.legend.highText = QStringLiteral("10");
    c.legend.note = note;
    return c;
}

Coloring colorPending(std::size_t n, const QString &note)
{
    Coloring c;
    c.colors.assign(n, QColor(150, 150, 150, 200).rgba());
    c.legend.kind = render::Legend::Kind::None;
    c.legend.note = note;
    return c;
}

Coloring colorUniform(std::size_t n)
{
    Coloring c;
    c.colors.assign(n, QColor(74, 120, 181, 220).rgba());
    return c;
}

} // namespace embex::gui
