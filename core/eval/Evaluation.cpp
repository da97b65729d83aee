// Analogy accuracy (batched matrix products, gensim's candidate loop) and word-similarity
// correlation.
#include "eval/Evaluation.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <numeric>
#include <unordered_map>

namespace embex {
namespace {

/// Questions per batch. Batches are a fixed grid over the questions, whatever the thread
/// count, so every question's scores come from the same matrix product.
constexpr std::size_t kBatch = 256;
/// Vocabulary rows per product: a kBatch × kRows block of scores stays in L2.
constexpr std::size_t kRows = 1024;
/// Candidates kept per question, as gensim's most_similar(topn=5) in evaluate_word_analogies.
constexpr std::size_t kTopN = 5;

/// Maps words as the evaluation compares them (upper-cased or as written) to the first row
/// among the first `limit` that has that form: gensim's ok_vocab, limited to the words asked.
class Vocabulary
{
public:
    Vocabulary(const EmbeddingSet &set, const EvalOptions &options)
        : m_set(set), m_limit(std::min(options.restrictVocab, set.size())),
          m_upper(options.caseInsensitive)
    {}

    std::string key(std::string_view word) const
    {
        return m_upper ? pythonUpper(word) : std::string(word);
    }
    /// Registers a key (as key() gives it) to be resolved.
    void want(const std::string &k) { m_ids.emplace(k, kNone); }
    /// Resolves every wanted key: one pass over the first `limit` words, first one wins.
    void resolve()
    {
        if (!m_upper) {
            for (auto &[k, id] : m_ids)
                if (auto found = m_set.find(k); found && *found < m_limit)
                    id = *found;
            return;
        }
        std::size_t missing = m_ids.size();
        for (std::size_t i = 0; i < m_limit && missing > 0; ++i) {
            auto it = m_ids.find(pythonUpper(m_set.word(WordId(i))));
            if (it != m_ids.end() && it->second == kNone) {
                it->second = WordId(i);
                --missing;
            }
        }
    }
    std::optional<WordId> find(const std::string &k) const
    {
        auto it = m_ids.find(k);
        if (it == m_ids.end() || it->second == kNone)
            return std::nullopt;
        return it->second;
    }
    std::size_t limit() const { return m_limit; }

private:
    static constexpr WordId kNone = 0xffffffffu;
    const EmbeddingSet &m_set;
    std::size_t m_limit;
    bool m_upper;
    std::unordered_map<std::string, WordId> m_ids;
};

/// A question whose four words are in the vocabulary, ready to score.
struct Task
{
    WordId a, b, c;
    std::string keyA, keyB, keyC, keyExpected;
    std::size_t section;
    bool correct = false;
};

/// The best kTopN rows for one query, best first; ties keep the smaller id (rows arrive in
/// increasing id order and must beat the last kept one strictly).
struct TopN
{
    std::size_t size = 0;
    WordId ids[kTopN];
    float scores[kTopN];

    void offer(WordId id, float s)
    {
        if (size == kTopN && !(s > scores[kTopN - 1]))
            return;
        std::size_t i = size < kTopN ? size++ : kTopN - 1;
        for (; i > 0 && scores[i - 1] < s; --i) {
            ids[i] = ids[i - 1];
            scores[i] = scores[i - 1];
        }
        ids[i] = id;
        scores[i] = s;
    }
};

/// Scores one batch of tasks against every allowed row and decides each (gensim's loop over
/// most_similar's five answers).
void solveBatch(const EmbeddingSet &set, const Vocabulary &vocab, std::span<Task> tasks,
                AnalogyMethod method, std::span<const WordId> zeroRows, bool upper)
{
    const RowMatrix &unit = set.normalized();
    const auto dim = Eigen::Index(set.dim());
    const auto n = Eigen::Index(tasks.size());
    const std::size_t limit = vocab.limit();

    // Queries, one per row: 3CosAdd's normalised (b̂ + ĉ - â)/3 (gensim's weighted mean), or
    // for 3CosMul the unit vectors of a, b and c in three row blocks.
    RowMatrix queries(method == AnalogyMethod::Add ? n : 3 * n, dim);
    for (Eigen::Index q = 0; q < n; ++q) {
        const Task &t = tasks[std::size_t(q)];
        const float *ua = unit.row(Eigen::Index(t.a)).data(),
                    *ub = unit.row(Eigen::Index(t.b)).data(),
                    *uc = unit.row(Eigen::Index(t.c)).data();
        if (method == AnalogyMethod::Add) {
            float *out = queries.row(q).data();
            double squares = 0.0;
            for (Eigen::Index j = 0; j < dim; ++j) {
                out[j] = float((double(ub[j]) + double(uc[j]) - double(ua[j])) / 3.0);
                squares += double(out[j]) * double(out[j]);
            }
            const double norm = std::sqrt(squares);
            if (norm > 0.0)
                for (Eigen::Index j = 0; j < dim; ++j)
                    out[j] = float(double(out[j]) / norm);
        } else {
            std::copy(ua, ua + dim, queries.row(q).data());
            std::copy(ub, ub + dim, queries.row(n + q).data());
            std::copy(uc, uc + dim, queries.row(2 * n + q).data());
        }
    }

    std::vector<TopN> best(tasks.size());
    RowMatrix scores;
    std::vector<float> mul(kRows);
    for (std::size_t r0 = 0; r0 < limit; r0 += kRows) {
        const std::size_t rows = std::min(kRows, limit - r0);
        const ConstRowMap block(unit.data() + r0 * std::size_t(dim), Eigen::Index(rows), dim);
        scores.noalias() = queries * block.transpose();
        const auto zLo = std::lower_bound(zeroRows.begin(), zeroRows.end(), WordId(r0));
        const auto zHi = std::lower_bound(zLo, zeroRows.end(), WordId(r0 + rows));
        for (Eigen::Index q = 0; q < n; ++q) {
            const Task &t = tasks[std::size_t(q)];
            float *s = scores.row(q).data();
            if (method == AnalogyMethod::Mul) {
                // gensim's most_similar_cosmul: cosines shifted to [0, 1], in float.
                const float *sa = s, *sb = scores.row(n + q).data(),
                            *sc = scores.row(2 * n + q).data();
                for (std::size_t i = 0; i < rows; ++i) {
                    const float pa = (1.0f + sa[i]) / 2.0f, pb = (1.0f + sb[i]) / 2.0f,
                                pc = (1.0f + sc[i]) / 2.0f;
                    mul[i] = pb * pc / (pa + 1e-6f);
                }
                s = mul.data();
            }
            // The inputs are never answers; zero vectors neither (gensim scores them NaN).
            for (WordId id : {t.a, t.b, t.c})
                if (id >= r0 && id < r0 + rows)
                    s[id - r0] = -std::numeric_limits<float>::infinity();
            for (auto z = zLo; z != zHi; ++z)
                s[*z - r0] = -std::numeric_limits<float>::infinity();
            TopN &top = best[std::size_t(q)];
            float threshold =
                top.size == kTopN ? top.scores[kTopN - 1] : -std::numeric_limits<float>::max();
            // Nearly every row loses: test a chunk's maximum (vectorised) before its rows.
            constexpr std::size_t kChunk = 16;
            for (std::size_t c = 0; c < rows; c += kChunk) {
                const std::size_t end = std::min(rows, c + kChunk);
                float chunkMax = -std::numeric_limits<float>::infinity();
                for (std::size_t i = c; i < end; ++i)
                    chunkMax = std::max(chunkMax, s[i]);
                if (!(chunkMax > threshold))
                    continue;
                for (std::size_t i = c; i < end; ++i)
                    if (s[i] > threshold) {
                        top.offer(WordId(r0 + i), s[i]);
                        if (top.size == kTopN)
                            threshold = top.scores[kTopN - 1];
                    }
            }
        }
    }

    // gensim takes the first of the five that is not an input word once upper-cased (another
    // case variant of a, b or c), or else the last one seen.
    for (std::size_t q = 0; q < tasks.size(); ++q) {
        Task &t = tasks[q];
        const TopN &top = best[q];
        std::optional<std::string> predicted;
        for (std::size_t i = 0; i < top.size; ++i) {
            const std::string &w = set.word(top.ids[i]);
            predicted = upper ? pythonUpper(w) : w;
            if (*predicted != t.keyA && *predicted != t.keyB && *predicted != t.keyC)
                break;
        }
        t.correct = predicted && *predicted == t.keyExpected;
    }
}

std::string fileName(const std::string &path)
{
    const auto slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

} // namespace

double AnalogySectionResult::accuracy() const
{
    return evaluated() == 0 ? 0.0 : double(correct) / double(evaluated());
}

double AnalogyResult::oovPercent() const
{
    return questions == 0 ? 0.0 : double(total.outOfVocabulary) / double(questions) * 100.0;
}

std::string AnalogyResult::problem() const
{
    if (total.outOfVocabulary < questions)
        return {};
    return fileName(path) + ": none of the " + std::to_string(questions) +
           " questions has all four words in the vocabulary";
}

double WordPairResult::oovPercent() const
{
    const std::size_t denominator = dummy4unknown ? used : used + outOfVocabulary;
    return denominator == 0 ? 0.0 : double(outOfVocabulary) / double(denominator) * 100.0;
}

std::string WordPairResult::problem() const
{
    if (pairs == outOfVocabulary)
        return fileName(path) + ": none of the " + std::to_string(pairs) +
               " pairs has both words in the vocabulary";
    if (pearson && spearman)
        return {};
    if (used < 2)
        return fileName(path) + ": only 1 pair has both words in the vocabulary; a correlation "
                                "needs two";
    return fileName(path) +
           ": the correlation is undefined (the scores or the similarities of "
           "the " +
           std::to_string(used) + " pairs are all equal)";
}

AnalogyResult evaluateAnalogies(const EmbeddingSet &set, const AnalogyFile &file,
                                const EvalOptions &options, Progress &progress)
{
    AnalogyResult result;
    result.path = file.path;
    result.total.name = "Total accuracy";
    Vocabulary vocab(set, options);
    for (const auto &section : file.sections)
        for (const auto &q : section.questions)
            for (const std::string *w : {&q.a, &q.b, &q.c, &q.expected})
                vocab.want(vocab.key(*w));
    progress.report(0.0, "looking up words");
    vocab.resolve();

    std::vector<Task> tasks;
    for (std::size_t s = 0; s < file.sections.size(); ++s) {
        AnalogySectionResult &r = result.sections.emplace_back();
        r.name = file.sections[s].name;
        for (const auto &q : file.sections[s].questions) {
            ++result.questions;
            Task t{0, 0, 0, vocab.key(q.a), vocab.key(q.b), vocab.key(q.c), vocab.key(q.expected),
                   s};
            const auto a = vocab.find(t.keyA), b = vocab.find(t.keyB), c = vocab.find(t.keyC);
            if (!a || !b || !c || !vocab.find(t.keyExpected)) {
                ++r.outOfVocabulary;
                if (options.dummy4unknown)
                    ++r.incorrect;
                continue;
            }
            t.a = *a;
            t.b = *b;
            t.c = *c;
            tasks.push_back(std::move(t));
        }
    }

    std::vector<WordId> zeroRows;
    if (!tasks.empty()) {
        const Eigen::VectorXf &norms = set.norms();
        for (std::size_t i = 0; i < vocab.limit(); ++i)
            if (norms[Eigen::Index(i)] == 0.0f)
                zeroRows.push_back(WordId(i));
    }
    const std::size_t batches = (tasks.size() + kBatch - 1) / kBatch;
    const unsigned threads = std::max(
        1u, std::min<unsigned>(options.threads, unsigned(std::max<std::size_t>(batches, 1))));
    std::atomic<std::size_t> next{0}, done{0};
    progress.report(0.0, "solving analogies");
    runWorkers(threads, [&](unsigned t) {
        for (std::size_t b; !progress.cancelled() && (b = next++) < batches;) {
            const std::size_t first = b * kBatch;
            const std::span<Task> batch(tasks.data() + first,
                                        std::min(kBatch, tasks.size() - first));
            solveBatch(set, vocab, batch, options.method, zeroRows, options.caseInsensitive);
            const std::size_t finished = ++done;
            // Only one thread reports (Progress::report is not reentrant).
            if (t == 0)
                progress.report(double(finished) / double(batches), "solving analogies");
        }
    });
    progress.check();

    for (const Task &t : tasks)
        ++(t.correct ? result.sections[t.section].correct : result.sections[t.section].incorrect);
    for (const auto &r : result.sections) {
        result.total.correct += r.correct;
        result.total.incorrect += r.incorrect;
        result.total.outOfVocabulary += r.outOfVocabulary;
    }
    progress.report(1.0, "solving analogies");
    return result;
}

WordPairResult evaluateWordPairs(const EmbeddingSet &set, const WordPairFile &file,
                                 const EvalOptions &options)
{
    WordPairResult result;
    result.path = file.path;
    result.pairs = file.pairs.size();
    result.dummy4unknown = options.dummy4unknown;
    Vocabulary vocab(set, options);
    for (const auto &p : file.pairs) {
        vocab.want(vocab.key(p.a));
        vocab.want(vocab.key(p.b));
    }
    vocab.resolve();
    std::vector<double> gold, model;
    const RowMatrix *unit = nullptr;
    for (const auto &p : file.pairs) {
        const auto a = vocab.find(vocab.key(p.a)), b = vocab.find(vocab.key(p.b));
        if (!a || !b) {
            ++result.outOfVocabulary;
            if (options.dummy4unknown) {
                gold.push_back(p.score);
                model.push_back(0.0);
            }
            continue;
        }
        if (!unit)
            unit = &set.normalized();
        gold.push_back(p.score);
        model.push_back(unit->row(Eigen::Index(*a))
                            .cast<double>()
                            .dot(unit->row(Eigen::Index(*b)).cast<double>()));
    }
    result.used = gold.size();
    result.pearson = pearson(gold, model);
    result.spearman = spearman(gold, model);
    return result;
}

EvaluationReport evaluate(const EmbeddingSet &set, const std::vector<std::string> &analogyFiles,
                          const std::vector<std::string> &wordPairFiles, const EvalOptions &options,
                          Progress &progress)
{
    std::vector<AnalogyFile> analogies;
    std::vector<WordPairFile> pairs;
    progress.report(0.0, "reading test files");
    for (const auto &path : analogyFiles)
        analogies.push_back(readAnalogyFile(path));
    for (const auto &path : wordPairFiles)
        pairs.push_back(readWordPairFile(path));
    progress.check();

    // Analogies take nearly all the time, in proportion to their question counts.
    std::size_t totalQuestions = 0;
    for (const auto &f : analogies)
        totalQuestions += f.questionCount();
    EvaluationReport report;
    std::size_t doneQuestions = 0;
    for (const auto &f : analogies) {
        const double from = double(doneQuestions) / double(totalQuestions);
        doneQuestions += f.questionCount();
        SubProgress part(progress, from, double(doneQuestions) / double(totalQuestions));
        report.analogies.push_back(evaluateAnalogies(set, f, options, part));
    }
    for (const auto &f : pairs) {
        progress.check();
        report.wordPairs.push_back(evaluateWordPairs(set, f, options));
    }
    progress.report(1.0, "done");
    return report;
}

std::vector<double> averageRanks(std::span<const double> values)
{
    std::vector<std::size_t> order(values.size());
    std::iota(order.begin(), order.end(), std::size_t(0));
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
    std::vector<double> ranks(values.size());
    for (std::size_t i = 0; i < order.size();) {
        std::size_t j = i + 1;
        while (j < order.size() && values[order[j]] == values[order[i]])
            ++j;
        // Ranks i+1 .. j share their mean.
        const double mean = double(i + 1 + j) / 2.0;
        for (std::size_t k = i; k < j; ++k)
            ranks[order[k]] = mean;
        i = j;
    }
    return ranks;
}

std::optional<double> pearson(std::span<const double> x, std::span<const double> y)
{
    const std::size_t n = std::min(x.size(), y.size());
    if (n < 2)
        return std::nullopt;
    // As scipy.stats.pearsonr: centre, scale each side to unit length, then the dot product.
    double mx = 0.0, my = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        mx += x[i];
        my += y[i];
    }
    mx /= double(n);
    my /= double(n);
    double sxx = 0.0, syy = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
    }
    const bool constant =
        std::all_of(x.begin(), x.begin() + std::ptrdiff_t(n),
                    [&](double v) { return v == x[0]; }) ||
        std::all_of(y.begin(), y.begin() + std::ptrdiff_t(n), [&](double v) { return v == y[0]; });
    if (constant || sxx == 0.0 || syy == 0.0)
        return std::nullopt;
    const double nx = std::sqrt(sxx), ny = std::sqrt(syy);
    double r = 0.0;
    for (std::size_t i = 0; i < n; ++i)
        r += ((x[i] - mx) / nx) * ((y[i] - my) / ny);
    return std::clamp(r, -1.0, 1.0);
}

std::optional<double> spearman(std::span<const double> x, std::span<const double> y)
{
    const std::size_t n = std::min(x.size(), y.size());
    const std::vector<double> rx = averageRanks(x.first(n)), ry = averageRanks(y.first(n));
    return pearson(rx, ry);
}

} // namespace embex
