#pragma once
// Helpers shared by the trainer tests (tst_word2vec, tst_glove, tst_fasttexttrain).
#include "train/Trainer.h"
#include "vectors/EmbeddingSet.h"

#include <atomic>
#include <chrono>
#include <vector>

#include <cmath>
#include <cstddef>
#include <cstring>

namespace embex::test {

/// Cosine similarity of two float vectors, in double precision.
inline double cosine(const float *a, const float *b, std::size_t dim)
{
    double ab = 0, aa = 0, bb = 0;
    for (std::size_t i = 0; i < dim; ++i) {
        ab += double(a[i]) * double(b[i]);
        aa += double(a[i]) * double(a[i]);
        bb += double(b[i]) * double(b[i]);
    }
    return ab / std::sqrt(aa * bb);
}

/// Same words in the same order and bit-identical vectors.
inline bool sameVectors(const EmbeddingSet &a, const EmbeddingSet &b)
{
    return a.size() == b.size() && a.dim() == b.dim() && a.words() == b.words() &&
           (a.size() == 0 ||
            std::memcmp(a.row(0), b.row(0), a.size() * a.dim() * sizeof(float)) == 0);
}

/// Records what a run reports; optionally cancels once `cancelAfterStats` reports of the
/// training stage came (cancelTime: when). cancelled() may be polled from any thread.
class Recorder : public TrainObserver
{
public:
    void onStats(const TrainStats &s) override
    {
        stats.push_back(s);
        if (s.stage == "training" && cancelAfterStats > 0 && ++m_training >= cancelAfterStats &&
            !cancelled()) {
            cancel();
            cancelTime = std::chrono::steady_clock::now();
        }
    }
    void onSnapshot(const TrainSnapshot &s) override { snapshots.push_back(s); }
    bool cancelled() const override { return m_cancel.load(std::memory_order_relaxed); }
    void cancel() { m_cancel.store(true, std::memory_order_relaxed); }

    int cancelAfterStats = 0;
    std::chrono::steady_clock::time_point cancelTime;
    std::vector<TrainStats> stats;
    std::vector<TrainSnapshot> snapshots;

private:
    int m_training = 0;
    std::atomic<bool> m_cancel{false};
};

} // namespace embex::test
