#include "io/ReaderSupport.h"

#include "util/MemoryBudget.h"

#include <algorithm>
#include <charconv>
#include <unordered_set>

namespace embex::detail {

namespace {
// Length of the valid UTF-8 sequence at s[i], or 0 if invalid.
std::size_t utf8SeqLen(std::string_view s, std::size_t i)
{
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80)
        return 1;
    std::size_t len;
    std::uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
        len = 2;
        cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3;
        cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (i + len > s.size())
        return 0;
    for (std::size_t k = 1; k < len; ++k) {
        auto cc = static_cast<unsigned char>(s[i + k]);
        if ((cc & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}
} // namespace

void requireMemoryForRows(const std::string &path, std::uint64_t rows, std::uint64_t dim,
                          bool words)
{
    // dim ≤ kMaxDim and rows < 2^32 (checked by every reader before): no overflow.
    const std::uint64_t needed = rows * (dim * sizeof(float) + (words ? kWordOverheadBytes : 0));
    requireMemory(path, needed,
                  std::to_string(rows) + " × " + std::to_string(dim) + " float32 values" +
                      (words ? " and their words" : ""));
}

bool isValidUtf8(std::string_view s)
{
    for (std::size_t i = 0; i < s.size();) {
        std::size_t n = utf8SeqLen(s, i);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

std::string sanitizeUtf8(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        std::size_t n = utf8SeqLen(s, i);
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

std::size_t dropDuplicateWords(std::vector<std::string> &words, std::vector<float> &data,
                               std::size_t dim, std::vector<std::size_t> *keptRows)
{
    std::unordered_set<std::string_view> seen;
    seen.reserve(words.size());
    std::vector<bool> keep(words.size());
    std::size_t dups = 0;
    for (std::size_t i = 0; i < words.size(); ++i) {
        keep[i] = seen.insert(words[i]).second;
        dups += keep[i] ? 0 : 1;
    }
    if (keptRows) {
        keptRows->clear();
        for (std::size_t i = 0; i < words.size(); ++i)
            if (keep[i])
                keptRows->push_back(i);
    }
    if (dups == 0)
        return 0;
    std::size_t out = 0;
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (!keep[i])
            continue;
        if (out != i) {
            words[out] = std::move(words[i]);
            std::copy_n(data.begin() + std::ptrdiff_t(i * dim), dim,
                        data.begin() + std::ptrdiff_t(out * dim));
        }
        ++out;
    }
    words.resize(out);
    data.resize(out * dim);
    data.shrink_to_fit();
    return dups;
}

void appendShortestFloat(std::string &out, float v)
{
    char buf[32];
    auto res = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, res.ptr);
}

} // namespace embex::detail
