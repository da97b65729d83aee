#include "util/RegularFile.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace embex {

void requireRegularMode(const std::string &path, unsigned mode)
{
    if (S_ISDIR(mode))
        throw std::runtime_error(path + ": is a directory, not a file");
    if (!S_ISREG(mode))
        throw std::runtime_error(path + ": not a regular file (FIFO, socket or device)");
}

std::uint64_t requireRegularFile(const std::string &path)
{
    struct stat st
    {};
    if (::stat(path.c_str(), &st) != 0)
        throw std::runtime_error(path + ": cannot open: " + std::strerror(errno));
    requireRegularMode(path, st.st_mode);
    return std::uint64_t(st.st_size);
}

OpenedFile openRegularFile(const std::string &path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        throw std::runtime_error(path + ": cannot open: " + std::strerror(errno));
    struct stat st
    {};
    try {
        if (::fstat(fd, &st) != 0)
            throw std::runtime_error(path + ": cannot stat: " + std::strerror(errno));
        requireRegularMode(path, st.st_mode);
    } catch (...) {
        ::close(fd);
        throw;
    }
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return {fd, std::uint64_t(st.st_size),
            std::int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
}

std::string readWholeFile(const std::string &path, std::size_t maxBytes)
{
    const OpenedFile file = openRegularFile(path);
    const struct Closer
    {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{file.fd};
    if (file.size > maxBytes)
        throw std::runtime_error(path + ": file is " + std::to_string(file.size) +
                                 " bytes, more than the limit of " + std::to_string(maxBytes));
    std::string out(std::size_t(file.size), '\0');
    for (std::size_t done = 0; done < out.size();) {
        const ssize_t got = ::read(file.fd, out.data() + done, out.size() - done);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            throw std::runtime_error(path + ": read error: " + std::strerror(errno));
        if (got == 0)
            throw std::runtime_error(path + ": read error: the file shrank while it was read");
        done += std::size_t(got);
    }
    return out;
}

} // namespace embex
