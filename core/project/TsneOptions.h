#pragma once
// Options of t-SNE, after LTLA's qdtsne Options.hpp (docs/ARCHITECTURE.md, "Algorithms:
// options, seeds and resumable state").
#include "util/Parallel.h"

#include <cstddef>
#include <cstdint>

namespace embex {

/// The input-space distance that defines the neighbourhoods. The Gaussian affinities use the
/// square of the distance, exp(−β d²), as scikit-learn (1.1 and later, every metric) and openTSNE
/// do; the perplexity calibration makes any constant factor irrelevant.
enum class TsneDistance {
    /// d = 1 − cos(x, y) (scikit-learn's metric="cosine"). Zero rows have d = 1 to everything.
    Cosine,
    /// d = ‖x − y‖.
    Euclidean,
};

/// Options of tsneInit() / tsne(). Every field has a usable default; tsneInit() throws
/// std::invalid_argument, naming the field, for a value outside its documented range.
struct TsneOptions
{
    /// Output dimensions: 2 (repulsion by FFT-accelerated interpolation, FIt-SNE) or 3
    /// (Barnes-Hut octree with `theta`). Default 2.
    int dims = 2;
    /// Perplexity (the effective number of neighbours), > 0. Default 30. Clamped to
    /// [1, max(1, (N − 1) / 3)] for N points (a point has N − 1 neighbours and the search uses
    /// 3 × perplexity of them, as openTSNE does); TsneStatus::options() shows the value used.
    double perplexity = 30;
    /// Gradient descent step, ≥ 0. Default 0 = auto: max(200, N / exaggeration), i.e. N / 12 with
    /// the default exaggeration, for the whole run (scikit-learn's learning_rate="auto"; our
    /// gradient has no factor 4, like openTSNE's, so the numbers match openTSNE's convention).
    double learningRate = 0;
    /// Total iterations, early exaggeration included, ≥ 0. Default 750.
    int maxIterations = 750;
    /// Early exaggeration factor applied to the attractive forces, > 0. Default 12.
    double exaggeration = 12;
    /// Iterations with exaggeration, ≥ 0. Default 250.
    int exaggerationIterations = 250;
    /// Momentum before and after `momentumSwitch` iterations, in [0, 1). Defaults 0.5 and 0.8
    /// after 250 iterations.
    double momentumStart = 0.5;
    double momentumFinal = 0.8;
    int momentumSwitch = 250;
    /// Barnes-Hut accuracy (3-D only), ≥ 0: a cell of side s at distance d stands for its points
    /// when s / d < theta; 0 is exact and O(N²). Default 0.5.
    double theta = 0.5;
    /// Input distance. Default cosine (word vectors).
    TsneDistance distance = TsneDistance::Cosine;
    /// Seed of every random choice (HNSW levels; the random initial coordinates used only when
    /// PCA cannot fill all dims). Default 42.
    std::uint64_t seed = 42;
    /// Worker threads (0 counts as 1). Default: all cores. The layout does not depend on it
    /// when N ≤ exactKnnMaxN (or with hnswBuildThreads = 1; see there).
    unsigned threads = defaultThreads();
    /// Exact brute-force neighbours up to this N, HNSW (hnswlib) above. Default 20,000: exact
    /// search costs O(N² × D) but runs as blocked float GEMM, which at this N is as fast as
    /// building the HNSW graph (bench/README.md), and gives the exact neighbours.
    std::size_t exactKnnMaxN = 20000;
    /// HNSW graph degree M, construction and search candidate lists (search: at least k + 1).
    /// Defaults 16, 60 and 0 = auto (k + 10): recall of the 3·perplexity neighbours about 0.92
    /// on 100,000 GloVe words, which leaves the layout's trustworthiness unchanged (the missed
    /// neighbours are the far ones, with tiny affinities), at a third of the cost of
    /// hnswlib's usual 200 / 2k.
    std::size_t hnswM = 16;
    std::size_t hnswEfConstruction = 60;
    std::size_t hnswEfSearch = 0;
    /// Threads that insert points into the HNSW graph; 0 = `threads`. hnswlib's parallel
    /// insertion order varies from run to run, so above exactKnnMaxN the layout is bit-identical
    /// between runs only with 1 (slower). Default 0.
    unsigned hnswBuildThreads = 0;
    /// Gradient clipping: the largest length of one point's plain gradient step
    /// learningRate · ∂KL/∂y_i, in layout units, before gains and momentum; longer steps are
    /// scaled down to it. > 0; infinity turns clipping off. Default 5: typical steps stay well
    /// below 1 unit, so this only catches outliers (hubs of the neighbour graph early on, runs
    /// with a far too large learning rate).
    double maxGradNorm = 5;
    /// FFT interpolation (2-D): boxes per layout unit, fewest boxes per axis, interpolation
    /// nodes per box and axis (1 to 8). Defaults 1, 50, 3 (FIt-SNE's).
    double fftIntervalsPerUnit = 1;
    std::size_t fftMinIntervals = 50;
    std::size_t fftInterpolationPoints = 3;
};

} // namespace embex
