// fastText (Bojanowski et al. 2017) training through Debian's libfasttext 0.9.2.
//
// The corpus's sentences, as the vocabulary's words (so Embex's tokenizer rules apply and words
// below min-count are already gone), go to a temporary file in the system temp folder, which
// libfasttext reads (its dictionary pass, then one stream per training thread); the file is
// removed when training ends, is cancelled or fails. minCount is 1 there, so fastText's
// dictionary is exactly the vocabulary (plus its end-of-line token "</s>").
//
// Threads: FastText::train() runs on a thread of ours; it reads the dictionary, then starts its
// own training threads (or trains on ours with one thread). Its progress callback runs on those
// threads and only sets an atomic flag (training has started); the calling thread polls that
// flag and fastText's atomic token counter, reports statistics, publishes snapshots and checks
// cancellation. Cancel: FastText::abort() once training runs
// (abort() before that would be undone by train(), which clears the abort flag when its threads
// start); cancelled while the dictionary is still being read, the temporary file is truncated so
// that the read ends at once.
//
// Options map to fastText's arguments: dim, ws = window, epoch, lr = alpha (decaying linearly to
// 0, fastText's schedule; minAlpha is not used), neg, loss (hs, ns, or softmax when negative is
// 0), t = sample, minn, maxn, bucket, thread, seed; verbose 0.
//
// Limits of libfasttext 0.9.2: the loss is only published with verbose > 1 (which prints to
// stderr), so it is unknown during training and reported at the end; snapshots read the input
// matrix while the training threads write it (Hogwild reads: a snapshot may mix values from
// neighbouring updates), and snapshot 0 is taken as training starts, not before.
#include "train/TrainSupport.h"
#include "util/AtomicFile.h"
#include "util/Parallel.h"

#include "io/FastTextLib.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <mutex>
#include <ostream>
#include <stdexcept>
#include <streambuf>
#include <thread>

#include <unistd.h>

namespace embex::detail {

namespace {

/// FastText with what 0.9.2 keeps protected: its token counter and loss (atomics, readable
/// while training runs) and the pieces saveModel() writes, so a model can go to any stream.
class TrainableFastText : public fasttext::FastText
{
public:
    std::int64_t tokensDone() const { return tokenCount_.load(std::memory_order_relaxed); }
    float loss() const { return loss_.load(std::memory_order_relaxed); }
    /// The same bytes as FastText::saveModel(path).
    void save(std::ostream &out)
    {
        signModel(out);
        args_->save(out);
        dict_->save(out);
        out.write(reinterpret_cast<const char *>(&quant_), sizeof(bool));
        input_->save(out);
        out.write(reinterpret_cast<const char *>(&args_->qout), sizeof(bool));
        output_->save(out);
    }
};

/// An std::streambuf that writes into an AtomicFile (which buffers).
class AtomicFileBuf : public std::streambuf
{
public:
    explicit AtomicFileBuf(AtomicFile &file) : m_file(file) {}

protected:
    std::streamsize xsputn(const char *s, std::streamsize n) override
    {
        // In pieces: AtomicFile copies a large write whole into its buffer first, and the input
        // matrix is written in one call (800 MB with 2M buckets × 100 dimensions).
        constexpr std::size_t kPiece = std::size_t(1) << 16;
        for (auto left = static_cast<std::size_t>(n); left > 0;) {
            const std::size_t piece = std::min(left, kPiece);
            m_file.write(s, piece);
            s += piece;
            left -= piece;
        }
        return n;
    }
    int_type overflow(int_type c) override
    {
        if (!traits_type::eq_int_type(c, traits_type::eof())) {
            const char ch = traits_type::to_char_type(c);
            m_file.write(&ch, 1);
        }
        return traits_type::not_eof(c);
    }

private:
    AtomicFile &m_file;
};

/// The corpus as text in the system temp folder; removed by the destructor.
class TempCorpus
{
public:
    TempCorpus()
    {
        std::error_code ec;
        auto dir = std::filesystem::temp_directory_path(ec);
        m_path = (ec ? std::string("/tmp") : dir.string()) + "/embex-fasttext-XXXXXX";
        m_fd = ::mkstemp(m_path.data());
        if (m_fd < 0)
            throw std::runtime_error("fastText: cannot create a temporary file in " +
                                     std::filesystem::path(m_path).parent_path().string() + ": " +
                                     std::strerror(errno));
    }
    ~TempCorpus()
    {
        if (m_fd >= 0)
            ::close(m_fd);
        ::unlink(m_path.c_str());
    }
    TempCorpus(const TempCorpus &) = delete;
    TempCorpus &operator=(const TempCorpus &) = delete;

    const std::string &path() const { return m_path; }
    void append(const std::string &text)
    {
        const char *p = text.data();
        std::size_t left = text.size();
        while (left > 0) {
            const ssize_t n = ::write(m_fd, p, left);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                throw std::runtime_error("fastText: cannot write the corpus to " + m_path + ": " +
                                         std::strerror(errno));
            p += n;
            left -= std::size_t(n);
        }
    }
    /// Empties the file (ends a dictionary read in progress).
    void truncate()
    {
        if (m_fd >= 0 && ::ftruncate(m_fd, 0) != 0) {
            // Nothing to do: cancellation then waits for the dictionary read.
        }
    }

private:
    std::string m_path;
    int m_fd = -1;
};

/// Subword vectors for words outside the vocabulary; keeps the trained model alive.
class TrainedFastTextOov : public OovProvider
{
public:
    TrainedFastTextOov(std::shared_ptr<TrainableFastText> model, std::size_t dim)
        : m_model(std::move(model)), m_dim(dim)
    {}
    bool vectorFor(std::string_view word, float *out) const override
    {
        const std::string w(word);
        std::lock_guard lock(m_mutex);
        if (m_model->getDictionary()->getSubwords(w).empty())
            return false; // no character n-grams (maxn = 0) or the end-of-line token
        fasttext::Vector v(static_cast<std::int64_t>(m_dim));
        m_model->getWordVector(v, w);
        std::memcpy(out, v.data(), m_dim * sizeof(float));
        return true;
    }

private:
    std::shared_ptr<TrainableFastText> m_model;
    std::size_t m_dim;
    mutable std::mutex m_mutex;
};

/// getWordVector() of the first `count` words, count × dim row-major.
std::vector<float> wordVectors(const TrainableFastText &model, const Vocabulary &vocab,
                               std::size_t count, std::size_t dim, unsigned threads)
{
    std::vector<float> out(count * dim);
    parallelRanges(count, threads, [&](std::size_t b, std::size_t e, unsigned) {
        fasttext::Vector v(static_cast<std::int64_t>(dim));
        for (std::size_t i = b; i < e; ++i) {
            model.getWordVector(v, vocab.word(std::uint32_t(i)));
            std::memcpy(out.data() + i * dim, v.data(), dim * sizeof(float));
        }
    });
    return out;
}

/// Writes the corpus's sentences; returns the tokens fastText will count per epoch (words plus
/// one end-of-line token per line).
std::uint64_t writeCorpus(const TrainingCorpus &corpus, const TrainOptions &options,
                          TempCorpus &file, TrainObserver &observer)
{
    const char *stage = "writing the corpus";
    TrainReporter reporter(options, observer, stage, 0);
    const Vocabulary &vocab = corpus.vocabulary();
    auto pass = corpus.pass();
    std::vector<std::uint32_t> ids;
    std::string text;
    std::uint64_t tokens = 0, words = 0;
    while (pass.next(ids)) {
        if (ids.empty())
            continue;
        for (std::size_t k = 0; k < ids.size(); ++k) {
            if (k)
                text += ' ';
            text += vocab.word(ids[k]);
        }
        text += '\n';
        words += ids.size();
        tokens += ids.size() + 1;
        if (text.size() >= (std::size_t(1) << 20)) {
            file.append(text);
            text.clear();
            observer.report(pass.fraction(), stage);
            reporter.update(pass.fraction(), 0, words, std::numeric_limits<double>::quiet_NaN(), 0);
        }
    }
    file.append(text);
    reporter.update(1, 0, words, std::numeric_limits<double>::quiet_NaN(), 0, true);
    return tokens;
}

fasttext::Args makeArgs(const TrainOptions &options, const std::string &input, unsigned threads)
{
    fasttext::Args a;
    a.input = input;
    a.model = options.model == TrainModel::FastTextCbow ? fasttext::model_name::cbow
                                                        : fasttext::model_name::sg;
    a.dim = options.dim;
    a.ws = options.effectiveWindow();
    a.epoch = options.effectiveEpochs();
    a.lr = options.effectiveAlpha();
    a.minCount = 1; // the corpus holds only vocabulary words
    a.neg = std::max(1, options.negative);
    a.loss = options.hierarchicalSoftmax ? fasttext::loss_name::hs
             : options.negative > 0      ? fasttext::loss_name::ns
                                         : fasttext::loss_name::softmax;
    a.t = options.sample;
    a.minn = options.minN;
    a.maxn = options.maxN;
    a.bucket = options.buckets;
    a.thread = int(threads);
    a.seed = int(options.seed % std::uint64_t(INT_MAX));
    a.verbose = 0;
    return a;
}

} // namespace

TrainResult trainFastText(const TrainingCorpus &corpus, const TrainOptions &options,
                          TrainObserver &observer)
{
    if (options.maxN > 0 && options.buckets == 0)
        throw std::invalid_argument("fastText: buckets must be above 0 when maxn is above 0 "
                                    "(character n-grams are hashed into the buckets)");
    const Vocabulary &vocab = corpus.vocabulary();
    const auto dim = std::size_t(options.dim);
    const int epochs = options.effectiveEpochs();
    const unsigned threads = options.threads > 0 ? unsigned(options.threads) : defaultThreads();

    TempCorpus file;
    const std::uint64_t tokensPerEpoch = writeCorpus(corpus, options, file, observer);
    if (tokensPerEpoch == 0)
        throw std::runtime_error(corpus.path() + ": no sentences to train fastText on");
    const fasttext::Args args = makeArgs(options, file.path(), threads);

    auto model = std::make_shared<TrainableFastText>();
    std::atomic<bool> started{false};
    std::mutex mutex;
    std::condition_variable finishedCv;
    bool finished = false;
    std::exception_ptr error;
    TrainReporter reporter(options, observer, "training", epochs);
    const std::size_t snapWords = std::min(options.snapshotWords, vocab.size());
    const double total = double(tokensPerEpoch) * epochs;
    observer.report(0, "reading the corpus");
    std::thread runner([&] {
        try {
            // Runs on fastText's training threads: only atomics here.
            model->train(args, [&](float, float, double, double, std::int64_t) {
                started.store(true, std::memory_order_release);
            });
        } catch (...) {
            error = std::current_exception();
        }
        std::lock_guard lock(mutex);
        finished = true;
        finishedCv.notify_one();
    });

    const auto poll =
        std::chrono::milliseconds(std::clamp(int(options.statsInterval * 1000 / 4), 5, 20));
    auto waitFinished = [&] {
        std::unique_lock lock(mutex);
        return finishedCv.wait_for(lock, poll, [&] { return finished; });
    };
    // Stops a run in progress (see the top of the file) and waits for it.
    auto stop = [&] {
        bool aborted = false;
        while (!waitFinished()) {
            if (!started.load(std::memory_order_acquire))
                file.truncate();
            else if (!aborted) {
                model->abort();
                aborted = true;
            }
        }
        runner.join();
    };
    try {
        while (!waitFinished()) {
            observer.check();
            if (!started.load(std::memory_order_acquire))
                continue;
            // From here on the model's matrices exist (set before train() started its threads).
            const double fraction = std::min(1.0, double(model->tokensDone()) / total);
            // The token counter reaches the total before the threads have finished their last
            // updates: the final snapshot is taken after they have joined, below.
            for (int k; (k = reporter.snapshotDue(std::min(fraction, 1.0 - 1e-6))) >= 0;)
                reporter.publishSnapshot( // Hogwild reads, see the top of the file
                    k, makeVectorSet(vocab, wordVectors(*model, vocab, snapWords, dim, 1).data(),
                                     dim, snapWords));
            reporter.update(fraction, std::min(epochs, 1 + int(fraction * epochs)),
                            std::uint64_t(model->tokensDone()),
                            std::numeric_limits<double>::quiet_NaN(),
                            options.effectiveAlpha() * (1.0 - fraction));
        }
    } catch (...) {
        stop();
        throw;
    }
    runner.join();
    observer.check();
    if (error) {
        try {
            std::rethrow_exception(error);
        } catch (const std::exception &e) {
            throw std::runtime_error(std::string("fastText training failed: ") + e.what());
        }
    }

    // The final vectors, snapshot and statistics.
    std::vector<float> data = wordVectors(*model, vocab, vocab.size(), dim, threads);
    for (int k; (k = reporter.snapshotDue(1.0)) >= 0;)
        reporter.publishSnapshot(k, makeVectorSet(vocab, data.data(), dim, snapWords));
    const float finalLoss = model->loss();
    reporter.update(1.0, epochs, std::uint64_t(total),
                    finalLoss >= 0 ? double(finalLoss) : std::numeric_limits<double>::quiet_NaN(),
                    0.0, true);

    auto set = std::make_shared<EmbeddingSet>(vocab.words(), std::move(data), dim);
    MetadataColumn freq{"frequency", {}};
    freq.values.reserve(vocab.size());
    for (std::uint64_t c : vocab.counts())
        freq.values.push_back(std::to_string(c));
    set->setMetadata({std::move(freq)});
    set->setOov(std::make_shared<TrainedFastTextOov>(model, dim));

    TrainResult result;
    result.vectors = set;
    result.saveNative = [model](const std::string &path) {
        AtomicFile out(path);
        AtomicFileBuf buf(out);
        std::ostream stream(&buf);
        stream.exceptions(std::ios::badbit | std::ios::failbit);
        model->save(stream);
        stream.flush();
        out.commit();
    };
    reporter.finish(result);
    return result;
}

} // namespace embex::detail
