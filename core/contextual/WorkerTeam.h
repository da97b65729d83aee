#pragma once
// Internal to core/contextual: a fixed team of threads for the many short parallel regions of a
// forward pass (about six per transformer layer), where starting threads for each region would
// cost a few percent.
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace embex::detail {

/// threads − 1 worker threads that sleep on a condition variable between regions (no spinning:
/// an idle encoder costs nothing); the calling thread is member 0. run() is called from one
/// thread at a time (the team's owner).
class WorkerTeam
{
public:
    explicit WorkerTeam(unsigned threads)
    {
        threads = threads ? threads : 1;
        m_errors.resize(threads);
        try {
            for (unsigned t = 1; t < threads; ++t)
                m_workers.emplace_back([this, t] { work(t); });
        } catch (...) {
            stop();
            throw;
        }
    }

    ~WorkerTeam() { stop(); }

    WorkerTeam(const WorkerTeam &) = delete;
    WorkerTeam &operator=(const WorkerTeam &) = delete;

    unsigned size() const { return unsigned(m_workers.size()) + 1; }

    /// Calls fn(t) for every member t in [0, size()) in parallel and returns when all are done.
    /// The first exception (by member) is rethrown.
    void run(const std::function<void(unsigned)> &fn)
    {
        if (m_workers.empty()) {
            fn(0);
            return;
        }
        {
            std::lock_guard lock(m_mutex);
            m_job = &fn;
            m_pending = unsigned(m_workers.size());
            ++m_generation;
        }
        m_start.notify_all();
        try {
            fn(0);
        } catch (...) {
            m_errors[0] = std::current_exception();
        }
        {
            std::unique_lock lock(m_mutex);
            m_done.wait(lock, [this] { return m_pending == 0; });
            m_job = nullptr;
        }
        for (auto &e : m_errors)
            if (e) {
                std::exception_ptr first = e;
                for (auto &x : m_errors)
                    x = nullptr;
                std::rethrow_exception(first);
            }
    }

    /// Splits [0, n) into size() contiguous ranges and calls fn(begin, end, member) on each.
    void ranges(std::size_t n, const std::function<void(std::size_t, std::size_t, unsigned)> &fn)
    {
        const unsigned parts = size();
        run([&](unsigned t) {
            const std::size_t b = n * t / parts, e = n * (t + 1) / parts;
            if (b < e)
                fn(b, e, t);
        });
    }

private:
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

    void work(unsigned t)
    {
        std::uint64_t seen = 0;
        for (;;) {
            const std::function<void(unsigned)> *job;
            {
                std::unique_lock lock(m_mutex);
                m_start.wait(lock, [&] { return m_stop || m_generation != seen; });
                if (m_stop)
                    return;
                seen = m_generation;
                job = m_job;
            }
            try {
                (*job)(t);
            } catch (...) {
                m_errors[t] = std::current_exception();
            }
            std::lock_guard lock(m_mutex);
            if (--m_pending == 0)
                m_done.notify_one();
        }
    }

    std::mutex m_mutex;
    std::condition_variable m_start, m_done;
    const std::function<void(unsigned)> *m_job = nullptr;
    std::uint64_t m_generation = 0;
    unsigned m_pending = 0;
    bool m_stop = false;
    std::vector<std::exception_ptr> m_errors;
    std::vector<std::thread> m_workers;
};

} // namespace embex::detail
