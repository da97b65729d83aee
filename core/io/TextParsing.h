#pragma once
// Block-parallel parsing and writing of text vector rows, shared by the word2vec/GloVe and TSV
// readers and writers (internal to core/io).
#include "util/AtomicFile.h"
#include "util/Progress.h"

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace embex::detail {

/// How the rows of a text vector file are laid out.
enum class TextLayout {
    Word2Vec, ///< header "count dim", then rows "word v1 ... vd" (also fastText .vec)
    Glove,    ///< rows "word v1 ... vd", no header; dim = values in the first row
    Tsv,      ///< rows "v1<TAB>...<TAB>vd" (no word), no header; dim = values in the first row
};

/// The parsed content of a text vector file.
struct TextMatrix
{
    /// One per row, file order, UTF-8-sanitised and without duplicates (first kept). Empty for
    /// TextLayout::Tsv.
    std::vector<std::string> words;
    /// rows × dim floats, row-major.
    std::vector<float> data;
    std::size_t dim = 0;
    std::size_t rows = 0;
    /// Non-fatal findings (invalid UTF-8 replaced, duplicates dropped), one line each.
    std::vector<std::string> warnings;
};

/// Reads a whole text vector file (plain or gzip) with `threads` parsing threads; the result
/// does not depend on the thread count. Fields are separated by spaces or tabs; trailing blanks,
/// CRLF line ends, a UTF-8 byte order mark and a missing final newline are accepted. Blank lines
/// (empty or only blanks) anywhere are skipped but counted, so error line numbers always match
/// the file. Throws FormatError naming path, 1-based line and rule; Cancelled (checked once per
/// block, 4 MiB); std::runtime_error on I/O errors. Progress: report(fraction, "reading") per
/// block, from the calling thread.
TextMatrix readTextMatrix(const std::string &path, TextLayout layout, unsigned threads,
                          Progress &progress);

/// Formats rows [0, rows) on several threads with formatRow(row, out) (which appends one line
/// to out) and writes them to file in order; reports progress with `stage` and checks for
/// cancellation between batches.
void writeTextRows(AtomicFile &file, std::size_t rows,
                   const std::function<void(std::size_t, std::string &)> &formatRow,
                   Progress &progress, const char *stage = "writing");

/// Appends dim values, each preceded by `separator` except the first when `leadingSeparator` is
/// false, in the shortest form that reads back exactly.
void appendValues(std::string &out, const float *values, std::size_t dim, char separator,
                  bool leadingSeparator);

/// s quoted for an error message: '...', cut after 40 bytes, invalid UTF-8 replaced.
std::string quoteForMessage(std::string_view s);

/// Test hook: the size of the blocks the text readers read and parse at a time (default
/// 4 MiB; 0 restores the default). Lets tests exercise multi-block files with small data.
void setTextBlockBytesForTesting(std::size_t bytes);

} // namespace embex::detail
