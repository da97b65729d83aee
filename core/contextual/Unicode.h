#pragma once
// Internal to core/contextual: the Unicode character data BERT's tokenizer uses, generated from
// Python's unicodedata (Unicode 14.0.0) by make_unicode_tables.py into UnicodeTables.cpp.
#include <cstddef>
#include <cstdint>
#include <span>

namespace embex::detail {

/// The general categories the tokenizer distinguishes.
enum class UnicodeClass : std::uint8_t {
    kOther,
    kSpaceSeparator, ///< Zs
    kControl,        ///< Cc, Cf, Cs, Co, Cn (unassigned code points too, as Python reports Cn)
    kPunctuation,    ///< Pc, Pd, Ps, Pe, Pi, Pf, Po
    kNonspacingMark, ///< Mn
};

UnicodeClass unicodeClass(std::uint32_t cp);

/// Canonical combining class (0 for starters).
std::uint8_t combiningClass(std::uint32_t cp);

/// Python's chr(cp).lower(): writes 1 or 2 code points to out and returns the count.
std::size_t toLower(std::uint32_t cp, std::uint32_t out[3]);

/// Full canonical decomposition of cp (recursively decomposed, NFD order), empty when cp
/// decomposes to itself. Hangul syllables are not in the table (see decomposeHangul).
std::span<const std::uint32_t> canonicalDecomposition(std::uint32_t cp);

/// Hangul syllable decomposition (Unicode 3.12): writes 2 or 3 jamo, or returns 0 when cp is
/// not a precomposed syllable.
inline std::size_t decomposeHangul(std::uint32_t cp, std::uint32_t out[3])
{
    constexpr std::uint32_t kBase = 0xAC00, kCount = 11172, kT = 28, kNT = 588;
    if (cp < kBase || cp >= kBase + kCount)
        return 0;
    const std::uint32_t s = cp - kBase;
    out[0] = 0x1100 + s / kNT;
    out[1] = 0x1161 + (s % kNT) / kT;
    if (s % kT == 0)
        return 2;
    out[2] = 0x11A7 + s % kT;
    return 3;
}

/// The code points BERT treats as Chinese characters (BasicTokenizer._is_chinese_char: CJK
/// Unified Ideographs and their extensions A-E, compatibility ideographs), which become words
/// of their own.
inline bool isCjkIdeograph(std::uint32_t cp)
{
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0x2A700 && cp <= 0x2B73F) ||
           (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <= 0x2CEAF) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
}

} // namespace embex::detail
