// Test data and oracles for tst_search: random and clustered sets, a double-precision
// brute force, ranking comparison, and a minimal GloVe text parser.
#pragma once
#include "search/NeighborIndex.h"
#include "support/TestRandom.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <numeric>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace embex::test {

inline std::vector<std::string> makeWords(std::size_t n)
{
    std::vector<std::string> w(n);
    for (std::size_t i = 0; i < n; ++i)
        w[i] = "w" + std::to_string(i);
    return w;
}

inline std::vector<float> randomData(std::size_t n, std::size_t dim, std::uint32_t seed)
{
    Normal normal(seed);
    std::vector<float> data(n * dim);
    for (auto &x : data)
        x = float(normal());
    return data;
}

inline EmbeddingSetPtr makeSet(std::vector<float> data, std::size_t dim)
{
    const std::size_t n = dim ? data.size() / dim : 0;
    return std::make_shared<const EmbeddingSet>(makeWords(n), std::move(data), dim);
}

struct Ranked
{
    WordId id;
    double sim;
};

/// Unit copy of a vector in double; zero stays zero.
inline std::vector<double> unitDouble(const float *v, std::size_t dim)
{
    double s = 0;
    for (std::size_t j = 0; j < dim; ++j)
        s += double(v[j]) * double(v[j]);
    std::vector<double> u(dim, 0.0);
    if (s > 0)
        for (std::size_t j = 0; j < dim; ++j)
            u[j] = double(v[j]) / std::sqrt(s);
    return u;
}

inline double dotD(const std::vector<double> &a, const std::vector<double> &b)
{
    return std::inner_product(a.begin(), a.end(), b.begin(), 0.0);
}

/// Every row's score in double, all rows in order (score(unitRow) gives the score).
template <class Score> std::vector<double> oracleScores(const EmbeddingSet &set, const Score &score)
{
    std::vector<double> s(set.size());
    for (std::size_t i = 0; i < set.size(); ++i)
        s[i] = score(unitDouble(set.row(WordId(i)), set.dim()));
    return s;
}

/// The oracle ranking: stable sort by (-score, id), excluded rows dropped, first k kept.
inline std::vector<Ranked> oracleTopK(const std::vector<double> &scores, std::size_t k,
                                      const std::vector<WordId> &exclude)
{
    std::vector<Ranked> r;
    for (std::size_t i = 0; i < scores.size(); ++i)
        if (std::find(exclude.begin(), exclude.end(), WordId(i)) == exclude.end())
            r.push_back({WordId(i), scores[i]});
    std::stable_sort(r.begin(), r.end(),
                     [](const Ranked &a, const Ranked &b) { return a.sim > b.sim; });
    r.resize(std::min(k, r.size()));
    return r;
}

/// got must list the oracle's rows: at each rank the same id, or an id whose oracle score is
/// within 1e-6 of the oracle's at that rank (float32 may swap near-ties, never real gaps);
/// scores within tol (relative above 1); equal scores in id order.
inline void compareRanking(const std::vector<Neighbor> &got, const std::vector<Ranked> &want,
                           const std::vector<double> &scores, double tol = 1e-5)
{
    QCOMPARE(got.size(), want.size());
    std::set<WordId> seen;
    for (std::size_t i = 0; i < got.size(); ++i) {
        const WordId id = got[i].id;
        QVERIFY2(id < scores.size(), qPrintable(QString("rank %1: id %2").arg(i).arg(id)));
        QVERIFY(seen.insert(id).second);
        const double scale = std::max(1.0, std::abs(want[i].sim));
        QVERIFY2(id == want[i].id || std::abs(scores[id] - want[i].sim) < 1e-6 * scale,
                 qPrintable(QString("rank %1: got id %2 (oracle %3), want id %4 (%5)")
                                .arg(i)
                                .arg(id)
                                .arg(scores[id], 0, 'g', 12)
                                .arg(want[i].id)
                                .arg(want[i].sim, 0, 'g', 12)));
        QVERIFY2(std::abs(double(got[i].similarity) - scores[id]) < tol * scale,
                 qPrintable(QString("rank %1 id %2: %3 vs oracle %4")
                                .arg(i)
                                .arg(id)
                                .arg(double(got[i].similarity), 0, 'g', 12)
                                .arg(scores[id], 0, 'g', 12)));
        if (i > 0 && got[i].similarity == got[i - 1].similarity)
            QVERIFY2(got[i - 1].id < id, "equal similarities must come in id order");
    }
}

inline bool identical(const std::vector<Neighbor> &a, const std::vector<Neighbor> &b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](auto &x, auto &y) {
               return x.id == y.id && std::memcmp(&x.similarity, &y.similarity, sizeof(float)) == 0;
           });
}

/// A mixture of Gaussians: `clusters` centres, points spread around them (like real embeddings,
/// which are far from uniform).
inline std::vector<float> clusteredData(std::size_t n, std::size_t dim, std::size_t clusters,
                                        std::uint32_t seed, double spread = 0.6)
{
    Normal normal(seed);
    std::vector<double> centres(clusters * dim);
    for (auto &c : centres)
        c = normal();
    std::vector<float> data(n * dim);
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t c = normal.index(std::uint32_t(clusters));
        for (std::size_t j = 0; j < dim; ++j)
            data[i * dim + j] = float(centres[c * dim + j] + spread * normal());
    }
    return data;
}

/// Minimal GloVe text parser, so this test does not depend on core/io.
inline EmbeddingSetPtr parseGlove(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return nullptr;
    std::vector<std::string> words;
    std::vector<float> data;
    std::size_t dim = 0;
    while (!f.atEnd()) {
        const QList<QByteArray> parts = f.readLine().trimmed().split(' ');
        if (parts.size() < 2)
            continue;
        words.push_back(parts[0].toStdString());
        dim = std::size_t(parts.size() - 1);
        for (qsizetype j = 1; j < parts.size(); ++j)
            data.push_back(parts[j].toFloat());
    }
    return std::make_shared<const EmbeddingSet>(std::move(words), std::move(data), dim);
}

} // namespace embex::test
