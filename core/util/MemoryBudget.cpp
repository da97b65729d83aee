#include "util/MemoryBudget.h"

#include <sys/resource.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace embex {

namespace {

std::atomic<std::uint64_t> g_testLimit{0};

/// The value of a "Key:   123 kB" line of a /proc file, in bytes; false if absent.
bool procValue(const char *file, std::string_view key, std::uint64_t &bytes)
{
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
        if (line.size() <= key.size() || line.compare(0, key.size(), key) != 0 ||
            line[key.size()] != ':')
            continue;
        std::istringstream fields(line.substr(key.size() + 1));
        std::uint64_t value = 0;
        std::string unit;
        if (!(fields >> value))
            return false;
        fields >> unit;
        bytes = unit == "kB" ? value * 1024 : value;
        return true;
    }
    return false;
}

/// A cgroup v2 file holding one number or "max"; false if absent or "max".
bool cgroupValue(const std::string &file, std::uint64_t &value)
{
    std::ifstream in(file);
    std::string text;
    if (!(in >> text) || text == "max")
        return false;
    try {
        value = std::stoull(text);
    } catch (const std::exception &) {
        return false;
    }
    return true;
}

void consider(MemoryBudget &b, std::uint64_t bytes, const char *source)
{
    if (bytes < b.bytes) {
        b.bytes = bytes;
        b.source = source;
    }
}

} // namespace

MemoryBudget availableMemory()
{
    MemoryBudget b;
    if (const std::uint64_t test = g_testLimit.load()) {
        b.bytes = test;
        b.source = "test limit";
        return b;
    }
    std::uint64_t avail = 0, swap = 0;
    if (procValue("/proc/meminfo", "MemAvailable", avail)) {
        procValue("/proc/meminfo", "SwapFree", swap);
        consider(b, avail + swap, "MemAvailable + free swap");
    }
    rlimit rl{};
    if (::getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
        std::uint64_t used = 0;
        procValue("/proc/self/status", "VmSize", used);
        const auto limit = static_cast<std::uint64_t>(rl.rlim_cur);
        consider(b, limit > used ? limit - used : 0, "RLIMIT_AS");
    }
    // cgroup v2: "0::/some/path" in /proc/self/cgroup; every ancestor's limit applies too.
    std::ifstream cg("/proc/self/cgroup");
    std::string line;
    while (std::getline(cg, line)) {
        if (line.rfind("0::", 0) != 0)
            continue;
        std::string rel = line.substr(3);
        for (;;) {
            const std::string dir = "/sys/fs/cgroup" + (rel == "/" ? std::string() : rel);
            std::uint64_t max = 0, current = 0;
            if (cgroupValue(dir + "/memory.max", max) &&
                cgroupValue(dir + "/memory.current", current))
                consider(b, max > current ? max - current : 0, "cgroup memory.max");
            if (rel.empty() || rel == "/")
                break;
            const auto slash = rel.find_last_of('/');
            rel = slash == 0 || slash == std::string::npos ? "/" : rel.substr(0, slash);
        }
    }
    return b;
}

std::string formatBytes(std::uint64_t bytes)
{
    static const char *const kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    if (bytes < 1024)
        return std::to_string(bytes) + " bytes";
    double v = double(bytes) / 1024.0;
    int unit = 0;
    while (v >= 1024.0 && unit < 5) {
        v /= 1024.0;
        ++unit;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f %s", v, kUnits[unit]);
    return buf;
}

MemoryError::MemoryError(const std::string &path, std::uint64_t needed, const MemoryBudget &budget,
                         std::string_view what)
    : std::runtime_error(path + ": needs " + formatBytes(needed) + " of memory (" +
                         std::to_string(needed) + " bytes) for " + std::string(what) + ", only " +
                         formatBytes(budget.bytes) + " (" + std::to_string(budget.bytes) +
                         " bytes) is available (" + budget.source + ")"),
      m_needed(needed), m_available(budget.bytes)
{}

void requireMemory(const std::string &path, std::uint64_t needed, std::string_view what)
{
    const MemoryBudget budget = availableMemory();
    if (needed > budget.bytes)
        throw MemoryError(path, needed, budget, what);
}

void setAvailableMemoryForTesting(std::uint64_t bytes)
{
    g_testLimit.store(bytes);
}

} // namespace embex
