// word2vec (Mikolov et al. 2013): skip-gram and CBOW with negative sampling and/or hierarchical
// softmax, trained as word2vec.c does, by lock-free SGD on shared matrices (Hogwild).
//
// Work is cut into batches of whole sentences of about kBatchWords words, the same cuts in
// every epoch and in both corpus modes (cached ids or a streaming pass). Batch i has its own
// random stream (seeded from the seed and i) and knows its position in the run, so the learning
// rate of every sentence and every random draw depend only on the data: one thread gives the
// same vectors on every run, and cached and streaming corpora give the same vectors.
//
// Threads: `threads` workers take batches in order (cached: computed from an index under the
// mutex; streaming: from a bounded queue that the coordinating thread, the caller of train(),
// fills by reading the corpus). The coordinator otherwise sleeps on a condition variable (woken
// by finished batches, at least every 50 ms) and reports statistics, takes snapshots and checks
// cancellation.
//
// Snapshots are consistent: snapshot k belongs to word position B_k = ceil(k/S · total). A
// "gate" stops workers from starting a batch that begins at or after B_k; once every earlier
// batch has finished, the coordinator copies the rows (no worker is writing), publishes, and
// opens the gate to B_k+1. Workers idle for at most one batch per snapshot (~10 ms), and with one
// thread the snapshots, like the vectors, are the same on every run.
#include "train/TrainSupport.h"
#include "train/Word2VecKernels.h"
#include "util/Parallel.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <exception>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

namespace embex::detail {

namespace {

using namespace w2v;

/// Target size of a batch (word2vec.c updates its learning rate every 10,000 words; gensim's
/// jobs are 10,000 words).
constexpr std::uint64_t kBatchWords = 10000;
constexpr std::uint64_t kNoLimit = std::numeric_limits<std::uint64_t>::max();
/// Streaming: batches read ahead per worker.
constexpr std::size_t kQueuePerThread = 3;

/// Zeroed floats on a 64-byte boundary.
class AlignedFloats
{
public:
    AlignedFloats() = default;
    explicit AlignedFloats(std::size_t n)
    {
        const std::size_t bytes = std::max<std::size_t>(64, (n * sizeof(float) + 63) / 64 * 64);
        m_data.reset(static_cast<float *>(std::aligned_alloc(64, bytes)));
        if (!m_data)
            throw std::bad_alloc();
        std::fill(m_data.get(), m_data.get() + bytes / sizeof(float), 0.0f);
    }
    float *data() const { return m_data.get(); }

private:
    struct Free
    {
        void operator()(float *p) const { std::free(p); }
    };
    std::unique_ptr<float[], Free> m_data;
};

/// A run of whole sentences. Sentence s is ids[offsets[s], offsets[s + 1]).
struct Batch
{
    std::uint64_t index = 0;       ///< in the run (all epochs); seeds the random stream
    std::uint64_t wordsBefore = 0; ///< position of the first word in the run
    std::uint64_t words = 0;
    const std::uint32_t *ids = nullptr;
    const std::uint64_t *offsets = nullptr;
    std::size_t sentences = 0;
    std::vector<std::uint32_t> ownIds; ///< streaming: the batch's data
    std::vector<std::uint64_t> ownOffsets;
};

class Word2VecRun
{
public:
    Word2VecRun(const TrainingCorpus &corpus, const TrainOptions &options, TrainObserver &observer)
        : m_corpus(corpus), m_vocab(corpus.vocabulary()), m_options(options), m_observer(observer),
          m_epochs(options.effectiveEpochs()),
          m_threads(options.threads > 0 ? unsigned(options.threads) : defaultThreads()),
          m_epochWords(m_vocab.trainWords()), m_total(m_epochWords * std::uint64_t(m_epochs)),
          m_alpha(options.effectiveAlpha()), m_minAlpha(options.effectiveMinAlpha()),
          m_reporter(options, observer, "training", m_epochs)
    {}

    TrainResult run();

private:
    void setUpModel();
    void planCachedBatches();
    std::unique_ptr<Batch> readBatch();
    std::unique_ptr<Batch> acquire();
    void release(std::uint64_t words, double loss, std::uint64_t terms);
    void worker();
    std::uint64_t nextWordsBefore() const;
    std::uint64_t snapshotBoundary(int k) const;
    void coordinate();
    void takeSnapshotsDue();
    void stopAndJoin();
    double alphaAt(std::uint64_t position) const
    {
        const double progress = m_total > 0 ? double(position) / double(m_total) : 1.0;
        return std::max(m_minAlpha, m_alpha * (1.0 - std::min(1.0, progress)));
    }
    std::shared_ptr<const EmbeddingSet> vectorSet(std::size_t count) const;
    void report(bool force);

    const TrainingCorpus &m_corpus;
    const Vocabulary &m_vocab;
    const TrainOptions &m_options;
    TrainObserver &m_observer;
    const int m_epochs;
    const unsigned m_threads;
    const std::uint64_t m_epochWords, m_total;
    const double m_alpha, m_minAlpha;
    TrainReporter m_reporter;

    Model m_model;
    AlignedFloats m_syn0, m_syn1neg, m_syn1;
    AliasSampler m_negatives;
    HuffmanCodes m_huffman;
    std::vector<float> m_keep;

    // Cached corpus: batch b of an epoch is sentences [m_cuts[b], m_cuts[b + 1]).
    std::vector<std::size_t> m_cuts;
    std::vector<std::uint64_t> m_cutWords; ///< words before batch b in its epoch
    // Streaming corpus (coordinator only).
    std::optional<TrainingCorpus::Pass> m_pass;
    int m_readEpoch = 0;
    std::uint64_t m_readIndex = 0, m_readWordsInEpoch = 0;
    std::vector<std::uint32_t> m_sentence;

    std::vector<std::thread> m_workers;
    std::atomic<bool> m_stop{false};
    // Guarded by m_mutex.
    mutable std::mutex m_mutex;
    std::condition_variable m_workCv, m_coordCv;
    std::uint64_t m_nextBatch = 0;              ///< cached: next batch index of the run
    std::deque<std::unique_ptr<Batch>> m_queue; ///< streaming
    bool m_allRead = false;                     ///< streaming: every batch is queued
    std::uint64_t m_readPosition = 0;           ///< streaming: where the next batch starts
    std::uint64_t m_gate = kNoLimit;            ///< no batch starting here or later may start
    int m_inFlight = 0;
    std::uint64_t m_doneWords = 0, m_doneTerms = 0;
    double m_doneLoss = 0;
    bool m_wake = false;
    std::exception_ptr m_error;
    // Coordinator only.
    int m_nextSnapshot = 0;
    std::uint64_t m_reportedTerms = 0;
    double m_reportedLoss = 0;
};

void Word2VecRun::setUpModel()
{
    const std::size_t n = m_vocab.size();
    Model &m = m_model;
    m.dim = std::size_t(m_options.dim);
    m.stride = paddedDim(m.dim);
    m.negative = m_options.negative;
    m.cbow = m_options.model == TrainModel::Cbow;
    m.window = m_options.effectiveWindow();
    m.dynamicWindow = m_options.dynamicWindow;

    m_syn0 = AlignedFloats(n * m.stride);
    m.syn0 = m_syn0.data();
    // Uniform in [-1, 1) / dim as gensim 4 draws it, twice word2vec.c's [-0.5, 0.5) / dim: the
    // wider start gives better vectors on corpora of a few million words (bench/README.md,
    // issue 13). One random stream per row, so the start does not depend on the thread count.
    parallelRanges(n, m_threads, [&](std::size_t begin, std::size_t end, unsigned) {
        for (std::size_t w = begin; w < end; ++w) {
            Rng rng(streamSeed(~m_options.seed, w));
            float *row = m.syn0 + w * m.stride;
            for (std::size_t i = 0; i < m.dim; ++i)
                row[i] = (2.0f * rng.uniform() - 1.0f) / float(m.dim);
        }
    });
    if (m.negative > 0) {
        m_syn1neg = AlignedFloats(n * m.stride);
        m.syn1neg = m_syn1neg.data();
        m_negatives = AliasSampler(m_vocab.counts(), 0.75);
        m.negatives = &m_negatives;
    }
    if (m_options.hierarchicalSoftmax) {
        m_huffman = HuffmanCodes(m_vocab.counts());
        m_syn1 = AlignedFloats(std::max<std::size_t>(1, m_huffman.innerNodes()) * m.stride);
        m.syn1 = m_syn1.data();
        m.huffman = &m_huffman;
    }
    m_keep = keepProbabilities(m_vocab.counts(), m_options.sample);
    m.keep = m_keep.data();
}

void Word2VecRun::planCachedBatches()
{
    const auto &off = m_corpus.cachedOffsets();
    const std::size_t sentences = off.empty() ? 0 : off.size() - 1;
    m_cuts.push_back(0);
    m_cutWords.push_back(0);
    for (std::size_t s = 0; s < sentences; ++s) {
        if (off[s + 1] - off[m_cuts.back()] >= kBatchWords || s + 1 == sentences) {
            m_cuts.push_back(s + 1);
            m_cutWords.push_back(off[s + 1]);
        }
    }
}

/// Streaming: the next batch of the run (cut as planCachedBatches cuts), or null at the end.
std::unique_ptr<Batch> Word2VecRun::readBatch()
{
    auto b = std::make_unique<Batch>();
    b->ownOffsets.push_back(0);
    while (m_readEpoch < m_epochs) {
        if (!m_pass)
            m_pass = m_corpus.pass();
        if (!m_pass->next(m_sentence)) {
            m_pass.reset();
            ++m_readEpoch;
            m_readWordsInEpoch = 0;
            if (b->ownIds.empty())
                continue;
            break;
        }
        if (m_sentence.empty())
            continue;
        if (b->ownIds.empty())
            b->wordsBefore = std::uint64_t(m_readEpoch) * m_epochWords + m_readWordsInEpoch;
        b->ownIds.insert(b->ownIds.end(), m_sentence.begin(), m_sentence.end());
        b->ownOffsets.push_back(b->ownIds.size());
        m_readWordsInEpoch += m_sentence.size();
        if (b->ownIds.size() >= kBatchWords)
            break;
    }
    if (b->ownIds.empty())
        return nullptr;
    b->index = m_readIndex++;
    b->words = b->ownIds.size();
    b->ids = b->ownIds.data();
    b->offsets = b->ownOffsets.data();
    b->sentences = b->ownOffsets.size() - 1;
    return b;
}

/// Position of the next batch a worker would take (kNoLimit if none is left, or for streaming
/// if none is queued and none will be). Caller holds m_mutex.
std::uint64_t Word2VecRun::nextWordsBefore() const
{
    if (m_corpus.cached()) {
        const std::uint64_t perEpoch = m_cuts.size() - 1;
        if (perEpoch == 0 || m_nextBatch >= perEpoch * std::uint64_t(m_epochs))
            return kNoLimit;
        return (m_nextBatch / perEpoch) * m_epochWords + m_cutWords[m_nextBatch % perEpoch];
    }
    if (!m_queue.empty())
        return m_queue.front()->wordsBefore;
    return m_allRead ? kNoLimit : m_readPosition;
}

/// Worker: the next batch, waiting at the snapshot gate; null when done or stopping.
std::unique_ptr<Batch> Word2VecRun::acquire()
{
    std::unique_lock lock(m_mutex);
    for (;;) {
        if (m_stop.load(std::memory_order_relaxed))
            return nullptr;
        const std::uint64_t next = nextWordsBefore();
        if (next == kNoLimit && (m_corpus.cached() || m_allRead))
            return nullptr;
        if (next < m_gate && (m_corpus.cached() || !m_queue.empty()))
            break;
        m_workCv.wait(lock);
    }
    ++m_inFlight;
    if (!m_corpus.cached()) {
        auto b = std::move(m_queue.front());
        m_queue.pop_front();
        m_wake = true;
        m_coordCv.notify_one(); // room to read ahead
        return b;
    }
    const std::uint64_t perEpoch = m_cuts.size() - 1;
    const std::uint64_t epochBatch = m_nextBatch % perEpoch;
    const auto &off = m_corpus.cachedOffsets();
    auto b = std::make_unique<Batch>();
    b->index = m_nextBatch;
    b->wordsBefore = nextWordsBefore();
    b->ids = m_corpus.cachedIds().data();
    b->offsets = off.data() + m_cuts[epochBatch];
    b->sentences = m_cuts[epochBatch + 1] - m_cuts[epochBatch];
    b->words = off[m_cuts[epochBatch + 1]] - off[m_cuts[epochBatch]];
    ++m_nextBatch;
    return b;
}

void Word2VecRun::release(std::uint64_t words, double loss, std::uint64_t terms)
{
    std::lock_guard lock(m_mutex);
    --m_inFlight;
    m_doneWords += words;
    m_doneLoss += loss;
    m_doneTerms += terms;
    m_wake = true;
    m_coordCv.notify_one();
}

void Word2VecRun::worker()
{
    try {
        Scratch scratch(m_model);
        while (auto b = acquire()) {
            Rng rng(streamSeed(m_options.seed, b->index));
            std::uint64_t position = b->wordsBefore;
            const double loss0 = scratch.loss;
            const std::uint64_t terms0 = scratch.terms;
            for (std::size_t s = 0; s < b->sentences; ++s) {
                if (m_stop.load(std::memory_order_relaxed))
                    break;
                const std::uint64_t begin = b->offsets[s], end = b->offsets[s + 1];
                trainSentence(m_model, b->ids + begin, std::size_t(end - begin),
                              float(alphaAt(position)), rng, scratch);
                position += end - begin;
            }
            release(b->words, scratch.loss - loss0, scratch.terms - terms0);
        }
    } catch (...) {
        std::lock_guard lock(m_mutex);
        if (!m_error)
            m_error = std::current_exception();
        m_stop.store(true);
        m_workCv.notify_all();
        m_coordCv.notify_one();
    }
}

std::uint64_t Word2VecRun::snapshotBoundary(int k) const
{
    const int s = m_options.snapshots;
    if (k >= s)
        return kNoLimit; // the last snapshot is taken after the run
    return std::uint64_t(std::ceil(double(m_total) * double(k) / double(s)));
}

std::shared_ptr<const EmbeddingSet> Word2VecRun::vectorSet(std::size_t count) const
{
    const std::size_t dim = m_model.dim, stride = m_model.stride;
    count = std::min(count, m_vocab.size());
    if (dim == stride)
        return makeVectorSet(m_vocab, m_model.syn0, dim, count);
    std::vector<float> rows(count * dim);
    for (std::size_t w = 0; w < count; ++w)
        std::copy_n(m_model.syn0 + w * stride, dim, rows.data() + w * dim);
    return makeVectorSet(m_vocab, rows.data(), dim, count);
}

/// Statistics from the finished batches. Coordinator only.
void Word2VecRun::report(bool force)
{
    std::uint64_t words, terms;
    double loss;
    {
        std::lock_guard lock(m_mutex);
        words = m_doneWords;
        terms = m_doneTerms;
        loss = m_doneLoss;
    }
    const double fraction = m_total > 0 ? std::min(1.0, double(words) / double(m_total)) : 1.0;
    const int epoch =
        m_epochWords > 0
            ? int(std::min<std::uint64_t>(std::uint64_t(m_epochs), words / m_epochWords + 1))
            : m_epochs;
    const double meanLoss = terms > m_reportedTerms
                                ? (loss - m_reportedLoss) / double(terms - m_reportedTerms)
                                : std::numeric_limits<double>::quiet_NaN();
    if (m_reporter.update(fraction, epoch, words, meanLoss, alphaAt(words), force)) {
        m_reportedTerms = terms;
        m_reportedLoss = loss;
    }
}

/// Publishes every snapshot whose boundary the finished work has reached while no batch past
/// it has started. Coordinator only.
void Word2VecRun::takeSnapshotsDue()
{
    while (m_nextSnapshot < m_options.snapshots) {
        {
            std::lock_guard lock(m_mutex);
            if (m_inFlight > 0 || nextWordsBefore() < m_gate)
                return;
        }
        // Every batch before the gate has finished and none after it may start: the rows are
        // still, and the mutex above ordered the workers' writes before these reads.
        report(true);
        m_reporter.publishSnapshot(m_nextSnapshot, vectorSet(m_options.snapshotWords));
        std::lock_guard lock(m_mutex);
        m_gate = snapshotBoundary(++m_nextSnapshot);
        m_workCv.notify_all();
    }
}

void Word2VecRun::stopAndJoin()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop.store(true);
        m_workCv.notify_all();
    }
    for (auto &t : m_workers)
        if (t.joinable())
            t.join();
}

void Word2VecRun::coordinate()
{
    const std::size_t queueLimit = kQueuePerThread * m_threads;
    for (;;) {
        bool read = false;
        if (!m_corpus.cached()) {
            bool room;
            {
                std::lock_guard lock(m_mutex);
                room = !m_allRead && m_queue.size() < queueLimit;
            }
            if (room) {
                auto b = readBatch(); // outside the lock: workers keep going meanwhile
                std::lock_guard lock(m_mutex);
                if (b)
                    m_queue.push_back(std::move(b));
                else
                    m_allRead = true;
                m_readPosition = std::uint64_t(m_readEpoch) * m_epochWords + m_readWordsInEpoch;
                m_workCv.notify_all();
                read = true;
            }
        }
        bool finished;
        {
            std::unique_lock lock(m_mutex);
            if (!read && !m_wake)
                m_coordCv.wait_for(lock, std::chrono::milliseconds(50));
            m_wake = false;
            if (m_error)
                std::rethrow_exception(m_error);
            finished = m_inFlight == 0 && nextWordsBefore() == kNoLimit &&
                       (m_corpus.cached() || m_allRead);
        }
        report(false);
        m_observer.check(); // also a cancel from inside onStats, without waiting for the next
        takeSnapshotsDue();
        if (finished)
            return;
    }
}

TrainResult Word2VecRun::run()
{
    if (m_vocab.size() == 0)
        throw std::runtime_error(m_corpus.path() + ": the vocabulary is empty");
    setUpModel();
    if (m_corpus.cached())
        planCachedBatches();
    if (m_options.snapshots > 0) {
        report(true);
        m_reporter.publishSnapshot(0, vectorSet(m_options.snapshotWords));
        m_nextSnapshot = 1;
        m_gate = snapshotBoundary(1);
    }
    try {
        m_workers.reserve(m_threads);
        for (unsigned t = 0; t < m_threads; ++t)
            m_workers.emplace_back([this] { worker(); });
        coordinate();
    } catch (...) {
        stopAndJoin();
        throw;
    }
    stopAndJoin();
    if (m_error)
        std::rethrow_exception(m_error);
    report(true);
    if (m_options.snapshots > 0)
        m_reporter.publishSnapshot(m_options.snapshots, vectorSet(m_options.snapshotWords));
    TrainResult result;
    result.vectors = vectorSet(m_vocab.size());
    m_reporter.finish(result);
    return result;
}

} // namespace

TrainResult trainWord2Vec(const TrainingCorpus &corpus, const TrainOptions &options,
                          TrainObserver &observer)
{
    Word2VecRun run(corpus, options, observer);
    return run.run();
}

} // namespace embex::detail
