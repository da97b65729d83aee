#pragma once
// Helpers shared by the binary readers/writers (internal to core/io): little-endian loads,
// finiteness checks, gzip size bounds, printable snippets of raw bytes for messages. The
// regular-file check before mapping a file is util/RegularFile.h's requireRegularFile.
#include "io/ReaderSupport.h"
#include "util/RegularFile.h"

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

namespace embex::detail {

static_assert(std::endian::native == std::endian::little,
              "the binary formats memcpy little-endian floats; big-endian hosts need swaps");

/// Deflate cannot expand data by more than about 1032:1, so a .gz file of n bytes holds at
/// most this many bytes. Used to bound allocations that come from a header we cannot check
/// against the (unknown) uncompressed size.
inline std::uint64_t maxGzipExpansion(std::uint64_t compressedBytes)
{
    constexpr std::uint64_t kRatio = 1032;
    if (compressedBytes > UINT64_MAX / kRatio)
        return UINT64_MAX;
    return compressedBytes * kRatio + 4096;
}

template <typename T> T loadLE(const void *p)
{
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

/// Index of the first non-finite float in [p, p + n), or n if all are finite.
inline std::size_t firstNonFinite(const float *p, std::size_t n)
{
    // Branch-free sweep first (vectorises); the exact position only when something is wrong.
    std::uint32_t bad = 0;
    for (std::size_t i = 0; i < n; ++i) {
        std::uint32_t bits;
        std::memcpy(&bits, p + i, 4);
        bad |= static_cast<std::uint32_t>((bits & 0x7f800000u) == 0x7f800000u);
    }
    if (!bad)
        return n;
    for (std::size_t i = 0; i < n; ++i)
        if (!std::isfinite(p[i]))
            return i;
    return n;
}

/// "NaN", "+Inf" or "-Inf" for a non-finite value.
inline const char *nonFiniteName(float v)
{
    if (std::isnan(v))
        return "NaN";
    return v > 0.0f ? "+Inf" : "-Inf";
}

/// A short printable rendering of raw bytes for error messages: printable ASCII passes through,
/// as do bytes >= 0x80 when the input is valid UTF-8; other bytes become \xNN. Longer input is
/// cut (at a character boundary) and marked with "...".
inline std::string printable(std::string_view s, std::size_t maxBytes = 60)
{
    std::size_t n = s.size() < maxBytes ? s.size() : maxBytes;
    while (n > 0 && n < s.size() && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80)
        --n; // do not split a UTF-8 sequence
    std::string_view head = s.substr(0, n);
    const bool utf8 = isValidUtf8(head);
    std::string out;
    for (char ch : head) {
        auto c = static_cast<unsigned char>(ch);
        if ((c >= 0x20 && c < 0x7f) || (c >= 0x80 && utf8)) {
            out += ch;
        } else {
            static const char hex[] = "0123456789abcdef";
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    if (n < s.size())
        out += "...";
    return out;
}

/// File name without folders, for messages that mention a second file.
inline std::string baseName(const std::string &path)
{
    auto slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

} // namespace embex::detail
