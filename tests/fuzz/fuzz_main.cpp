// One libFuzzer executable per target: EMBEX_FUZZ_TARGET names it (see CMakeLists.txt).
#include "FuzzTargets.h"

#include <cstdlib>
#include <cstring>

namespace {

embex::fuzz::Target findTarget()
{
    for (const auto &t : embex::fuzz::targets())
        if (std::strcmp(t.name, EMBEX_FUZZ_TARGET) == 0)
            return t.run;
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    static const embex::fuzz::Target target = findTarget();
    target(data, size);
    return 0;
}
