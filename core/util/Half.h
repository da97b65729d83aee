#pragma once
// IEEE 754 binary16 ("half") conversion, portable and exact, for float16 storage.
//
// A half is 1 sign bit, 5 exponent bits (bias 15) and 10 mantissa bits: normals span
// 2^-14 .. 65504 with 11 significant bits, subnormals are multiples of 2^-24, exponent 31 is
// Inf (mantissa 0) or NaN. Every half is exactly representable as a float.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace embex {

/// Largest finite half.
inline constexpr float kHalfMax = 65504.0f;

/// Whether the half is Inf or NaN (exponent bits all ones).
constexpr bool halfIsNonFinite(std::uint16_t h)
{
    return (h & 0x7c00u) == 0x7c00u;
}

/// Exact half → float (subnormals included; Inf and NaN map to Inf and NaN). Branch-free, so
/// a loop over a matrix vectorises.
constexpr float halfToFloat(std::uint16_t h)
{
    const std::uint32_t sign = std::uint32_t(h & 0x8000u) << 16;
    const std::uint32_t em = h & 0x7fffu; // exponent and mantissa
    // Normal: move the fields into place and rebias the exponent (15 → 127); exponent 31
    // (Inf/NaN) needs 255, a second rebias.
    const std::uint32_t normal = (em << 13) + (112u << 23) + (em >= 0x7c00u ? 112u << 23 : 0u);
    // Subnormal m · 2^-24 (and zero): exact in float arithmetic, m has at most 10 bits.
    const std::uint32_t subnormal = std::bit_cast<std::uint32_t>(float(em) * 0x1p-24f);
    return std::bit_cast<float>(sign | (em < 0x400u ? subnormal : normal));
}

/// float → half, rounded to nearest, ties to even (the IEEE default), subnormals included.
/// Magnitudes of 65520 and above round to Inf; NaN stays NaN (quiet). Callers that must not
/// produce Inf check |f| <= kHalfMax first.
constexpr std::uint16_t floatToHalf(float f)
{
    const std::uint32_t x = std::bit_cast<std::uint32_t>(f);
    const auto sign = static_cast<std::uint16_t>((x >> 16) & 0x8000u);
    const std::uint32_t ax = x & 0x7fffffffu;
    if (ax > 0x7f800000u) // NaN: keep the top payload bits, force quiet
        return static_cast<std::uint16_t>(sign | 0x7e00u | ((ax >> 13) & 0x3ffu));
    if (ax >= 0x477ff000u) // >= 65520: ties to even from 65504 (odd mantissa) go up to Inf
        return static_cast<std::uint16_t>(sign | 0x7c00u);
    if (ax >= 0x38800000u) { // >= 2^-14: a normal half
        // Rebias the exponent (127 → 15), then round the 13 dropped bits; a carry out of the
        // mantissa correctly bumps the exponent.
        const std::uint32_t odd = (ax >> 13) & 1u;
        const std::uint32_t r = ax - (112u << 23) + 0xfffu + odd;
        return static_cast<std::uint16_t>(sign | (r >> 13));
    }
    const std::uint32_t e = ax >> 23;
    if (e < 102) // below 2^-25: rounds to zero (2^-25 itself is a tie, to even 0, below)
        return sign;
    // Subnormal: value = mant · 2^(e - 150) = (mant >> shift) · 2^-24 with shift = 126 - e
    // (14..24). Round the dropped bits to nearest, ties to even; 1024 becomes 2^-14, correctly.
    const std::uint32_t mant = (ax & 0x7fffffu) | 0x800000u;
    const std::uint32_t shift = 126 - e;
    std::uint32_t m = mant >> shift;
    const std::uint32_t rem = mant & ((1u << shift) - 1);
    const std::uint32_t half = 1u << (shift - 1);
    if (rem > half || (rem == half && (m & 1u)))
        ++m;
    return static_cast<std::uint16_t>(sign | m);
}

/// Decodes n little-endian halves at `bytes` (any alignment) into out[0..n). Returns the index
/// of the first Inf or NaN half, or n when all are finite; out is fully written either way.
inline std::size_t decodeHalves(const unsigned char *bytes, std::size_t n, float *out)
{
    // No branch on the exponent inside the loop, so it vectorises: one flag, then a search.
    bool bad = false;
    for (std::size_t i = 0; i < n; ++i) {
        std::uint16_t h;
        std::memcpy(&h, bytes + 2 * i, 2);
        bad |= halfIsNonFinite(h);
        out[i] = halfToFloat(h);
    }
    for (std::size_t i = 0; bad && i < n; ++i) {
        std::uint16_t h;
        std::memcpy(&h, bytes + 2 * i, 2);
        if (halfIsNonFinite(h))
            return i;
    }
    return n;
}

} // namespace embex
