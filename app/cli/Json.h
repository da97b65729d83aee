#pragma once
// A minimal streaming JSON writer for --json output (one document on stdout).
#include <string>
#include <string_view>
#include <vector>

namespace embex::cli {

class Json
{
public:
    Json &beginObject();
    Json &endObject();
    Json &beginArray();
    Json &endArray();
    Json &key(std::string_view k);
    Json &value(std::string_view s);
    Json &value(const char *s) { return value(std::string_view(s)); }
    Json &value(const std::string &s) { return value(std::string_view(s)); }
    Json &value(double d);
    Json &value(float f);
    Json &value(long long i);
    Json &value(unsigned long long i);
    Json &value(int i) { return value(static_cast<long long>(i)); }
    Json &value(std::size_t i) { return value(static_cast<unsigned long long>(i)); }
    Json &value(bool b);
    Json &null();
    const std::string &str() const { return m_out; }
    static std::string quote(std::string_view s);

private:
    void separator();
    std::string m_out;
    std::vector<bool> m_first; // per open container: no element written yet
    bool m_afterKey = false;
};

} // namespace embex::cli
