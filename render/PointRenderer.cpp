#include "PointRenderer.h"

#include <QOpenGLContext>
#include <QOpenGLPixelTransferOptions>
#include <QOpenGLVersionFunctionsFactory>

namespace embex::render {

namespace {
void setColorUniform(QOpenGLShaderProgram &p, const char *name, QColor c)
{
    p.setUniformValue(
        name, QVector4D(float(c.redF()), float(c.greenF()), float(c.blueF()), float(c.alphaF())));
}
} // namespace

QOpenGLFunctions_3_3_Core *PointRenderer::gl()
{
    return QOpenGLVersionFunctionsFactory::get<QOpenGLFunctions_3_3_Core>(
        QOpenGLContext::currentContext());
}

bool PointRenderer::initialize()
{
    auto build = [this](QOpenGLShaderProgram &p, const char *name) {
        const QString base = QStringLiteral(":/embex/shaders/") + name;
        if (!p.addShaderFromSourceFile(QOpenGLShader::Vertex, base + ".vert") ||
            !p.addShaderFromSourceFile(QOpenGLShader::Fragment, base + ".frag") || !p.link()) {
            m_error = QStringLiteral("shader %1: %2").arg(name, p.log());
            return false;
        }
        return true;
    };
    if (!gl()) {
        m_error = QStringLiteral("OpenGL 3.3 core functions are not available");
        return false;
    }
    if (!build(m_points, "points") || !build(m_lines, "lines") || !build(m_density, "density"))
        return false;

    m_pos.create();
    m_color.create();
    m_visible.create();
    m_highlight.create();
    m_lineBuf.create();
    m_quad.create();
    auto *f = gl();

    auto bindPointAttributes = [&] {
        m_pos.bind();
        f->glEnableVertexAttribArray(0);
        f->glVertexAttribPointer(0, 3, GL_FLOAT, GL_FALSE, 0, nullptr);
        m_color.bind();
        f->glEnableVertexAttribArray(1);
        f->glVertexAttribPointer(1, 4, GL_UNSIGNED_BYTE, GL_TRUE, 0, nullptr);
    };
    m_pointVao.create();
    m_pointVao.bind();
    bindPointAttributes();
    m_visible.bind();
    m_pointVao.release();

    m_highlightVao.create();
    m_highlightVao.bind();
    bindPointAttributes();
    m_highlight.bind();
    m_highlightVao.release();

    m_lineVao.create();
    m_lineVao.bind();
    m_lineBuf.bind();
    f->glEnableVertexAttribArray(0);
    f->glVertexAttribPointer(0, 3, GL_FLOAT, GL_FALSE, 0, nullptr);
    m_lineVao.release();

    const float quad[] = {-1, -1, 1, -1, -1, 1, 1, 1};
    m_quadVao.create();
    m_quadVao.bind();
    m_quad.bind();
    m_quad.allocate(quad, sizeof quad);
    f->glEnableVertexAttribArray(0);
    f->glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 0, nullptr);
    m_quadVao.release();
    m_ready = true;
    return true;
}

void PointRenderer::release()
{
    if (!m_ready)
        return;
    m_densityTex.reset();
    for (auto *vao : {&m_pointVao, &m_highlightVao, &m_lineVao, &m_quadVao})
        vao->destroy();
    for (auto *b : {&m_pos, &m_color, &m_visible, &m_highlight, &m_lineBuf, &m_quad})
        b->destroy();
    m_points.removeAllShaders();
    m_lines.removeAllShaders();
    m_density.removeAllShaders();
    m_ready = false;
}

void PointRenderer::uploadPositions(const std::vector<float> &xyz)
{
    m_pos.bind();
    m_pos.allocate(xyz.data(), int(xyz.size() * sizeof(float)));
}

void PointRenderer::uploadColors(const std::vector<std::uint32_t> &rgba)
{
    // QRgb is 0xAARRGGBB; GL wants bytes R, G, B, A in memory order.
    std::vector<std::uint32_t> bytes(rgba.size());
    for (std::size_t i = 0; i < rgba.size(); ++i) {
        const std::uint32_t c = rgba[i];
        bytes[i] = ((c >> 16) & 0xff) | (c & 0xff00) | ((c & 0xff) << 16) | (c & 0xff000000u);
    }
    m_color.bind();
    m_color.allocate(bytes.data(), int(bytes.size() * sizeof(std::uint32_t)));
}

void PointRenderer::uploadVisible(const std::vector<std::uint32_t> &indices)
{
    m_pointVao.bind();
    m_visible.bind();
    m_visible.allocate(indices.data(), int(indices.size() * sizeof(std::uint32_t)));
    m_pointVao.release();
    m_visibleCount = int(indices.size());
}

void PointRenderer::uploadDensity(const std::vector<std::uint8_t> &rgba, int width, int height)
{
    m_hasDensity = !rgba.empty() && width > 0 && height > 0 &&
                   rgba.size() == 4 * std::size_t(width) * std::size_t(height);
    if (!m_hasDensity)
        return;
    if (!m_densityTex || m_densityTex->width() != width || m_densityTex->height() != height) {
        m_densityTex = std::make_unique<QOpenGLTexture>(QOpenGLTexture::Target2D);
        m_densityTex->setFormat(QOpenGLTexture::RGBA8_UNorm);
        m_densityTex->setSize(width, height);
        // Nearest: a linear filter would blend neighbouring bins' colours into colours that
        // are on no legend.
        m_densityTex->setMinMagFilters(QOpenGLTexture::Nearest, QOpenGLTexture::Nearest);
        m_densityTex->setWrapMode(QOpenGLTexture::ClampToEdge);
        m_densityTex->allocateStorage(QOpenGLTexture::RGBA, QOpenGLTexture::UInt8);
    }
    QOpenGLPixelTransferOptions options;
    options.setAlignment(1);
    m_densityTex->setData(QOpenGLTexture::RGBA, QOpenGLTexture::UInt8, rgba.data(), &options);
}

void PointRenderer::drawDensity()
{
    if (!m_hasDensity || !m_densityTex)
        return;
    m_density.bind();
    m_densityTex->bind(0);
    m_density.setUniformValue("u_density", 0);
    m_quadVao.bind();
    gl()->glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
    m_quadVao.release();
    m_densityTex->release();
    m_density.release();
}

void PointRenderer::drawPoints(const QMatrix4x4 &mvp, float sizePx)
{
    if (m_visibleCount == 0)
        return;
    m_points.bind();
    m_points.setUniformValue("u_mvp", mvp);
    m_points.setUniformValue("u_size", sizePx);
    m_points.setUniformValue("u_override", QVector4D(0, 0, 0, 0));
    m_points.setUniformValue("u_outline", QVector4D(0, 0, 0, 0));
    m_pointVao.bind();
    gl()->glDrawElements(GL_POINTS, m_visibleCount, GL_UNSIGNED_INT, nullptr);
    m_pointVao.release();
    m_points.release();
}

void PointRenderer::drawHighlights(const QMatrix4x4 &mvp, const std::vector<std::uint32_t> &idx,
                                   float sizePx, QColor fill, QColor outline)
{
    if (idx.empty())
        return;
    m_highlightVao.bind();
    m_highlight.bind();
    m_highlight.allocate(idx.data(), int(idx.size() * sizeof(std::uint32_t)));
    m_points.bind();
    m_points.setUniformValue("u_mvp", mvp);
    m_points.setUniformValue("u_size", sizePx);
    setColorUniform(m_points, "u_override", fill);
    setColorUniform(m_points, "u_outline", outline);
    gl()->glDrawElements(GL_POINTS, int(idx.size()), GL_UNSIGNED_INT, nullptr);
    m_points.release();
    m_highlightVao.release();
}

void PointRenderer::drawLines(const QMatrix4x4 &mvp, const std::vector<float> &segments,
                              QColor color)
{
    if (segments.empty())
        return;
    m_lineVao.bind();
    m_lineBuf.bind();
    m_lineBuf.allocate(segments.data(), int(segments.size() * sizeof(float)));
    m_lines.bind();
    m_lines.setUniformValue("u_mvp", mvp);
    setColorUniform(m_lines, "u_color", color);
    gl()->glDrawArrays(GL_LINES, 0, int(segments.size() / 3));
    m_lines.release();
    m_lineVao.release();
}

} // namespace embex::render
