#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace embex {

/// Sequential reader of a file that may be gzip-compressed (detected from the magic bytes,
/// not the extension). Refuses anything that is not a regular file (directories, FIFOs)
/// so a read can never block forever. Errors throw std::runtime_error naming the file.
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

private:
    std::string m_path;
    void *m_gz = nullptr; // gzFile
    bool m_compressed = false;
    std::uint64_t m_fileSize = 0;
    std::uint64_t m_position = 0;
};

} // namespace embex
