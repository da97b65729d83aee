#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace embex {

/// Sequential reader of a file that may be gzip-compressed (detected from the magic bytes,
/// not the extension). Refuses anything that is not a regular file (directories, FIFOs)
/// so a read can never block forever. Errors throw std::runtime_error naming the file.
/// Reaching the end of the data checks that the file's size and modification time are those it
/// had when opened (checkUnchanged()), so a file still being written (a download in progress)
/// is an error, not a partial set presented as complete.
class InputStream
{
public:
    explicit InputStream(const std::string &path);
    ~InputStream();
    InputStream(const InputStream &) = delete;
    InputStream &operator=(const InputStream &) = delete;

    /// Reads up to n bytes; returns 0 only at the end of the data.
    std::size_t read(void *buf, std::size_t n);
    /// Reads exactly n bytes unless the data ends first; returns the count read.
    std::size_t readFully(void *buf, std::size_t n);
    bool compressed() const { return m_compressed; }
    /// Size of the file on disk (compressed size for .gz).
    std::uint64_t fileSize() const { return m_fileSize; }
    /// Bytes of the file on disk consumed so far (for progress); compressed bytes for .gz.
    std::uint64_t fileOffset() const;
    /// Uncompressed bytes delivered so far.
    std::uint64_t position() const { return m_position; }
    const std::string &path() const { return m_path; }
    /// Throws std::runtime_error ("PATH: the file changed while it was being read ...") if the
    /// file's size or modification time differs from when it was opened.
    void checkUnchanged() const;

private:
    std::string m_path;
    void *m_gz = nullptr; // gzFile
    bool m_compressed = false;
    std::uint64_t m_fileSize = 0;
    std::uint64_t m_position = 0;
    std::int64_t m_mtimeNs = 0;
    int m_statFd = -1; // a second descriptor of the file, for checkUnchanged()
};

} // namespace embex
