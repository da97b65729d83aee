#include "search/Analogy.h"

#include "search/TopKScan.h"

#include <stdexcept>
#include <string>

namespace embex {
namespace {

// Rows scored together by 3CosMul: three passes over a sub-block that stays in L2.
constexpr std::size_t kMulRows = 256;

void checkId(const EmbeddingSet &set, WordId id, const char *which)
{
    if (id >= set.size())
        throw std::invalid_argument(std::string("analogy: word id ") + which + " = " +
                                    std::to_string(id) + " is outside the set (" +
                                    std::to_string(set.size()) + " words)");
}

} // namespace

std::vector<Neighbor> analogy(const EmbeddingSet &set, WordId a, WordId b, WordId c, std::size_t k,
                              AnalogyMethod method, unsigned threads)
{
    checkId(set, a, "a");
    checkId(set, b, "b");
    checkId(set, c, "c");
    const RowMatrix &unit = set.normalized();
    const std::size_t dim = set.dim();
    const WordId inputs[] = {a, b, c};
    threads = std::max(1u, threads);

    if (method == AnalogyMethod::Add) {
        // gensim most_similar(positive=[b, c], negative=[a]): weighted mean of the unit
        // vectors (weights +1, +1, -1; total weight 3), normalised, then cosine to every row.
        std::vector<float> mean(dim);
        for (std::size_t j = 0; j < dim; ++j) {
            const auto col = Eigen::Index(j);
            mean[j] =
                float((double(unit(Eigen::Index(b), col)) + double(unit(Eigen::Index(c), col)) -
                       double(unit(Eigen::Index(a), col))) /
                      3.0);
        }
        const std::vector<float> q = detail::unitVector(mean.data(), dim);
        return detail::scanTopK(
            set.size(), k, inputs, threads,
            [&](std::size_t begin, std::size_t end, float *out, std::vector<float> &) {
                detail::dotRows(unit.data() + begin * dim, end - begin, dim, q.data(), out);
            });
    }

    // gensim most_similar_cosmul(positive=[b, c], negative=[a]), Levy & Goldberg eq. 4 with
    // cosines shifted to [0, 1]: cos'(x,b)·cos'(x,c) / (cos'(x,a) + 1e-6), in float like gensim.
    const float *ua = unit.row(Eigen::Index(a)).data();
    const float *ub = unit.row(Eigen::Index(b)).data();
    const float *uc = unit.row(Eigen::Index(c)).data();
    return detail::scanTopK(
        set.size(), k, inputs, threads,
        [&](std::size_t begin, std::size_t end, float *out, std::vector<float> &scratch) {
            scratch.resize(3 * kMulRows);
            float *ca = scratch.data();
            float *cb = ca + kMulRows;
            float *cc = cb + kMulRows;
            for (std::size_t s = begin; s < end; s += kMulRows) {
                const std::size_t n = std::min(kMulRows, end - s);
                const float *rows = unit.data() + s * dim;
                detail::dotRows(rows, n, dim, ua, ca);
                detail::dotRows(rows, n, dim, ub, cb);
                detail::dotRows(rows, n, dim, uc, cc);
                for (std::size_t i = 0; i < n; ++i) {
                    const float pa = (1.0f + ca[i]) / 2.0f;
                    const float pb = (1.0f + cb[i]) / 2.0f;
                    const float pc = (1.0f + cc[i]) / 2.0f;
                    out[s - begin + i] = pb * pc / (pa + 1e-6f);
                }
            }
        });
}

} // namespace embex
