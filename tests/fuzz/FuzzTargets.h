#pragma once
// The fuzzed entry points (issue 7). Each takes arbitrary bytes, feeds them to one reader or
// parser the way a user's file would reach it, and returns normally whatever the bytes are:
// a clean error (an exception) is a pass, a crash, hang, leak or sanitizer report is a finding.
// The libFuzzer executables (tests/fuzz/fuzz_*.cpp, built by the `fuzz` preset) call one each;
// tst_fuzzregressions replays the committed seeds and past findings through all of them in
// every build.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace embex::fuzz {

using Target = void (*)(const std::uint8_t *data, std::size_t size);

struct TargetInfo
{
    const char *name; ///< fuzz_<name> executable, tests/fuzz/seeds/<name>/ seed corpus
    Target run;
};

/// Every target, in a stable order.
const std::vector<TargetInfo> &targets();

/// A scratch folder private to this process (created on first use, removed at exit).
const std::string &scratchDir();
/// Writes bytes to scratchDir()/name (replacing it) and returns the path.
std::string writeScratch(const std::string &name, const std::uint8_t *data, std::size_t size);

} // namespace embex::fuzz
