#include "cli/Json.h"

#include <charconv>
#include <cmath>

namespace embex::cli {

void Json::separator()
{
    if (m_afterKey) {
        m_afterKey = false;
        return;
    }
    if (!m_first.empty()) {
        if (!m_first.back())
            m_out += ',';
        m_first.back() = false;
    }
}

Json &Json::beginObject()
{
    separator();
    m_out += '{';
    m_first.push_back(true);
    return *this;
}

Json &Json::endObject()
{
    m_out += '}';
    m_first.pop_back();
    return *this;
}

Json &Json::beginArray()
{
    separator();
    m_out += '[';
    m_first.push_back(true);
    return *this;
}

Json &Json::endArray()
{
    m_out += ']';
    m_first.pop_back();
    return *this;
}

Json &Json::key(std::string_view k)
{
    separator();
    m_out += quote(k);
    m_out += ':';
    m_afterKey = true;
    return *this;
}

std::string Json::quote(std::string_view s)
{
    std::string out = "\"";
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (c < 0x20) {
                const char hex[] = "0123456789abcdef";
                out += "\\u00";
                out += hex[c >> 4];
                out += hex[c & 15];
            } else {
                out += ch;
            }
        }
    }
    out += '"';
    return out;
}

Json &Json::value(std::string_view s)
{
    separator();
    m_out += quote(s);
    return *this;
}

Json &Json::value(double d)
{
    separator();
    if (!std::isfinite(d)) {
        m_out += "null";
        return *this;
    }
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, d);
    m_out.append(buf, r.ptr);
    return *this;
}

Json &Json::value(float f)
{
    separator();
    if (!std::isfinite(f)) {
        m_out += "null";
        return *this;
    }
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, f);
    m_out.append(buf, r.ptr);
    return *this;
}

Json &Json::value(long long i)
{
    separator();
    m_out += std::to_string(i);
    return *this;
}

Json &Json::value(unsigned long long i)
{
    separator();
    m_out += std::to_string(i);
    return *this;
}

Json &Json::value(bool b)
{
    separator();
    m_out += b ? "true" : "false";
    return *this;
}

Json &Json::null()
{
    separator();
    m_out += "null";
    return *this;
}

} // namespace embex::cli
