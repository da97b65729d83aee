#pragma once
// Minimal fork-join helpers; core uses std::thread directly (no global pool, no Qt).
#include <algorithm>
#include <cstddef>
#include <exception>
#include <functional>
#include <thread>
#include <vector>

namespace embex {

/// Number of worker threads to use by default: hardware concurrency, at least 1.
inline unsigned defaultThreads()
{
    return std::max(1u, std::thread::hardware_concurrency());
}

/// Splits [0, n) into `threads` contiguous ranges and calls fn(begin, end, threadIndex) on each,
/// in parallel. The first exception thrown by any range is rethrown after all have joined.
inline void parallelRanges(std::size_t n, unsigned threads,
                           const std::function<void(std::size_t, std::size_t, unsigned)> &fn)
{
    threads = std::max(
        1u, std::min<unsigned>(threads, static_cast<unsigned>(std::max<std::size_t>(n, 1))));
    if (threads == 1) {
        fn(0, n, 0);
        return;
    }
    std::vector<std::exception_ptr> errors(threads);
    std::vector<std::thread> pool;
    pool.reserve(threads);
    for (unsigned t = 0; t < threads; ++t) {
        std::size_t b = n * t / threads, e = n * (t + 1) / threads;
        pool.emplace_back([&, b, e, t] {
            try {
                fn(b, e, t);
            } catch (...) {
                errors[t] = std::current_exception();
            }
        });
    }
    for (auto &th : pool)
        th.join();
    for (auto &err : errors)
        if (err)
            std::rethrow_exception(err);
}

/// Calls fn(w) for every w in [0, workers) on a thread of its own (inline when workers <= 1):
/// for loops that share work through their own counter or queue
/// rather than a fixed split. The first exception thrown by any worker is rethrown after all
/// have joined.
inline void runWorkers(unsigned workers, const std::function<void(unsigned)> &fn)
{
    workers = std::max(1u, workers);
    parallelRanges(workers, workers, [&](std::size_t, std::size_t, unsigned w) { fn(w); });
}

} // namespace embex
