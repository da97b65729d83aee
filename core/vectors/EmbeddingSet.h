#pragma once
// The static-vector container every part of Embex shares.
#include <Eigen/Core>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace embex {

using WordId = std::uint32_t;
using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstRowMap = Eigen::Map<const RowMatrix, Eigen::Unaligned>;

/// A per-word metadata column (e.g. "frequency", "pos"). values.size() == words.
struct MetadataColumn
{
    std::string name;
    std::vector<std::string> values;
};

/// Supplies vectors for words outside the vocabulary (fastText subwords). Thread-safe.
class OovProvider
{
public:
    virtual ~OovProvider() = default;
    /// Writes dim() floats into out; returns false if no vector can be made for the word.
    virtual bool vectorFor(std::string_view word, float *out) const = 0;
};

/// Words plus a float32 row-major matrix (row i is the vector of word i; ids follow file order),
/// optional metadata columns and load warnings.
///
/// Storage is either owned (std::vector<float>) or borrowed from a memory mapping kept alive by
/// `keepAlive` (Embex's own format). The set is immutable once built; share it as
/// shared_ptr<const EmbeddingSet>. All const members are thread-safe, including the lazily
/// computed row norms and unit-normalised copy.
///
/// Memory: the norms (4 bytes a row) are computed once, in one pass over the rows, without
/// copying the matrix. The unit-normalised copy doubles the memory of the set and exists only
/// for the features that ask for it (normalized()); code that reads unit rows a block at a time
/// uses unitRows(), which gives the same values bit for bit.
class EmbeddingSet
{
public:
    /// Owned storage; data.size() must be words.size() * dim. Throws std::invalid_argument on a
    /// size mismatch or duplicate words (use Builder-style dedup in readers before this).
    EmbeddingSet(std::vector<std::string> words, std::vector<float> data, std::size_t dim);
    /// Borrowed storage: `data` points at words.size() * dim floats that stay valid as long as
    /// keepAlive lives.
    EmbeddingSet(std::vector<std::string> words, const float *data, std::size_t dim,
                 std::shared_ptr<const void> keepAlive);

    std::size_t size() const { return m_words.size(); }
    std::size_t dim() const { return m_dim; }
    const std::vector<std::string> &words() const { return m_words; }
    const std::string &word(WordId id) const { return m_words[id]; }
    std::optional<WordId> find(std::string_view word) const;

    /// Row-major words × dim matrix (borrowed view).
    ConstRowMap matrix() const
    {
        return ConstRowMap(m_data, Eigen::Index(size()), Eigen::Index(m_dim));
    }
    const float *data() const { return m_data; }
    const float *row(WordId id) const { return m_data + std::size_t(id) * m_dim; }

    /// Unit-normalised copy of the matrix, computed once on first use (zero rows stay zero).
    /// A second matrix the size of the set: prefer unitRows() where rows are read in blocks.
    const RowMatrix &normalized() const;
    /// Writes rows [first, first + count) unit-normalised to out (count × dim floats), exactly
    /// the values of normalized() (norm summed in double; zero rows stay zero). Needs no copy
    /// of the matrix; the caller checks that the range lies inside the set.
    void unitRows(std::size_t first, std::size_t count, float *out) const;
    /// Euclidean norm of each row (summed in double, rounded to float), computed once on first
    /// use in one multithreaded pass over the rows (no copy of the matrix).
    const Eigen::VectorXf &norms() const;

    /// Metadata columns (frequency, labels...). Each has size() values.
    const std::vector<MetadataColumn> &metadata() const { return m_metadata; }
    void setMetadata(std::vector<MetadataColumn> columns);
    const MetadataColumn *metadataColumn(std::string_view name) const;

    /// Non-fatal findings of the reader (duplicates dropped, rows skipped...).
    const std::vector<std::string> &warnings() const { return m_warnings; }
    void addWarning(std::string w) { m_warnings.push_back(std::move(w)); }

    /// Name of the format the set was read from ("glove", "word2vec", ...), empty if built.
    const std::string &sourceFormat() const { return m_sourceFormat; }
    void setSourceFormat(std::string f) { m_sourceFormat = std::move(f); }

    /// Optional out-of-vocabulary vectors (fastText .bin). May be null.
    std::shared_ptr<const OovProvider> oov() const { return m_oov; }
    void setOov(std::shared_ptr<const OovProvider> p) { m_oov = std::move(p); }

    /// Vector for a word: the vocabulary row, else the OOV provider's; empty if neither.
    std::optional<Eigen::VectorXf> vectorFor(std::string_view word) const;

private:
    void buildIndex();

    std::vector<std::string> m_words;
    // Open-addressing hash table of word ids (linear probing, power-of-two size, kEmpty for a
    // free slot): one 4-byte slot per entry instead of a node and a string copy per word, so
    // indexing 341k words takes a few milliseconds.
    static constexpr WordId kEmpty = 0xffffffffu;
    std::vector<WordId> m_slots;
    std::size_t m_mask = 0;
    std::vector<float> m_owned;
    const float *m_data = nullptr;
    std::size_t m_dim = 0;
    std::shared_ptr<const void> m_keepAlive;
    std::vector<MetadataColumn> m_metadata;
    std::vector<std::string> m_warnings;
    std::string m_sourceFormat;
    std::shared_ptr<const OovProvider> m_oov;

    mutable std::once_flag m_unitOnce;
    mutable RowMatrix m_normalized;
    mutable std::once_flag m_normOnce;
    mutable Eigen::VectorXf m_norms;
};

using EmbeddingSetPtr = std::shared_ptr<const EmbeddingSet>;

} // namespace embex
