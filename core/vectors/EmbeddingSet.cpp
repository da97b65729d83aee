#include "vectors/EmbeddingSet.h"

#include "util/Parallel.h"

#include <cmath>
#include <stdexcept>

namespace embex {

EmbeddingSet::EmbeddingSet(std::vector<std::string> words, std::vector<float> data, std::size_t dim)
    : m_words(std::move(words)), m_owned(std::move(data)), m_dim(dim)
{
    if (m_owned.size() != m_words.size() * dim)
        throw std::invalid_argument("EmbeddingSet: " + std::to_string(m_owned.size()) +
                                    " values for " + std::to_string(m_words.size()) +
                                    " words of dimension " + std::to_string(dim));
    m_data = m_owned.data();
    buildIndex();
}

EmbeddingSet::EmbeddingSet(std::vector<std::string> words, const float *data, std::size_t dim,
                           std::shared_ptr<const void> keepAlive)
    : m_words(std::move(words)), m_data(data), m_dim(dim), m_keepAlive(std::move(keepAlive))
{
    buildIndex();
}

void EmbeddingSet::buildIndex()
{
    if (m_words.size() >= std::size_t(kEmpty))
        throw std::invalid_argument("EmbeddingSet: more than 2^32-2 words");
    std::size_t cap = 16;
    while (cap < m_words.size() * 2)
        cap <<= 1;
    m_slots.assign(cap, kEmpty);
    m_mask = cap - 1;
    const std::hash<std::string_view> hash;
    for (std::size_t i = 0; i < m_words.size(); ++i) {
        const std::string_view w = m_words[i];
        std::size_t slot = hash(w) & m_mask;
        while (m_slots[slot] != kEmpty) {
            if (m_words[m_slots[slot]] == w)
                throw std::invalid_argument("EmbeddingSet: duplicate word '" + m_words[i] + "'");
            slot = (slot + 1) & m_mask;
        }
        m_slots[slot] = WordId(i);
    }
}

std::optional<WordId> EmbeddingSet::find(std::string_view word) const
{
    if (m_slots.empty())
        return std::nullopt;
    std::size_t slot = std::hash<std::string_view>{}(word)&m_mask;
    while (m_slots[slot] != kEmpty) {
        if (m_words[m_slots[slot]] == word)
            return m_slots[slot];
        slot = (slot + 1) & m_mask;
    }
    return std::nullopt;
}

namespace {

/// Squared norm of row i, summed in double so that huge or tiny rows keep full precision. The
/// one expression every norm and unit row of a set comes from, so that they agree bit for bit.
double squaredNorm(const ConstRowMap &m, Eigen::Index i)
{
    return m.row(i).cast<double>().squaredNorm();
}

void unitRow(const ConstRowMap &m, Eigen::Index i, float *out)
{
    const double s = squaredNorm(m, i);
    Eigen::Map<Eigen::RowVectorXf> y(out, m.cols());
    if (float(std::sqrt(s)) > 0.0f)
        y = (m.row(i).cast<double>() / std::sqrt(s)).cast<float>();
    else
        y.setZero();
}

} // namespace

const RowMatrix &EmbeddingSet::normalized() const
{
    std::call_once(m_unitOnce, [this] {
        m_normalized.resize(Eigen::Index(size()), Eigen::Index(m_dim));
        parallelRanges(size(), defaultThreads(), [&](std::size_t b, std::size_t e, unsigned) {
            unitRows(b, e - b, m_normalized.data() + b * m_dim);
        });
    });
    return m_normalized;
}

void EmbeddingSet::unitRows(std::size_t first, std::size_t count, float *out) const
{
    const ConstRowMap m = matrix();
    for (std::size_t i = 0; i < count; ++i)
        unitRow(m, Eigen::Index(first + i), out + i * m_dim);
}

const Eigen::VectorXf &EmbeddingSet::norms() const
{
    std::call_once(m_normOnce, [this] {
        m_norms.resize(Eigen::Index(size()));
        const ConstRowMap m = matrix();
        parallelRanges(size(), defaultThreads(), [&](std::size_t b, std::size_t e, unsigned) {
            for (auto i = Eigen::Index(b); i < Eigen::Index(e); ++i)
                m_norms[i] = float(std::sqrt(squaredNorm(m, i)));
        });
    });
    return m_norms;
}

void EmbeddingSet::setMetadata(std::vector<MetadataColumn> columns)
{
    for (const auto &c : columns)
        if (c.values.size() != size())
            throw std::invalid_argument("metadata column '" + c.name + "' has " +
                                        std::to_string(c.values.size()) + " values for " +
                                        std::to_string(size()) + " words");
    m_metadata = std::move(columns);
}

const MetadataColumn *EmbeddingSet::metadataColumn(std::string_view name) const
{
    for (const auto &c : m_metadata)
        if (c.name == name)
            return &c;
    return nullptr;
}

std::optional<Eigen::VectorXf> EmbeddingSet::vectorFor(std::string_view word) const
{
    if (auto id = find(word))
        return Eigen::VectorXf(matrix().row(Eigen::Index(*id)).transpose());
    if (m_oov) {
        Eigen::VectorXf v(static_cast<Eigen::Index>(m_dim));
        if (m_oov->vectorFor(word, v.data()))
            return v;
    }
    return std::nullopt;
}

} // namespace embex
