#pragma once
// Qt-free progress and cancellation for long work in core; the app adapts it
// (docs/ARCHITECTURE.md, "Threading").
#include <atomic>
#include <stdexcept>
#include <string>
#include <string_view>

namespace embex {

/// Thrown by long operations when Progress::cancelled() turned true. Callers treat it as
/// "the user stopped it", not as an error.
class Cancelled : public std::runtime_error
{
public:
    Cancelled() : std::runtime_error("cancelled") {}
};

/// Receives progress of a long operation and answers whether it should stop.
/// report() is called from one thread at a time (the coordinating thread of the operation);
/// cancelled() may be called from any thread and must be cheap.
class Progress
{
public:
    virtual ~Progress() = default;
    /// fraction in [0, 1]; stage is a short human label ("reading", "parsing").
    virtual void report(double fraction, std::string_view stage)
    {
        (void)fraction;
        (void)stage;
    }
    virtual bool cancelled() const { return false; }
    /// Throws Cancelled if cancelled().
    void check() const
    {
        if (cancelled())
            throw Cancelled();
    }
};

/// A Progress that ignores reports and can be cancelled from another thread.
class SimpleProgress : public Progress
{
public:
    bool cancelled() const override { return m_cancel.load(std::memory_order_relaxed); }
    void cancel() { m_cancel.store(true, std::memory_order_relaxed); }

private:
    std::atomic<bool> m_cancel{false};
};

/// A slice of another progress: report(f) reports from + (to − from) · f; cancellation is the
/// other's.
class SubProgress : public Progress
{
public:
    SubProgress(Progress &whole, double from, double to) : m_whole(whole), m_from(from), m_to(to) {}
    void report(double fraction, std::string_view stage) override
    {
        m_whole.report(m_from + (m_to - m_from) * fraction, stage);
    }
    bool cancelled() const override { return m_whole.cancelled(); }

private:
    Progress &m_whole;
    double m_from, m_to;
};

/// The do-nothing progress, for callers that do not care.
inline Progress &nullProgress()
{
    static Progress p;
    return p;
}

} // namespace embex
