# Warnings through an interface target (no global CMAKE_CXX_FLAGS).
# -Wconversion is on; -Wsign-conversion is left out: Eigen's Index is signed while the
# standard containers are unsigned, and the flood of casts it asks for hides real bugs.
function(embex_set_warnings target)
    target_compile_options(${target} INTERFACE
        $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra -Wshadow -Wconversion -Wnon-virtual-dtor
            -Wold-style-cast -Woverloaded-virtual -Wnull-dereference -Wdouble-promotion>
        # GCC 12 reports false -Wrestrict hits inside std::string concatenation (GCC bug 105329).
        $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>
        # Clang's -Wconversion includes -Wsign-conversion: left out there too.
        $<$<CXX_COMPILER_ID:Clang>:-Wno-sign-conversion>)
endfunction()
