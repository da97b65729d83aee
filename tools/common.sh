# Shared by tools/run and tools/test: install what is missing, configure and build.
# Sourced, not executed.
set -euo pipefail
EMBEX_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Debian 12 packages Embex needs to build, run and test. The last two lines: the sources of the
# teaching corpus (tools/make_teaching.py, run by the build).
EMBEX_PACKAGES=(
    build-essential cmake ninja-build pkg-config git
    qt6-base-dev qt6-base-dev-tools libqt6opengl6-dev qt6-svg-dev libgl-dev
    libeigen3-dev libhnswlib-dev libfasttext-dev zlib1g-dev
    xvfb xauth libgl1-mesa-dri clang-format
    clang-14 libclang-rt-14-dev clang-tidy-14
    python3 bible-kjv bible-kjv-text dict-gcide wordnet-base sword-text-web libsword-utils
    dict-foldoc dict-jargon dict-devil
)

embex_install_packages() {
    local missing=()
    for p in "${EMBEX_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$p")
    done
    if [ ${#missing[@]} -eq 0 ]; then
        return 0
    fi
    echo "embex: installing ${missing[*]}" >&2
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
    "${sudo[@]}" apt-get update -q
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends \
        "${missing[@]}"
}

# embex_build PRESET: configure (once) and build with the given CMake preset: everything, or
# only the targets listed in EMBEX_BUILD_TARGETS (space-separated; CI's sanitizer runs of a few
# tests build just those).
embex_build() {
    local preset=$1
    cd "$EMBEX_ROOT"
    # EMBEX_WERROR=1 (CI): every compiler warning is an error.
    local args=()
    if [ "${EMBEX_WERROR:-0}" = 1 ]; then args+=(-DCMAKE_COMPILE_WARNING_AS_ERROR=ON); fi
    cmake --preset "$preset" "${args[@]}" >/dev/null
    local targets=()
    if [ -n "${EMBEX_BUILD_TARGETS:-}" ]; then
        read -r -a targets <<<"$EMBEX_BUILD_TARGETS"
        cmake --build --preset "$preset" --parallel "$(nproc)" --target "${targets[@]}"
    else
        cmake --build --preset "$preset" --parallel "$(nproc)"
    fi
}
