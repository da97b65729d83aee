#pragma once
// A small strict JSON (RFC 8259) reader for the files of a model folder: the safetensors
// header, config.json, tokenizer.json, tokenizer_config.json.
#include "util/FormatError.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace embex {

/// Limits that protect the parser from hostile input. Nesting deeper than maxDepth (arrays and
/// objects together) and texts longer than maxBytes are errors.
struct JsonLimits
{
    /// Longest accepted text in bytes. Default 256 MiB (a multilingual tokenizer.json is ~10 MB).
    std::size_t maxBytes = std::size_t(256) << 20;
    /// Deepest nesting of arrays and objects. Default 64.
    int maxDepth = 64;
};

/// A syntax error: what() is "line L, column C: rule" (1-based, columns count bytes).
/// offset() is the 0-based byte offset into the text, for callers that report places in a
/// larger binary file (the safetensors header).
class JsonError : public std::runtime_error
{
public:
    JsonError(std::size_t offset, std::size_t line, std::size_t column, std::string rule);
    std::size_t offset() const { return m_offset; }
    std::size_t line() const { return m_line; }
    std::size_t column() const { return m_column; }
    const std::string &rule() const { return m_rule; }

private:
    std::size_t m_offset, m_line, m_column;
    std::string m_rule;
};

/// One parsed JSON value. Objects keep their members in text order (duplicate keys are a parse
/// error); numbers keep the exact integer when written without fraction or exponent. Every
/// value remembers the byte offset where it starts in the parsed text. Immutable after parsing;
/// const members are thread-safe.
class JsonValue
{
public:
    enum class Type { Null, Bool, Number, String, Array, Object };
    using Array = std::vector<JsonValue>;
    using Member = std::pair<std::string, JsonValue>;
    using Object = std::vector<Member>;

    /// A number; `integer` when written as an integer that fits std::int64_t or std::uint64_t.
    struct Number
    {
        double value = 0;
        bool integer = false;
        bool negative = false;
        std::uint64_t magnitude = 0; ///< |value| when integer
    };

    JsonValue() = default;

    Type type() const { return static_cast<Type>(m_value.index()); }
    bool isNull() const { return type() == Type::Null; }
    bool isBool() const { return type() == Type::Bool; }
    bool isNumber() const { return type() == Type::Number; }
    bool isString() const { return type() == Type::String; }
    bool isArray() const { return type() == Type::Array; }
    bool isObject() const { return type() == Type::Object; }
    /// Byte offset of the value's first character in the parsed text.
    std::size_t offset() const { return m_offset; }

    // Accessors throw std::logic_error when the type differs; check the type first.
    bool asBool() const;
    double asDouble() const;
    const Number &asNumber() const;
    const std::string &asString() const;
    const Array &asArray() const;
    const Object &asObject() const;

    /// The integer value if this is an integer number that fits, else nullopt.
    std::optional<std::int64_t> asInt64() const;
    std::optional<std::uint64_t> asUint64() const;

    /// Member `key` of an object, or nullptr (also when this is not an object). Linear search.
    const JsonValue *find(std::string_view key) const;

    /// A short name of the type for messages: "null", "a number", "an object"...
    static const char *typeName(Type type);

private:
    friend class JsonParser;
    std::variant<std::monostate, bool, Number, std::string, Array, Object> m_value;
    std::size_t m_offset = 0;
};

/// Parses a whole text: one value, surrounded by optional whitespace. Strict RFC 8259: no
/// comments, trailing commas, single quotes, NaN/Infinity, leading zeros or unescaped control
/// characters; strings must be valid UTF-8 and \u escapes proper surrogate pairs; numbers must be
/// finite in double precision; duplicate keys in one object are an error. Throws JsonError.
JsonValue parseJson(std::string_view text, const JsonLimits &limits = {});

/// A parsed JSON file, which keeps its text so that later checks can point at a value.
class JsonDocument
{
public:
    /// Reads and parses a file (a leading UTF-8 byte order mark is skipped). Throws FormatError
    /// "path:L: column C: rule" on a syntax error and std::runtime_error when the file cannot be
    /// read, is not a regular file or is larger than limits.maxBytes.
    static JsonDocument read(const std::string &path, const JsonLimits &limits = {});

    const JsonValue &root() const { return m_root; }
    const std::string &path() const { return m_path; }
    /// "path:L: column C: rule" for a value of this document.
    FormatError error(const JsonValue &at, const std::string &rule) const;

private:
    std::string m_path, m_text;
    JsonValue m_root;
};

/// 1-based line and column (in bytes) of a byte offset into text.
std::pair<std::size_t, std::size_t> jsonLineColumn(std::string_view text, std::size_t offset);

} // namespace embex
