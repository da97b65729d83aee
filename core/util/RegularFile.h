#pragma once
// The checks every reader of a named file makes first: it exists, it is a regular file (a
// directory, FIFO, socket or device is refused with a clear message, and a FIFO is never opened
// with a blocking call), and it is not larger than the reader accepts.
#include <cstddef>
#include <cstdint>
#include <string>

namespace embex {

/// Throws std::runtime_error unless `mode` (st_mode from stat/fstat of path) is a regular file:
/// "PATH: is a directory, not a file" or "PATH: not a regular file (FIFO, socket or device)".
void requireRegularMode(const std::string &path, unsigned mode);

/// stat()s path and checks it with requireRegularMode ("PATH: cannot open: REASON" when it
/// cannot be found); returns its size in bytes. Called before MappedFile or fopen, whose
/// blocking open() would wait forever on a FIFO.
std::uint64_t requireRegularFile(const std::string &path);

/// A regular file opened for reading; the caller owns (closes) fd.
struct OpenedFile
{
    int fd = -1;
    std::uint64_t size = 0;
    std::int64_t mtimeNs = 0; ///< modification time, to notice a file that changes while read
};

/// Opens path read-only without blocking (open() of a FIFO would wait forever), fstat()s it and
/// refuses anything but a regular file as requireRegularMode does; the descriptor is then
/// switched to blocking reads. Throws std::runtime_error naming the file ("PATH: cannot open:
/// REASON"); nothing stays open on failure.
OpenedFile openRegularFile(const std::string &path);

/// The bytes of a small regular file. Throws std::runtime_error naming the file when it cannot
/// be read, is not a regular file or is larger than maxBytes.
std::string readWholeFile(const std::string &path, std::size_t maxBytes);

} // namespace embex
