#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace embex {

/// Writes a file atomically: data goes to a temporary file in the same folder, which commit()
/// flushes, fsyncs and renames over the target. Destroyed without commit(), the temporary file
/// is removed and the target is untouched. Errors throw std::runtime_error naming the target
/// (a full disk or RLIMIT_FSIZE says so, with SIGXFSZ ignored or handled).
/// Not thread-safe.
class AtomicFile
{
public:
    explicit AtomicFile(std::string path);
    ~AtomicFile();
    AtomicFile(const AtomicFile &) = delete;
    AtomicFile &operator=(const AtomicFile &) = delete;

    void write(const void *data, std::size_t n);
    void write(std::string_view s) { write(s.data(), s.size()); }
    /// Bytes written so far.
    std::size_t written() const { return m_written; }
    void commit();
    const std::string &path() const { return m_path; }

private:
    void flushBuffer();
    [[noreturn]] void fail(const char *what);

    std::string m_path;
    std::string m_tmp;
    int m_fd = -1;
    std::string m_buffer;
    std::size_t m_written = 0;
    bool m_committed = false;
};

} // namespace embex
