#pragma once
// Point colours and the matching legend for the scatter view.
#include "ScatterView.h"
#include "vectors/EmbeddingSet.h"

#include <QString>
#include <vector>

namespace embex::gui {

struct Coloring
{
    std::vector<std::uint32_t> colors; ///< one QRgb per point
    render::Legend legend;
};

/// Colour by frequency rank (word id; lower = more frequent) on a log scale.
Coloring colorByFrequency(const std::vector<WordId> &ids, std::size_t vocabularySize);
/// Colour by a metadata column: a gradient when every value is a number, else a categorical
/// palette of the 10 most common values plus "other".
Coloring colorByMetadata(const EmbeddingSet &set, const std::vector<WordId> &ids,
                         const QString &column);
/// Projection honesty: red where a point keeps few of its original neighbours, blue where it
/// keeps them all (values = fraction kept, 0–1); `note` goes under the legend.
Coloring colorByPreservation(const std::vector<float> &kept, const QString &note = {});
/// The colour of a kept fraction in colorByPreservation().
QColor preservationColor(double kept);
/// Every point neutral grey, with no colour scale: a measure that is not there yet (the
/// legend shows only `note`, e.g. "measuring...").
Coloring colorPending(std::size_t n, const QString &note);
/// One neutral colour (selection and search hits then stand out).
Coloring colorUniform(std::size_t n);

/// The k-th colour of a 10-colour categorical palette (Tableau 10), repeating after 10.
QColor categoricalColor(int k);

/// A perceptually ordered ramp (viridis-like), t in [0, 1].
QColor rampColor(double t);
/// rampColor() sampled evenly from 0 to 1, for gradient legends.
QList<QColor> rampStops();

} // namespace embex::gui
