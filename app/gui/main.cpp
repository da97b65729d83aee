// embex: the desktop explorer. `embex [FILE]` opens a file, or the default GloVe set;
// `embex --context MODEL_DIR [--preset WORD]` opens the context lab with a model.
#include "gui/Automation.h"
#include "gui/ContextLab.h"
#include "gui/ContextPresets.h"
#include "gui/MainWindow.h"
#include "gui/RunOptions.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QSettings>
#include <QSurfaceFormat>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>

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
    QCommandLineOption shot(
        "screenshot", "Open, lay out (see --method), save one 1280x800 frame, exit.", "OUT.png");
    QCommandLineOption select("select", "With --screenshot: select WORD first.", "WORD");
    QCommandLineOption whole("window", "With --screenshot: capture the whole window.");
    QCommandLineOption bench("benchmark-render",
                             "Open, lay out, render frames while panning, print timings.");
    QCommandLineOption frames("frames", "With --benchmark-render: frames to time (200).", "N",
                              "200");
    QCommandLineOption context(
        "context",
        "Open the context lab with a BERT-family model folder (config.json, vocab.txt, "
        "model.safetensors). With --screenshot: save the lab's window once the study is done, "
        "exit.",
        "MODEL_DIR");
    QCommandLineOption preset(
        "preset", "With --context: study an example word (bank, bat, crane, spring, play, light).",
        "WORD");
    QCommandLineOption method("method",
                              "With --screenshot or --benchmark-render: lay out with pca "
                              "(default) or tsne (the default set's first view).",
                              "pca|tsne", "pca");
    parser.addOptions({shot, select, whole, bench, frames, context, preset, method});
    parser.process(app);

    // --screenshot and --benchmark-render neither read nor write the user's settings (recent
    // files, window layout, projection choices): their pictures and timings are the same on
    // every machine, and a test or benchmark leaves no trace in the user's files.
    QTemporaryDir automationSettings;
    if (parser.isSet(shot) || parser.isSet(bench)) {
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope,
                           automationSettings.path());
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, automationSettings.path());
        const QString m = parser.value(method);
        if (m != QLatin1String("pca") && m != QLatin1String("tsne")) {
            std::fprintf(stderr, "embex: --method: pca or tsne, not '%s'\n", qPrintable(m));
            return 2;
        }
        QSettings().setValue("projection/method", m);
    }

    embex::gui::MainWindow window;
    embex::gui::AutomationRequest request;
    request.screenshot = parser.value(shot);
    request.benchmark = parser.isSet(bench);
    request.frames = std::max(1, parser.value(frames).toInt());
    request.select = parser.value(select);
    request.wholeWindow = parser.isSet(whole);
    request.file = parser.positionalArguments().value(0);
    if (parser.isSet(context)) {
        window.show();
        // The explorer's set gives the lab its static view: the file named, else the default.
        if (!request.file.isEmpty())
            window.openFile(request.file);
        else if (!embex::gui::MainWindow::defaultSetPath().isEmpty())
            window.openDefault();
        embex::gui::ContextLab *lab = window.showContextLab();
        const QString word = parser.value(preset);
        int k = -1;
        const auto &presets = embex::gui::contextPresets();
        for (int i = 0; i < presets.size(); ++i)
            if (presets[i].word == word)
                k = i;
        if (!word.isEmpty() && k < 0) {
            std::fprintf(stderr, "embex: --preset: no example '%s'\n", qPrintable(word));
            return 2;
        }
        if (!request.screenshot.isEmpty()) {
            embex::gui::runOptions().noDialogs = true;
            QObject::connect(lab, &embex::gui::ContextLab::modelLoaded, lab,
                             [](bool ok, const QString &message) {
                                 if (!ok) {
                                     std::fprintf(stderr, "embex: %s\n", qPrintable(message));
                                     QCoreApplication::exit(1);
                                 }
                             });
            QObject::connect(lab, &embex::gui::ContextLab::studyFinished, lab,
                             [lab, out = request.screenshot](bool ok, const QString &message) {
                                 if (!ok) {
                                     std::fprintf(stderr, "embex: %s\n", qPrintable(message));
                                     QCoreApplication::exit(1);
                                     return;
                                 }
                                 QTimer::singleShot(900, lab, [lab, out] {
                                     const bool saved = lab->renderWindow().save(out);
                                     if (!saved)
                                         std::fprintf(stderr, "embex: cannot write %s\n",
                                                      qPrintable(out));
                                     QCoreApplication::exit(saved ? 0 : 1);
                                 });
                             });
        }
        lab->openModel(parser.value(context));
        if (k >= 0)
            lab->applyPreset(k);
        return app.exec();
    }
    if (!request.screenshot.isEmpty() || request.benchmark) {
        embex::gui::runOptions().noDialogs = true;
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
