#include "ScatterView.h"

#include "LabelPlacer.h"

#include <QGuiApplication>
#include <QMouseEvent>
#include <QOffscreenSurface>
#include <QOpenGLContext>
#include <QOpenGLFramebufferObject>
#include <QOpenGLFunctions_3_3_Core>
#include <QOpenGLPaintDevice>
#include <QOpenGLVersionFunctionsFactory>
#include <QPainter>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <limits>

// Shaders live in render.qrc inside this static library; register them explicitly.
static void initRenderResources()
{
    Q_INIT_RESOURCE(render);
}

namespace embex::render {

namespace {
constexpr double kAnimationMs = 450.0;
constexpr std::uint32_t kDefaultColor = 0xff4a78b5u;
const QColor kHitColor(230, 80, 40);
const QColor kNeighborColor(250, 160, 30);
const QColor kMarkedColor(20, 20, 20);
const QColor kSelectedColor(220, 20, 60);
const QColor kSoftHitColor(235, 110, 30);

double ease(double t)
{
    return t * t * (3 - 2 * t);
}
} // namespace

ScatterView::ScatterView(QWidget *parent) : QOpenGLWidget(parent)
{
    initRenderResources();
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setMinimumSize(200, 150);
}

ScatterView::~ScatterView()
{
    // The context outlives this part of the object: stop it calling back into a half-destroyed
    // ScatterView, then free the GL resources while it is still alive.
    if (context())
        disconnect(context(), nullptr, this, nullptr);
    cleanupGL();
}

QString ScatterView::openGLProblem()
{
    // These platforms draw widgets without a window system: QOpenGLWidget cannot compose
    // there even when a GL context can be created (it crashes in the flush).
    const QString platform = QGuiApplication::platformName();
    if (platform == QLatin1String("offscreen") || platform == QLatin1String("minimal") ||
        platform == QLatin1String("vnc"))
        return QStringLiteral("the '%1' Qt platform has no OpenGL widgets").arg(platform);
    QOpenGLContext ctx;
    QSurfaceFormat fmt;
    fmt.setVersion(3, 3);
    fmt.setProfile(QSurfaceFormat::CoreProfile);
    ctx.setFormat(fmt);
    if (!ctx.create())
        return QStringLiteral("no OpenGL context can be created on this display");
    QOffscreenSurface surface;
    surface.setFormat(ctx.format());
    surface.create();
    if (!surface.isValid() || !ctx.makeCurrent(&surface))
        return QStringLiteral("the OpenGL context cannot be made current");
    const auto v = ctx.format().version();
    ctx.doneCurrent();
    if (v < qMakePair(3, 3))
        return QStringLiteral("OpenGL %1.%2 found; Embex's scatter view needs 3.3")
            .arg(v.first)
            .arg(v.second);
    return {};
}

void ScatterView::cleanupGL()
{
    if (!m_glReady || !context())
        return;
    makeCurrent();
    m_renderer.release();
    m_glReady = false;
    doneCurrent();
}

void ScatterView::initializeGL()
{
    connect(context(), &QOpenGLContext::aboutToBeDestroyed, this, &ScatterView::cleanupGL,
            Qt::UniqueConnection);
    const auto v = context()->format().version();
    if (v < qMakePair(3, 3)) {
        m_glError = QStringLiteral("OpenGL %1.%2 found; the scatter view needs 3.3")
                        .arg(v.first)
                        .arg(v.second);
        return;
    }
    if (!m_renderer.initialize()) {
        m_glError = m_renderer.error();
        return;
    }
    m_glReady = true;
    m_positionsDirty = m_colorsDirty = m_lodDirty = true;
}

void ScatterView::resizeGL(int w, int h)
{
    m_camera.setViewport(QSize(w, h));
    m_lodDirty = true;
}

void ScatterView::markDirty()
{
    m_lodDirty = true;
    update();
}

void ScatterView::setLayout(std::vector<float> xyz, bool is3D, bool animate)
{
    const bool sameSize = xyz.size() == m_target.size() && !m_current.empty();
    const bool hadLayout = !m_current.empty();
    const bool modeChanged = is3D != m_camera.is3D();
    m_camera.set3D(is3D);
    m_target = std::move(xyz);
    if (animate && sameSize && !modeChanged) {
        m_from = m_current;
        m_animating = true;
        m_animClock.start();
    } else {
        m_current = m_target;
        m_animating = false;
    }
    if (m_colors.size() != m_target.size() / 3)
        m_colors.assign(m_target.size() / 3, kDefaultColor);
    m_colorsDirty = m_positionsDirty = true;
    // Another layout is fitted, never shown through the old one's camera: animated from the
    // old framing (immediately on the first layout and when 2-D/3-D changes).
    if (!sameSize || modeChanged)
        fitView(hadLayout && !modeChanged);
    markDirty();
}

void ScatterView::setLabels(QStringList labels)
{
    m_labels = std::move(labels);
    update();
}

void ScatterView::setColors(std::vector<std::uint32_t> rgba)
{
    m_colors = std::move(rgba);
    m_colors.resize(m_target.size() / 3, kDefaultColor);
    m_colorsDirty = true;
    markDirty(); // the density layer takes its colours from the points
}

void ScatterView::setLegend(Legend legend)
{
    m_legend = std::move(legend);
    update();
}

void ScatterView::setHighlights(std::vector<int> points)
{
    m_highlights = std::move(points);
    update();
}

void ScatterView::setHighlightMeaning(QString meaning)
{
    m_highlightMeaning = std::move(meaning);
    update();
}

void ScatterView::setSoftHighlights(std::vector<int> points)
{
    m_softHighlights = std::move(points);
    update();
}

void ScatterView::setLabelOrder(std::vector<int> order)
{
    m_labelOrder = std::move(order);
    update();
}

void ScatterView::setCaption(QStringList lines)
{
    if (lines == m_caption)
        return;
    m_caption = std::move(lines);
    update();
}

void ScatterView::setSelection(int point, std::vector<int> neighbors)
{
    m_selected = point;
    m_neighbors = std::move(neighbors);
    update();
}

void ScatterView::setMarked(std::vector<int> points)
{
    m_marked = std::move(points);
    update();
}

void ScatterView::setPointSize(double px)
{
    m_pointSize = std::clamp(px, 1.0, 64.0);
    update();
}

void ScatterView::setLabelFontSize(int pt)
{
    m_labelPt = std::clamp(pt, 5, 72);
    update();
}

void ScatterView::setLabelsVisible(bool on)
{
    m_labelsOn = on;
    update();
}

void ScatterView::setPointBudget(int n)
{
    m_budget = std::max(1, n);
    markDirty();
}

void ScatterView::fitView(bool animate)
{
    m_cameraTouched = false;
    // A fit replaces any camera move under way (a move towards an older layout's fit would
    // otherwise land the camera there).
    m_cameraAnimating = false;
    QToolTip::hideText();
    const std::size_t n = m_target.size() / 3;
    if (n == 0)
        return;
    QVector3D lo(std::numeric_limits<float>::max(), std::numeric_limits<float>::max(),
                 std::numeric_limits<float>::max());
    QVector3D hi = -lo;
    for (std::size_t i = 0; i < n; ++i) {
        QVector3D p(m_target[3 * i], m_target[3 * i + 1], m_target[3 * i + 2]);
        lo = QVector3D(std::min(lo.x(), p.x()), std::min(lo.y(), p.y()), std::min(lo.z(), p.z()));
        hi = QVector3D(std::max(hi.x(), p.x()), std::max(hi.y(), p.y()), std::max(hi.z(), p.z()));
    }
    Camera target = m_camera;
    target.setViewport(size());
    target.fit(lo, hi);
    if (target.is3D()) {
        // The bounding sphere of the box is far larger than most clouds: bring the eye in
        // until the points as seen from this angle fill 90% of the view (the screen extent
        // of points near the centre scales with 1 / distance; twice is close enough).
        const QPointF mid(size().width() / 2.0, size().height() / 2.0);
        for (int round = 0; round < 2; ++round) {
            double dx = 0, dy = 0;
            for (std::size_t i = 0; i < n; ++i) {
                QPointF s;
                if (target.toScreen(
                        QVector3D(m_target[3 * i], m_target[3 * i + 1], m_target[3 * i + 2]), &s)) {
                    dx = std::max(dx, std::abs(s.x() - mid.x()));
                    dy = std::max(dy, std::abs(s.y() - mid.y()));
                }
            }
            const double f = std::max(dx / (0.45 * size().width()), dy / (0.45 * size().height()));
            if (!(f > 0) || !std::isfinite(f))
                break;
            target.setDistance(float(double(target.distance()) * f));
        }
    }
    if (animate) {
        m_cameraFrom = m_camera;
        m_cameraTo = target;
        m_cameraAnimating = true;
        m_cameraClock.start();
    } else {
        m_camera = target;
    }
    markDirty();
}

void ScatterView::panBy(QPointF pixels)
{
    m_cameraAnimating = false;
    m_camera.setViewport(size());
    m_camera.pan(pixels);
    markDirty();
}

void ScatterView::zoomToSelection()
{
    std::vector<int> pts = m_marked;
    if (m_selected >= 0) {
        pts.push_back(m_selected);
        pts.insert(pts.end(), m_neighbors.begin(), m_neighbors.end());
    }
    if (pts.empty())
        return;
    QVector3D lo(std::numeric_limits<float>::max(), std::numeric_limits<float>::max(),
                 std::numeric_limits<float>::max());
    QVector3D hi = -lo;
    for (int i : pts) {
        QVector3D p(m_target[3 * std::size_t(i)], m_target[3 * std::size_t(i) + 1],
                    m_target[3 * std::size_t(i) + 2]);
        lo = QVector3D(std::min(lo.x(), p.x()), std::min(lo.y(), p.y()), std::min(lo.z(), p.z()));
        hi = QVector3D(std::max(hi.x(), p.x()), std::max(hi.y(), p.y()), std::max(hi.z(), p.z()));
    }
    QVector3D pad = (hi - lo) * 0.3f + QVector3D(1e-3f, 1e-3f, 1e-3f);
    m_cameraFrom = m_camera;
    m_cameraTo = m_camera;
    m_cameraTo.fit(lo - pad, hi + pad);
    m_cameraAnimating = true;
    m_cameraClock.start();
    markDirty();
}

void ScatterView::advanceAnimation()
{
    if (m_animating) {
        const double t = std::min(1.0, double(m_animClock.elapsed()) / kAnimationMs);
        const float e = float(ease(t));
        m_current.resize(m_target.size());
        for (std::size_t i = 0; i < m_target.size(); ++i)
            m_current[i] = m_from[i] + (m_target[i] - m_from[i]) * e;
        m_positionsDirty = m_lodDirty = true;
        if (t >= 1.0)
            m_animating = false;
    }
    if (m_cameraAnimating) {
        const double t = std::min(1.0, double(m_cameraClock.elapsed()) / kAnimationMs);
        m_camera = Camera::lerp(m_cameraFrom, m_cameraTo, ease(t));
        m_camera.setViewport(size());
        m_lodDirty = true;
        if (t >= 1.0)
            m_cameraAnimating = false;
    }
}

void ScatterView::updateLevelOfDetail(QSize viewport)
{
    const std::size_t n = m_current.size() / 3;
    m_screen.assign(2 * n, std::numeric_limits<float>::quiet_NaN());
    m_isDrawn.assign(n, 0);
    std::vector<std::uint32_t> visible;
    visible.reserve(std::min<std::size_t>(n, std::size_t(m_budget) * 2));
    const double margin = m_pointSize;
    const double w = viewport.width(), h = viewport.height();
    // Density bins of 4 logical pixels.
    const int bw = std::max(1, viewport.width() / 4), bh = std::max(1, viewport.height() / 4);
    std::vector<float> hist;
    std::vector<std::uint32_t> binColor;
    int densityCount = 0;
    for (std::size_t i = 0; i < n; ++i) {
        QPointF s;
        if (!m_camera.toScreen(
                QVector3D(m_current[3 * i], m_current[3 * i + 1], m_current[3 * i + 2]), &s))
            continue;
        if (s.x() < -margin || s.y() < -margin || s.x() > w + margin || s.y() > h + margin)
            continue;
        m_screen[2 * i] = float(s.x());
        m_screen[2 * i + 1] = float(s.y());
        if (visible.size() < std::size_t(m_budget)) {
            visible.push_back(std::uint32_t(i));
            m_isDrawn[i] = 1;
        } else {
            if (hist.empty()) {
                hist.assign(std::size_t(bw) * std::size_t(bh), 0.0f);
                binColor.assign(hist.size(), 0u);
            }
            const int bx = std::clamp(int(s.x() / 4), 0, bw - 1);
            const int by = std::clamp(int(s.y() / 4), 0, bh - 1);
            const std::size_t b = std::size_t(by) * std::size_t(bw) + std::size_t(bx);
            // Points come in priority order: the first in a bin is its most frequent word,
            // whose colour (one the legend shows) the bin takes.
            if (hist[b] == 0.0f)
                binColor[b] = i < m_colors.size() ? m_colors[i] : kDefaultColor;
            hist[b] += 1.0f;
            ++densityCount;
        }
    }
    m_densityShown = !hist.empty();
    m_densityCount = densityCount;
    m_density.clear();
    if (m_densityShown) {
        const float mx = *std::max_element(hist.begin(), hist.end());
        const float norm = 1.0f / std::log1p(mx);
        int x0 = bw, y0 = bh, x1 = -1, y1 = -1;
        m_density.assign(4 * hist.size(), 0);
        for (int y = 0; y < bh; ++y)
            for (int x = 0; x < bw; ++x) {
                const std::size_t b = std::size_t(y) * std::size_t(bw) + std::size_t(x);
                if (hist[b] <= 0)
                    continue;
                const QRgb c = binColor[b];
                const float v = 0.15f + 0.85f * std::log1p(hist[b]) * norm;
                m_density[4 * b] = std::uint8_t(qRed(c));
                m_density[4 * b + 1] = std::uint8_t(qGreen(c));
                m_density[4 * b + 2] = std::uint8_t(qBlue(c));
                m_density[4 * b + 3] = std::uint8_t(std::clamp(int(v * 255.0f + 0.5f), 1, 255));
                x0 = std::min(x0, x), x1 = std::max(x1, x);
                y0 = std::min(y0, y), y1 = std::max(y1, y);
            }
        m_densityBox = QRect(QPoint(x0 * 4, y0 * 4), QPoint((x1 + 1) * 4 + 3, (y1 + 1) * 4 + 3));
    }
    m_densitySize = QSize(bw, bh);
    // Draw low-priority points first so frequent words end up on top.
    m_drawn.assign(visible.rbegin(), visible.rend());
    m_lodUploadPending = true;
    m_lodViewport = viewport;
    m_lodDirty = false;
}

QImage ScatterView::densityImage() const
{
    if (!m_densityShown || m_density.empty())
        return {};
    QImage img(m_densitySize, QImage::Format_ARGB32);
    for (int y = 0; y < m_densitySize.height(); ++y)
        for (int x = 0; x < m_densitySize.width(); ++x) {
            const std::size_t b =
                4 * (std::size_t(y) * std::size_t(m_densitySize.width()) + std::size_t(x));
            const int a = m_density[b + 3];
            // As the shader draws it: alpha 0.25 + 0.6 × density where there is any.
            const int alpha = a == 0 ? 0 : int(std::lround((0.25 + 0.6 * a / 255.0) * 255.0));
            img.setPixel(x, y, qRgba(m_density[b], m_density[b + 1], m_density[b + 2], alpha));
        }
    return img;
}

std::vector<float> ScatterView::neighborSegments() const
{
    std::vector<float> seg;
    if (m_selected < 0 || std::size_t(m_selected) * 3 >= m_current.size())
        return seg;
    for (int nb : m_neighbors) {
        if (nb < 0 || std::size_t(nb) * 3 >= m_current.size())
            continue;
        for (int p : {m_selected, nb})
            for (int k = 0; k < 3; ++k)
                seg.push_back(m_current[3 * std::size_t(p) + std::size_t(k)]);
    }
    return seg;
}

void ScatterView::renderScene(QSize viewport, double dpr, QPaintDevice *device)
{
    auto *f = QOpenGLVersionFunctionsFactory::get<QOpenGLFunctions_3_3_Core>(context());
    f->glViewport(0, 0, int(viewport.width() * dpr), int(viewport.height() * dpr));
    f->glClearColor(0.985f, 0.985f, 0.98f, 1.0f);
    f->glClear(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT);
    const double scale = double(viewport.width()) / std::max(1, width());
    if (m_glReady && !m_current.empty()) {
        if (m_positionsDirty) {
            m_renderer.uploadPositions(m_current);
            m_positionsDirty = false;
        }
        if (m_colorsDirty) {
            m_renderer.uploadColors(m_colors);
            m_colorsDirty = false;
        }
        if (m_lodDirty || m_lodViewport != viewport)
            updateLevelOfDetail(viewport);
        if (m_lodUploadPending) {
            m_renderer.uploadDensity(m_density, m_densitySize.width(), m_densitySize.height());
            m_renderer.uploadVisible(m_drawn);
            m_lodUploadPending = false;
        }
        f->glDisable(GL_DEPTH_TEST);
        f->glEnable(GL_BLEND);
        // Keep destination alpha at 1: the widget is composed as premultiplied, and a
        // translucent framebuffer would tint the window behind it.
        f->glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE,
                               GL_ONE_MINUS_SRC_ALPHA);
        f->glEnable(GL_PROGRAM_POINT_SIZE);
        const QMatrix4x4 mvp = m_camera.matrix();
        const float px = float(m_pointSize * dpr * scale);
        if (m_densityShown) {
            // Shade only the bins' bounding box: on a software rasteriser every fragment of a
            // full-screen quad costs, even the discarded ones.
            const QRect b = m_densityBox.intersected(QRect(QPoint(0, 0), viewport));
            f->glEnable(GL_SCISSOR_TEST);
            f->glScissor(int(b.left() * dpr), int((viewport.height() - b.bottom() - 1) * dpr),
                         int(b.width() * dpr), int(b.height() * dpr));
            m_renderer.drawDensity();
            f->glDisable(GL_SCISSOR_TEST);
        }
        m_renderer.drawLines(mvp, neighborSegments(), QColor(90, 90, 90, 160));
        m_renderer.drawPoints(mvp, px);
        auto toIdx = [](const std::vector<int> &v) {
            return std::vector<std::uint32_t>(v.begin(), v.end());
        };
        // Rings keep the point's own colour (the colour map stays true): other search matches
        // and box-selected words. Then the selection, and on top of it its neighbours (which
        // often sit right beside it) and the exact search hits.
        const QColor own(0, 0, 0, 0);
        m_renderer.drawHighlights(mvp, toIdx(m_softHighlights), px * 1.5f, own, kSoftHitColor);
        m_renderer.drawHighlights(mvp, toIdx(m_marked), px * 1.8f, own, kMarkedColor);
        if (m_selected >= 0)
            m_renderer.drawHighlights(mvp, {std::uint32_t(m_selected)}, px * 3.0f, kSelectedColor,
                                      QColor(20, 20, 20));
        m_renderer.drawHighlights(mvp, toIdx(m_neighbors), px * 1.8f, kNeighborColor,
                                  QColor(60, 60, 60));
        std::vector<std::uint32_t> hits;
        for (int i : m_highlights)
            if (i != m_selected)
                hits.push_back(std::uint32_t(i));
        m_renderer.drawHighlights(mvp, hits, px * 2.0f, kHitColor, QColor(40, 40, 40));
    }
    QPainter painter(device);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setRenderHint(QPainter::TextAntialiasing);
    if (!m_glReady) {
        painter.fillRect(QRect(QPoint(0, 0), viewport), QColor(250, 250, 250));
        painter.drawText(QRect(QPoint(0, 0), viewport), Qt::AlignCenter | Qt::TextWordWrap,
                         tr("The scatter view needs OpenGL 3.3: %1").arg(m_glError));
    } else {
        drawOverlay(painter, viewport, scale);
        if (!m_painterWarm) {
            // Text drawing compiles the paint engine's shaders and fills its glyph cache on
            // first use (tens of ms on llvmpipe); do it on the first, empty frame rather than
            // on the first frame with data.
            painter.setPen(QColor(0, 0, 0, 1));
            painter.drawText(QPointF(1, 12), QStringLiteral("Embex 0123456789"));
            m_painterWarm = true;
        }
    }
    painter.end();
}

void ScatterView::paintGL()
{
    QElapsedTimer timer;
    timer.start();
    advanceAnimation();
    m_camera.setViewport(size());
    renderScene(size(), devicePixelRatioF(), this);
    if (m_finishFrames)
        QOpenGLVersionFunctionsFactory::get<QOpenGLFunctions_3_3_Core>(context())->glFinish();
    m_frameMs = double(timer.nsecsElapsed()) / 1e6;
    emit frameRendered(m_frameMs);
    if (m_animating || m_cameraAnimating)
        update();
}

bool ScatterView::screenPosition(int i, QPointF *out) const
{
    if (i < 0 || std::size_t(i) * 3 >= m_current.size())
        return false;
    Camera c = m_camera;
    c.setViewport(size());
    if (!c.toScreen(QVector3D(m_current[3 * std::size_t(i)], m_current[3 * std::size_t(i) + 1],
                              m_current[3 * std::size_t(i) + 2]),
                    out))
        return false;
    return QRectF(rect()).contains(*out);
}

int ScatterView::pick(QPointF s, double radiusPx) const
{
    int best = -1;
    double bestD = radiusPx * radiusPx;
    auto consider = [&](int i) {
        if (i < 0 || std::size_t(i) * 2 >= m_screen.size())
            return;
        const float x = m_screen[2 * std::size_t(i)], y = m_screen[2 * std::size_t(i) + 1];
        if (std::isnan(x))
            return;
        const double dx = double(x) - s.x(), dy = double(y) - s.y();
        const double d = dx * dx + dy * dy;
        if (d < bestD || (d == bestD && i < best)) {
            bestD = d;
            best = i;
        }
    };
    for (auto i : m_drawn)
        consider(int(i));
    for (int i : m_highlights)
        consider(i);
    for (int i : m_softHighlights)
        consider(i);
    for (int i : m_neighbors)
        consider(i);
    consider(m_selected);
    return best;
}

std::vector<int> ScatterView::pointsIn(const QRectF &r) const
{
    std::vector<int> out;
    for (std::size_t i = 0; i < m_screen.size() / 2; ++i) {
        const float x = m_screen[2 * i], y = m_screen[2 * i + 1];
        if (!std::isnan(x) && r.contains(QPointF(x, y)))
            out.push_back(int(i));
    }
    return out;
}

void ScatterView::mousePressEvent(QMouseEvent *e)
{
    m_pressPos = m_lastPos = e->position().toPoint();
    m_dragging = false;
    m_boxSelecting = (e->modifiers() & Qt::ShiftModifier) && e->button() == Qt::LeftButton;
    m_box = QRect(m_pressPos, QSize());
}

void ScatterView::mouseMoveEvent(QMouseEvent *e)
{
    const QPoint pos = e->position().toPoint();
    if (e->buttons() == Qt::NoButton) {
        const int i = pick(e->position());
        if (i >= 0 && m_tooltip)
            QToolTip::showText(e->globalPosition().toPoint(), m_tooltip(i), this);
        else
            QToolTip::hideText();
        return;
    }
    if ((pos - m_pressPos).manhattanLength() > 3)
        m_dragging = true;
    const QPointF delta = pos - m_lastPos;
    m_lastPos = pos;
    if (m_boxSelecting) {
        m_box = QRect(m_pressPos, pos).normalized();
        update();
        return;
    }
    m_cameraAnimating = false;
    m_cameraTouched = true;
    if ((e->buttons() & Qt::LeftButton) && m_camera.is3D() &&
        !(e->modifiers() & Qt::ControlModifier))
        m_camera.orbit(delta);
    else
        m_camera.pan(delta);
    markDirty();
}

void ScatterView::mouseReleaseEvent(QMouseEvent *e)
{
    if (m_boxSelecting) {
        m_boxSelecting = false;
        const QRect box = m_box;
        m_box = QRect();
        update();
        if (m_dragging) {
            emit boxSelected(pointsIn(box));
            return;
        }
    }
    if (!m_dragging && e->button() == Qt::LeftButton)
        emit pointClicked(pick(e->position()));
}

void ScatterView::wheelEvent(QWheelEvent *e)
{
    QToolTip::hideText();
    m_cameraAnimating = false;
    m_cameraTouched = true;
    m_camera.setViewport(size());
    m_camera.zoomAt(e->position(), std::pow(1.0015, e->angleDelta().y()));
    markDirty();
}

} // namespace embex::render
