#include "util/MappedFile.h"
#include "util/RegularFile.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <stdexcept>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace embex {

namespace {

// Live mappings the SIGBUS handler may repair. Lock-free so the handler can read it: a slot
// is claimed through `used`, then `end` and `begin` are published (begin last, release).
struct GuardSlot
{
    std::atomic<bool> used{false};
    std::atomic<std::uintptr_t> begin{0}, end{0};
    std::atomic<bool> faulted{false};
};
constexpr int kGuardSlots = 256;
GuardSlot g_slots[kGuardSlots];
struct sigaction g_previous
{};
std::once_flag g_installOnce;

void onSigbus(int sig, siginfo_t *info, void *context)
{
    const auto addr = reinterpret_cast<std::uintptr_t>(info->si_addr);
    const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    for (GuardSlot &s : g_slots) {
        const std::uintptr_t b = s.begin.load(std::memory_order_acquire);
        const std::uintptr_t e = s.end.load(std::memory_order_relaxed);
        if (b == 0 || addr < b || addr >= e)
            continue;
        // The file shrank under a live mapping: put zero pages from the faulting page to the
        // end of the mapping and let the access continue; the reader reports it.
        const std::uintptr_t from = addr & ~(page - 1);
        void *p = ::mmap(reinterpret_cast<void *>(from), e - from, PROT_READ,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        if (p != MAP_FAILED) {
            s.faulted.store(true, std::memory_order_relaxed);
            return;
        }
        break;
    }
    // Not ours: hand it to whoever was there before, or die as SIGBUS normally does.
    if ((g_previous.sa_flags & SA_SIGINFO) && g_previous.sa_sigaction) {
        g_previous.sa_sigaction(sig, info, context);
        return;
    }
    if (g_previous.sa_handler != SIG_DFL && g_previous.sa_handler != SIG_IGN &&
        g_previous.sa_handler) {
        g_previous.sa_handler(sig);
        return;
    }
    ::signal(SIGBUS, SIG_DFL); // returning re-runs the access, which now ends the process
}

void installHandler()
{
    struct sigaction sa
    {};
    sa.sa_sigaction = &onSigbus;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGBUS, &sa, &g_previous);
}

int guard(const void *data, std::size_t size)
{
    std::call_once(g_installOnce, installHandler);
    const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    const auto b = reinterpret_cast<std::uintptr_t>(data);
    const std::uintptr_t e = b + ((size + page - 1) & ~(page - 1));
    for (int i = 0; i < kGuardSlots; ++i) {
        bool expected = false;
        if (!g_slots[i].used.compare_exchange_strong(expected, true))
            continue;
        g_slots[i].faulted.store(false);
        g_slots[i].end.store(e, std::memory_order_relaxed);
        g_slots[i].begin.store(b, std::memory_order_release);
        return i;
    }
    return -1; // more live mappings than slots: this one is not guarded
}

void unguard(int slot)
{
    if (slot < 0)
        return;
    g_slots[slot].begin.store(0, std::memory_order_release);
    g_slots[slot].end.store(0, std::memory_order_relaxed);
    g_slots[slot].used.store(false, std::memory_order_release);
}

std::int64_t mtimeNs(const struct stat &st)
{
    return std::int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

} // namespace

MappedFile::MappedFile(const std::string &path) : m_path(path)
{
    const OpenedFile file = openRegularFile(path);
    const int fd = file.fd;
    m_size = static_cast<std::size_t>(file.size);
    m_mtimeNs = file.mtimeNs;
    if (m_size > 0) {
        void *p = ::mmap(nullptr, m_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            int err = errno;
            ::close(fd);
            throw std::runtime_error(path + ": cannot map: " + std::strerror(err));
        }
        m_data = static_cast<const unsigned char *>(p);
        m_guard = guard(m_data, m_size);
    }
    m_fd = fd; // kept to notice later changes of this file (not of a file renamed over it)
}

MappedFile::~MappedFile()
{
    unguard(m_guard);
    if (m_data)
        ::munmap(const_cast<unsigned char *>(m_data), m_size);
    if (m_fd >= 0)
        ::close(m_fd);
}

bool MappedFile::truncated() const
{
    return m_guard >= 0 && g_slots[m_guard].faulted.load(std::memory_order_relaxed);
}

void MappedFile::checkUnchanged() const
{
    struct stat st
    {};
    if (::fstat(m_fd, &st) != 0)
        throw std::runtime_error(m_path + ": cannot stat: " + std::strerror(errno));
    const auto now = static_cast<std::uint64_t>(st.st_size);
    if (truncated() || now != m_size)
        throw std::runtime_error(m_path + ": the file changed while it was being read (" +
                                 std::to_string(m_size) + " bytes when opened, " +
                                 std::to_string(now) +
                                 " now); wait until it is complete and open it again");
    if (mtimeNs(st) != m_mtimeNs)
        throw std::runtime_error(m_path + ": the file was modified while it was being read; "
                                          "wait until it is complete and open it again");
}

} // namespace embex
