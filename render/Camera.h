#pragma once
// 2-D (pan, zoom at cursor) and 3-D (orbit, zoom) cameras for the scatter view.
#include <QMatrix4x4>

#include <QPointF>
#include <QRectF>
#include <QSize>
#include <QVector3D>
#include <algorithm>

namespace embex::render {

/// Maps world coordinates to the screen. In 2-D the view is an orthographic window centred on
/// `center` with `pixelsPerUnit` scale; in 3-D a perspective camera orbits `center` at
/// `distance` with `yaw`/`pitch` (radians). Screen coordinates are logical pixels, y down.
class Camera
{
public:
    bool is3D() const { return m_3d; }
    void set3D(bool on) { m_3d = on; }
    void setViewport(QSize size) { m_viewport = size; }
    QSize viewport() const { return m_viewport; }

    /// Clip-space transform for the shaders.
    QMatrix4x4 matrix() const;
    /// World → screen (logical pixels); for 3-D points behind the camera, returns false.
    bool toScreen(const QVector3D &world, QPointF *screen) const;
    /// Screen → world on the z = 0 plane (2-D only).
    QPointF toWorld(QPointF screen) const;

    /// Fits the bounding box [lo, hi] into the viewport with a margin.
    void fit(const QVector3D &lo, const QVector3D &hi);
    void pan(QPointF deltaPixels);
    /// Zooms by factor (>1 = in) keeping the world point under `screen` fixed (2-D).
    void zoomAt(QPointF screen, double factor);
    void orbit(QPointF deltaPixels);

    /// The world rectangle visible in 2-D.
    QRectF visibleWorldRect() const;
    double pixelsPerUnit() const { return m_pixelsPerUnit; }
    /// 3-D: distance of the eye from the orbit centre (fit() sets it from a bounding sphere;
    /// the view tightens it to the points actually there).
    float distance() const { return m_distance; }
    void setDistance(float d) { m_distance = std::max(1e-6f, d); }
    /// Multiplies the 2-D zoom (used to render the same view at another pixel size).
    void scaleZoom(double factor) { m_pixelsPerUnit *= factor; }

    QPointF center2D() const { return {m_center.x(), m_center.y()}; }
    /// Linear blend towards `to` (t in [0, 1]) for smooth camera moves.
    static Camera lerp(const Camera &from, const Camera &to, double t);

private:
    bool m_3d = false;
    QSize m_viewport{1, 1};
    QVector3D m_center;
    double m_pixelsPerUnit = 100.0;
    float m_distance = 5.0f;
    float m_yaw = 0.6f;
    float m_pitch = 0.4f;
    float m_radius = 1.0f;
};

} // namespace embex::render
