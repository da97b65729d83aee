#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace embex {

/// A read-only memory mapping of a whole regular file (POSIX mmap). Move-only.
/// Throws std::runtime_error naming the file when it cannot be opened, is not a regular file
/// or cannot be mapped. An empty file maps to data() == nullptr, size() == 0.
///
/// Another process may truncate the file while it is mapped; touching a page past the new end
/// would raise SIGBUS and kill the process. A process-wide SIGBUS handler (installed with the
/// first mapping) replaces such pages of a live MappedFile with zero pages instead and marks
/// it truncated(); signals it does not own go to the previous handler. Readers call
/// checkUnchanged() after parsing so that a file that changed under them is an error, not a
/// half-zero set presented as complete.
class MappedFile
{
public:
    explicit MappedFile(const std::string &path);
    ~MappedFile();
    MappedFile(const MappedFile &) = delete;
    MappedFile &operator=(const MappedFile &) = delete;

    const unsigned char *data() const { return m_data; }
    std::size_t size() const { return m_size; }
    const std::string &path() const { return m_path; }

    /// True once a page of this mapping faulted because the file had become shorter.
    bool truncated() const;
    /// Throws std::runtime_error ("PATH: the file changed while it was being read ...") if the
    /// file was truncated under the mapping or its size or modification time differs from
    /// when it was opened. Thread-safe.
    void checkUnchanged() const;

private:
    std::string m_path;
    const unsigned char *m_data = nullptr;
    std::size_t m_size = 0;
    int m_fd = -1;
    int m_guard = -1; // slot in the SIGBUS guard table, or -1
    std::int64_t m_mtimeNs = 0;
};

} // namespace embex
