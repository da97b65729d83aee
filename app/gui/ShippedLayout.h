#pragma once
// The layout shipped with the default set, so that the first view of Embex is a map with
// visible structure at once: a t-SNE of its 10,000 most frequent words, computed by
// tools/make_default_layout.sh with exactly the settings shippedLayoutSettings() describes.
#include "gui/LoadJob.h"

#include <optional>

namespace embex::gui {

/// The projection settings the shipped layout was computed with (the app's t-SNE defaults with
/// Top N = 10,000). Only these settings show it; any other computes afresh.
ProjectionSettings shippedLayoutSettings();

/// True when `s` asks for exactly the shipped layout (the fields that change the result).
bool isShippedLayoutRequest(const ProjectionSettings &s);

/// Path of the shipped layout file (`default-glove-50k.tsne.tsv` beside the default set), or
/// empty.
QString shippedLayoutPath();

/// Reads a layout file (`#` comment lines at the top, then `word<TAB>x<TAB>y` per line) for `set`:
/// row i must be word i of the set. Returns nothing when the file is missing, malformed, or
/// its words are not the set's first words in order (a stale layout is never shown).
std::optional<ProjectionResult> readShippedLayout(const QString &path, const EmbeddingSet &set);

} // namespace embex::gui
