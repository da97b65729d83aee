#include "util/Utf8.h"

namespace embex {

std::size_t firstInvalidUtf8(std::string_view s)
{
    std::size_t i = 0;
    while (i < s.size()) {
        // ASCII runs (nearly all of a word list) without decoding.
        if (static_cast<unsigned char>(s[i]) < 0x80) {
            ++i;
            continue;
        }
        std::uint32_t cp;
        const std::size_t n = decodeUtf8(s, i, cp);
        if (n == 0)
            return i;
        i += n;
    }
    return s.size();
}

std::string sanitizeUtf8(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        std::uint32_t cp;
        const std::size_t n = decodeUtf8(s, i, cp);
        if (n == 0) {
            out += "\xEF\xBF\xBD";
            ++i;
        } else {
            out.append(s.substr(i, n));
            i += n;
        }
    }
    return out;
}

} // namespace embex
