#pragma once
// How much memory a load may take before the OOM killer (or a failed allocation) would end the
// process, and the up-front check readers make against it.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace embex {

/// The memory a new allocation can get, and which limit decides it.
struct MemoryBudget
{
    std::uint64_t bytes = UINT64_MAX;
    /// "MemAvailable + free swap", "RLIMIT_AS", "cgroup memory.max", "test limit" or "unknown".
    std::string source = "unknown";
};

/// The smallest of: /proc/meminfo MemAvailable + SwapFree (swap is slow but does not invoke
/// the OOM killer); RLIMIT_AS minus the address space in use (/proc/self/status VmSize); and,
/// for the process's cgroup v2 and each ancestor, memory.max minus memory.current. Limits that
/// cannot be read are skipped. Thread-safe; reads a few small /proc and /sys files.
MemoryBudget availableMemory();

/// A load refused up front because it would not fit in memory. what(): "PATH: needs 3.7 GiB of
/// memory (4000000000 bytes) for WHAT, only 1.0 GiB (1073741824 bytes) is available (SOURCE)".
class MemoryError : public std::runtime_error
{
public:
    MemoryError(const std::string &path, std::uint64_t needed, const MemoryBudget &budget,
                std::string_view what);
    std::uint64_t needed() const { return m_needed; }
    std::uint64_t available() const { return m_available; }

private:
    std::uint64_t m_needed, m_available;
};

/// Throws MemoryError when `needed` bytes exceed availableMemory(). `what` says what the bytes
/// are for ("200000 × 300 float32 values and their words"). Readers call this after reading a
/// header and before allocating.
void requireMemory(const std::string &path, std::uint64_t needed, std::string_view what);

/// "3.7 GiB", "512.0 MiB", "12.0 KiB", "100 bytes".
std::string formatBytes(std::uint64_t bytes);

/// Test hook: availableMemory() answers `bytes` (source "test limit") instead of measuring;
/// 0 restores measuring. Process-wide.
void setAvailableMemoryForTesting(std::uint64_t bytes);

} // namespace embex
