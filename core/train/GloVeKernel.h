#pragma once
// Internal to core/train: GloVe's loss and AdaGrad step for one co-occurrence record (exposed
// for the gradient check in tests/core/tst_glove.cpp).
//
// Loss of the directed record (word i, context j):
//     J = ½ f(X_ij) (w_i · c_j + b_i + b'_j − log X_ij)²,   f(x) = min(1, (x / xMax)^alpha)
// (the ½ and the per-record mean match the "cost" glove.c prints). AdaGrad as in glove.c: the
// accumulators hold 1 + Σ (η ∂J/∂θ)² (so the first step is exactly η ∂J/∂θ) and each step is
// θ −= η ∂J/∂θ / √accumulator.
//
// HOGWILD: gloveStep (marked EMBEX_HOGWILD) reads and writes rows shared by all training threads
// without locks, as glove.c does; that is the only deliberate data race in the GloVe trainer, and
// the marker turns off ThreadSanitizer's instrumentation there.
#include "train/Hogwild.h"

#include <Eigen/Core>

#include <immintrin.h>

#include <cmath>
#include <cstddef>
#include <cstdint>

namespace embex::detail {

/// Vectors are stored padded to a multiple of kGloVeLanes floats (the padding stays zero).
constexpr std::size_t kGloVeLanes = 8;

/// One co-occurrence record: the unordered pair i ≤ j, log X_ij and the weight f(X_ij).
struct GloVeRecord
{
    std::uint32_t i, j;
    float logX, weight;
};

/// f(x) = min(1, (x / xMax)^alpha).
inline float gloveWeight(double x, double xMax, double alpha)
{
    return x >= xMax ? 1.0f : float(std::pow(x / xMax, alpha));
}

/// One side (word or context) of one word's parameters. `vec` and `grad` point at `stride`
/// floats, 32-byte aligned, stride a multiple of kGloVeLanes.
struct GloVeParams
{
    float *vec;      ///< the vector, zero-padded to stride
    float *grad;     ///< AdaGrad accumulators of vec
    float *bias;     ///< the bias
    float *biasGrad; ///< its accumulator
};

/// J for the record (w, c) without changing anything.
inline double gloveLoss(const GloVeParams &w, const GloVeParams &c, float logX, float weight,
                        std::size_t stride)
{
    double dot = 0;
    for (std::size_t k = 0; k < stride; ++k)
        dot += double(w.vec[k]) * double(c.vec[k]);
    const double diff = dot + double(*w.bias) + double(*c.bias) - double(logX);
    return 0.5 * double(weight) * diff * diff;
}

/// One AdaGrad step on J for the record (w, c) with learning rate eta; returns J before the
/// step. The two sides must not alias (a word with itself uses its word and context vectors,
/// which are distinct).
EMBEX_HOGWILD inline float gloveStep(const GloVeParams &w, const GloVeParams &c, float logX,
                                     float weight, float eta, std::size_t stride)
{
    using Packet = Eigen::Array<float, int(kGloVeLanes), 1>;
    using Lane = Eigen::Map<Packet, Eigen::Aligned32>;
    Packet acc = Packet::Zero();
    for (std::size_t k = 0; k < stride; k += kGloVeLanes)
        acc += Lane(w.vec + k) * Lane(c.vec + k);
    const float diff = acc.sum() + *w.bias + *c.bias - logX;
    const float fdiff = weight * diff;
    const float g = eta * fdiff; // η ∂J/∂(w·c + b + b')
#if defined(__AVX2__) && defined(__FMA__)
    // rsqrt's 12-bit estimate is plenty for an AdaGrad scale (Eigen adds a Newton step).
    const __m256 gg = _mm256_set1_ps(g);
    for (std::size_t k = 0; k < stride; k += kGloVeLanes) {
        const __m256 wv = _mm256_load_ps(w.vec + k), cv = _mm256_load_ps(c.vec + k);
        const __m256 gw = _mm256_load_ps(w.grad + k), gc = _mm256_load_ps(c.grad + k);
        const __m256 tw = _mm256_mul_ps(gg, cv), tc = _mm256_mul_ps(gg, wv);
        _mm256_store_ps(w.vec + k, _mm256_fnmadd_ps(tw, _mm256_rsqrt_ps(gw), wv));
        _mm256_store_ps(c.vec + k, _mm256_fnmadd_ps(tc, _mm256_rsqrt_ps(gc), cv));
        _mm256_store_ps(w.grad + k, _mm256_fmadd_ps(tw, tw, gw));
        _mm256_store_ps(c.grad + k, _mm256_fmadd_ps(tc, tc, gc));
    }
#else
    for (std::size_t k = 0; k < stride; k += kGloVeLanes) {
        Lane wv(w.vec + k), cv(c.vec + k), gw(w.grad + k), gc(c.grad + k);
        const Packet tw = g * cv; // η ∂J/∂w
        const Packet tc = g * wv; // η ∂J/∂c
        wv -= tw * gw.rsqrt();
        cv -= tc * gc.rsqrt();
        gw += tw.square();
        gc += tc.square();
    }
#endif
    *w.bias -= g / std::sqrt(*w.biasGrad);
    *c.bias -= g / std::sqrt(*c.biasGrad);
    *w.biasGrad += g * g;
    *c.biasGrad += g * g;
    return 0.5f * fdiff * diff;
}

} // namespace embex::detail
