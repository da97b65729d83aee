#pragma once
// Internal to core/train: word2vec's per-example updates (skip-gram / CBOW with negative sampling
// or hierarchical softmax) and what they need (sigmoid table, float kernels, samplers, RNG).
// Exposed in a header so that tests can check the updates against finite differences.
//
// Layout: a matrix (syn0, syn1neg, syn1) is row-major with `stride` floats per row, stride =
// paddedDim(dim), a multiple of 8 so every loop runs over whole AVX vectors; the padding
// floats are zero and stay zero (every update adds a multiple of another row's padding).
//
// HOGWILD: the functions marked EMBEX_HOGWILD read and write rows shared by all training threads
// without locks (Recht et al. 2011, as word2vec.c and gensim do): a thread may read a row while
// another adds to it, and two additions may race, losing one (rare, and harmless to SGD). That is
// the only deliberate data race in the trainer; the marker turns ThreadSanitizer's
// instrumentation off in these functions and only there.
#include "train/Hogwild.h"
#include "train/Huffman.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace embex::detail::w2v {

constexpr std::size_t kLanes = 8;

/// Row stride: dim rounded up to a multiple of 8 floats.
constexpr std::size_t paddedDim(std::size_t dim)
{
    return (dim + kLanes - 1) / kLanes * kLanes;
}

/// a · b over n floats (n a multiple of 8). Eight lanes summed in a fixed order, so the result
/// does not depend on how the compiler vectorises it.
EMBEX_HOGWILD inline float dot(const float *__restrict a, const float *__restrict b, std::size_t n)
{
    float acc[kLanes] = {};
    for (std::size_t i = 0; i < n; i += kLanes)
        for (std::size_t j = 0; j < kLanes; ++j)
            acc[j] += a[i + j] * b[i + j];
    for (std::size_t j = 0; j < 4; ++j)
        acc[j] += acc[j + 4];
    return (acc[0] + acc[2]) + (acc[1] + acc[3]);
}

/// y += a x over n floats (n a multiple of 8).
EMBEX_HOGWILD inline void axpy(float a, const float *__restrict x, float *__restrict y,
                               std::size_t n)
{
    for (std::size_t i = 0; i < n; i += kLanes)
        for (std::size_t j = 0; j < kLanes; ++j)
            y[i + j] += a * x[i + j];
}

/// Asks for the cache lines of a row of n floats.
EMBEX_HOGWILD inline void prefetchRow(const float *row, std::size_t n)
{
    for (std::size_t i = 0; i < n; i += 16)
        __builtin_prefetch(row + i);
}

/// The fused update of one output row u against input vector h: grad += g u (old u), then
/// u += g h. One pass over u.
EMBEX_HOGWILD inline void updatePair(float g, const float *__restrict h, float *__restrict u,
                                     float *__restrict grad, std::size_t n)
{
    for (std::size_t i = 0; i < n; i += kLanes)
        for (std::size_t j = 0; j < kLanes; ++j) {
            const float uj = u[i + j];
            grad[i + j] += g * uj;
            u[i + j] = uj + g * h[i + j];
        }
}

/// σ(x) = 1 / (1 + e^-x) and log σ(x) on [-kMaxExp, kMaxExp] by linear interpolation in a table
/// of 2,048 intervals (absolute error below 5e-7, against about 3e-3 for word2vec.c's
/// nearest-entry table), so the updates are the exact gradient to float precision.
class SigmoidTable
{
public:
    static constexpr float kMaxExp = 6.0f;
    static constexpr int kIntervals = 2048;

    SigmoidTable()
    {
        for (int i = 0; i <= kIntervals; ++i) {
            const double x = (double(i) / kIntervals * 2.0 - 1.0) * double(kMaxExp);
            m_sigmoid[i] = float(1.0 / (1.0 + std::exp(-x)));
            m_logSigmoid[i] = float(-std::log1p(std::exp(-x)));
        }
        m_sigmoid[kIntervals + 1] = m_sigmoid[kIntervals];
        m_logSigmoid[kIntervals + 1] = m_logSigmoid[kIntervals];
    }

    /// σ(x) for |x| < kMaxExp (callers handle the tails, as word2vec.c does).
    float sigmoid(float x) const { return interpolate(m_sigmoid, x); }
    /// log σ(x) for any x: the table inside, x (below) and 0 (above) outside; only the loss
    /// display uses it.
    float logSigmoid(float x) const
    {
        if (x <= -kMaxExp)
            return x;
        if (x >= kMaxExp)
            return 0.0f;
        return interpolate(m_logSigmoid, x);
    }

private:
    static float interpolate(const float *table, float x)
    {
        const float pos = (x + kMaxExp) * (float(kIntervals) / (2.0f * kMaxExp));
        const int i = std::clamp(int(pos), 0, kIntervals);
        const float t = pos - float(i);
        return table[i] + t * (table[i + 1] - table[i]);
    }

    float m_sigmoid[kIntervals + 2];
    float m_logSigmoid[kIntervals + 2];
};

/// splitmix64 (Steele, Lea & Flood 2014): small, fast, and the same on every standard library.
class Rng
{
public:
    explicit Rng(std::uint64_t seed = 0) : m_state(seed) {}
    std::uint64_t next()
    {
        std::uint64_t z = (m_state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    /// Uniform integer in [0, n) (Lemire's multiply-shift; n < 2^32).
    std::uint32_t below(std::uint32_t n)
    {
        return std::uint32_t((std::uint64_t(std::uint32_t(next() >> 32)) * n) >> 32);
    }
    /// Uniform in [0, 1) with 24 bits.
    float uniform() { return float(next() >> 40) * (1.0f / 16777216.0f); }

private:
    std::uint64_t m_state;
};

/// A seed for stream `stream` of a run seeded with `seed` (batches, rows).
inline std::uint64_t streamSeed(std::uint64_t seed, std::uint64_t stream)
{
    Rng r(seed ^ (stream * 0xD1B54A32D192ED03ull));
    r.next();
    return r.next();
}

/// Draws words with probability proportional to count^power (word2vec.c's unigram^0.75 table,
/// exactly rather than through a 1e8-entry table): Walker's alias method (Vose's construction),
/// O(1) a draw with one 64-bit random number, 8 bytes a word.
class AliasSampler
{
public:
    AliasSampler() = default;
    AliasSampler(const std::vector<std::uint64_t> &counts, double power);

    std::uint32_t size() const { return std::uint32_t(m_table.size()); }
    /// The word for random bits r: the high half picks a column, the low half accepts it or
    /// takes its alias.
    std::uint32_t sample(std::uint64_t r) const
    {
        const auto i =
            std::uint32_t((std::uint64_t(std::uint32_t(r >> 32)) * m_table.size()) >> 32);
        const Entry &e = m_table[i];
        return std::uint32_t(r) < e.threshold ? i : e.alias;
    }
    /// Probability of drawing word w (for tests).
    double probability(std::uint32_t w) const;

private:
    struct Entry
    {
        std::uint32_t threshold; ///< accept the column when the low 32 bits are below
        std::uint32_t alias;     ///< the other word of the column (itself when full)
    };
    std::vector<Entry> m_table;
};

/// Keep-probability of each word under frequent-word subsampling with threshold t
/// (word2vec.c: (sqrt(f / (t·total)) + 1) · (t·total) / f, capped at 1; 1 when t = 0).
std::vector<float> keepProbabilities(const std::vector<std::uint64_t> &counts, double sample);

// --------------------------------------------------------------------------------------------
// Per-example updates. Each takes an input vector h (skip-gram: the context word's syn0 row;
// CBOW: the mean of the context rows), adds alpha · ∂logL/∂h to `grad` (h itself is left alone;
// the caller applies grad), adds alpha · ∂logL/∂u to every output row u it touches, and returns
// the example's loss -logL summed over its terms. The scores of up to kBlock targets are
// computed before any row changes (independent dot products run in parallel in the CPU; the
// result is the gradient at one point, as a finite-difference check expects).

constexpr int kBlock = 8;

/// Negative sampling: targets[0] is the word to predict (label 1), targets[1..n) are negatives
/// (label 0). log L = log σ(h·u_0) + Σ log σ(-h·u_k). Scores beyond ±kMaxExp count as
/// σ = 1 or 0 (word2vec.c).
EMBEX_HOGWILD inline float negativeSamplingUpdate(const float *h, float *syn1neg,
                                                  std::size_t stride, const std::uint32_t *targets,
                                                  int n, float alpha, float *grad,
                                                  const SigmoidTable &table)
{
    float loss = 0;
    for (int k = 0; k < n; ++k)
        prefetchRow(syn1neg + targets[k] * stride, stride);
    for (int start = 0; start < n; start += kBlock) {
        const int m = std::min(kBlock, n - start);
        float g[kBlock];
        for (int k = 0; k < m; ++k) {
            const float f = dot(h, syn1neg + targets[start + k] * stride, stride);
            const float label = start + k == 0 ? 1.0f : 0.0f;
            float s;
            if (f >= SigmoidTable::kMaxExp)
                s = 1.0f;
            else if (f <= -SigmoidTable::kMaxExp)
                s = 0.0f;
            else
                s = table.sigmoid(f);
            g[k] = (label - s) * alpha;
            loss -= table.logSigmoid(label > 0 ? f : -f);
        }
        for (int k = 0; k < m; ++k)
            updatePair(g[k], h, syn1neg + targets[start + k] * stride, grad, stride);
    }
    return loss;
}

/// Hierarchical softmax along one word's Huffman path: points[d] is an inner node (row of
/// syn1), codes[d] the branch taken there. log L = Σ log σ((1 - 2 code_d) h·u_d). Nodes whose
/// score is beyond ±kMaxExp are skipped (word2vec.c), but count in the loss.
EMBEX_HOGWILD inline float hierarchicalUpdate(const float *h, float *syn1, std::size_t stride,
                                              const std::uint32_t *points,
                                              const std::uint8_t *codes, int n, float alpha,
                                              float *grad, const SigmoidTable &table)
{
    float loss = 0;
    for (int start = 0; start < n; start += kBlock) {
        const int m = std::min(kBlock, n - start);
        float g[kBlock];
        for (int k = 0; k < m; ++k) {
            const float f = dot(h, syn1 + points[start + k] * stride, stride);
            const float label = 1.0f - float(codes[start + k]);
            loss -= table.logSigmoid(label > 0 ? f : -f);
            if (f <= -SigmoidTable::kMaxExp || f >= SigmoidTable::kMaxExp)
                g[k] = 0.0f;
            else
                g[k] = (label - table.sigmoid(f)) * alpha;
        }
        for (int k = 0; k < m; ++k)
            if (g[k] != 0.0f)
                updatePair(g[k], h, syn1 + points[start + k] * stride, grad, stride);
    }
    return loss;
}

/// The model's matrices and fixed tables; shared by the training threads.
struct Model
{
    std::size_t dim = 0, stride = 0;
    float *syn0 = nullptr;    ///< input vectors (the result), vocab × stride
    float *syn1neg = nullptr; ///< output vectors for negative sampling (or null)
    float *syn1 = nullptr;    ///< inner-node vectors for hierarchical softmax (or null)
    int negative = 0;
    bool cbow = false;
    int window = 5;
    bool dynamicWindow = true;
    const AliasSampler *negatives = nullptr;
    const HuffmanCodes *huffman = nullptr;
    const float *keep = nullptr; ///< subsampling keep-probability per word
    SigmoidTable table;
};

/// Per-thread scratch space.
struct Scratch
{
    explicit Scratch(const Model &model)
        : h(model.stride), grad(model.stride), targets(std::size_t(model.negative) + 1),
          context(2 * std::size_t(std::max(model.window, 1)))
    {}
    std::vector<float> h, grad;
    std::vector<std::uint32_t> targets;
    std::vector<std::uint32_t> context;  ///< CBOW: the words of the window
    std::vector<std::uint32_t> sentence; ///< after subsampling
    double loss = 0;                     ///< sum of -log L terms
    std::uint64_t terms = 0;             ///< number of terms (positive + negative pairs, HS nodes)
};

/// The output side of one example, shared by skip-gram and CBOW: hidden vector h predicts
/// `centre` through the Huffman tree and/or against negative samples. Updates the output rows,
/// sets s.grad to the gradient for h (not applied), adds the loss to s.loss and returns the
/// number of terms.
EMBEX_HOGWILD inline int outputLayerUpdate(const Model &m, const float *h, std::uint32_t centre,
                                           float alpha, Rng &rng, Scratch &s)
{
    float *grad = s.grad.data();
    std::fill(s.grad.begin(), s.grad.end(), 0.0f);
    int terms = 0;
    float loss = 0;
    if (m.huffman) {
        const auto [points, codes, len] = m.huffman->path(centre);
        loss += hierarchicalUpdate(h, m.syn1, m.stride, points, codes, len, alpha, grad, m.table);
        terms += len;
    }
    if (m.negative > 0) {
        std::uint32_t *t = s.targets.data();
        int n = 0;
        t[n++] = centre;
        for (int k = 0; k < m.negative; ++k) {
            const std::uint32_t w = m.negatives->sample(rng.next());
            if (w != centre)
                t[n++] = w;
        }
        loss += negativeSamplingUpdate(h, m.syn1neg, m.stride, t, n, alpha, grad, m.table);
        terms += n;
    }
    s.loss += double(loss);
    return terms;
}

/// One skip-gram example: context word `input` predicts `centre`. Returns the number of terms.
EMBEX_HOGWILD inline int skipGramExample(const Model &m, std::uint32_t input, std::uint32_t centre,
                                         float alpha, Rng &rng, Scratch &s)
{
    float *h = m.syn0 + input * m.stride;
    const int terms = outputLayerUpdate(m, h, centre, alpha, rng, s);
    axpy(1.0f, s.grad.data(), h, m.stride);
    return terms;
}

/// One CBOW example: the mean of the rows of context[0..n) predicts `centre`; every context
/// row then moves by the gradient with respect to the mean (word2vec.c and gensim's
/// cbow_mean = 1: not divided by n). Returns the number of terms.
EMBEX_HOGWILD inline int cbowExample(const Model &m, const std::uint32_t *context, int n,
                                     std::uint32_t centre, float alpha, Rng &rng, Scratch &s)
{
    float *h = s.h.data();
    std::fill(s.h.begin(), s.h.end(), 0.0f);
    for (int c = 0; c < n; ++c)
        axpy(1.0f, m.syn0 + context[c] * m.stride, h, m.stride);
    const float inv = 1.0f / float(n);
    for (std::size_t i = 0; i < m.stride; ++i)
        h[i] *= inv;
    const int terms = outputLayerUpdate(m, h, centre, alpha, rng, s);
    const float *grad = s.grad.data();
    for (int c = 0; c < n; ++c)
        axpy(1.0f, grad, m.syn0 + context[c] * m.stride, m.stride);
    return terms;
}

/// Trains on one sentence (word ids) at learning rate alpha: subsampling, then for every
/// centre word a window drawn in [1, window] (or the full window), then the examples.
EMBEX_HOGWILD inline void trainSentence(const Model &m, const std::uint32_t *ids, std::size_t n,
                                        float alpha, Rng &rng, Scratch &s)
{
    auto &sen = s.sentence;
    sen.clear();
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint32_t w = ids[i];
        const float keep = m.keep[w];
        if (keep >= 1.0f || rng.uniform() < keep)
            sen.push_back(w);
    }
    const std::ptrdiff_t len = std::ptrdiff_t(sen.size());
    std::uint32_t *context = s.context.data();
    std::uint64_t terms = 0;
    for (std::ptrdiff_t pos = 0; pos < len; ++pos) {
        const std::ptrdiff_t win =
            m.dynamicWindow ? std::ptrdiff_t(rng.below(std::uint32_t(m.window))) + 1 : m.window;
        const std::ptrdiff_t lo = std::max<std::ptrdiff_t>(0, pos - win);
        const std::ptrdiff_t hi = std::min<std::ptrdiff_t>(len - 1, pos + win);
        const std::uint32_t centre = sen[std::size_t(pos)];
        if (m.cbow) {
            int c = 0;
            for (std::ptrdiff_t j = lo; j <= hi; ++j)
                if (j != pos)
                    context[c++] = sen[std::size_t(j)];
            if (c > 0)
                terms += std::uint64_t(cbowExample(m, context, c, centre, alpha, rng, s));
        } else {
            for (std::ptrdiff_t j = lo; j <= hi; ++j)
                if (j != pos)
                    terms += std::uint64_t(
                        skipGramExample(m, sen[std::size_t(j)], centre, alpha, rng, s));
        }
    }
    s.terms += terms;
}

} // namespace embex::detail::w2v
