#pragma once
// A persistent fork-join team for code with many short parallel sections: one t-SNE iteration
// has about ten, one transformer layer about six. parallelRanges() (util/Parallel.h) starts and
// joins threads on every call, which costs a few percent there; the team starts its threads
// once and wakes them per section. See docs/ARCHITECTURE.md, "Threading".
#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace embex {

/// `threads` members: the calling thread is member 0, the others are threads started once by
/// the constructor that sleep on a condition variable between sections (no spinning: an idle
/// team costs nothing). One section runs at a time; a section returns when every member has
/// finished its part and rethrows the first exception, in member order. Not thread-safe: one
/// caller (the team's owner) at a time.
class ThreadTeam
{
public:
    using RangeFn = std::function<void(std::size_t begin, std::size_t end, unsigned member)>;
    using MemberFn = std::function<void(unsigned member)>;

    /// threads = 0 counts as 1. If a thread cannot be started, those already started are
    /// joined and the error is rethrown.
    explicit ThreadTeam(unsigned threads) : m_size(std::max(1u, threads))
    {
        m_errors.resize(m_size);
        m_workers.reserve(m_size - 1);
        try {
            for (unsigned t = 1; t < m_size; ++t)
                m_workers.emplace_back([this, t] { loop(t); });
        } catch (...) {
            stop();
            throw;
        }
    }
    ~ThreadTeam() { stop(); }
    ThreadTeam(const ThreadTeam &) = delete;
    ThreadTeam &operator=(const ThreadTeam &) = delete;

    unsigned size() const { return m_size; }

    /// Splits [0, n) exactly like parallelRanges(): fn(begin, end, t) for t < min(size(), n) on
    /// the ranges [n·t/T, n·(t+1)/T), T = min(size(), n) (n = 0 gives one call with an empty
    /// range). Code that depends only on each item, not on the partition, therefore gives the
    /// same result for any team size.
    void forRanges(std::size_t n, const RangeFn &fn)
    {
        const auto active = unsigned(std::min<std::size_t>(m_size, std::max<std::size_t>(n, 1)));
        if (active == 1) {
            fn(0, n, 0);
            return;
        }
        start(&fn, nullptr, n, active);
    }

    /// Calls fn(t) for every member t in [0, size()): for loops that share work through their
    /// own counter or queue rather than a fixed split.
    void run(const MemberFn &fn)
    {
        if (m_size == 1) {
            fn(0);
            return;
        }
        start(nullptr, &fn, 0, m_size);
    }

private:
    /// Runs one section on members [0, active); the caller is member 0.
    void start(const RangeFn *ranges, const MemberFn *members, std::size_t n, unsigned active)
    {
        {
            std::lock_guard lock(m_mutex);
            m_ranges = ranges;
            m_members = members;
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
            m_ranges = nullptr;
            m_members = nullptr;
        }
        for (unsigned t = 0; t < active; ++t)
            if (m_errors[t]) {
                std::exception_ptr first = m_errors[t];
                std::fill(m_errors.begin(), m_errors.end(), nullptr);
                std::rethrow_exception(first);
            }
    }

    void runPart(unsigned t)
    {
        try {
            if (m_ranges)
                (*m_ranges)(m_n * t / m_active, m_n * (t + 1) / m_active, t);
            else
                (*m_members)(t);
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
                m_start.wait(lock, [&] { return m_stop || m_generation != seen; });
                if (m_stop)
                    return;
                seen = m_generation;
                if (t >= m_active)
                    continue;
            }
            runPart(t);
            std::lock_guard lock(m_mutex);
            if (--m_pending == 0)
                m_done.notify_one();
        }
    }

    void stop()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_start.notify_all();
        for (auto &w : m_workers)
            w.join();
        m_workers.clear();
    }

    unsigned m_size;
    std::vector<std::thread> m_workers;
    std::vector<std::exception_ptr> m_errors;
    std::mutex m_mutex;
    std::condition_variable m_start, m_done;
    std::uint64_t m_generation = 0;
    // The current section (read by the members after they see a new generation).
    const RangeFn *m_ranges = nullptr;
    const MemberFn *m_members = nullptr;
    std::size_t m_n = 0;
    unsigned m_active = 1;
    unsigned m_pending = 0;
    bool m_stop = false;
};

} // namespace embex
