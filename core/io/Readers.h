#pragma once
// One reader/writer pair per format (internal; use io/Formats.h from outside core/io).
#include "io/Formats.h"

namespace embex::detail {

// Text rows "word v1 ... vd". format is Word2VecText (header "count dim" expected) or Glove
// (no header). A word2vec-text file whose first line is not a header is rejected, and vice versa.
EmbeddingSetPtr readTextVectors(const std::string &path, Format format, const LoadOptions &opts,
                                Progress &progress);
void writeTextVectors(const EmbeddingSet &set, const std::string &path, bool header,
                      Progress &progress);

EmbeddingSetPtr readWord2VecBinary(const std::string &path, const LoadOptions &opts,
                                   Progress &progress);
void writeWord2VecBinary(const EmbeddingSet &set, const std::string &path, Progress &progress);

EmbeddingSetPtr readTsv(const std::string &path, const LoadOptions &opts, Progress &progress);
void writeTsv(const EmbeddingSet &set, const std::string &path, Progress &progress);

EmbeddingSetPtr readNpy(const std::string &path, const LoadOptions &opts, Progress &progress);
void writeNpy(const EmbeddingSet &set, const std::string &path, Progress &progress);

EmbeddingSetPtr readEmbex(const std::string &path, const LoadOptions &opts, Progress &progress);
// float16: store the matrix as IEEE binary16 (see SaveOptions::float16); std::invalid_argument
// for a value beyond ±65504.
void writeEmbex(const EmbeddingSet &set, const std::string &path, Progress &progress,
                bool float16 = false);

EmbeddingSetPtr readFastTextBin(const std::string &path, const LoadOptions &opts,
                                Progress &progress);

} // namespace embex::detail
