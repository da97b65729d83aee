#include "util/AtomicFile.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace embex {

namespace {
constexpr std::size_t kBufferSize = 1 << 20;
}

AtomicFile::AtomicFile(std::string path) : m_path(std::move(path))
{
    std::vector<char> name(m_path.begin(), m_path.end());
    const char suffix[] = ".tmp-XXXXXX";
    name.insert(name.end(), suffix, suffix + sizeof(suffix));
    m_fd = ::mkstemp(name.data());
    if (m_fd < 0)
        throw std::runtime_error(
            m_path + ": cannot create a temporary file beside it: " + std::strerror(errno));
    m_tmp = name.data();
    ::fchmod(m_fd, 0644);
    m_buffer.reserve(kBufferSize);
}

AtomicFile::~AtomicFile()
{
    if (m_fd >= 0)
        ::close(m_fd);
    if (!m_committed && !m_tmp.empty())
        ::unlink(m_tmp.c_str());
}

void AtomicFile::fail(const char *what)
{
    const int err = errno;
    std::string msg = m_path + ": " + what + ": " + std::strerror(err);
    if (err == ENOSPC || err == EFBIG || err == EDQUOT)
        msg += " (the disk is full or a file size limit was reached)";
    // The destructor removes the temporary file; the target was never touched.
    if (!m_committed)
        msg += "; the existing file, if any, is unchanged";
    throw std::runtime_error(msg);
}

void AtomicFile::flushBuffer()
{
    const char *p = m_buffer.data();
    std::size_t left = m_buffer.size();
    while (left > 0) {
        ssize_t n = ::write(m_fd, p, left);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            fail("write failed");
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    m_buffer.clear();
}

void AtomicFile::write(const void *data, std::size_t n)
{
    const char *p = static_cast<const char *>(data);
    m_written += n;
    if (m_buffer.size() + n > kBufferSize) {
        flushBuffer();
        if (n >= kBufferSize) {
            m_buffer.assign(p, n);
            flushBuffer();
            return;
        }
    }
    m_buffer.append(p, n);
}

void AtomicFile::commit()
{
    flushBuffer();
    if (::fsync(m_fd) != 0)
        fail("fsync failed");
    if (::close(m_fd) != 0) {
        m_fd = -1;
        fail("close failed");
    }
    m_fd = -1;
    if (::rename(m_tmp.c_str(), m_path.c_str()) != 0)
        fail("rename failed");
    m_committed = true;
}

} // namespace embex
