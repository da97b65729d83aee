#pragma once
// Internal to core/eval: the shared UTF-8 helpers plus Python's notion of whitespace.
#include "util/Utf8.h"

namespace embex::detail {

/// Whether cp is whitespace to Python (str.isspace(), what str.split() splits on).
inline bool isPythonSpace(std::uint32_t cp)
{
    return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20) || cp == 0x85 || cp == 0xA0 ||
           cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
           cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

} // namespace embex::detail
