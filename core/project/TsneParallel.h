#pragma once
// A persistent fork-join team for t-SNE's per-iteration work. parallelRanges() starts and joins
// its threads on every call; one iteration has about ten parallel sections, so 750 iterations
// would start some 15,000 threads. The team starts its threads once and wakes them per section.
#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace embex::detail {

/// `threads` workers (the calling thread is worker 0) that run one job at a time.
/// forRanges() splits [0, n) into contiguous ranges exactly like parallelRanges(), so code that
/// only depends on each item (not on the partition) gives the same result for any team size.
/// Not thread-safe: one caller at a time.
class ThreadTeam
{
public:
    using RangeFn = std::function<void(std::size_t begin, std::size_t end, unsigned thread)>;

    /// threads = 0 counts as 1.
    explicit ThreadTeam(unsigned threads) : m_size(std::max(1u, threads))
    {
        m_errors.resize(m_size);
        m_workers.reserve(m_size - 1);
        for (unsigned t = 1; t < m_size; ++t)
            m_workers.emplace_back([this, t] { loop(t); });
    }
    ~ThreadTeam()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
            ++m_generation;
        }
        m_start.notify_all();
        for (auto &w : m_workers)
            w.join();
    }
    ThreadTeam(const ThreadTeam &) = delete;
    ThreadTeam &operator=(const ThreadTeam &) = delete;

    unsigned size() const { return m_size; }

    /// Calls fn(begin, end, t) for t < min(size(), n) on the ranges [n·t/T, n·(t+1)/T); returns
    /// when all are done and rethrows the first exception (in thread order).
    void forRanges(std::size_t n, const RangeFn &fn)
    {
        const unsigned active =
            unsigned(std::min<std::size_t>(m_size, std::max<std::size_t>(n, 1)));
        if (active == 1) {
            fn(0, n, 0);
            return;
        }
        {
            std::lock_guard lock(m_mutex);
            m_job = &fn;
            m_n = n;
            m_active = active;
            m_pending = active - 1;
            ++m_generation;
        }
        m_start.notify_all();
        runPart(0);
        {
            std::unique_lock lock(m_mutex);
            m_done.wait(lock, [this] { return m_pending == 0; });
            m_job = nullptr;
        }
        for (unsigned t = 0; t < active; ++t)
            if (m_errors[t]) {
                std::exception_ptr e = m_errors[t];
                std::fill(m_errors.begin(), m_errors.end(), nullptr);
                std::rethrow_exception(e);
            }
    }

private:
    void runPart(unsigned t)
    {
        try {
            (*m_job)(m_n * t / m_active, m_n * (t + 1) / m_active, t);
        } catch (...) {
            m_errors[t] = std::current_exception();
        }
    }

    void loop(unsigned t)
    {
        std::uint64_t seen = 0;
        for (;;) {
            {
                std::unique_lock lock(m_mutex);
                m_start.wait(lock, [&] { return m_generation != seen; });
                seen = m_generation;
                if (m_stop)
                    return;
                if (t >= m_active)
                    continue;
            }
            runPart(t);
            {
                std::lock_guard lock(m_mutex);
                if (--m_pending == 0)
                    m_done.notify_one();
            }
        }
    }

    unsigned m_size;
    std::vector<std::thread> m_workers;
    std::vector<std::exception_ptr> m_errors;
    std::mutex m_mutex;
    std::condition_variable m_start, m_done;
    std::uint64_t m_generation = 0;
    const RangeFn *m_job = nullptr;
    std::size_t m_n = 0;
    unsigned m_active = 1;
    unsigned m_pending = 0;
    bool m_stop = false;
};

} // namespace embex::detail
