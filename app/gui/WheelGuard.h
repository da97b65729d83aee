#pragma once
// Panels that scroll: the scroll area itself, and fields that take the mouse wheel only when
// they have the keyboard focus, so wheeling down a settings panel scrolls it instead of
// changing whatever value passes under the pointer (the training lab's seed did).
class QWidget;

namespace embex::gui {

/// Gives `field` Qt::StrongFocus (click or Tab, not the wheel) and makes it ignore wheel
/// events while it has no focus; they then go to its parents (the scroll area scrolls).
void guardWheel(QWidget *field);
/// guardWheel() on every spin box, combo box and slider inside `root`.
void guardWheelIn(QWidget *root);

/// A frameless scroll area (child of `parent`) holding `content`, scrolling vertically only:
/// the panel never forces the window, and so the scatter view, to change size when labels
/// grow or progress bars appear, and never gets wider than its place (a horizontal scroll bar
/// would hide its right-hand controls).
QWidget *verticalScrollArea(QWidget *content, QWidget *parent);

} // namespace embex::gui
