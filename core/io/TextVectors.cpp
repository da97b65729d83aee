// word2vec text / fastText .vec / GloVe text: rows "word v1 ... vd", with or without the
// "count dim" header. Parsing is done by the block-parallel engine in TextParsing.cpp.
#include "io/TextParsing.h"

#include "io/ReaderSupport.h"
#include "io/Readers.h"
#include "util/AtomicFile.h"
#include "util/FormatError.h"

#include <string>

namespace embex::detail {

EmbeddingSetPtr readTextVectors(const std::string &path, Format format, const LoadOptions &opts,
                                Progress &progress)
{
    if (format != Format::Word2VecText && format != Format::Glove)
        throw std::invalid_argument("readTextVectors: format must be word2vec text or GloVe");
    const bool word2vec = format == Format::Word2VecText;
    TextMatrix m = readTextMatrix(path, word2vec ? TextLayout::Word2Vec : TextLayout::Glove,
                                  opts.threads, progress);
    auto set = std::make_shared<EmbeddingSet>(std::move(m.words), std::move(m.data), m.dim);
    set->setSourceFormat(word2vec ? "word2vec" : "glove");
    for (auto &w : m.warnings)
        set->addWarning(std::move(w));
    progress.report(1.0, "reading");
    return set;
}

void writeTextVectors(const EmbeddingSet &set, const std::string &path, bool header,
                      Progress &progress)
{
    const std::size_t dim = set.dim();
    if (dim == 0)
        throw std::invalid_argument(path + ": cannot write vectors of dimension 0");
    for (const auto &w : set.words()) {
        if (w.empty())
            throw std::invalid_argument(path + ": an empty word cannot be written to a text "
                                               "vector file");
        if (w.find_first_of(" \t\n\r") != std::string::npos)
            throw std::invalid_argument(path + ": word " + quoteForMessage(w) +
                                        " contains a space, tab or newline and cannot be "
                                        "written to a text vector file");
    }
    AtomicFile file(path);
    if (header)
        file.write(std::to_string(set.size()) + " " + std::to_string(dim) + "\n");
    writeTextRows(
        file, set.size(),
        [&](std::size_t i, std::string &out) {
            out += set.word(WordId(i));
            appendValues(out, set.row(WordId(i)), dim, ' ', true);
            out += '\n';
        },
        progress);
    file.commit();
}

} // namespace embex::detail
