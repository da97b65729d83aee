#include "project/Fft.h"

#include <Eigen/Core>

#if defined(__AVX__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <stdexcept>

namespace embex::detail {
namespace {

// One lane vector: eight floats, one AVX register (two SSE registers on baseline builds).
constexpr std::size_t kLanes = 8;
using Lane = Eigen::Array<float, Eigen::Index(kLanes), 1>;
using LaneMap = Eigen::Map<Lane>;

/// A per-thread buffer of m rows × kLanes lanes, split complex, 32-byte aligned.
struct LaneBuffer
{
    float *re;
    float *im;
};

LaneBuffer laneBuffer(std::vector<float> &storage, std::size_t m)
{
    const std::size_t need = 2 * m * kLanes + kLanes;
    if (storage.size() < need)
        storage.resize(need);
    auto addr = reinterpret_cast<std::uintptr_t>(storage.data());
    const std::size_t skip = ((32 - addr % 32) % 32) / sizeof(float);
    float *re = storage.data() + skip;
    return {re, re + m * kLanes};
}

/// Loads or stores one complex lane vector.
struct Slot
{
    LaneMap re, im;
    Slot(const LaneBuffer &b, std::size_t row) : re(b.re + row * kLanes), im(b.im + row * kLanes) {}
};

/// Complex product (xr + i·xi)(wr + i·wi) of a lane vector and a scalar.
inline void rotate(Lane &xr, Lane &xi, float wr, float wi)
{
    const Lane r = xr * wr - xi * wi;
    xi = xr * wi + xi * wr;
    xr = r;
}

// Forward transform: decimation in frequency, radix 4 (one radix-2 stage first when log2 m is
// odd). A stage of length L maps each group of L values to four quarters whose own DFTs are the
// frequencies 4k + r; the output ends in base-4 digit-reversed order. The inverse runs the
// adjoint stages in reverse order (conjugate twiddles, conjugate butterflies), so
// inverse(forward(x)) = m·x without any reordering.
//
// `upperZero`: the input's upper half is zero (the zero padding), so the first stage skips it.
// `lowerOnly`: only the output's lower half is wanted, so the last inverse stage skips the rest.

void forwardRadix2(const LaneBuffer &b, std::size_t m, std::size_t len, const float *twRe,
                   const float *twIm, bool upperZero)
{
    const std::size_t q = len / 2, step = m / len;
    for (std::size_t g = 0; g < m; g += len)
        for (std::size_t j = 0; j < q; ++j) {
            Slot s0(b, g + j), s1(b, g + j + q);
            Lane ar = s0.re, ai = s0.im;
            Lane br = upperZero ? Lane(Lane::Zero()) : Lane(s1.re);
            Lane bi = upperZero ? Lane(Lane::Zero()) : Lane(s1.im);
            s0.re = ar + br;
            s0.im = ai + bi;
            Lane dr = ar - br, di = ai - bi;
            rotate(dr, di, twRe[j * step], twIm[j * step]);
            s1.re = dr;
            s1.im = di;
        }
}

void forwardRadix4(const LaneBuffer &b, std::size_t m, std::size_t len, const float *twRe,
                   const float *twIm, bool upperZero)
{
    const std::size_t q = len / 4, step = m / len;
    for (std::size_t g = 0; g < m; g += len)
        for (std::size_t j = 0; j < q; ++j) {
            Slot s0(b, g + j), s1(b, g + j + q), s2(b, g + j + 2 * q), s3(b, g + j + 3 * q);
            const Lane a0r = s0.re, a0i = s0.im, a1r = s1.re, a1i = s1.im;
            Lane t0r, t0i, t1r, t1i, t2r, t2i, dr, di;
            if (upperZero) {
                t0r = a0r, t0i = a0i, t1r = a0r, t1i = a0i, t2r = a1r, t2i = a1i, dr = a1r,
                di = a1i;
            } else {
                const Lane a2r = s2.re, a2i = s2.im, a3r = s3.re, a3i = s3.im;
                t0r = a0r + a2r, t0i = a0i + a2i, t1r = a0r - a2r, t1i = a0i - a2i;
                t2r = a1r + a3r, t2i = a1i + a3i, dr = a1r - a3r, di = a1i - a3i;
            }
            // y0 = t0 + t2, y2 = t0 − t2, y1 = t1 − i·d, y3 = t1 + i·d (d = a1 − a3).
            Lane y1r = t1r + di, y1i = t1i - dr, y2r = t0r - t2r, y2i = t0i - t2i;
            Lane y3r = t1r - di, y3i = t1i + dr;
            s0.re = t0r + t2r;
            s0.im = t0i + t2i;
            rotate(y1r, y1i, twRe[j * step], twIm[j * step]);
            rotate(y2r, y2i, twRe[2 * j * step], twIm[2 * j * step]);
            rotate(y3r, y3i, twRe[3 * j * step], twIm[3 * j * step]);
            s1.re = y1r;
            s1.im = y1i;
            s2.re = y2r;
            s2.im = y2i;
            s3.re = y3r;
            s3.im = y3i;
        }
}

void inverseRadix2(const LaneBuffer &b, std::size_t m, std::size_t len, const float *twRe,
                   const float *twIm, bool lowerOnly)
{
    const std::size_t q = len / 2, step = m / len;
    for (std::size_t g = 0; g < m; g += len)
        for (std::size_t j = 0; j < q; ++j) {
            Slot s0(b, g + j), s1(b, g + j + q);
            Lane zr = s1.re, zi = s1.im;
            rotate(zr, zi, twRe[j * step], -twIm[j * step]);
            const Lane ar = s0.re, ai = s0.im;
            s0.re = ar + zr;
            s0.im = ai + zi;
            if (!lowerOnly) {
                s1.re = ar - zr;
                s1.im = ai - zi;
            }
        }
}

void inverseRadix4(const LaneBuffer &b, std::size_t m, std::size_t len, const float *twRe,
                   const float *twIm, bool lowerOnly)
{
    const std::size_t q = len / 4, step = m / len;
    for (std::size_t g = 0; g < m; g += len)
        for (std::size_t j = 0; j < q; ++j) {
            Slot s0(b, g + j), s1(b, g + j + q), s2(b, g + j + 2 * q), s3(b, g + j + 3 * q);
            Lane y1r = s1.re, y1i = s1.im, y2r = s2.re, y2i = s2.im, y3r = s3.re, y3i = s3.im;
            rotate(y1r, y1i, twRe[j * step], -twIm[j * step]);
            rotate(y2r, y2i, twRe[2 * j * step], -twIm[2 * j * step]);
            rotate(y3r, y3i, twRe[3 * j * step], -twIm[3 * j * step]);
            const Lane y0r = s0.re, y0i = s0.im;
            // a0 = u0 + u2, a2 = u0 − u2, a1 = u1 + i·e, a3 = u1 − i·e (e = y1 − y3).
            const Lane u0r = y0r + y2r, u0i = y0i + y2i, u1r = y0r - y2r, u1i = y0i - y2i;
            const Lane u2r = y1r + y3r, u2i = y1i + y3i, er = y1r - y3r, ei = y1i - y3i;
            s0.re = u0r + u2r;
            s0.im = u0i + u2i;
            s1.re = u1r - ei;
            s1.im = u1i + er;
            if (!lowerOnly) {
                s2.re = u0r - u2r;
                s2.im = u0i - u2i;
                s3.re = u1r + ei;
                s3.im = u1i - er;
            }
        }
}

bool oddLog2(std::size_t m)
{
    int bits = 0;
    while ((std::size_t(1) << bits) < m)
        ++bits;
    return bits % 2 == 1;
}

/// Forward DFT (sign −) of kLanes interleaved sequences of length m; natural order in,
/// digit-reversed order out.
void forwardDif(const LaneBuffer &b, std::size_t m, const float *twRe, const float *twIm,
                bool upperZero = false)
{
    std::size_t len = m;
    if (oddLog2(m)) {
        forwardRadix2(b, m, len, twRe, twIm, upperZero);
        len /= 2;
        upperZero = false;
    }
    for (; len >= 4; len /= 4) {
        forwardRadix4(b, m, len, twRe, twIm, upperZero);
        upperZero = false;
    }
}

/// Inverse DFT (sign +, unnormalised) undoing forwardDif: inverseDit(forwardDif(x)) = m·x.
void inverseDit(const LaneBuffer &b, std::size_t m, const float *twRe, const float *twIm,
                bool lowerOnly = false)
{
    const std::size_t radix4Top = oddLog2(m) ? m / 2 : m;
    for (std::size_t len = 4; len <= radix4Top; len *= 4)
        inverseRadix4(b, m, len, twRe, twIm, lowerOnly && len == m);
    if (radix4Top != m)
        inverseRadix2(b, m, m, twRe, twIm, lowerOnly);
}

std::size_t roundUp(std::size_t x, std::size_t to)
{
    return (x + to - 1) / to * to;
}

/// dst[c][r] = src[r][c] for an 8 × 8 tile (strides in floats).
inline void transpose8(const float *src, std::size_t srcStride, float *dst, std::size_t dstStride)
{
#if defined(__AVX__)
    __m256 r[8], t[8];
    for (std::size_t i = 0; i < 8; ++i)
        r[i] = _mm256_loadu_ps(src + i * srcStride);
    for (std::size_t i = 0; i < 8; i += 2) {
        t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
    }
    for (std::size_t i = 0; i < 8; i += 4) {
        r[i] = _mm256_shuffle_ps(t[i], t[i + 2], 0x44);
        r[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], 0xEE);
        r[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0x44);
        r[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
    }
    for (std::size_t i = 0; i < 4; ++i) {
        _mm256_storeu_ps(dst + i * dstStride, _mm256_permute2f128_ps(r[i], r[i + 4], 0x20));
        _mm256_storeu_ps(dst + (i + 4) * dstStride, _mm256_permute2f128_ps(r[i], r[i + 4], 0x31));
    }
#else
    for (std::size_t i = 0; i < 8; ++i)
        for (std::size_t j = 0; j < 8; ++j)
            dst[j * dstStride + i] = src[i * srcStride + j];
#endif
}

/// Copies one lane vector (one AVX load and store; std::copy would call memmove).
inline void copy8(const float *src, float *dst)
{
    LaneMap out(dst);
    out = Eigen::Map<const Lane>(src);
}

} // namespace

void GridConvolver::setKernels(std::size_t m, double h, ThreadTeam &team)
{
    if (m < 16 || (m & (m - 1)) != 0)
        throw std::invalid_argument("GridConvolver: m must be a power of two and at least 16");
    if (!(h > 0.0) || !std::isfinite(h))
        throw std::invalid_argument("GridConvolver: the node spacing must be positive");
    if (m != m_m) {
        m_twRe.resize(m);
        m_twIm.resize(m);
        for (std::size_t t = 0; t < m; ++t) {
            const double a = -2.0 * std::numbers::pi * double(t) / double(m);
            m_twRe[t] = float(std::cos(a));
            m_twIm[t] = float(std::sin(a));
        }
    }
    m_m = m;
    m_h = h;
    m_buffers.resize(team.size());
    m_k1Hat.resize(m * m);
    m_gRe.resize(m * m);
    m_gIm.resize(m * m);

    // Circulant embedding: index i stands for the signed offset i (i < m/2) or i − m (i > m/2);
    // the offset ±m/2 is never needed (grids have n ≤ m/2) and left zero.
    std::vector<double> offset(m);
    std::vector<bool> inside(m);
    for (std::size_t i = 0; i < m; ++i) {
        inside[i] = i != m / 2;
        offset[i] = (i < m / 2 ? double(i) : double(i) - double(m)) * h;
    }
    // Two complex kernel grids, transformed the same way as the data, one after the other:
    // K1 (imaginary part zero) and Kx + i·Ky. First pass along rows for all m columns, into a
    // full m × m intermediate; second pass along the other axis. The 1/m² of the inverse
    // transform (and of Parseval's identity) is folded in.
    std::vector<float> tmpRe(m * m), tmpIm(m * m);
    const std::size_t blocks = m / kLanes;
    const float scale = float(1.0 / (double(m) * double(m)));
    for (const bool force : {false, true}) {
        team.forRanges(blocks, [&](std::size_t begin, std::size_t end, unsigned t) {
            const LaneBuffer b = laneBuffer(m_buffers[t], m);
            for (std::size_t blk = begin; blk < end; ++blk) {
                const std::size_t c0 = blk * kLanes;
                for (std::size_t r = 0; r < m; ++r)
                    for (std::size_t l = 0; l < kLanes; ++l) {
                        const std::size_t c = c0 + l;
                        float re = 0.0f, im = 0.0f;
                        if (inside[r] && inside[c]) {
                            const double dx = offset[c], dy = offset[r];
                            const double q = 1.0 / (1.0 + dx * dx + dy * dy);
                            if (force) {
                                re = float(dx * q * q);
                                im = float(dy * q * q);
                            } else {
                                re = float(q);
                            }
                        }
                        b.re[r * kLanes + l] = re;
                        b.im[r * kLanes + l] = im;
                    }
                forwardDif(b, m, m_twRe.data(), m_twIm.data());
                for (std::size_t k = 0; k < m; ++k) {
                    copy8(b.re + k * kLanes, tmpRe.data() + k * m + c0);
                    copy8(b.im + k * kLanes, tmpIm.data() + k * m + c0);
                }
            }
        });
        team.forRanges(blocks, [&](std::size_t begin, std::size_t end, unsigned t) {
            const LaneBuffer b = laneBuffer(m_buffers[t], m);
            for (std::size_t blk = begin; blk < end; ++blk) {
                const std::size_t k0 = blk * kLanes;
                for (std::size_t c0 = 0; c0 < m; c0 += kLanes) {
                    transpose8(tmpRe.data() + k0 * m + c0, m, b.re + c0 * kLanes, kLanes);
                    transpose8(tmpIm.data() + k0 * m + c0, m, b.im + c0 * kLanes, kLanes);
                }
                forwardDif(b, m, m_twRe.data(), m_twIm.data());
                for (std::size_t k = 0; k < m; ++k) {
                    const std::size_t at = k * m + k0;
                    if (force) {
                        LaneMap(m_gRe.data() + at) = LaneMap(b.re + k * kLanes) * scale;
                        LaneMap(m_gIm.data() + at) = LaneMap(b.im + k * kLanes) * scale;
                    } else {
                        // The spectrum of the even real K1 is real.
                        LaneMap(m_k1Hat.data() + at) = LaneMap(b.re + k * kLanes) * scale;
                    }
                }
            }
        });
    }
}

double GridConvolver::apply(const float *w, std::size_t n, float *fx, float *fy, ThreadTeam &team)
{
    const std::size_t m = m_m;
    if (m == 0 || n == 0 || 2 * n > m)
        throw std::invalid_argument("GridConvolver: the grid must be at most m/2 wide");
    const std::size_t width = roundUp(n, kLanes);
    if (m_re.size() < m * width) {
        m_re.resize(m * width);
        m_im.resize(m * width);
    }
    float *re = m_re.data(), *im = m_im.data();
    const float *twRe = m_twRe.data(), *twIm = m_twIm.data();

    // Pass 1: transform along rows for the columns that hold data (c < n). Result:
    // re/im [frequency row][column], row stride `width`.
    team.forRanges(width / kLanes, [&](std::size_t begin, std::size_t end, unsigned t) {
        const LaneBuffer b = laneBuffer(m_buffers[t], m);
        for (std::size_t blk = begin; blk < end; ++blk) {
            const std::size_t c0 = blk * kLanes;
            const std::size_t lanes = std::min(kLanes, n - c0);
            // Rows ≥ m/2 are never read (the first stage knows they are zero).
            std::fill(b.im, b.im + m / 2 * kLanes, 0.0f);
            if (lanes == kLanes) {
                for (std::size_t r = 0; r < n; ++r)
                    copy8(w + r * n + c0, b.re + r * kLanes);
            } else {
                std::fill(b.re, b.re + n * kLanes, 0.0f);
                for (std::size_t r = 0; r < n; ++r)
                    for (std::size_t l = 0; l < lanes; ++l)
                        b.re[r * kLanes + l] = w[r * n + c0 + l];
            }
            std::fill(b.re + n * kLanes, b.re + m / 2 * kLanes, 0.0f);
            forwardDif(b, m, twRe, twIm, true);
            for (std::size_t k = 0; k < m; ++k) {
                copy8(b.re + k * kLanes, re + k * width + c0);
                copy8(b.im + k * kLanes, im + k * width + c0);
            }
        }
    });
    // Pass 2: for each block of frequency rows, transform along columns; accumulate Parseval's
    // sum for Z; multiply by the force kernel's spectrum; transform back (columns < width kept).
    const std::size_t blocks = m / kLanes;
    m_blockZ.assign(blocks, 0.0);
    team.forRanges(blocks, [&](std::size_t begin, std::size_t end, unsigned t) {
        const LaneBuffer b = laneBuffer(m_buffers[t], m);
        for (std::size_t blk = begin; blk < end; ++blk) {
            const std::size_t k0 = blk * kLanes;
            for (std::size_t c0 = 0; c0 < width; c0 += kLanes) {
                transpose8(re + k0 * width + c0, width, b.re + c0 * kLanes, kLanes);
                transpose8(im + k0 * width + c0, width, b.im + c0 * kLanes, kLanes);
            }
            std::fill(b.re + width * kLanes, b.re + m / 2 * kLanes, 0.0f);
            std::fill(b.im + width * kLanes, b.im + m / 2 * kLanes, 0.0f);
            forwardDif(b, m, twRe, twIm, true);
            Lane z = Lane::Zero();
            for (std::size_t k = 0; k < m; ++k) {
                const std::size_t at = k * m + k0;
                const Eigen::Map<const Lane> k1(m_k1Hat.data() + at), gr(m_gRe.data() + at),
                    gi(m_gIm.data() + at);
                LaneMap xr(b.re + k * kLanes), xi(b.im + k * kLanes);
                const Lane r = xr, i = xi;
                z += k1 * (r * r + i * i);
                xr = r * gr - i * gi;
                xi = r * gi + i * gr;
            }
            double sum = 0.0;
            for (std::size_t l = 0; l < kLanes; ++l)
                sum += double(z[Eigen::Index(l)]);
            m_blockZ[blk] = sum;
            inverseDit(b, m, twRe, twIm, true);
            for (std::size_t c0 = 0; c0 < width; c0 += kLanes) {
                transpose8(b.re + c0 * kLanes, kLanes, re + k0 * width + c0, width);
                transpose8(b.im + c0 * kLanes, kLanes, im + k0 * width + c0, width);
            }
        }
    });
    // Pass 3: back along rows; rows < n and columns < n are the linear convolution.
    team.forRanges(width / kLanes, [&](std::size_t begin, std::size_t end, unsigned t) {
        const LaneBuffer b = laneBuffer(m_buffers[t], m);
        for (std::size_t blk = begin; blk < end; ++blk) {
            const std::size_t c0 = blk * kLanes;
            const std::size_t lanes = std::min(kLanes, n - c0);
            for (std::size_t k = 0; k < m; ++k) {
                copy8(re + k * width + c0, b.re + k * kLanes);
                copy8(im + k * width + c0, b.im + k * kLanes);
            }
            inverseDit(b, m, twRe, twIm, true);
            for (std::size_t r = 0; r < n; ++r)
                for (std::size_t l = 0; l < lanes; ++l) {
                    fx[r * n + c0 + l] = b.re[r * kLanes + l];
                    fy[r * n + c0 + l] = b.im[r * kLanes + l];
                }
        }
    });
    double z = 0.0;
    for (double part : m_blockZ)
        z += part;
    return z;
}

} // namespace embex::detail
