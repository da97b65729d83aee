#pragma once
// Internal to core/contextual: a whole small file into a string.
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>

namespace embex::detail {

/// The bytes of a regular file. Throws std::runtime_error naming the file when it cannot be
/// read, is not a regular file or is larger than maxBytes.
inline std::string readWholeFile(const std::string &path, std::size_t maxBytes)
{
    struct stat st
    {};
    if (::stat(path.c_str(), &st) != 0)
        throw std::runtime_error(path + ": cannot open: " + std::strerror(errno));
    if (S_ISDIR(st.st_mode))
        throw std::runtime_error(path + ": is a directory, not a file");
    if (!S_ISREG(st.st_mode))
        throw std::runtime_error(path + ": not a regular file");
    if (std::uint64_t(st.st_size) > maxBytes)
        throw std::runtime_error(path + ": file is " + std::to_string(st.st_size) +
                                 " bytes, more than the limit of " + std::to_string(maxBytes));
    std::unique_ptr<std::FILE, int (*)(std::FILE *)> f(std::fopen(path.c_str(), "rb"),
                                                       &std::fclose);
    if (!f)
        throw std::runtime_error(path + ": cannot open: " + std::strerror(errno));
    std::string out(std::size_t(st.st_size), '\0');
    const std::size_t n = std::fread(out.data(), 1, out.size(), f.get());
    if (n != out.size() || std::ferror(f.get()))
        throw std::runtime_error(path + ": read error");
    return out;
}

} // namespace embex::detail
