#pragma once
// Command-line automation of the window, used by tests and benchmarks:
//   embex --screenshot OUT.png [FILE] [--select WORD]
//   embex --benchmark-render [FILE] [--frames N]
#include <QString>

namespace embex::gui {

class MainWindow;

struct AutomationRequest
{
    QString screenshot;     ///< output PNG, empty if not asked
    bool benchmark = false; ///< --benchmark-render
    int frames = 200;
    QString select;
    bool wholeWindow = false; ///< --window: capture the whole window, docks included
    QString file;             ///< empty = the default set
};

/// Drives `window` through the request: open, project (PCA), act, print, quit with 0 (1 on any
/// failure, with the message on stderr). Call before QApplication::exec().
void runAutomation(MainWindow &window, const AutomationRequest &request);

} // namespace embex::gui
