#include "cli/Args.h"

#include <cctype>
#include <charconv>

namespace embex::cli {

Args::Args(const std::vector<std::string> &argv, const std::set<std::string> &valueOptions,
           const std::set<std::string> &flags)
{
    bool onlyPositionals = false;
    for (std::size_t i = 0; i < argv.size(); ++i) {
        const std::string &a = argv[i];
        if (onlyPositionals || a.size() < 2 || a[0] != '-' ||
            (a[1] != '-' && !std::isalpha(static_cast<unsigned char>(a[1])))) {
            m_positionals.push_back(a);
            continue;
        }
        if (a == "--") {
            onlyPositionals = true;
            continue;
        }
        std::string name = a, val;
        bool hasInline = false;
        if (auto eq = a.find('='); eq != std::string::npos && a.rfind("--", 0) == 0) {
            name = a.substr(0, eq);
            val = a.substr(eq + 1);
            hasInline = true;
        }
        if (valueOptions.count(name)) {
            if (!hasInline) {
                if (i + 1 >= argv.size())
                    throw UsageError("option " + name + " needs a value");
                val = argv[++i];
            }
            m_values[name] = val;
        } else if (flags.count(name) && !hasInline) {
            m_flags.insert(name);
        } else {
            throw UsageError("unknown option " + a);
        }
    }
}

std::optional<std::string> Args::value(const std::string &name) const
{
    auto it = m_values.find(name);
    if (it == m_values.end())
        return std::nullopt;
    return it->second;
}

std::string Args::value(const std::string &name, const std::string &fallback) const
{
    return value(name).value_or(fallback);
}

long long Args::integer(const std::string &name, long long fallback, long long lo,
                        long long hi) const
{
    auto v = value(name);
    if (!v)
        return fallback;
    long long out = 0;
    auto r = std::from_chars(v->data(), v->data() + v->size(), out);
    if (r.ec != std::errc() || r.ptr != v->data() + v->size() || out < lo || out > hi)
        throw UsageError("option " + name + " must be an integer from " + std::to_string(lo) +
                         " to " + std::to_string(hi) + ", got '" + *v + "'");
    return out;
}

void Args::expectPositionals(std::size_t lo, std::size_t hi, const std::string &usage) const
{
    if (m_positionals.size() < lo || m_positionals.size() > hi)
        throw UsageError("usage: " + usage);
}

} // namespace embex::cli
