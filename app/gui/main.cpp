// embex: the desktop explorer. `embex [FILE]` opens a file; see README.md.
#include "gui/MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName("Embex");
    QApplication::setOrganizationName("Embex");
    QApplication::setApplicationVersion("0.1.0");

    QCommandLineParser parser;
    parser.setApplicationDescription("Explore word embedding spaces.");
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument("file", "Vector file to open.", "[FILE]");
    parser.process(app);

    embex::gui::MainWindow window;
    window.show();
    if (!parser.positionalArguments().isEmpty())
        window.openFile(parser.positionalArguments().first());
    return app.exec();
}
