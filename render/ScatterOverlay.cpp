// ScatterView's QPainter layer (labels, legend, box) and its exports (PNG at any size, SVG).
#include "render/LabelPlacer.h"
#include "render/ScatterView.h"

#include <QOpenGLFramebufferObject>
#include <QOpenGLPaintDevice>
#include <QPainter>
#include <QSaveFile>
#include <QSvgGenerator>

#include <cmath>

namespace embex::render {

namespace {
constexpr int kMaxLabelCandidates = 1500;
}

void ScatterView::drawOverlay(QPainter &p, QSize viewport, double scale)
{
    QRectF legendArea;
    drawLegend(p, viewport, scale, &legendArea);
    if (m_labelsOn)
        drawLabels(p, viewport, scale);
    if (m_boxSelecting && !m_box.isEmpty()) {
        p.setPen(QPen(QColor(90, 60, 160), 1, Qt::DashLine));
        p.setBrush(QColor(140, 60, 190, 40));
        p.drawRect(m_box);
    }
}

void ScatterView::drawLabels(QPainter &p, QSize viewport, double scale)
{
    if (m_labels.isEmpty() || m_screen.empty())
        return;
    QFont font = p.font();
    font.setPointSizeF(m_labelPt * scale);
    QFont bold = font;
    bold.setBold(true);
    const QFontMetricsF fm(font), fmBold(bold);
    LabelPlacer placer(QSizeF(viewport), 12.0 * m_labelPt * scale / 10.0 + 24);
    const double radius = m_pointSize * scale;

    std::vector<char> done(m_screen.size() / 2, 0);
    auto tryLabel = [&](int i, bool important) {
        if (i < 0 || i >= m_labels.size() || std::size_t(i) * 2 >= m_screen.size() ||
            done[std::size_t(i)])
            return;
        done[std::size_t(i)] = 1;
        const float x = m_screen[2 * std::size_t(i)], y = m_screen[2 * std::size_t(i) + 1];
        if (std::isnan(x))
            return;
        const QString &text = m_labels[i];
        const QFontMetricsF &m = important ? fmBold : fm;
        const QSizeF size(m.horizontalAdvance(text) + 6 * scale, m.height() + 2 * scale);
        const QRectF box = placer.placeNear(QPointF(x, y), size, radius * (important ? 2 : 1));
        if (box.isEmpty())
            return;
        p.setFont(important ? bold : font);
        if (important) {
            p.setPen(Qt::NoPen);
            p.setBrush(QColor(255, 255, 255, 215));
            p.drawRoundedRect(box, 3 * scale, 3 * scale);
        }
        p.setPen(i == m_selected ? QColor(160, 10, 40) : QColor(30, 30, 30));
        p.drawText(box, Qt::AlignCenter, text);
    };

    tryLabel(m_selected, true);
    for (int i : m_highlights)
        tryLabel(i, true);
    for (int i : m_neighbors)
        tryLabel(i, true);
    for (int i : m_marked)
        tryLabel(i, false);
    // Then by priority (low index first) among the points drawn; m_drawn is stored reversed.
    int tried = 0;
    for (auto it = m_drawn.rbegin(); it != m_drawn.rend() && tried < kMaxLabelCandidates;
         ++it, ++tried) {
        if (placer.full())
            break;
        tryLabel(int(*it), false);
    }
}

void ScatterView::drawLegend(QPainter &p, QSize viewport, double scale, QRectF *area)
{
    *area = QRectF();
    if (m_legend.kind == Legend::Kind::None)
        return;
    QFont font = p.font();
    font.setPointSizeF(9 * scale);
    p.setFont(font);
    const QFontMetricsF fm(font);
    const double pad = 6 * scale, sw = 10 * scale, lh = fm.height() + 2 * scale;
    const int rows = m_legend.kind == Legend::Kind::Categorical
                         ? int(std::min<qsizetype>(m_legend.entries.size(), 12))
                         : 2;
    double w = fm.horizontalAdvance(m_legend.title);
    for (int i = 0; i < rows && m_legend.kind == Legend::Kind::Categorical; ++i)
        w = std::max(w, sw + pad + fm.horizontalAdvance(m_legend.entries[i].first));
    if (m_legend.kind == Legend::Kind::Gradient)
        w = std::max(
            {w, 120 * scale, fm.horizontalAdvance(m_legend.lowText + "   " + m_legend.highText)});
    const QRectF box(viewport.width() - w - 3 * pad, pad, w + 2 * pad, lh * (rows + 1) + 2 * pad);
    *area = box;
    p.setPen(QColor(200, 200, 200));
    p.setBrush(QColor(255, 255, 255, 225));
    p.drawRoundedRect(box, 4 * scale, 4 * scale);
    p.setPen(QColor(30, 30, 30));
    double y = box.top() + pad;
    p.drawText(QRectF(box.left() + pad, y, w, lh), Qt::AlignLeft | Qt::AlignVCenter,
               m_legend.title);
    y += lh;
    if (m_legend.kind == Legend::Kind::Categorical) {
        for (int i = 0; i < rows; ++i, y += lh) {
            p.setPen(Qt::NoPen);
            p.setBrush(m_legend.entries[i].second);
            p.drawEllipse(QRectF(box.left() + pad, y + (lh - sw) / 2, sw, sw));
            p.setPen(QColor(30, 30, 30));
            p.drawText(QRectF(box.left() + pad + sw + pad, y, w, lh),
                       Qt::AlignLeft | Qt::AlignVCenter, m_legend.entries[i].first);
        }
    } else {
        QLinearGradient g(box.left() + pad, 0, box.right() - pad, 0);
        g.setColorAt(0, m_legend.low);
        g.setColorAt(1, m_legend.high);
        p.setPen(Qt::NoPen);
        p.setBrush(g);
        p.drawRect(QRectF(box.left() + pad, y + 2 * scale, w, lh / 2));
        y += lh;
        p.setPen(QColor(30, 30, 30));
        p.drawText(QRectF(box.left() + pad, y - lh / 2, w, lh), Qt::AlignLeft | Qt::AlignVCenter,
                   m_legend.lowText);
        p.drawText(QRectF(box.left() + pad, y - lh / 2, w, lh), Qt::AlignRight | Qt::AlignVCenter,
                   m_legend.highText);
    }
}

QImage ScatterView::renderImage(QSize size)
{
    if (!context() || size.isEmpty())
        return {};
    makeCurrent();
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
    {
        QPainter p(&gen);
        p.setRenderHint(QPainter::Antialiasing);
        p.fillRect(rect(), QColor(250, 250, 248));
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
        auto ring = [&](const std::vector<int> &pts, QColor fill, double f) {
            p.setPen(QPen(QColor(40, 40, 40), 1));
            p.setBrush(fill);
            for (int i : pts)
                if (at(i, &a))
                    p.drawEllipse(a, r * f, r * f);
        };
        ring(m_marked, QColor(140, 60, 190), 1.6);
        ring(m_neighbors, QColor(250, 160, 30), 1.8);
        ring(m_highlights, QColor(230, 80, 40), 2.0);
        if (m_selected >= 0)
            ring({m_selected}, QColor(220, 20, 60), 3.0);
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
