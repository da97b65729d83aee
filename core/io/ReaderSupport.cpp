#include "io/ReaderSupport.h"

#include "util/MemoryBudget.h"

#include <algorithm>
#include <unordered_set>

namespace embex::detail {

void requireMemoryForRows(const std::string &path, std::uint64_t rows, std::uint64_t dim,
                          bool words)
{
    // dim ≤ kMaxDim and rows < 2^32 (checked by every reader before): no overflow.
    const std::uint64_t needed = rows * (dim * sizeof(float) + (words ? kWordOverheadBytes : 0));
    requireMemory(path, needed,
                  std::to_string(rows) + " × " + std::to_string(dim) + " float32 values" +
                      (words ? " and their words" : ""));
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

} // namespace embex::detail
