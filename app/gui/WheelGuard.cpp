#include "gui/WheelGuard.h"

#include <QAbstractSlider>
#include <QAbstractSpinBox>
#include <QComboBox>
#include <QEvent>
#include <QScrollArea>
#include <QVariant>
#include <QWidget>

namespace embex::gui {

namespace {

constexpr const char *kGuarded = "embexWheelGuard";

class WheelFilter : public QObject
{
public:
    using QObject::QObject;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() != QEvent::Wheel)
            return false;
        auto *w = qobject_cast<QWidget *>(watched);
        if (!w || w->hasFocus())
            return false;
        // Filtered and not accepted: QApplication passes the event on to the parents.
        event->ignore();
        return true;
    }
};

} // namespace

void guardWheel(QWidget *field)
{
    field->setFocusPolicy(Qt::StrongFocus);
    if (field->property(kGuarded).toBool())
        return;
    field->setProperty(kGuarded, true);
    field->installEventFilter(new WheelFilter(field)); // owned by the field
}

void guardWheelIn(QWidget *root)
{
    for (auto *w : root->findChildren<QAbstractSpinBox *>())
        guardWheel(w);
    for (auto *w : root->findChildren<QComboBox *>())
        guardWheel(w);
    for (auto *w : root->findChildren<QAbstractSlider *>())
        guardWheel(w);
}

QWidget *verticalScrollArea(QWidget *content, QWidget *parent)
{
    auto *scroll = new QScrollArea(parent);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(content);
    return scroll;
}

} // namespace embex::gui
