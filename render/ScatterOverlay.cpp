// ScatterView's QPainter layer (labels, legend, box) and its exports (PNG at any size, SVG).
#include "LabelPlacer.h"
#include "ScatterView.h"

#include <QOpenGLFramebufferObject>
#include <QOpenGLPaintDevice>
#include <QPainter>
#include <QSaveFile>
#include <QSvgGenerator>

#include <algorithm>
#include <cmath>

namespace embex::render {

namespace {
constexpr int kMaxLabelCandidates = 1500;
constexpr double kNoteGap = 4.0; // pixels between the legend's notes

/// The label font at a scale; important labels are bold.
QFont labelFont(const QFont &base, int pt, double scale, bool important)
{
    QFont f = base;
    f.setPointSizeF(pt * scale);
    f.setBold(important);
    return f;
}
} // namespace

void ScatterView::drawOverlay(QPainter &p, QSize viewport, double scale)
{
    QRectF legendArea;
    drawLegend(p, viewport, scale, &legendArea);
    const QRectF captionArea = drawCaption(&p, viewport, scale);
    if (m_labelsOn) {
        if (m_fixedLabels) {
            drawLabels(p, *m_fixedLabels, scale, scale);
        } else {
            m_placed = placeLabels(viewport, scale, legendArea, captionArea);
            drawLabels(p, m_placed, scale, 1.0);
        }
    } else {
        m_placed.clear();
        m_rendered.clear();
    }
    if (m_boxSelecting && !m_box.isEmpty()) {
        p.setPen(QPen(QColor(90, 60, 160), 1, Qt::DashLine));
        p.setBrush(QColor(140, 60, 190, 40));
        p.drawRect(m_box);
    }
}

QRectF ScatterView::drawCaption(QPainter *p, QSize viewport, double scale)
{
    if (m_caption.isEmpty())
        return {};
    QFont font;
    font.setPointSizeF(9 * scale);
    const QFontMetricsF fm(font);
    const double pad = 6 * scale, lh = fm.height();
    double w = 0;
    for (const QString &line : m_caption)
        w = std::max(w, fm.horizontalAdvance(line));
    w = std::min(w + 2 * scale, viewport.width() - 2 * pad);
    const QRectF area(pad, viewport.height() - pad - lh * double(m_caption.size()), w,
                      lh * double(m_caption.size()));
    if (!p)
        return area;
    p->setFont(font);
    const double h = std::max(1.0, scale);
    for (qsizetype i = 0; i < m_caption.size(); ++i) {
        const QRectF r(area.left(), area.top() + lh * double(i), w, lh);
        const QString text = fm.elidedText(m_caption[i], Qt::ElideRight, w);
        p->setPen(QColor(252, 252, 250, 235));
        for (const QPointF d : {QPointF(-h, 0), QPointF(h, 0), QPointF(0, -h), QPointF(0, h)})
            p->drawText(r.translated(d), Qt::AlignLeft | Qt::AlignVCenter, text);
        p->setPen(i == 0 ? QColor(40, 40, 40) : QColor(90, 90, 90));
        p->drawText(r, Qt::AlignLeft | Qt::AlignVCenter, text);
    }
    return area;
}

std::vector<PlacedLabel> ScatterView::placeLabels(QSize viewport, double scale,
                                                  const QRectF &legend, const QRectF &caption)
{
    std::vector<PlacedLabel> out;
    if (m_labels.isEmpty() || m_screen.empty())
        return out;
    QFont base;
    const QFontMetricsF fm(labelFont(base, m_labelPt, scale, false)),
        fmBold(labelFont(base, m_labelPt, scale, true));
    LabelPlacer placer(QSizeF(viewport), 12.0 * m_labelPt * scale / 10.0 + 24);
    const double radius = m_pointSize * scale;
    auto at = [&](int i, QPointF *s) {
        if (i < 0 || std::size_t(i) * 2 >= m_screen.size() ||
            std::isnan(m_screen[2 * std::size_t(i)]))
            return false;
        *s = QPointF(m_screen[2 * std::size_t(i)], m_screen[2 * std::size_t(i) + 1]);
        return true;
    };
    // Nothing may cover the legend or the markers that carry the point of the picture: the
    // selection, its neighbours and the exact search hits (drawn 3×, 1.8× and 2× the point
    // size wide).
    for (const QRectF &area : {legend, caption})
        if (!area.isEmpty())
            placer.block(area.adjusted(-4 * scale, -4 * scale, 4 * scale, 4 * scale));
    auto blockMarker = [&](int i, double factor) {
        QPointF s;
        if (!at(i, &s))
            return;
        const double r = radius * factor / 2 + 1.5 * scale;
        placer.block(QRectF(s.x() - r, s.y() - r, 2 * r, 2 * r));
    };
    blockMarker(m_selected, 3.0);
    for (int i : m_neighbors)
        blockMarker(i, 1.8);
    for (int i : m_highlights)
        blockMarker(i, 2.0);

    std::vector<char> done(m_screen.size() / 2, 0);
    auto tryLabel = [&](int i, bool important, double markerFactor) {
        if (i < 0 || i >= m_labels.size() || std::size_t(i) * 2 >= m_screen.size() ||
            done[std::size_t(i)])
            return;
        done[std::size_t(i)] = 1;
        QPointF s;
        if (!at(i, &s))
            return;
        const QString &text = m_labels[i];
        const QFontMetricsF &m = important ? fmBold : fm;
        const QSizeF size(m.horizontalAdvance(text) + 4 * scale, m.height());
        const double gap = radius * markerFactor / 2 + 1.5 * scale;
        QRectF box = placer.placeNear(s, size, gap);
        if (box.isEmpty() && i == m_selected) {
            // The selection is always named: a little further out, else above its marker
            // (below near the top edge or the legend), over whatever is there.
            box = placer.placeNear(s, size, gap + size.height());
            if (box.isEmpty()) {
                QRectF above(QPointF(s.x() - size.width() / 2, s.y() - gap - 2 - size.height()),
                             size);
                if (above.top() < 0 || above.intersects(legend))
                    above.moveTop(s.y() + gap + 2);
                above.moveLeft(
                    std::clamp(above.left(), 0.0, std::max(0.0, viewport.width() - above.width())));
                placer.block(above);
                box = above;
            }
        }
        if (!box.isEmpty())
            out.push_back({box, i, important});
    };

    tryLabel(m_selected, true, 3.0);
    for (int i : m_highlights)
        tryLabel(i, true, 2.0);
    for (int i : m_neighbors)
        tryLabel(i, true, 1.8);
    for (int i : m_marked)
        tryLabel(i, false, 1.6);
    // Then the points drawn individually, in label order (default: index order, the most
    // frequent word first); points shown only as density get none.
    int tried = 0;
    auto consider = [&](int i) {
        if (i < 0 || std::size_t(i) >= m_isDrawn.size() || !m_isDrawn[std::size_t(i)])
            return;
        ++tried;
        tryLabel(i, false, 1.0);
    };
    if (!m_labelOrder.empty()) {
        for (int i : m_labelOrder) {
            if (tried >= kMaxLabelCandidates || placer.full())
                break;
            consider(i);
        }
    } else {
        for (auto it = m_drawn.rbegin();
             it != m_drawn.rend() && tried < kMaxLabelCandidates && !placer.full(); ++it)
            consider(int(*it));
    }
    // Drawn in reverse: the selection's label last, on top of everything.
    std::reverse(out.begin(), out.end());
    return out;
}

void ScatterView::drawLabels(QPainter &p, const std::vector<PlacedLabel> &labels, double scale,
                             double boxFactor)
{
    QFont base;
    const QFont font = labelFont(base, m_labelPt, scale, false),
                bold = labelFont(base, m_labelPt, scale, true);
    const double h = std::max(1.0, scale);
    // Four diagonal copies: a halo that reads on dense points at half the cost of eight.
    const QPointF halo[] = {{-h, -h}, {h, -h}, {-h, h}, {h, h}};
    m_rendered.clear();
    for (const PlacedLabel &l : labels) {
        if (l.point < 0 || l.point >= m_labels.size())
            continue;
        const QRectF box(l.box.topLeft() * boxFactor, l.box.size() * boxFactor);
        m_rendered.push_back({box, l.point, l.important});
        const QString &text = m_labels[l.point];
        p.setFont(l.important ? bold : font);
        // A halo of the background colour keeps the text readable over dense points.
        p.setPen(QColor(252, 252, 250, 235));
        for (const QPointF &d : halo)
            p.drawText(box.translated(d), Qt::AlignCenter, text);
        p.setPen(l.point == m_selected ? QColor(160, 10, 40) : QColor(25, 25, 25));
        p.drawText(box, Qt::AlignCenter, text);
    }
}

QStringList ScatterView::markerKey() const
{
    QStringList marks;
    if (m_selected >= 0)
        marks << tr("large red: the selected word");
    if (!m_neighbors.empty())
        marks << tr("orange: its nearest neighbours");
    if (std::any_of(m_highlights.begin(), m_highlights.end(),
                    [this](int i) { return i != m_selected; }))
        marks << tr("red-orange: %1")
                     .arg(m_highlightMeaning.isEmpty() ? tr("the word searched")
                                                       : m_highlightMeaning);
    if (!m_softHighlights.empty())
        marks << tr("orange ring: other search matches");
    if (!m_marked.empty())
        marks << tr("black ring: box-selected");
    return marks;
}

void ScatterView::drawLegend(QPainter &p, QSize viewport, double scale, QRectF *area)
{
    *area = QRectF();
    m_legendRect = m_legendRamp = QRectF();
    QString densityNote;
    if (m_densityShown)
        densityNote = tr("shaded: %L1 more words, too dense to draw, in their most frequent "
                         "word's colour")
                          .arg(m_densityCount);
    // What the markers mean, when there are any.
    const QStringList marks = markerKey();
    const QString marksNote = marks.join(QStringLiteral("; "));
    const bool gradient = m_legend.kind == Legend::Kind::Gradient && !m_legend.stops.isEmpty();
    const bool categorical = m_legend.kind == Legend::Kind::Categorical;
    if (!gradient && !categorical && densityNote.isEmpty() && m_legend.note.isEmpty() &&
        marksNote.isEmpty())
        return;
    QFont font = p.font();
    font.setPointSizeF(9 * scale);
    QFont small = font;
    small.setPointSizeF(8 * scale);
    const QFontMetricsF fm(font), fms(small);
    const double pad = 6 * scale, sw = 10 * scale, lh = fm.height() + 2 * scale;
    const int rows = categorical ? int(std::min<qsizetype>(m_legend.entries.size(), 12))
                     : gradient  ? 2
                                 : 0;
    const bool titled = gradient || categorical;
    double w = titled ? fm.horizontalAdvance(m_legend.title) : 0;
    for (int i = 0; i < rows && categorical; ++i)
        w = std::max(w, sw + pad + fm.horizontalAdvance(m_legend.entries[i].first));
    if (gradient)
        w = std::max(
            {w, 140 * scale, fm.horizontalAdvance(m_legend.lowText + "   " + m_legend.highText)});
    // Notes wrap at the legend's width (at least 180 px).
    const bool notesShown =
        !densityNote.isEmpty() || !m_legend.note.isEmpty() || !marksNote.isEmpty();
    w = std::max(w, notesShown ? 180 * scale : 0.0);
    auto noteHeight = [&](const QString &t) {
        return t.isEmpty() ? 0.0
                           : fms.boundingRect(QRectF(0, 0, w, 1e6), Qt::TextWordWrap, t).height() +
                                 2 * scale;
    };
    double notes = 0;
    for (const QString &t : {m_legend.note, densityNote, marksNote})
        notes += t.isEmpty() ? 0.0 : noteHeight(t) + kNoteGap * scale;
    const double height = lh * ((titled ? 1 : 0) + rows) + notes + 2 * pad;
    const QRectF box(viewport.width() - w - 3 * pad, pad, w + 2 * pad, height);
    *area = box;
    m_legendRect = box;
    p.setFont(font);
    p.setPen(QColor(200, 200, 200));
    p.setBrush(QColor(255, 255, 255, 235));
    p.drawRoundedRect(box, 4 * scale, 4 * scale);
    p.setPen(QColor(30, 30, 30));
    double y = box.top() + pad;
    if (titled) {
        p.drawText(QRectF(box.left() + pad, y, w, lh), Qt::AlignLeft | Qt::AlignVCenter,
                   m_legend.title);
        y += lh;
    }
    if (categorical) {
        for (int i = 0; i < rows; ++i, y += lh) {
            p.setPen(Qt::NoPen);
            p.setBrush(m_legend.entries[i].second);
            p.drawEllipse(QRectF(box.left() + pad, y + (lh - sw) / 2, sw, sw));
            p.setPen(QColor(30, 30, 30));
            p.drawText(QRectF(box.left() + pad + sw + pad, y, w, lh),
                       Qt::AlignLeft | Qt::AlignVCenter, m_legend.entries[i].first);
        }
    } else if (gradient) {
        const QRectF ramp(box.left() + pad, y + 2 * scale, w, lh / 2);
        QLinearGradient g(ramp.left(), 0, ramp.right(), 0);
        const auto &stops = m_legend.stops;
        for (qsizetype i = 0; i < stops.size(); ++i)
            g.setColorAt(stops.size() == 1 ? 0.0 : double(i) / double(stops.size() - 1), stops[i]);
        p.setPen(Qt::NoPen);
        p.setBrush(g);
        p.drawRect(ramp);
        m_legendRamp = ramp;
        y += lh;
        p.setPen(QColor(30, 30, 30));
        const QRectF row(box.left() + pad, y - lh / 2, w, lh);
        p.drawText(row, Qt::AlignLeft | Qt::AlignVCenter, m_legend.lowText);
        p.drawText(row, Qt::AlignRight | Qt::AlignVCenter, m_legend.highText);
        // Ticks between the ends, each centred under its place on the ramp and left out where
        // it would touch a neighbour.
        double taken = row.left() + fm.horizontalAdvance(m_legend.lowText) + 4 * scale;
        const double limit = row.right() - fm.horizontalAdvance(m_legend.highText) - 4 * scale;
        for (const auto &[t, text] : m_legend.ticks) {
            const double tw = fm.horizontalAdvance(text);
            const double x = ramp.left() + t * ramp.width();
            if (x - tw / 2 < taken || x + tw / 2 > limit)
                continue;
            p.drawLine(QPointF(x, ramp.bottom()), QPointF(x, ramp.bottom() + 2 * scale));
            p.drawText(QRectF(x - tw / 2, row.top(), tw, lh), Qt::AlignCenter, text);
            taken = x + tw / 2 + 4 * scale;
        }
        y += lh / 2;
    }
    p.setFont(small);
    p.setPen(QColor(70, 70, 70));
    for (const QString &t : {m_legend.note, densityNote, marksNote}) {
        if (t.isEmpty())
            continue;
        const double nh = noteHeight(t);
        p.drawText(QRectF(box.left() + pad, y, w, nh), Qt::AlignLeft | Qt::TextWordWrap, t);
        y += nh + kNoteGap * scale;
    }
}

QImage ScatterView::renderImage(QSize size)
{
    if (!context() || size.isEmpty())
        return {};
    makeCurrent();
    // The labels as the screen shows them (placed at the view's own size), drawn scaled: an
    // export shows the same words in the same places. Only when the export has the screen's
    // aspect ratio; otherwise other points are in view and the labels are placed afresh.
    const QSize logical = this->size();
    const bool sameAspect = logical.width() > 0 && logical.height() > 0 &&
                            std::abs(double(size.width()) / size.height() -
                                     double(logical.width()) / logical.height()) <
                                0.01 * double(size.width()) / size.height();
    std::vector<PlacedLabel> screenLabels;
    if (sameAspect && m_labelsOn) {
        m_camera.setViewport(logical);
        updateLevelOfDetail(logical);
        QImage scratch(1, 1, QImage::Format_ARGB32);
        QPainter probe(&scratch);
        QRectF legendArea;
        drawLegend(probe, logical, 1.0, &legendArea);
        probe.end();
        screenLabels = placeLabels(logical, 1.0, legendArea, drawCaption(nullptr, logical, 1.0));
        m_fixedLabels = &screenLabels;
    }
    QOpenGLFramebufferObjectFormat fmt;
    fmt.setAttachment(QOpenGLFramebufferObject::CombinedDepthStencil);
    QOpenGLFramebufferObject fbo(size, fmt);
    fbo.bind();
    const Camera saved = m_camera;
    m_camera.setViewport(size);
    if (!m_camera.is3D())
        m_camera.scaleZoom(double(size.width()) / std::max(1, width()));
    m_lodDirty = true;
    QOpenGLPaintDevice device(size);
    renderScene(size, 1.0, &device);
    QImage image = fbo.toImage();
    fbo.release();
    m_fixedLabels = nullptr;
    m_camera = saved;
    m_lodDirty = true;
    doneCurrent();
    update();
    return image;
}

bool ScatterView::exportSvg(const QString &path, QString *error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = path + ": " + file.errorString();
        return false;
    }
    m_camera.setViewport(size());
    updateLevelOfDetail(size()); // screen positions for this size (renderImage may differ)
    QSvgGenerator gen;
    gen.setOutputDevice(&file);
    gen.setSize(size());
    gen.setViewBox(QRect(QPoint(0, 0), size()));
    gen.setTitle(QStringLiteral("Embex view"));
    // The screen's resolution: a label of 20 pt is as large in the SVG as on screen.
    gen.setResolution(logicalDpiX());
    {
        QPainter p(&gen);
        p.setRenderHint(QPainter::Antialiasing);
        p.fillRect(rect(), QColor(250, 250, 248));
        // The words too dense to draw as points, as on screen: the density layer, embedded as
        // an image stretched over the view exactly as the shader stretches its texture.
        const QImage density = densityImage();
        if (!density.isNull())
            p.drawImage(QRectF(rect()), density);
        auto at = [&](int i, QPointF *s) {
            if (i < 0 || std::size_t(i) * 2 >= m_screen.size() ||
                std::isnan(m_screen[2 * std::size_t(i)]))
                return false;
            *s = QPointF(m_screen[2 * std::size_t(i)], m_screen[2 * std::size_t(i) + 1]);
            return true;
        };
        QPointF a, b;
        p.setPen(QPen(QColor(90, 90, 90, 160), 1));
        if (at(m_selected, &a))
            for (int nb : m_neighbors)
                if (at(nb, &b))
                    p.drawLine(a, b);
        p.setPen(Qt::NoPen);
        const double r = m_pointSize / 2;
        for (auto i : m_drawn) {
            if (!at(int(i), &a))
                continue;
            p.setBrush(QColor::fromRgba(m_colors[i]));
            p.drawEllipse(a, r, r);
        }
        // As renderScene draws them: rings in the point's own colour first, then the
        // selection, its neighbours and the exact hits.
        auto ring = [&](const std::vector<int> &pts, QColor fill, double f, QColor outline) {
            p.setPen(QPen(outline, 1.5));
            for (int i : pts) {
                if (!at(i, &a))
                    continue;
                p.setBrush(fill.alpha() > 0 ? fill : QColor::fromRgba(m_colors[std::size_t(i)]));
                p.drawEllipse(a, r * f, r * f);
            }
        };
        ring(m_softHighlights, QColor(0, 0, 0, 0), 1.5, QColor(235, 110, 30));
        ring(m_marked, QColor(0, 0, 0, 0), 1.8, QColor(20, 20, 20));
        if (m_selected >= 0)
            ring({m_selected}, QColor(220, 20, 60), 3.0, QColor(20, 20, 20));
        ring(m_neighbors, QColor(250, 160, 30), 1.8, QColor(60, 60, 60));
        std::vector<int> hits;
        for (int i : m_highlights)
            if (i != m_selected)
                hits.push_back(i);
        ring(hits, QColor(230, 80, 40), 2.0, QColor(40, 40, 40));
        drawOverlay(p, size(), 1.0);
    }
    if (!file.commit()) {
        if (error)
            *error = path + ": " + file.errorString();
        return false;
    }
    return true;
}

} // namespace embex::render
