#include "contextual/LayerSummary.h"

#include <stdexcept>
#include <string>

namespace embex {

LayerSummary summarizeLayer(const ContextStudy &study, LayerChoice choice)
{
    LayerSummary s;
    s.cosine = cosineMatrix(study.vectorsAt(choice));
    s.selfSimilarity = meanPairCosine(s.cosine);
    if (choice.kind == LayerChoice::Kind::Layer) {
        const int n = int(study.layerCount());
        const int layer = choice.layer < 0 ? n + choice.layer : choice.layer;
        if (layer < 0 || layer >= n)
            throw std::invalid_argument("layer " + std::to_string(choice.layer) +
                                        " out of range (0 to " + std::to_string(n - 1) + ")");
        if (std::size_t(layer) < study.baseline.size())
            s.baseline = study.baseline[std::size_t(layer)];
    }
    return s;
}

std::vector<LayerSummary> summarizeLayers(const ContextStudy &study, Progress &progress)
{
    std::vector<LayerSummary> out;
    out.reserve(study.layerCount());
    for (std::size_t l = 0; l < study.layerCount(); ++l) {
        progress.check();
        out.push_back(summarizeLayer(study, LayerChoice::index(int(l))));
    }
    return out;
}

} // namespace embex
