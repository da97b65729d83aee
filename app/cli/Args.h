#pragma once
// A small command-line parser for embex-cli: positionals plus --name value / --flag options.
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace embex::cli {

/// A usage error (exit status 2).
class UsageError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

class Args
{
public:
    /// valueOptions: options that take a value ("-k", "--method"); flags: options without one.
    /// Accepts "--name value" and "--name=value". Throws UsageError on unknown options.
    Args(const std::vector<std::string> &argv, const std::set<std::string> &valueOptions,
         const std::set<std::string> &flags);

    const std::vector<std::string> &positionals() const { return m_positionals; }
    bool flag(const std::string &name) const { return m_flags.count(name) > 0; }
    std::optional<std::string> value(const std::string &name) const;
    std::string value(const std::string &name, const std::string &fallback) const;
    /// Integer option within [lo, hi]; UsageError naming the option otherwise.
    long long integer(const std::string &name, long long fallback, long long lo,
                      long long hi) const;
    /// Requires exactly n positionals (UsageError with `usage` otherwise).
    void expectPositionals(std::size_t lo, std::size_t hi, const std::string &usage) const;

private:
    std::vector<std::string> m_positionals;
    std::map<std::string, std::string> m_values;
    std::set<std::string> m_flags;
};

} // namespace embex::cli
