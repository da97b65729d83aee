#pragma once
// Random test data that is the same with every standard library (our own Box–Muller on
// std::mt19937, whose output the standard fixes).
#include <cmath>
#include <cstdint>
#include <random>

namespace embex::test {

/// Standard normal samples, plus uniform indices, from one seeded generator.
class Normal
{
public:
    explicit Normal(std::uint32_t seed) : m_gen(seed) {}
    double operator()()
    {
        const double u1 = (double(m_gen()) + 1.0) / 4294967297.0;
        const double u2 = double(m_gen()) / 4294967296.0;
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    }
    /// Uniform in [0, n).
    std::uint32_t index(std::uint32_t n) { return std::uint32_t(m_gen() % n); }

private:
    std::mt19937 m_gen;
};

} // namespace embex::test
