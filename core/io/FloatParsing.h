#pragma once
// Decimal text to float32, rounded exactly as std::from_chars rounds, with fast paths for the
// spellings vector files use (internal to core/io). No allocation, no locale.
#include <algorithm>
#include <bit>
#include <cfloat>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace embex::detail {

/// parseFloatSwar reads up to this many bytes past the last digit of a number; buffers handed to
/// it need that many readable bytes after their text (zeros work).
inline constexpr std::size_t kFloatReadPadding = 16;

enum class ValueStatus { Ok, NotNumber, NonFinite, Overflow };

inline bool isAsciiDigit(char c)
{
    return c >= '0' && c <= '9';
}

// Decimal magnitude of a numeric field that overflowed even a double: true if it is tiny
// (underflow, read as zero), false if huge.
inline bool isTinyMagnitude(const char *s, const char *e)
{
    if (s < e && (*s == '-' || *s == '+'))
        ++s;
    long long intDigits = 0, fracZeros = 0;
    bool nonzero = false;
    for (; s < e && isAsciiDigit(*s); ++s)
        if (nonzero || *s != '0') {
            nonzero = true;
            ++intDigits;
        }
    if (s < e && *s == '.')
        for (++s; s < e && isAsciiDigit(*s); ++s)
            if (!nonzero) {
                if (*s == '0')
                    ++fracZeros;
                else
                    nonzero = true;
            }
    long long exp = 0;
    if (s < e && (*s == 'e' || *s == 'E')) {
        ++s;
        bool neg = s < e && *s == '-';
        if (s < e && (*s == '-' || *s == '+'))
            ++s;
        for (; s < e && isAsciiDigit(*s); ++s)
            exp = std::min(exp * 10 + (*s - '0'), 1000000000LL);
        exp = neg ? -exp : exp;
    }
    long long magnitude = intDigits > 0 ? intDigits - 1 + exp : exp - fracZeros - 1;
    return magnitude < 0;
}

// The general parser for one field [p, e): a leading '+', any length, exponents, values out of
// float range (overflow is an error; underflow reads as a signed zero, as strtof does), and
// NaN/Inf or garbage (reported, out untouched).
inline ValueStatus parseFloatField(const char *p, const char *e, float &out)
{
    const char *s = p;
    if (e - s >= 2 && *s == '+' && (isAsciiDigit(s[1]) || s[1] == '.'))
        ++s;
    float v = 0;
    auto r = std::from_chars(s, e, v);
    if (r.ptr != e || (r.ec != std::errc() && r.ec != std::errc::result_out_of_range))
        return ValueStatus::NotNumber;
    if (r.ec == std::errc()) {
        if (!std::isfinite(v))
            return ValueStatus::NonFinite;
        out = v;
        return ValueStatus::Ok;
    }
    double d = 0;
    auto rd = std::from_chars(s, e, d);
    bool tiny = rd.ec == std::errc() ? std::fabs(d) < double(FLT_MIN) : isTinyMagnitude(s, e);
    if (!tiny)
        return ValueStatus::Overflow;
    out = rd.ec == std::errc() ? static_cast<float>(d) : (*p == '-' ? -0.0f : 0.0f);
    return ValueStatus::Ok;
}

// Clinger's fast path for float: a decimal whose digits fit in 24 bits and whose power of ten
// is within 10^±10 is one exactly representable float divided or multiplied by another, and
// IEEE division/multiplication rounds correctly. Covers almost every value GloVe, word2vec and
// fastText write. Returns the end of the number, or nullptr where the general parser must
// decide.
inline const char *parseFloatFast(const char *p, const char *e, float &out)
{
    static constexpr float kPow10[] = {1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f,
                                       1e6f, 1e7f, 1e8f, 1e9f, 1e10f};
    const bool negative = p < e && *p == '-';
    p += negative ? 1 : 0;
    std::uint64_t mantissa = 0;
    const char *start = p;
    for (; p < e && isAsciiDigit(*p); ++p)
        mantissa = mantissa * 10 + static_cast<unsigned>(*p - '0');
    std::ptrdiff_t digits = p - start, fraction = 0;
    if (p < e && *p == '.') {
        const char *f = ++p;
        for (; p < e && isAsciiDigit(*p); ++p)
            mantissa = mantissa * 10 + static_cast<unsigned>(*p - '0');
        fraction = p - f;
        digits += fraction;
    }
    if (digits == 0 || digits > 19 || mantissa > (1u << 24))
        return nullptr;
    std::ptrdiff_t exponent = -fraction;
    if (p < e && (*p == 'e' || *p == 'E')) {
        ++p;
        const bool negativeExp = p < e && *p == '-';
        p += p < e && (*p == '-' || *p == '+') ? 1 : 0;
        const char *x = p;
        std::ptrdiff_t value = 0;
        for (; p < e && isAsciiDigit(*p) && p - x < 4; ++p)
            value = value * 10 + (*p - '0');
        if (p == x || (p < e && isAsciiDigit(*p)))
            return nullptr;
        exponent += negativeExp ? -value : value;
    }
    if (exponent < -10 || exponent > 10)
        return nullptr;
    float v = static_cast<float>(mantissa);
    v = exponent < 0 ? v / kPow10[-exponent] : v * kPow10[exponent];
    out = negative ? -v : v;
    return p;
}

// The leading ASCII digits (at most 8) of the 8 bytes at p: returns their count, sets their
// value. Bytes after the first non-digit are ignored (SWAR, as in fast_float).
inline unsigned digits8(const char *p, std::uint32_t &value)
{
    std::uint64_t v;
    std::memcpy(&v, p, 8); // little-endian: p[0] is the low byte
    constexpr std::uint64_t kHigh = 0xF0F0F0F0F0F0F0F0, kZeros = 0x3030303030303030;
    const std::uint64_t nonDigit =
        ((v & kHigh) ^ kZeros) | (((v + 0x0606060606060606) & kHigh) ^ kZeros);
    const unsigned n = nonDigit ? unsigned(std::countr_zero(nonDigit)) / 8 : 8;
    if (n == 0) {
        value = 0;
        return 0;
    }
    // Digits to the high bytes, zero digits in front; then 8 digits → number in 3 multiplies.
    std::uint64_t t = (v - kZeros) << (8 * (8 - n));
    t = t * 10 + (t >> 8);
    t = (((t & 0x000000FF000000FF) * 0x000F424000000064) +
         (((t >> 16) & 0x000000FF000000FF) * 0x0000271000000001)) >>
        32;
    value = static_cast<std::uint32_t>(t);
    return n;
}

// parseFloatFast for the common "[-]digits[.digits]" without exponent, 8 digits at a time.
// The text must go on for kFloatReadPadding bytes after the number's last digit.
inline const char *parseFloatSwar(const char *p, float &out)
{
    static constexpr float kPow10[] = {1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f,
                                       1e6f, 1e7f, 1e8f, 1e9f, 1e10f};
    static constexpr std::uint64_t kScale[] = {1,      10,      100,      1000,     10000,
                                               100000, 1000000, 10000000, 100000000};
    const bool negative = *p == '-';
    p += negative ? 1 : 0;
    std::uint32_t part;
    const unsigned intDigits = digits8(p, part);
    if (intDigits == 8)
        return nullptr;
    p += intDigits;
    std::uint64_t mantissa = part;
    unsigned fraction = 0;
    if (*p == '.') {
        ++p;
        for (;;) {
            const unsigned n = digits8(p, part);
            if (intDigits + fraction + n > 19)
                return nullptr;
            mantissa = mantissa * kScale[n] + part;
            fraction += n;
            p += n;
            if (n < 8)
                break;
        }
    }
    if (intDigits + fraction == 0 || *p == 'e' || *p == 'E' || fraction > 10 ||
        mantissa > (1u << 24))
        return nullptr;
    const float v = static_cast<float>(mantissa) / kPow10[fraction];
    out = negative ? -v : v;
    return p;
}

} // namespace embex::detail
