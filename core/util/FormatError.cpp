#include "util/FormatError.h"

namespace embex {

namespace {
std::string compose(const std::string &path, FormatError::Place place, std::uint64_t pos,
                    const std::string &rule)
{
    switch (place) {
    case FormatError::Place::Line:
        return path + ":" + std::to_string(pos) + ": " + rule;
    case FormatError::Place::Byte:
        return path + ": byte " + std::to_string(pos) + ": " + rule;
    case FormatError::Place::None:
        break;
    }
    return path + ": " + rule;
}
} // namespace

FormatError::FormatError(std::string path, Place place, std::uint64_t pos, std::string rule)
    : std::runtime_error(compose(path, place, pos, rule)), m_path(std::move(path)), m_place(place),
      m_position(pos), m_rule(std::move(rule))
{}

FormatError::FormatError(std::string path, std::string rule)
    : FormatError(std::move(path), Place::None, 0, std::move(rule))
{}

FormatError FormatError::atLine(std::string path, std::uint64_t line, std::string rule)
{
    return FormatError(std::move(path), Place::Line, line, std::move(rule));
}

FormatError FormatError::atByte(std::string path, std::uint64_t offset, std::string rule)
{
    return FormatError(std::move(path), Place::Byte, offset, std::move(rule));
}

} // namespace embex
