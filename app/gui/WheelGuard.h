#pragma once
// Fields in a scrolled form take the mouse wheel only when they have the keyboard focus, so
// wheeling down a settings panel scrolls it instead of changing whatever value passes under
// the pointer (the training lab's seed did). Any panel in a QScrollArea can use it.
class QWidget;

namespace embex::gui {

/// Gives `field` Qt::StrongFocus (click or Tab, not the wheel) and makes it ignore wheel
/// events while it has no focus; they then go to its parents (the scroll area scrolls).
void guardWheel(QWidget *field);
/// guardWheel() on every spin box, combo box and slider inside `root`.
void guardWheelIn(QWidget *root);

} // namespace embex::gui
