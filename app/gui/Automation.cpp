#include "gui/Automation.h"

#include "ScatterView.h"
#include "gui/MainWindow.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QImage>
#include <QScreen>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <memory>

namespace embex::gui {

namespace {

void fail(const QString &message)
{
    std::fprintf(stderr, "embex: %s\n", qPrintable(message));
    QCoreApplication::exit(1);
}

/// Measures the longest gap between 5 ms timer ticks: how long the UI thread was blocked.
class StallMeter : public QObject
{
public:
    explicit StallMeter(QObject *parent) : QObject(parent)
    {
        m_clock.start();
        m_timer.setInterval(5);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            m_max = std::max(m_max, double(now - m_last) / 1e6 - 5.0);

            m_last = now;
        });
        m_last = m_clock.nsecsElapsed();
        m_timer.start();
    }
    double maxStallMs() const { return std::max(0.0, m_max); }

private:
    QElapsedTimer m_clock;
    QTimer m_timer;
    qint64 m_last = 0;
    double m_max = 0;
};

void takeScreenshot(MainWindow &w, const AutomationRequest &r)
{
    if (!r.select.isEmpty() && !w.selectWord(r.select))
        return fail(QStringLiteral("--select: '%1' is not in the vocabulary").arg(r.select));
    auto *view = w.view();
    if (!view)
        return fail(QStringLiteral("no OpenGL 3.3: the scatter view cannot render"));
    // Let the animations settle, then render one 1280×800 frame.
    QTimer::singleShot(600, &w, [&w, view, r] {
        // --window reads the pixels back from the window system: exactly what a user sees.
        const QImage img = r.wholeWindow ? w.screen()->grabWindow(w.winId()).toImage()
                                         : view->renderImage(QSize(1280, 800));
        if (img.isNull() || !img.save(r.screenshot, "PNG"))
            return fail(QStringLiteral("%1: could not write the screenshot").arg(r.screenshot));
        std::printf("wrote %s (%dx%d, %d points)\n", qPrintable(r.screenshot), img.width(),
                    img.height(), view->pointCount());
        std::fflush(stdout);
        QCoreApplication::exit(0);
    });
}

void benchmarkRender(MainWindow &w, const AutomationRequest &r, StallMeter *stalls)
{
    auto *view = w.view();
    if (!view)
        return fail(QStringLiteral("no OpenGL 3.3: the scatter view cannot render"));
    w.resize(w.size() + QSize(1280, 800) - view->size());
    // frame_ms: wall time between consecutive frames shown (paintGL, glFinish and Qt's
    // composition of the window); paint_ms: our paintGL alone.
    view->setFinishFrames(true);
    struct State
    {
        std::vector<double> frames, paints;
        QElapsedTimer clock;
        int warmup = 3;
    };
    auto st = std::make_shared<State>();
    const double loadStall = stalls->maxStallMs();
    QObject::connect(view, &QOpenGLWidget::frameSwapped, &w, [&w, view, r, st, loadStall] {
        if (st->warmup > 0) {
            --st->warmup;
            st->clock.start();
        } else {
            st->frames.push_back(double(st->clock.nsecsElapsed()) / 1e6);
            st->paints.push_back(view->frameMs());
            st->clock.start();
        }
        if (int(st->frames.size()) >= r.frames) {
            auto stats = [](std::vector<double> v) {
                std::sort(v.begin(), v.end());
                return std::make_pair(
                    v[v.size() / 2],
                    v[std::min(v.size() - 1, std::size_t(double(v.size()) * 0.95))]);
            };
            const auto [fm, fp] = stats(st->frames);
            const auto [pm, pp] = stats(st->paints);
            std::printf("frame_ms_median=%.2f frame_ms_p95=%.2f points=%d paint_ms_median=%.2f "
                        "paint_ms_p95=%.2f drawn=%d max_stall_ms=%.1f\n",
                        fm, fp, view->pointCount(), pm, pp, view->drawnPoints(), loadStall);
            std::fflush(stdout);
            view->disconnect(&w);
            QMetaObject::invokeMethod(
                qApp, [] { QCoreApplication::exit(0); }, Qt::QueuedConnection);
            return;
        }
        // Pan in a slow circle so every frame has a new camera.
        const double a = double(st->frames.size()) * 0.15;
        view->panBy(QPointF(6.0 * std::cos(a), 6.0 * std::sin(a)));
    });
    view->update();
}

} // namespace

void runAutomation(MainWindow &window, const AutomationRequest &request)
{
    // Size the window so the scatter view itself is 1280×800: frames and screenshots are then
    // rendered at the view's own scale.
    if (auto *view = window.view()) {
        QCoreApplication::processEvents();
        if (request.wholeWindow)
            window.resize(1600, 900);
        else
            window.resize(window.size() + QSize(1280, 800) - view->size());
        // Create the GL context and compile shaders before timing the UI thread.
        for (int i = 0; i < 5; ++i)
            QCoreApplication::processEvents();
    }
    auto *stalls = new StallMeter(&window);
    QObject::connect(&window, &MainWindow::loadFinished, &window, [](bool ok, const QString &msg) {
        if (!ok)
            fail(msg);
    });
    QObject::connect(&window, &MainWindow::projectionFinished, &window,
                     [&window, request, stalls](bool ok, const QString &msg) {
                         if (!ok)
                             return fail(msg);
                         if (!request.screenshot.isEmpty())
                             takeScreenshot(window, request);
                         else if (request.benchmark)
                             benchmarkRender(window, request, stalls);
                     });
    if (request.file.isEmpty()) {
        if (MainWindow::defaultSetPath().isEmpty())
            return fail(QStringLiteral("no FILE given and the default set is not installed"));
        window.openDefault();
    } else {
        window.openFile(request.file);
    }
}

} // namespace embex::gui
