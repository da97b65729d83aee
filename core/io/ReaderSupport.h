#pragma once
// Helpers shared by the readers (internal to core/io). The readers' UTF-8 checks and float text
// come from util (included here for them): isValidUtf8 and sanitizeUtf8 (util/Utf8.h),
// appendShortestFloat (util/FloatText.h).
#include "util/FloatText.h"
#include "util/Utf8.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace embex::detail {

/// Hard limits every reader enforces before allocating (also documented in the README).
inline constexpr std::size_t kMaxDim = 65536;
inline constexpr std::size_t kMaxWordBytes = 4096;

/// Bytes a word costs besides its vector (the string, its index entry), for memory estimates.
inline constexpr std::uint64_t kWordOverheadBytes = 64;

/// Refuses (MemoryError, see util/MemoryBudget.h) a set of `rows` × `dim` float32 values, plus
/// their words when `words`, that would not fit in the memory available now. Called after
/// reading a header and before allocating.
void requireMemoryForRows(const std::string &path, std::uint64_t rows, std::uint64_t dim,
                          bool words = true);

/// Removes rows whose word occurred earlier (first one kept) from words and the row-major data
/// (dim floats per word), preserving order. Returns how many were removed.
std::size_t dropDuplicateWords(std::vector<std::string> &words, std::vector<float> &data,
                               std::size_t dim, std::vector<std::size_t> *keptRows = nullptr);

} // namespace embex::detail
