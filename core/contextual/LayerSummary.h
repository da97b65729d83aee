#pragma once
// What the context lab and `embex-cli context` show for one hidden state of a study: how alike
// the occurrences are there (their cosine matrix and Ethayarajh's self-similarity) next to the
// anisotropy baseline of that state. One computation for both front ends.
#include "contextual/ContextStudy.h"
#include "util/Progress.h"

#include <limits>
#include <vector>

namespace embex {

/// The occurrences of a study at one layer choice.
struct LayerSummary
{
    /// n × n: cosineMatrix() of the occurrences' vectors (ContextStudy::vectorsAt()).
    Eigen::MatrixXf cosine;
    /// meanPairCosine(cosine): NaN below two occurrences.
    double selfSimilarity = std::numeric_limits<double>::quiet_NaN();
    /// ContextStudy::baseline at that hidden state; NaN for the mean of the last four, which
    /// has no baseline of its own.
    double baseline = std::numeric_limits<double>::quiet_NaN();
};

/// The summary at one layer choice (a negative layer counts from the end). Throws
/// std::invalid_argument for a layer out of range.
LayerSummary summarizeLayer(const ContextStudy &study, LayerChoice choice);

/// The summary at every hidden state, 0 (embedding output) to layerCount() − 1; Cancelled
/// from the progress, checked between states. O(layers × n² × hidden).
std::vector<LayerSummary> summarizeLayers(const ContextStudy &study,
                                          Progress &progress = nullProgress());

} // namespace embex
