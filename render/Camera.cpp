#include "Camera.h"

#include <algorithm>
#include <cmath>

namespace embex::render {

QMatrix4x4 Camera::matrix() const
{
    QMatrix4x4 m;
    const float w = float(std::max(1, m_viewport.width()));
    const float h = float(std::max(1, m_viewport.height()));
    if (!m_3d) {
        const float halfW = w / float(2 * m_pixelsPerUnit);
        const float halfH = h / float(2 * m_pixelsPerUnit);
        m.ortho(float(m_center.x()) - halfW, float(m_center.x()) + halfW,
                float(m_center.y()) - halfH, float(m_center.y()) + halfH, -1e6f, 1e6f);
        return m;
    }
    m.perspective(45.0f, w / h, std::max(1e-4f, m_distance * 0.01f),
                  m_distance * 10.0f + m_radius * 4);
    QVector3D eye =
        m_center + m_distance * QVector3D(std::cos(m_pitch) * std::sin(m_yaw), std::sin(m_pitch),
                                          std::cos(m_pitch) * std::cos(m_yaw));
    m.lookAt(eye, m_center, QVector3D(0, 1, 0));
    return m;
}

bool Camera::toScreen(const QVector3D &world, QPointF *screen) const
{
    const double w = m_viewport.width(), h = m_viewport.height();
    if (!m_3d) {
        *screen = QPointF(w / 2 + double(world.x() - m_center.x()) * m_pixelsPerUnit,
                          h / 2 - double(world.y() - m_center.y()) * m_pixelsPerUnit);
        return true;
    }
    QVector4D clip = matrix() * QVector4D(world, 1.0f);
    if (clip.w() <= 1e-6f)
        return false;
    const double x = double(clip.x() / clip.w()), y = double(clip.y() / clip.w());
    *screen = QPointF((x + 1) * w / 2, (1 - y) * h / 2);
    return true;
}

QPointF Camera::toWorld(QPointF screen) const
{
    const double w = m_viewport.width(), h = m_viewport.height();
    return {double(m_center.x()) + (screen.x() - w / 2) / m_pixelsPerUnit,
            double(m_center.y()) - (screen.y() - h / 2) / m_pixelsPerUnit};
}

void Camera::fit(const QVector3D &lo, const QVector3D &hi)
{
    m_center = (lo + hi) / 2;
    const double spanX = std::max(1e-9, double(hi.x() - lo.x()));
    const double spanY = std::max(1e-9, double(hi.y() - lo.y()));
    const double w = std::max(1, m_viewport.width()), h = std::max(1, m_viewport.height());
    m_pixelsPerUnit = 0.9 * std::min(w / spanX, h / spanY);
    m_radius = std::max(1e-6f, (hi - lo).length() / 2);
    m_distance = m_radius / std::sin(float(M_PI) / 8) * 1.05f;
}

void Camera::pan(QPointF d)
{
    if (!m_3d) {
        m_center += QVector3D(float(-d.x() / m_pixelsPerUnit), float(d.y() / m_pixelsPerUnit), 0);
        return;
    }
    // Move the orbit centre in the camera plane.
    const float s = m_distance / float(std::max(1, m_viewport.height())) * 0.8f;
    QVector3D right(std::cos(m_yaw), 0, -std::sin(m_yaw));
    QVector3D up =
        QVector3D::crossProduct(QVector3D(std::cos(m_pitch) * std::sin(m_yaw), std::sin(m_pitch),
                                          std::cos(m_pitch) * std::cos(m_yaw)),
                                right);
    m_center += (-float(d.x()) * right + float(d.y()) * up.normalized()) * s;
}

void Camera::zoomAt(QPointF screen, double factor)
{
    if (m_3d) {
        m_distance =
            std::clamp(float(double(m_distance) / factor), m_radius * 1e-4f, m_radius * 1e3f);
        return;
    }
    QPointF before = toWorld(screen);
    m_pixelsPerUnit = std::clamp(m_pixelsPerUnit * factor, 1e-9, 1e12);
    QPointF after = toWorld(screen);
    m_center += QVector3D(float(before.x() - after.x()), float(before.y() - after.y()), 0);
}

void Camera::orbit(QPointF d)
{
    m_yaw -= float(d.x()) * 0.01f;
    m_pitch = std::clamp(m_pitch + float(d.y()) * 0.01f, -1.55f, 1.55f);
}

QRectF Camera::visibleWorldRect() const
{
    QPointF a = toWorld(QPointF(0, 0)),
            b = toWorld(QPointF(m_viewport.width(), m_viewport.height()));
    return QRectF(a, b).normalized();
}

Camera Camera::lerp(const Camera &from, const Camera &to, double t)
{
    Camera c = to;
    const float ft = float(t);
    c.m_center = from.m_center * (1 - ft) + to.m_center * ft;
    // Interpolate zoom geometrically so the motion looks uniform.
    c.m_pixelsPerUnit =
        std::exp(std::log(from.m_pixelsPerUnit) * (1 - t) + std::log(to.m_pixelsPerUnit) * t);
    c.m_distance = from.m_distance * (1 - ft) + to.m_distance * ft;
    return c;
}

} // namespace embex::render
