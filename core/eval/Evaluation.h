#pragma once
// Intrinsic evaluation of word vectors, with gensim 4.2's semantics: analogy accuracy per
// section (KeyedVectors.evaluate_word_analogies) and word-similarity correlation
// (KeyedVectors.evaluate_word_pairs).
#include "search/Analogy.h"
#include "util/Parallel.h"
#include "util/Progress.h"
#include "vectors/EmbeddingSet.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace embex {

/// How a set is evaluated. The defaults are gensim's.
struct EvalOptions
{
    /// Only the first restrictVocab words of the set (file order) count: a question or pair
    /// with a word outside them is out of vocabulary, and analogy answers are drawn from them
    /// alone. Default 300,000.
    std::size_t restrictVocab = 300000;
    /// Compare words by their upper-case form (Python's str.upper(), full Unicode); where
    /// several words of the set share one (King, king), the first in file order stands for
    /// all. Default true.
    bool caseInsensitive = true;
    /// Questions with an unknown word count as wrong, pairs with one as similarity 0, instead
    /// of being skipped. Default false.
    bool dummy4unknown = false;
    /// Analogy objective: Add (3CosAdd, what gensim evaluates) or Mul (3CosMul). Default Add.
    AnalogyMethod method = AnalogyMethod::Add;
    /// Worker threads for the analogy scan; results do not depend on it. Default: all cores.
    unsigned threads = defaultThreads();
};

/// One analogy question "a is to b as c is to expected", words as written in the file.
struct AnalogyQuestion
{
    std::string a, b, c, expected;
    std::uint64_t line = 0; ///< 1-based line in the file
};

/// An analogy file: questions grouped in sections (": name" lines), in file order.
struct AnalogyFile
{
    struct Section
    {
        std::string name;
        std::vector<AnalogyQuestion> questions;
    };
    std::string path;
    std::vector<Section> sections;
    std::size_t questionCount() const;
};

/// One word pair with its human similarity score.
struct WordPair
{
    std::string a, b;
    double score = 0.0;
    std::uint64_t line = 0; ///< 1-based line in the file
};

/// A word-similarity file (WordSim-353, SimLex-999, MEN...).
struct WordPairFile
{
    std::string path;
    std::vector<WordPair> pairs;
};

/// Reads an analogy file (gzip allowed): ": section name" lines, then "A B C D" lines (words
/// separated by any whitespace). Blank lines are skipped. Throws FormatError naming the file
/// and line for a line with other than four words, a question before the first section,
/// invalid UTF-8, or a file without questions.
AnalogyFile readAnalogyFile(const std::string &path);
/// Reads a word-pair file (gzip allowed): "word1 TAB word2 TAB score" lines; lines starting
/// with '#' and blank lines are skipped. Throws FormatError naming the file and line for a
/// line without exactly three tab-separated fields, a score that is not a finite number,
/// invalid UTF-8, or a file without pairs.
WordPairFile readWordPairFile(const std::string &path);

/// Accuracy of one section (or of the whole file).
struct AnalogySectionResult
{
    std::string name;
    std::size_t correct = 0;
    std::size_t incorrect = 0;
    /// Questions with a word outside the vocabulary: skipped (or counted in incorrect with
    /// dummy4unknown).
    std::size_t outOfVocabulary = 0;
    std::size_t evaluated() const { return correct + incorrect; }
    /// correct / evaluated(), 0 when nothing was evaluated (as gensim).
    double accuracy() const;
};

struct AnalogyResult
{
    std::string path;
    std::vector<AnalogySectionResult> sections; ///< file order
    AnalogySectionResult total;                 ///< named "Total accuracy", as in gensim
    std::size_t questions = 0;                  ///< every question in the file
    /// Percentage of questions with an unknown word (gensim's oov_ratio).
    double oovPercent() const;
    /// Empty, or why there is no accuracy: "questions.txt: none of the 19544 questions has all
    /// four words in the vocabulary" (the vocabulary: the first restrictVocab words).
    std::string problem() const;
};

struct WordPairResult
{
    std::string path;
    std::size_t pairs = 0;           ///< every pair in the file
    std::size_t used = 0;            ///< pairs in the correlation
    std::size_t outOfVocabulary = 0; ///< pairs with a word outside the vocabulary
    /// Correlations between the human scores and the cosine similarities: Pearson's r and
    /// Spearman's rho (Pearson on average ranks, as scipy.stats.spearmanr). Empty when
    /// undefined: fewer than two pairs used, or either side constant.
    std::optional<double> pearson, spearman;
    /// gensim's oov_ratio: outOfVocabulary / (used + outOfVocabulary) · 100, or with
    /// dummy4unknown outOfVocabulary / used · 100.
    double oovPercent() const;
    bool dummy4unknown = false;
    /// Empty, or why a correlation is missing: "wordsim353.tsv: none of the 353 pairs has both
    /// words in the vocabulary", only one pair, or constant scores.
    std::string problem() const;
};

/// Analogy accuracy: for each question whose four words are in the vocabulary, the best word
/// by options.method among the first restrictVocab words, a, b and c excluded (and, with
/// caseInsensitive, any word that upper-cases to one of them), must equal the expected one.
/// Batched matrix products, multithreaded; the result does not depend on options.threads.
/// Progress is reported from one thread at a time; throws Cancelled when progress is
/// cancelled.
AnalogyResult evaluateAnalogies(const EmbeddingSet &set, const AnalogyFile &file,
                                const EvalOptions &options = {},
                                Progress &progress = nullProgress());
/// Word-similarity correlation: cosine similarity of each pair whose words are in the
/// vocabulary against the human score.
WordPairResult evaluateWordPairs(const EmbeddingSet &set, const WordPairFile &file,
                                 const EvalOptions &options = {});

/// Everything a front end asks for at once: files are all read first (so a malformed one is
/// reported before any work), then evaluated in order, progress spread over them.
struct EvaluationReport
{
    std::vector<AnalogyResult> analogies;
    std::vector<WordPairResult> wordPairs;
};
EvaluationReport evaluate(const EmbeddingSet &set, const std::vector<std::string> &analogyFiles,
                          const std::vector<std::string> &wordPairFiles,
                          const EvalOptions &options = {}, Progress &progress = nullProgress());

/// Statistics, exposed for tests. Average ranks (1-based; ties share the mean of their ranks,
/// as scipy.stats.rankdata's default).
std::vector<double> averageRanks(std::span<const double> values);
/// Pearson's r; empty for fewer than two values or a constant side. x and y have equal sizes.
std::optional<double> pearson(std::span<const double> x, std::span<const double> y);
/// Spearman's rho: Pearson of the average ranks.
std::optional<double> spearman(std::span<const double> x, std::span<const double> y);

/// Python's str.upper() on UTF-8 text (full Unicode case mapping, e.g. "straße" → "STRASSE").
/// Invalid UTF-8 bytes are copied unchanged.
std::string pythonUpper(std::string_view utf8);

} // namespace embex
