#pragma once
#include <cstddef>
#include <memory>
#include <string>

namespace embex {

/// A read-only memory mapping of a whole regular file (POSIX mmap). Move-only.
/// Throws std::runtime_error naming the file when it cannot be opened, is not a regular file
/// or cannot be mapped. An empty file maps to data() == nullptr, size() == 0.
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

private:
    std::string m_path;
    const unsigned char *m_data = nullptr;
    std::size_t m_size = 0;
};

} // namespace embex
