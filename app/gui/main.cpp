// embex: the desktop explorer. `embex [FILE]` opens a file, or the default GloVe set.
#include "gui/Automation.h"
#include "gui/MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QSurfaceFormat>

int main(int argc, char **argv)
{
    QSurfaceFormat fmt;
    fmt.setVersion(3, 3);
    fmt.setProfile(QSurfaceFormat::CoreProfile);
    fmt.setDepthBufferSize(24);
    QSurfaceFormat::setDefaultFormat(fmt);

    QApplication app(argc, argv);
    QApplication::setApplicationName("Embex");
    QApplication::setOrganizationName("Embex");
    QApplication::setApplicationVersion("0.1.0");

    QCommandLineParser parser;
    parser.setApplicationDescription("Explore word embedding spaces.");
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument("file", "Vector file to open (default: the shipped GloVe set).",
                                 "[FILE]");
    QCommandLineOption shot("screenshot", "Open, lay out (PCA), save one 1280x800 frame, exit.",
                            "OUT.png");
    QCommandLineOption select("select", "With --screenshot: select WORD first.", "WORD");
    QCommandLineOption whole("window", "With --screenshot: capture the whole window.");
    QCommandLineOption bench("benchmark-render",
                             "Open, lay out, render frames while panning, print timings.");
    QCommandLineOption frames("frames", "With --benchmark-render: frames to time (200).", "N",
                              "200");
    parser.addOptions({shot, select, whole, bench, frames});
    parser.process(app);

    embex::gui::MainWindow window;
    embex::gui::AutomationRequest request;
    request.screenshot = parser.value(shot);
    request.benchmark = parser.isSet(bench);
    request.frames = std::max(1, parser.value(frames).toInt());
    request.select = parser.value(select);
    request.wholeWindow = parser.isSet(whole);
    request.file = parser.positionalArguments().value(0);
    if (!request.screenshot.isEmpty() || request.benchmark) {
        qApp->setProperty("embexNoDialogs", true);
        window.resize(1280 + 300, 800 + 100);
        window.show();
        embex::gui::runAutomation(window, request);
        return app.exec();
    }
    window.show();
    if (!request.file.isEmpty())
        window.openFile(request.file);
    else if (!embex::gui::MainWindow::defaultSetPath().isEmpty())
        window.openDefault();
    return app.exec();
}
