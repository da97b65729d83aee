#include "util/InputStream.h"
#include "util/RegularFile.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

namespace embex {

InputStream::InputStream(const std::string &path) : m_path(path)
{
    const OpenedFile file = openRegularFile(path);
    const int fd = file.fd;
    m_fileSize = file.size;
    m_mtimeNs = file.mtimeNs;
    m_statFd = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
    unsigned char magic[2] = {0, 0};
    ssize_t got = ::pread(fd, magic, 2, 0);
    m_compressed = got == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    gzFile gz = ::gzdopen(fd, "rb");
    if (!gz) {
        ::close(fd);
        ::close(m_statFd);
        throw std::runtime_error(path + ": cannot open for reading");
    }
    ::gzbuffer(gz, 1 << 20);
    m_gz = gz;
}

InputStream::~InputStream()
{
    if (m_gz)
        ::gzclose(static_cast<gzFile>(m_gz));
    if (m_statFd >= 0)
        ::close(m_statFd);
}

void InputStream::checkUnchanged() const
{
    struct stat st
    {};
    if (m_statFd < 0 || ::fstat(m_statFd, &st) != 0)
        return;
    const auto size = static_cast<std::uint64_t>(st.st_size);
    if (size != m_fileSize)
        throw std::runtime_error(m_path + ": the file changed while it was being read (" +
                                 std::to_string(m_fileSize) + " bytes when opened, " +
                                 std::to_string(size) +
                                 " now); wait until it is complete and open it again");
    if (std::int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec != m_mtimeNs)
        throw std::runtime_error(m_path + ": the file was modified while it was being read; "
                                          "wait until it is complete and open it again");
}

std::size_t InputStream::read(void *buf, std::size_t n)
{
    auto gz = static_cast<gzFile>(m_gz);
    unsigned ask = static_cast<unsigned>(std::min<std::size_t>(n, INT_MAX / 2));
    int got = ::gzread(gz, buf, ask);
    if (got < 0) {
        int errnum = 0;
        const char *msg = ::gzerror(gz, &errnum);
        throw std::runtime_error(m_path + ": read error at byte " + std::to_string(m_position) +
                                 ": " + (msg ? msg : "unknown"));
    }
    if (got == 0 && m_compressed) {
        int errnum = 0;
        const char *msg = ::gzerror(gz, &errnum);
        if (errnum != Z_OK && errnum != Z_STREAM_END)
            throw std::runtime_error(m_path + ": corrupt gzip data at byte " +
                                     std::to_string(m_position) + " (uncompressed): " + msg);
    }
    if (got == 0 && n > 0)
        checkUnchanged(); // the end of the data: was it the end of a complete file?
    m_position += static_cast<std::uint64_t>(got);
    return static_cast<std::size_t>(got);
}

std::size_t InputStream::readFully(void *buf, std::size_t n)
{
    auto *p = static_cast<unsigned char *>(buf);
    std::size_t total = 0;
    while (total < n) {
        std::size_t got = read(p + total, n - total);
        if (got == 0)
            break;
        total += got;
    }
    return total;
}

std::uint64_t InputStream::fileOffset() const
{
    auto off = ::gzoffset(static_cast<gzFile>(m_gz));
    return off < 0 ? 0 : static_cast<std::uint64_t>(off);
}

} // namespace embex
