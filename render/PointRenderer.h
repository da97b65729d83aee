#pragma once
// The OpenGL 3.3 side of the scatter view: shaders, buffers and draw calls. Owned by
// ScatterView; every method needs the view's context current.
#include <QColor>
#include <QMatrix4x4>
#include <QOpenGLBuffer>
#include <QOpenGLFunctions_3_3_Core>
#include <QOpenGLShaderProgram>
#include <QOpenGLTexture>
#include <QOpenGLVertexArrayObject>

#include <cstdint>
#include <memory>
#include <vector>

namespace embex::render {

class PointRenderer
{
public:
    /// Compiles shaders and creates buffers; returns false (and sets error()) on failure.
    bool initialize();
    /// Frees GL resources; safe to call twice.
    void release();
    const QString &error() const { return m_error; }

    /// n × 3 floats.
    void uploadPositions(const std::vector<float> &xyz);
    /// One RGBA8 colour per point (0xAARRGGBB as QRgb).
    void uploadColors(const std::vector<std::uint32_t> &rgba);
    /// Indices of the points to draw this frame (the level-of-detail selection).
    void uploadVisible(const std::vector<std::uint32_t> &indices);
    /// Density image, RGBA8 (colour of the bin, alpha = density in [0, 1]), width × height,
    /// row 0 at the top. Sampled without filtering: every pixel shows one bin's colour.
    void uploadDensity(const std::vector<std::uint8_t> &rgba, int width, int height);

    void drawDensity();
    /// Draws the uploaded visible subset.
    void drawPoints(const QMatrix4x4 &mvp, float sizePx);
    /// Draws the given points on top, in one colour with an outline.
    void drawHighlights(const QMatrix4x4 &mvp, const std::vector<std::uint32_t> &indices,
                        float sizePx, QColor fill, QColor outline);
    /// Draws segments between pairs of world positions (2 × 3 floats each).
    void drawLines(const QMatrix4x4 &mvp, const std::vector<float> &segments, QColor color);

private:
    QOpenGLFunctions_3_3_Core *gl();
    QString m_error;
    bool m_ready = false;
    QOpenGLShaderProgram m_points, m_lines, m_density;
    QOpenGLVertexArrayObject m_pointVao, m_highlightVao, m_lineVao, m_quadVao;
    QOpenGLBuffer m_pos{QOpenGLBuffer::VertexBuffer}, m_color{QOpenGLBuffer::VertexBuffer};
    QOpenGLBuffer m_visible{QOpenGLBuffer::IndexBuffer};
    QOpenGLBuffer m_highlight{QOpenGLBuffer::IndexBuffer};
    QOpenGLBuffer m_lineBuf{QOpenGLBuffer::VertexBuffer}, m_quad{QOpenGLBuffer::VertexBuffer};
    std::unique_ptr<QOpenGLTexture> m_densityTex;
    int m_visibleCount = 0;
    bool m_hasDensity = false;
};

} // namespace embex::render
