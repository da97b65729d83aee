#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>

namespace embex {

/// A file that breaks a rule of its format. what() is one line naming the file, the place and
/// the rule: "vectors.txt:1204: row has 299 values, header says 300" or
/// "model.bin: byte 5120: truncated row for word 'cat' (needs 1200 bytes, 17 left)".
class FormatError : public std::runtime_error
{
public:
    enum class Place { None, Line, Byte };

    FormatError(std::string path, std::string rule);
    static FormatError atLine(std::string path, std::uint64_t line, std::string rule);
    static FormatError atByte(std::string path, std::uint64_t offset, std::string rule);

    const std::string &path() const { return m_path; }
    Place place() const { return m_place; }
    /// 1-based line or 0-based byte offset, by place().
    std::uint64_t position() const { return m_position; }
    const std::string &rule() const { return m_rule; }

private:
    FormatError(std::string path, Place place, std::uint64_t pos, std::string rule);
    std::string m_path;
    Place m_place;
    std::uint64_t m_position;
    std::string m_rule;
};

} // namespace embex
