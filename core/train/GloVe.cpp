// GloVe (Pennington, Socher & Manning 2014), trained as stanfordnlp/GloVe's glove.c does:
// AdaGrad on the weighted least-squares loss (GloVeKernel.h) over the co-occurrence records,
// lock-free across threads (Hogwild), output W + C (glove.c's "-model 2").
//
// Records: each unordered pair i ≤ j with X_ij > 0 is stored once (CooccurrenceCounter) and
// trains both directed records (word i, context j) and (word j, context i), one after the
// other; these touch disjoint parameters, so this is the same as glove.c's two separate
// records. A pair i = i trains once. log X and f(X) are computed once, not every iteration.
//
// Order: the records are shuffled once (Fisher-Yates, seeded), then every iteration visits
// them block by block (blocks of up to 4,096 consecutive records) in a new seeded permutation
// of the blocks: a different order each iteration at the cost of a sequential read. Thread t of
// T takes the t-th T-th of that permutation. With one thread the result depends only on the
// seed (and the records come out of the counter in (i, j) order whatever its thread count and
// memory cap, so those do not change the result either).
//
// Reported: the loss of each iteration (the mean of J over its directed records, as glove.c
// prints it), "words" = directed records trained. Snapshots (W + C) are taken between segments
// of an iteration: the threads stop at the scheduled fraction, so a snapshot never races with
// training. Memory: the records (16 bytes per pair) plus 2 × 2 × words × dim floats (vectors and
// AdaGrad accumulators, padded to 8 floats) — the co-occurrence cap does not cover these.
#include "train/Cooccurrence.h"
#include "train/GloVeKernel.h"
#include "train/TrainSupport.h"
#include "util/Parallel.h"

#include <Eigen/Core>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <functional>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace embex::detail {

namespace {

using AlignedFloats = std::vector<float, Eigen::aligned_allocator<float>>;

/// splitmix64 (Steele, Lea & Flood 2014): the same numbers on every standard library.
class Rng
{
public:
    explicit Rng(std::uint64_t seed) : m_state(seed) {}
    std::uint64_t next()
    {
        std::uint64_t z = (m_state += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    /// Uniform in [0, n) (Lemire's multiply-shift; the bias is below 2^-32 for n < 2^32).
    std::uint64_t below(std::uint64_t n)
    {
        return std::uint64_t((static_cast<unsigned __int128>(next()) * n) >> 64);
    }
    /// Uniform in [0, 1).
    double uniform() { return double(next() >> 11) * 0x1.0p-53; }

private:
    std::uint64_t m_state;
};

template <typename T> void shuffle(std::vector<T> &v, Rng &rng)
{
    for (std::size_t k = v.size(); k > 1; --k)
        std::swap(v[k - 1], v[std::size_t(rng.below(k))]);
}

/// Counts co-occurrences (progress stage "counting co-occurrences") and turns them into records.
std::vector<GloVeRecord> buildRecords(const TrainingCorpus &corpus, const TrainOptions &options,
                                      unsigned threads, TrainObserver &observer)
{
    const char *stage = "counting co-occurrences";
    TrainReporter reporter(options, observer, stage, 0);
    CooccurrenceCounter::Options co;
    co.window = options.effectiveWindow();
    co.memoryBytes = options.gloveMemoryBytes;
    co.threads = threads;
    CooccurrenceCounter counter(corpus.vocabulary().size(), co);

    // Batches of sentences: big enough to keep the threads busy, small enough to cancel fast
    // and to bound the sparse records one batch can add (about memory / 8).
    const std::uint64_t batchTokens = std::clamp<std::uint64_t>(
        options.gloveMemoryBytes / 8 / (16 * std::uint64_t(co.window)), 4096, 1 << 18);
    const double kCountShare = 0.9; // of the stage; merging is the rest
    std::uint64_t tokens = 0;
    auto progress = [&](double f) {
        observer.report(f, stage);
        reporter.update(f, 0, tokens, std::numeric_limits<double>::quiet_NaN(), 0);
    };
    progress(0);
    if (corpus.cached()) {
        const auto &ids = corpus.cachedIds();
        const auto &off = corpus.cachedOffsets();
        const std::size_t sentences = off.empty() ? 0 : off.size() - 1;
        for (std::size_t s = 0; s < sentences;) {
            std::size_t e = s + 1;
            while (e < sentences && off[e] - off[s] < batchTokens)
                ++e;
            counter.add(ids.data(), off.data() + s, e - s);
            tokens += off[e] - off[s];
            s = e;
            progress(kCountShare * double(s) / double(sentences));
        }
    } else {
        auto pass = corpus.pass();
        std::vector<std::uint32_t> sentence, ids;
        std::vector<std::uint64_t> off{0};
        bool more = true;
        while (more) {
            more = pass.next(sentence);
            if (more && !sentence.empty()) {
                ids.insert(ids.end(), sentence.begin(), sentence.end());
                off.push_back(ids.size());
            }
            if (ids.size() >= batchTokens || (!more && off.size() > 1)) {
                counter.add(ids.data(), off.data(), off.size() - 1);
                tokens += ids.size();
                ids.clear();
                off.assign(1, 0);
                progress(kCountShare * pass.fraction());
            }
        }
    }

    std::vector<GloVeRecord> records;
    const double xMax = options.xMax, power = options.gloveAlphaPower;
    std::size_t sinceReport = 0;
    counter.finish(
        [&](std::uint32_t i, std::uint32_t j, double x) {
            records.push_back({i, j, float(std::log(x)), gloveWeight(x, xMax, power)});
        },
        [&] {
            if (++sinceReport % 64 == 0)
                progress(kCountShare);
            else
                observer.check();
        });
    progress(1);
    return records;
}

/// Parameters: per word a row [vector | accumulators] for the word side and one for the
/// context side, and [bias, accumulator] pairs.
struct Model
{
    std::size_t words = 0, dim = 0, stride = 0;
    AlignedFloats word, context;              // words × 2·stride
    std::vector<float> wordBias, contextBias; // words × 2

    GloVeParams wordSide(std::uint32_t i)
    {
        float *row = word.data() + std::size_t(i) * 2 * stride;
        return {row, row + stride, &wordBias[2 * i], &wordBias[2 * i + 1]};
    }
    GloVeParams contextSide(std::uint32_t i)
    {
        float *row = context.data() + std::size_t(i) * 2 * stride;
        return {row, row + stride, &contextBias[2 * i], &contextBias[2 * i + 1]};
    }
    /// Asks the cache for both rows of word i (word and context side).
    void prefetch(std::uint32_t i) const
    {
        const auto *w = reinterpret_cast<const char *>(word.data() + std::size_t(i) * 2 * stride);
        const auto *c =
            reinterpret_cast<const char *>(context.data() + std::size_t(i) * 2 * stride);
        for (std::size_t b = 0; b < 2 * stride * sizeof(float); b += 64) {
            __builtin_prefetch(w + b);
            __builtin_prefetch(c + b);
        }
    }
    /// W + C of the first `count` words, count × dim row-major.
    std::vector<float> output(std::size_t count) const
    {
        std::vector<float> out(count * dim);
        for (std::size_t i = 0; i < count; ++i) {
            const float *w = word.data() + i * 2 * stride;
            const float *c = context.data() + i * 2 * stride;
            for (std::size_t k = 0; k < dim; ++k)
                out[i * dim + k] = w[k] + c[k];
        }
        return out;
    }
};

Model initialModel(std::size_t words, std::size_t dim, Rng &rng)
{
    Model m;
    m.words = words;
    m.dim = dim;
    m.stride = (dim + kGloVeLanes - 1) / kGloVeLanes * kGloVeLanes;
    m.word.assign(words * 2 * m.stride, 0.0f);
    m.context.assign(words * 2 * m.stride, 0.0f);
    m.wordBias.assign(words * 2, 1.0f);
    m.contextBias.assign(words * 2, 1.0f);
    // Uniform in [-0.5, 0.5] / dim, as glove.c; accumulators 1 so the first step is η ∂J/∂θ.
    auto draw = [&] {
        return float((rng.uniform() - 0.5) / double(dim));
    };
    for (AlignedFloats *table : {&m.word, &m.context})
        for (std::size_t i = 0; i < words; ++i) {
            float *row = table->data() + i * 2 * m.stride;
            for (std::size_t k = 0; k < dim; ++k)
                row[k] = draw();
            std::fill(row + m.stride, row + 2 * m.stride, 1.0f);
        }
    for (std::vector<float> *bias : {&m.wordBias, &m.contextBias})
        for (std::size_t i = 0; i < words; ++i)
            (*bias)[2 * i] = draw();
    return m;
}

/// How many records ahead trainBlocks prefetches rows.
constexpr std::size_t kPrefetchAhead = 4;

/// What one training thread reports to the coordinating thread.
struct WorkerState
{
    std::atomic<std::uint64_t> updates{0}; // directed records done in this segment
    double loss = 0;                       // their summed loss (read after join)
};

/// Trains the records of blocks order[from, to). HOGWILD: the only code that writes the model
/// while other threads do (see GloVeKernel.h).
void trainBlocks(Model &m, const std::vector<GloVeRecord> &records, std::size_t blockSize,
                 const std::vector<std::uint32_t> &order, std::size_t from, std::size_t to,
                 float eta, const std::atomic<bool> &stop, WorkerState &state)
{
    double loss = 0;
    std::uint64_t updates = 0;
    for (std::size_t b = from; b < to && !stop.load(std::memory_order_relaxed); ++b) {
        const std::size_t first = std::size_t(order[b]) * blockSize;
        const std::size_t last = std::min(records.size(), first + blockSize);
        for (std::size_t r = first; r < last; ++r) {
            // The rows are random: fetch those of a record a few ahead while this one trains.
            if (r + kPrefetchAhead < last) {
                const GloVeRecord &ahead = records[r + kPrefetchAhead];
                m.prefetch(ahead.i);
                m.prefetch(ahead.j);
            }
            const GloVeRecord &rec = records[r];
            loss += double(gloveStep(m.wordSide(rec.i), m.contextSide(rec.j), rec.logX, rec.weight,
                                     eta, m.stride));
            ++updates;
            if (rec.i != rec.j) {
                loss += double(gloveStep(m.wordSide(rec.j), m.contextSide(rec.i), rec.logX,
                                         rec.weight, eta, m.stride));
                ++updates;
            }
        }
        state.updates.store(updates, std::memory_order_relaxed);
    }
    state.loss = loss;
}

/// What one segment of an epoch did.
struct SegmentResult
{
    std::uint64_t updates = 0; // directed records trained
    double loss = 0;           // their summed loss
};

/// Trains the part [segStart, segEnd) of the epoch's block order on `workers` threads (thread t
/// takes the same part of its t-th share of the order) while the calling thread calls
/// progress(updates so far) every `poll`. If progress throws (cancellation), the threads stop
/// after their current block and the exception propagates.
SegmentResult trainSegment(Model &model, const std::vector<GloVeRecord> &records,
                           std::size_t blockSize, const std::vector<std::uint32_t> &order,
                           unsigned workers, double segStart, double segEnd, float eta,
                           std::chrono::milliseconds poll,
                           const std::function<void(std::uint64_t)> &progress)
{
    const std::size_t blocks = order.size();
    std::vector<WorkerState> state(workers);
    std::vector<std::exception_ptr> errors(workers);
    std::atomic<bool> stop{false};
    std::mutex mutex;
    std::condition_variable finishedCv;
    unsigned finished = 0;
    std::vector<std::thread> pool;
    try {
        for (unsigned t = 0; t < workers; ++t) {
            const std::size_t partBegin = blocks * t / workers;
            const std::size_t partLen = blocks * (t + 1) / workers - partBegin;
            const std::size_t from = partBegin + std::size_t(segStart * double(partLen));
            const std::size_t to =
                partBegin + (segEnd >= 1.0 ? partLen : std::size_t(segEnd * double(partLen)));
            pool.emplace_back([&, t, from, to] {
                try {
                    trainBlocks(model, records, blockSize, order, from, to, eta, stop, state[t]);
                } catch (...) {
                    errors[t] = std::current_exception();
                }
                std::lock_guard lock(mutex);
                ++finished;
                finishedCv.notify_one();
            });
        }
        for (;;) {
            {
                std::unique_lock lock(mutex);
                if (finishedCv.wait_for(lock, poll, [&] { return finished == pool.size(); }))
                    break;
            }
            std::uint64_t updates = 0;
            for (const auto &s : state)
                updates += s.updates.load(std::memory_order_relaxed);
            progress(updates);
        }
    } catch (...) {
        stop.store(true, std::memory_order_relaxed);
        for (auto &t : pool)
            t.join();
        throw;
    }
    for (auto &t : pool)
        t.join();
    SegmentResult result;
    for (unsigned t = 0; t < workers; ++t) {
        if (errors[t])
            std::rethrow_exception(errors[t]);
        result.updates += state[t].updates.load(std::memory_order_relaxed);
        result.loss += state[t].loss;
    }
    return result;
}

} // namespace

TrainResult trainGloVe(const TrainingCorpus &corpus, const TrainOptions &options,
                       TrainObserver &observer)
{
    const Vocabulary &vocab = corpus.vocabulary();
    const std::size_t words = vocab.size();
    const auto dim = std::size_t(options.dim);
    const int epochs = options.effectiveEpochs();
    const auto eta = float(options.effectiveAlpha());
    const unsigned threads = options.threads > 0 ? unsigned(options.threads) : defaultThreads();

    std::vector<GloVeRecord> records = buildRecords(corpus, options, threads, observer);
    if (records.empty())
        throw std::runtime_error(corpus.path() +
                                 ": no co-occurrences to train GloVe on (every sentence has "
                                 "fewer than two words in the vocabulary)");
    std::uint64_t updatesPerEpoch = 0;
    for (const auto &r : records)
        updatesPerEpoch += r.i == r.j ? 1 : 2;

    Rng rng(options.seed);
    Model model = initialModel(words, dim, rng);
    observer.check();
    shuffle(records, rng);
    const std::size_t blockSize = std::clamp<std::size_t>(records.size() / 1024, 1, 4096);
    const std::size_t blocks = (records.size() + blockSize - 1) / blockSize;
    const unsigned workers = std::max(1u, std::min<unsigned>(threads, unsigned(blocks)));

    TrainReporter reporter(options, observer, "training", epochs);
    const std::size_t snapWords = std::min(options.snapshotWords, words);
    auto snapshot = [&](double fraction) {
        for (int k; (k = reporter.snapshotDue(fraction)) >= 0;)
            reporter.publishSnapshot(
                k, makeVectorSet(vocab, model.output(snapWords).data(), dim, snapWords));
    };
    reporter.update(0, 1, 0, std::numeric_limits<double>::quiet_NaN(), double(eta), true);
    snapshot(0);

    std::vector<std::uint32_t> order(blocks);
    const auto poll =
        std::chrono::milliseconds(std::clamp(int(options.statsInterval * 1000 / 4), 5, 20));
    const double total = double(updatesPerEpoch) * epochs;
    std::uint64_t done = 0; // directed records trained so far, all epochs
    for (int epoch = 0; epoch < epochs; ++epoch) {
        for (std::size_t b = 0; b < blocks; ++b)
            order[b] = std::uint32_t(b);
        shuffle(order, rng);
        // Segments end where a snapshot is due, so snapshots read the model between segments.
        std::vector<double> cuts;
        for (int k = 1; k <= options.snapshots; ++k) {
            const double at = double(k) * epochs / options.snapshots - epoch;
            if (at > 1e-12 && at < 1 - 1e-12)
                cuts.push_back(at);
        }
        cuts.push_back(1.0);
        SegmentResult epochTotal;
        double segStart = 0;
        for (double segEnd : cuts) {
            const SegmentResult seg = trainSegment(
                model, records, blockSize, order, workers, segStart, segEnd, eta, poll,
                [&](std::uint64_t updates) {
                    reporter.update(double(done + updates) / total, epoch + 1, done + updates,
                                    std::numeric_limits<double>::quiet_NaN(), double(eta));
                });
            done += seg.updates;
            epochTotal.updates += seg.updates;
            epochTotal.loss += seg.loss;
            segStart = segEnd;
            snapshot((epoch + segEnd) / epochs);
        }
        reporter.update(double(done) / total, epoch + 1, done,
                        epochTotal.loss / double(std::max<std::uint64_t>(epochTotal.updates, 1)),
                        double(eta), true);
    }
    snapshot(1.0);

    TrainResult result;
    result.vectors = makeVectorSet(vocab, model.output(words).data(), dim, words);
    reporter.finish(result);
    return result;
}

} // namespace embex::detail
