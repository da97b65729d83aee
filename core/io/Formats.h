#pragma once
// Format detection and the single entry points to read and write every vector format.
#include "util/Parallel.h"
#include "util/Progress.h"
#include "vectors/EmbeddingSet.h"

#include <optional>
#include <string>
#include <string_view>

namespace embex {

enum class Format {
    Auto,           ///< detect from content (reading only)
    Word2VecText,   ///< "count dim" header, then "word v1 ... vd" rows (also fastText .vec)
    Word2VecBinary, ///< "count dim\n", then "word " + dim little-endian float32 per row
    Glove,          ///< "word v1 ... vd" rows, no header
    FastTextBin,    ///< fastText .bin/.ftz model, read through libfasttext
    Tsv,            ///< TensorFlow Projector vectors.tsv (+ metadata.tsv)
    Npy,            ///< NumPy .npy matrix (+ words file)
    Embex,          ///< Embex's own binary format, memory-mapped
};

/// Stable short names used by the CLI: word2vec, word2vec-bin, glove, fasttext-bin, tsv, npy,
/// embex ("vec" parses as word2vec).
std::string_view formatName(Format f);
std::optional<Format> parseFormatName(std::string_view name);
/// The output format implied by a file name's extension (.txt→word2vec, .bin→word2vec-bin,
/// .vec→word2vec, .tsv→tsv, .npy→npy, .embex→embex, .glove→glove); nullopt if unknown.
std::optional<Format> formatForExtension(const std::string &path);

struct LoadOptions
{
    /// Format::Auto detects from the content.
    Format format = Format::Auto;
    /// Parsing threads (text formats).
    unsigned threads = defaultThreads();
    /// TSV: metadata file; empty = look for a sibling (see README, "Formats").
    std::string metadataPath;
    /// NPY: words file (one word per line); empty = look for a sibling.
    std::string wordsPath;
};

/// Detects the format of a file from its first bytes (decompressing .gz). Throws FormatError
/// when the content matches no known format, std::runtime_error when it cannot be read.
Format detectFormat(const std::string &path);

/// Reads any supported file. Throws FormatError (bad content), std::runtime_error (I/O) or
/// Cancelled. Peak memory stays below 1.5 × (matrix + vocabulary bytes).
EmbeddingSetPtr load(const std::string &path, const LoadOptions &options = {},
                     Progress &progress = nullProgress());

struct SaveOptions
{
    /// Format::Auto picks from the extension (formatForExtension), else word2vec text.
    Format format = Format::Auto;
    /// Embex format only (std::invalid_argument for another): store the matrix as IEEE binary16,
    /// which halves the file. Values are rounded to the nearest half, ties to even (relative
    /// error at most 2^-11; absolute at most 2^-25 below 2^-14). A value with |x| > 65504 (the
    /// largest half) throws std::invalid_argument naming the word, since it would become Inf.
    /// Reading such a file decodes it into float32 (no memory mapping). Default false.
    bool float16 = false;
};

/// Writes a set atomically (temporary file + rename). TSV also writes the metadata file beside
/// it, NPY the words file. Text formats write the shortest decimal that reads back to the same
/// float. FastTextBin cannot be written (std::invalid_argument).
void save(const EmbeddingSet &set, const std::string &path, const SaveOptions &options = {},
          Progress &progress = nullProgress());

} // namespace embex
