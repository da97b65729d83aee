// Strict recursive-descent JSON parser (RFC 8259) with depth and size limits.
#include "contextual/JsonValue.h"
#include "util/RegularFile.h"
#include "util/Utf8.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <unordered_set>

namespace embex {

JsonError::JsonError(std::size_t offset, std::size_t line, std::size_t column, std::string rule)
    : std::runtime_error("line " + std::to_string(line) + ", column " + std::to_string(column) +
                         ": " + rule),
      m_offset(offset), m_line(line), m_column(column), m_rule(std::move(rule))
{}

std::pair<std::size_t, std::size_t> jsonLineColumn(std::string_view text, std::size_t offset)
{
    offset = std::min(offset, text.size());
    std::size_t line = 1, lineStart = 0;
    for (std::size_t i = 0; i < offset; ++i)
        if (text[i] == '\n') {
            ++line;
            lineStart = i + 1;
        }
    return {line, offset - lineStart + 1};
}

// ---- accessors -----------------------------------------------------------------------------

namespace {
[[noreturn]] void wrongType(JsonValue::Type have, JsonValue::Type want)
{
    throw std::logic_error(std::string("JSON value is ") + JsonValue::typeName(have) + ", not " +
                           JsonValue::typeName(want));
}
} // namespace

const char *JsonValue::typeName(Type type)
{
    switch (type) {
    case Type::Null:
        return "null";
    case Type::Bool:
        return "a boolean";
    case Type::Number:
        return "a number";
    case Type::String:
        return "a string";
    case Type::Array:
        return "an array";
    case Type::Object:
        return "an object";
    }
    return "?";
}

bool JsonValue::asBool() const
{
    if (!isBool())
        wrongType(type(), Type::Bool);
    return std::get<bool>(m_value);
}

const JsonValue::Number &JsonValue::asNumber() const
{
    if (!isNumber())
        wrongType(type(), Type::Number);
    return std::get<Number>(m_value);
}

double JsonValue::asDouble() const
{
    return asNumber().value;
}

const std::string &JsonValue::asString() const
{
    if (!isString())
        wrongType(type(), Type::String);
    return std::get<std::string>(m_value);
}

const JsonValue::Array &JsonValue::asArray() const
{
    if (!isArray())
        wrongType(type(), Type::Array);
    return std::get<Array>(m_value);
}

const JsonValue::Object &JsonValue::asObject() const
{
    if (!isObject())
        wrongType(type(), Type::Object);
    return std::get<Object>(m_value);
}

std::optional<std::int64_t> JsonValue::asInt64() const
{
    if (!isNumber())
        return std::nullopt;
    const Number &n = std::get<Number>(m_value);
    if (!n.integer)
        return std::nullopt;
    if (n.negative) {
        if (n.magnitude > std::uint64_t(INT64_MAX) + 1)
            return std::nullopt;
        return n.magnitude == std::uint64_t(INT64_MAX) + 1
                   ? INT64_MIN
                   : -static_cast<std::int64_t>(n.magnitude);
    }
    if (n.magnitude > std::uint64_t(INT64_MAX))
        return std::nullopt;
    return static_cast<std::int64_t>(n.magnitude);
}

std::optional<std::uint64_t> JsonValue::asUint64() const
{
    if (!isNumber())
        return std::nullopt;
    const Number &n = std::get<Number>(m_value);
    if (!n.integer || (n.negative && n.magnitude != 0))
        return std::nullopt;
    return n.magnitude;
}

const JsonValue *JsonValue::find(std::string_view key) const
{
    if (!isObject())
        return nullptr;
    for (const Member &m : std::get<Object>(m_value))
        if (m.first == key)
            return &m.second;
    return nullptr;
}

// ---- parser --------------------------------------------------------------------------------

class JsonParser
{
public:
    JsonParser(std::string_view text, const JsonLimits &limits) : m_s(text), m_limits(limits) {}

    JsonValue parseDocument()
    {
        if (m_s.size() > m_limits.maxBytes)
            fail(0, "text is " + std::to_string(m_s.size()) + " bytes, more than the limit of " +
                        std::to_string(m_limits.maxBytes));
        skipWs();
        if (m_i == m_s.size())
            fail(m_i, "empty text, expected a JSON value");
        JsonValue v = parseValue(0);
        skipWs();
        if (m_i != m_s.size())
            fail(m_i, "unexpected " + describe(m_i) + " after the end of the JSON value");
        return v;
    }

private:
    [[noreturn]] void fail(std::size_t at, const std::string &rule) const
    {
        auto [line, column] = jsonLineColumn(m_s, at);
        throw JsonError(at, line, column, rule);
    }

    /// "'x'", "end of text" or "byte 0x1f" for messages.
    std::string describe(std::size_t at) const
    {
        if (at >= m_s.size())
            return "end of text";
        const auto c = static_cast<unsigned char>(m_s[at]);
        if (c >= 0x20 && c < 0x7f)
            return std::string("'") + char(c) + "'";
        static const char hex[] = "0123456789abcdef";
        return std::string("byte 0x") + hex[c >> 4] + hex[c & 15];
    }

    void skipWs()
    {
        while (m_i < m_s.size() &&
               (m_s[m_i] == ' ' || m_s[m_i] == '\t' || m_s[m_i] == '\n' || m_s[m_i] == '\r'))
            ++m_i;
    }

    bool consumeWord(std::string_view w)
    {
        if (m_s.substr(m_i, w.size()) != w)
            return false;
        m_i += w.size();
        return true;
    }

    JsonValue parseValue(int depth)
    {
        JsonValue v;
        v.m_offset = m_i;
        if (m_i >= m_s.size())
            fail(m_i, "unexpected end of text, expected a value");
        const char c = m_s[m_i];
        if (c == '{' || c == '[') {
            if (depth >= m_limits.maxDepth)
                fail(m_i, "nesting deeper than " + std::to_string(m_limits.maxDepth) + " levels");
            if (c == '{')
                v.m_value = parseObject(depth + 1);
            else
                v.m_value = parseArray(depth + 1);
        } else if (c == '"') {
            v.m_value = parseString();
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            v.m_value = parseNumber();
        } else if (consumeWord("true")) {
            v.m_value = true;
        } else if (consumeWord("false")) {
            v.m_value = false;
        } else if (consumeWord("null")) {
            v.m_value = std::monostate{};
        } else {
            fail(m_i, "unexpected " + describe(m_i) + ", expected a value");
        }
        return v;
    }

    JsonValue::Object parseObject(int depth)
    {
        JsonValue::Object members;
        std::unordered_set<std::string_view> keys;
        ++m_i; // '{'
        skipWs();
        if (m_i < m_s.size() && m_s[m_i] == '}') {
            ++m_i;
            return members;
        }
        for (;;) {
            skipWs();
            if (m_i >= m_s.size() || m_s[m_i] != '"')
                fail(m_i, "expected a string key, found " + describe(m_i));
            std::string key = parseString();
            skipWs();
            if (m_i >= m_s.size() || m_s[m_i] != ':')
                fail(m_i, "expected ':' after the key, found " + describe(m_i));
            ++m_i;
            skipWs();
            JsonValue value = parseValue(depth);
            members.emplace_back(std::move(key), std::move(value));
            skipWs();
            if (m_i < m_s.size() && m_s[m_i] == ',') {
                ++m_i;
                continue;
            }
            if (m_i < m_s.size() && m_s[m_i] == '}') {
                ++m_i;
                break;
            }
            fail(m_i, "expected ',' or '}' in an object, found " + describe(m_i));
        }
        // Duplicate keys: checked after the members stopped moving (the views point into them).
        keys.reserve(members.size());
        for (const auto &m : members)
            if (!keys.insert(m.first).second)
                fail(duplicateOffset(members, m.first), "duplicate key \"" + m.first + "\"");
        return members;
    }

    /// Offset of the second occurrence of a key (its value's start; keys keep no offset).
    std::size_t duplicateOffset(const JsonValue::Object &members, const std::string &key) const
    {
        int seen = 0;
        for (const auto &m : members)
            if (m.first == key && ++seen == 2)
                return m.second.m_offset;
        return 0;
    }

    JsonValue::Array parseArray(int depth)
    {
        JsonValue::Array items;
        ++m_i; // '['
        skipWs();
        if (m_i < m_s.size() && m_s[m_i] == ']') {
            ++m_i;
            return items;
        }
        for (;;) {
            skipWs();
            items.push_back(parseValue(depth));
            skipWs();
            if (m_i < m_s.size() && m_s[m_i] == ',') {
                ++m_i;
                continue;
            }
            if (m_i < m_s.size() && m_s[m_i] == ']') {
                ++m_i;
                break;
            }
            fail(m_i, "expected ',' or ']' in an array, found " + describe(m_i));
        }
        return items;
    }

    unsigned hex4(std::size_t at) const
    {
        if (at + 4 > m_s.size())
            fail(at, "truncated \\u escape");
        unsigned v = 0;
        for (std::size_t k = 0; k < 4; ++k) {
            const char c = m_s[at + k];
            unsigned d;
            if (c >= '0' && c <= '9')
                d = unsigned(c - '0');
            else if (c >= 'a' && c <= 'f')
                d = unsigned(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                d = unsigned(c - 'A' + 10);
            else
                fail(at + k, "invalid hex digit " + describe(at + k) + " in a \\u escape");
            v = v * 16 + d;
        }
        return v;
    }

    std::string parseString()
    {
        const std::size_t start = m_i;
        ++m_i; // '"'
        std::string out;
        for (;;) {
            // Copy a run of ordinary ASCII bytes at once.
            std::size_t j = m_i;
            while (j < m_s.size()) {
                const auto c = static_cast<unsigned char>(m_s[j]);
                if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80)
                    break;
                ++j;
            }
            out.append(m_s.substr(m_i, j - m_i));
            m_i = j;
            if (m_i >= m_s.size())
                fail(start, "unterminated string");
            const auto c = static_cast<unsigned char>(m_s[m_i]);
            if (c == '"') {
                ++m_i;
                return out;
            }
            if (c < 0x20)
                fail(m_i, "unescaped control character (" + describe(m_i) + ") in a string");
            if (c >= 0x80) {
                std::uint32_t cp;
                const std::size_t n = decodeUtf8(m_s, m_i, cp);
                if (n == 0)
                    fail(m_i, "invalid UTF-8 in a string");
                out.append(m_s.substr(m_i, n));
                m_i += n;
                continue;
            }
            // Backslash escape.
            if (m_i + 1 >= m_s.size())
                fail(start, "unterminated string");
            const char e = m_s[m_i + 1];
            switch (e) {
            case '"':
            case '\\':
            case '/':
                out += e;
                break;
            case 'b':
                out += '\b';
                break;
            case 'f':
                out += '\f';
                break;
            case 'n':
                out += '\n';
                break;
            case 'r':
                out += '\r';
                break;
            case 't':
                out += '\t';
                break;
            case 'u': {
                std::uint32_t cp = hex4(m_i + 2);
                std::size_t len = 6;
                if (cp >= 0xDC00 && cp < 0xE000)
                    fail(m_i, "lone low surrogate in a \\u escape");
                if (cp >= 0xD800 && cp < 0xDC00) {
                    if (m_s.substr(m_i + 6, 2) != "\\u")
                        fail(m_i, "high surrogate not followed by a low surrogate escape");
                    const std::uint32_t lo = hex4(m_i + 8);
                    if (lo < 0xDC00 || lo >= 0xE000)
                        fail(m_i + 6, "high surrogate not followed by a low surrogate escape");
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    len = 12;
                }
                encodeUtf8(cp, out);
                m_i += len;
                continue;
            }
            default:
                fail(m_i, "invalid escape \\" + describe(m_i + 1) + " in a string");
            }
            m_i += 2;
        }
    }

    JsonValue::Number parseNumber()
    {
        const std::size_t start = m_i;
        JsonValue::Number n;
        std::size_t i = m_i;
        if (m_s[i] == '-') {
            n.negative = true;
            ++i;
        }
        const auto isDigit = [&](std::size_t k) {
            return k < m_s.size() && m_s[k] >= '0' && m_s[k] <= '9';
        };
        if (!isDigit(i))
            fail(i, "expected a digit in a number, found " + describe(i));
        const std::size_t intStart = i;
        if (m_s[i] == '0') {
            ++i;
            if (isDigit(i))
                fail(intStart, "number with a leading zero");
        } else {
            while (isDigit(i))
                ++i;
        }
        const std::size_t intEnd = i;
        bool integer = true;
        if (i < m_s.size() && m_s[i] == '.') {
            integer = false;
            ++i;
            if (!isDigit(i))
                fail(i, "expected a digit after the decimal point, found " + describe(i));
            while (isDigit(i))
                ++i;
        }
        if (i < m_s.size() && (m_s[i] == 'e' || m_s[i] == 'E')) {
            integer = false;
            ++i;
            if (i < m_s.size() && (m_s[i] == '+' || m_s[i] == '-'))
                ++i;
            if (!isDigit(i))
                fail(i, "expected a digit in the exponent, found " + describe(i));
            while (isDigit(i))
                ++i;
        }
        const std::string_view text = m_s.substr(start, i - start);
        const auto res = std::from_chars(text.data(), text.data() + text.size(), n.value);
        if (res.ec != std::errc() || !std::isfinite(n.value))
            fail(start, "number " + std::string(text.substr(0, 40)) +
                            " is out of the double precision range");
        if (integer) {
            std::uint64_t mag = 0;
            const auto r = std::from_chars(m_s.data() + intStart, m_s.data() + intEnd, mag);
            if (r.ec == std::errc()) {
                n.integer = true;
                n.magnitude = mag;
            }
        }
        m_i = i;
        return n;
    }

    std::string_view m_s;
    const JsonLimits &m_limits;
    std::size_t m_i = 0;
};

JsonValue parseJson(std::string_view text, const JsonLimits &limits)
{
    return JsonParser(text, limits).parseDocument();
}

// ---- documents -----------------------------------------------------------------------------

JsonDocument JsonDocument::read(const std::string &path, const JsonLimits &limits)
{
    JsonDocument doc;
    doc.m_path = path;
    doc.m_text = readWholeFile(path, limits.maxBytes);
    // A byte order mark becomes three spaces: offsets then count from the start of the file.
    if (doc.m_text.compare(0, 3, "\xEF\xBB\xBF") == 0)
        doc.m_text.replace(0, 3, "   ");
    try {
        doc.m_root = parseJson(doc.m_text, limits);
    } catch (const JsonError &e) {
        throw FormatError::atLine(path, e.line(),
                                  "column " + std::to_string(e.column()) + ": " + e.rule());
    }
    return doc;
}

FormatError JsonDocument::error(const JsonValue &at, const std::string &rule) const
{
    auto [line, column] = jsonLineColumn(m_text, at.offset());
    return FormatError::atLine(m_path, line, "column " + std::to_string(column) + ": " + rule);
}

} // namespace embex
