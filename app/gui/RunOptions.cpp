#include "gui/RunOptions.h"

#include "ScatterView.h"

#include <QCoreApplication>
#include <QLabel>

namespace embex::gui {

RunOptions &runOptions()
{
    static RunOptions options;
    return options;
}

QString scatterViewProblem()
{
    if (runOptions().forceNoGL)
        return QCoreApplication::translate("embex::gui", "disabled for this run");
    return render::ScatterView::openGLProblem();
}

QWidget *createScatterView(QWidget *parent, render::ScatterView *&view, const QString &stillWorks,
                           const QString &noticeName)
{
    const QString problem = scatterViewProblem();
    if (problem.isEmpty()) {
        view = new render::ScatterView(parent);
        return view;
    }
    view = nullptr;
    auto *notice = new QLabel(QCoreApplication::translate("embex::gui",
                                                          "<h3>The scatter view is not "
                                                          "available</h3><p>OpenGL 3.3 is needed "
                                                          "to draw points: %1.</p><p>%2</p>")
                                  .arg(problem.toHtmlEscaped(), stillWorks.toHtmlEscaped()),
                              parent);
    notice->setObjectName(noticeName);
    notice->setAlignment(Qt::AlignCenter);
    notice->setWordWrap(true);
    return notice;
}

} // namespace embex::gui
