#pragma once
// The OpenGL scatter view (docs/ARCHITECTURE.md, "The scatter view"): points, labels,
// highlights, neighbour lines, 2-D/3-D cameras, level of detail for large sets, picking, export.
#include "Camera.h"
#include "PointRenderer.h"

#include <QElapsedTimer>
#include <QOpenGLWidget>
#include <QStringList>

#include <cstdint>
#include <functional>
#include <vector>

namespace embex::render {

/// A colour legend drawn in the top-right corner. It must describe exactly the colours the
/// points are given: a gradient legend is drawn through all of `stops` (evenly spaced, in the
/// order of the colour map), never as a straight blend of its two ends.
struct Legend
{
    enum class Kind { None, Categorical, Gradient };
    Kind kind = Kind::None;
    QString title;
    QList<QPair<QString, QColor>> entries; ///< categorical: label + colour
    QList<QColor> stops;                   ///< gradient: the colour map, low end first
    QString lowText, highText;
    /// Gradient: labelled positions along the ramp (0 = low end, 1 = high end), e.g. the
    /// ranks 10, 100, 1,000 of a logarithmic scale.
    QList<QPair<double, QString>> ticks;
    QString note; ///< an optional last line in small type (e.g. "measuring...")
};

/// One label as placed on screen: its box in logical pixels and how it is drawn.
struct PlacedLabel
{
    QRectF box;
    int point = -1;
    bool important = false; ///< selection, exact search hits and neighbours: bold
};

/// Point i is drawn at positions[3i..3i+2] with label labels[i] and colour colors[i]. Points
/// are given in priority order (index 0 first: the most frequent word); level of detail and
/// labels prefer low indices. Thread: GUI thread only.
class ScatterView : public QOpenGLWidget
{
    Q_OBJECT
public:
    explicit ScatterView(QWidget *parent = nullptr);
    ~ScatterView() override;

    /// Empty when OpenGL 3.3 core can be used on this platform, else the reason. The app asks
    /// before creating a ScatterView, and shows the reason instead of the view.
    static QString openGLProblem();

    /// Replaces the layout: n × 3 floats (z = 0 for 2-D). With animate and the same n, points
    /// move from their old positions; otherwise the view fits the new layout.
    void setLayout(std::vector<float> xyz, bool is3D, bool animate = true);
    void setLabels(QStringList labels);
    void setColors(std::vector<std::uint32_t> rgba);
    void setLegend(Legend legend);
    /// Search hits: drawn on top, labelled first.
    void setHighlights(std::vector<int> points);
    /// What the highlights are, for the key under the legend ("the word searched" unless set:
    /// the training lab highlights its watch words).
    void setHighlightMeaning(QString meaning);
    /// The key to the markers drawn now, one entry per kind of marker, as the legend shows it.
    QStringList markerKey() const;
    /// Secondary search hits (substring or pattern matches): a thin light ring, labelled after
    /// the selection and its neighbours, never more prominent than the selection.
    void setSoftHighlights(std::vector<int> points);
    /// Order in which points are considered for labels after the selection, hits and
    /// neighbours (default, empty: index order). Points not drawn individually get no label.
    void setLabelOrder(std::vector<int> order);
    /// Lines of text at the bottom left of the view (what is shown and why, a hint); labels
    /// keep off them. Exports include them.
    void setCaption(QStringList lines);
    QStringList caption() const { return m_caption; }
    /// The selected point (-1 = none) and lines to its neighbours.
    void setSelection(int point, std::vector<int> neighbors = {});
    /// Box selection result (drawn like highlights, in another colour).
    void setMarked(std::vector<int> points);

    void setPointSize(double px);
    void setLabelFontSize(int pt);
    void setLabelsVisible(bool on);
    /// Most points drawn individually per frame; the rest show as the density layer.
    void setPointBudget(int n);
    /// Calls glFinish after each frame so frameMs() includes rasterisation (benchmarks).
    void setFinishFrames(bool on) { m_finishFrames = on; }
    /// Tooltip text for a hovered point.
    void setTooltipProvider(std::function<QString(int)> f) { m_tooltip = std::move(f); }

    int pointCount() const { return int(m_target.size() / 3); }
    bool is3D() const { return m_camera.is3D(); }
    int selected() const { return m_selected; }
    /// The neighbours of the selection (setSelection), as given.
    const std::vector<int> &selectedNeighbors() const { return m_neighbors; }
    const std::vector<int> &highlights() const { return m_highlights; }
    const std::vector<int> &softHighlights() const { return m_softHighlights; }
    const std::vector<int> &marked() const { return m_marked; }
    const std::vector<std::uint32_t> &colors() const { return m_colors; }
    const QStringList &labels() const { return m_labels; }
    Camera &camera() { return m_camera; }
    /// Screen position (logical pixels) where point i is drawn now; false if not on screen.
    bool screenPosition(int i, QPointF *out) const;
    /// Nearest drawn point within `radiusPx` of a screen position, or -1.
    int pick(QPointF screen, double radiusPx = 8.0) const;
    /// Points whose screen position lies inside a screen rectangle.
    std::vector<int> pointsIn(const QRectF &screenRect) const;
    /// Number of points drawn individually in the last frame, and whether density was shown.
    int drawnPoints() const { return int(m_drawn.size()); }
    bool densityShown() const { return m_densityShown; }
    /// Points visible on screen but not drawn individually (shown as the density layer).
    int densityPoints() const { return m_densityCount; }
    /// The labels of the last frame drawn on screen (logical pixels), in drawing order.
    const std::vector<PlacedLabel> &placedLabels() const { return m_placed; }
    /// The labels of the last frame rendered anywhere (screen or export), in that frame's
    /// pixels: an export's are the screen's, scaled.
    const std::vector<PlacedLabel> &renderedLabels() const { return m_rendered; }
    /// Where the legend and its colour ramp were drawn in the last frame (device pixels of
    /// that frame; empty when there is none).
    QRectF legendRect() const { return m_legendRect; }
    QRectF legendRampRect() const { return m_legendRamp; }
    /// The density layer as an image (one pixel per 4×4-pixel bin, the colour of the bin's
    /// most frequent word, alpha as drawn); null when no density is shown.
    QImage densityImage() const;
    const Legend &legend() const { return m_legend; }
    double frameMs() const { return m_frameMs; }
    bool animating() const { return m_animating; }
    /// True once the user panned, zoomed or orbited since the last fitView().
    bool cameraTouched() const { return m_cameraTouched; }
    /// Last GL error (shader or context problem), empty if fine.
    QString glError() const { return m_glError; }

    void fitView(bool animate = true);
    /// Pans by a screen offset (2-D) or moves the orbit centre (3-D), and repaints.
    void panBy(QPointF pixels);
    void zoomToSelection();
    /// Renders the current view at any pixel size (labels and legend scaled to match).
    QImage renderImage(QSize size);
    /// Writes the view as SVG (drawn points, lines, highlights, labels, legend).
    bool exportSvg(const QString &path, QString *error = nullptr);

signals:
    void pointClicked(int point);
    void boxSelected(std::vector<int> points);
    void frameRendered(double ms);

protected:
    void initializeGL() override;
    void resizeGL(int w, int h) override;
    void paintGL() override;
    void mousePressEvent(QMouseEvent *e) override;
    void mouseMoveEvent(QMouseEvent *e) override;
    void mouseReleaseEvent(QMouseEvent *e) override;
    void wheelEvent(QWheelEvent *e) override;

private:
    void cleanupGL();
    void advanceAnimation();
    void updateLevelOfDetail(QSize viewport);
    void drawOverlay(QPainter &p, QSize viewport, double scale);
    /// Chooses the labels for the current screen positions (m_screen, logical pixels when
    /// scale = 1), avoiding the legend and the selection's and hits' markers.
    std::vector<PlacedLabel> placeLabels(QSize viewport, double scale, const QRectF &legend,
                                         const QRectF &caption);
    /// Draws labels with a halo; boxes are multiplied by boxFactor (exports of screen labels).
    void drawLabels(QPainter &p, const std::vector<PlacedLabel> &labels, double scale,
                    double boxFactor);
    void drawLegend(QPainter &p, QSize viewport, double scale, QRectF *area);
    /// Draws the caption (when `p` is given) and returns its area.
    QRectF drawCaption(QPainter *p, QSize viewport, double scale);
    std::vector<float> neighborSegments() const;
    void renderScene(QSize viewport, double dpr, QPaintDevice *device);
    void markDirty();

    Camera m_camera;
    Camera m_cameraFrom, m_cameraTo;
    std::vector<float> m_from, m_target, m_current; // n × 3
    QStringList m_labels;
    std::vector<std::uint32_t> m_colors;
    Legend m_legend;
    std::vector<int> m_highlights, m_softHighlights, m_neighbors, m_marked;
    QString m_highlightMeaning;
    std::vector<int> m_labelOrder;
    QStringList m_caption;
    std::vector<PlacedLabel> m_placed, m_rendered;
    // While exporting: the labels placed for the on-screen view, drawn scaled (so an export
    // shows the same labels in the same places as the screen).
    const std::vector<PlacedLabel> *m_fixedLabels = nullptr;
    QRectF m_legendRect, m_legendRamp;
    int m_selected = -1;

    double m_pointSize = 6.0;
    int m_labelPt = 10;
    bool m_labelsOn = true;
    int m_budget = 20000;

    PointRenderer m_renderer;
    bool m_glReady = false;
    bool m_painterWarm = false;
    QString m_glError;
    bool m_positionsDirty = true, m_colorsDirty = true, m_lodDirty = true;
    std::vector<float> m_screen; // n × 2 screen positions; NaN when not visible
    std::vector<std::uint32_t> m_drawn;
    std::vector<char> m_isDrawn; // per point: drawn individually in the last level of detail
    bool m_densityShown = false;
    int m_densityCount = 0;
    // RGBA8 per 4×4-pixel bin of the points not drawn: the colour of the bin's most frequent
    // word, alpha = normalised log count.
    std::vector<std::uint8_t> m_density;
    QSize m_densitySize;
    QRect m_densityBox; // screen area (logical pixels) covered by non-empty bins
    bool m_lodUploadPending = false;
    QSize m_lodViewport;

    bool m_animating = false, m_cameraAnimating = false;
    QElapsedTimer m_animClock, m_cameraClock;
    bool m_finishFrames = false;
    double m_frameMs = 0;

    QPoint m_pressPos, m_lastPos;
    bool m_dragging = false, m_boxSelecting = false;
    bool m_cameraTouched = false;
    QRect m_box;
    std::function<QString(int)> m_tooltip;
};

} // namespace embex::render
