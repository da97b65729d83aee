#pragma once
// Float text that reads back exactly: the writers of text formats and embex-cli's outputs.
#include <charconv>
#include <string>

namespace embex {

/// Appends the shortest decimal text that reads back (std::from_chars, strtof) to exactly v.
inline void appendShortestFloat(std::string &out, float v)
{
    char buf[32];
    const auto res = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, res.ptr);
}

} // namespace embex
