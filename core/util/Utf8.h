#pragma once
// Strict UTF-8, the one place for it in Embex: decoding and encoding of single code points, and
// validation and repair of whole strings (the readers, the corpus, the tokenizer, the app).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace embex {

/// Decodes the UTF-8 sequence at s[i] (i < s.size()) into cp; returns its length in bytes, or 0
/// when it is invalid (a stray continuation byte, an overlong form, a surrogate, a code point
/// above U+10FFFF or a truncated sequence).
inline std::size_t decodeUtf8(std::string_view s, std::size_t i, std::uint32_t &cp)
{
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) {
        cp = b0;
        return 1;
    }
    std::size_t len;
    std::uint32_t min;
    if ((b0 & 0xE0) == 0xC0) {
        len = 2;
        cp = b0 & 0x1Fu;
        min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
        len = 3;
        cp = b0 & 0x0Fu;
        min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
        len = 4;
        cp = b0 & 0x07u;
        min = 0x10000;
    } else {
        return 0;
    }
    if (i + len > s.size())
        return 0;
    for (std::size_t k = 1; k < len; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (b & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000))
        return 0;
    return len;
}

/// Appends the UTF-8 form of a valid code point.
inline void encodeUtf8(std::uint32_t cp, std::string &out)
{
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

/// Offset of the first byte that does not start a valid sequence (see decodeUtf8), or s.size()
/// when all of s is valid UTF-8.
std::size_t firstInvalidUtf8(std::string_view s);

/// True if s is valid UTF-8 (no overlongs, no surrogates, ≤ U+10FFFF).
inline bool isValidUtf8(std::string_view s)
{
    return firstInvalidUtf8(s) == s.size();
}

/// s with each invalid UTF-8 sequence replaced by U+FFFD (one per invalid byte).
std::string sanitizeUtf8(std::string_view s);

} // namespace embex
