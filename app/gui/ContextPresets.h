#pragma once
// Example sentences for the context lab: words with two common senses, four sentences each, so
// that the contextual vectors have something to separate.
#include <QString>
#include <QStringList>
#include <QVector>

namespace embex::gui {

struct ContextPreset
{
    QString word;
    /// The senses in the order of the sentences: sentences [4k, 4k + 4) use senses[k].
    QStringList senses;
    QStringList sentences;
};

/// bank, bat, crane, spring, play, light.
const QVector<ContextPreset> &contextPresets();

} // namespace embex::gui
