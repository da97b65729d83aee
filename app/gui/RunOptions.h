#pragma once
// How this run of the application behaves, apart from the user's settings: set once by main()
// for the automation modes and by the GUI tests, read by the windows. The typed replacement for
// string properties on qApp (docs/ARCHITECTURE.md, "Tests"). GUI thread only.
#include <QString>

class QWidget;

namespace embex::render {
class ScatterView;
}

namespace embex::gui {

struct RunOptions
{
    /// Errors are signalled (and shown in the window's status) but not in message boxes: the
    /// automation modes and tests, where nobody would close them.
    bool noDialogs = false;
    /// Windows are built without the scatter view, as on a machine without OpenGL 3.3.
    bool forceNoGL = false;
    /// Evaluate's reference set instead of the shipped default (a small set in tests: the
    /// default's 50,000 words take minutes under AddressSanitizer). Empty: the default.
    QString evalReference;
};

/// The options of this process.
RunOptions &runOptions();

/// Why the scatter view cannot be used in this run (RunOptions::forceNoGL, or
/// render::ScatterView::openGLProblem()); empty when it can.
QString scatterViewProblem();

/// A scatter view for `parent`, or, when scatterViewProblem() is not empty, a label (object
/// name `noticeName`) saying that the view is not available, why, and `stillWorks` (a sentence
/// of what the window still does). `view` receives the view, or nullptr with the notice.
QWidget *createScatterView(QWidget *parent, render::ScatterView *&view, const QString &stillWorks,
                           const QString &noticeName);

} // namespace embex::gui
