# EMBEX_SANITIZE: "" (none), "address" (ASan + UBSan), "thread" (TSan) or "fuzzer" (ASan +
# UBSan + libFuzzer coverage instrumentation; clang only, the `fuzz` preset).
set(EMBEX_SANITIZE "" CACHE STRING "Sanitizers: address (ASan+UBSan), thread or fuzzer")
function(embex_set_sanitizers target)
    if(EMBEX_SANITIZE STREQUAL "address")
        set(flags -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
    elseif(EMBEX_SANITIZE STREQUAL "fuzzer")
        set(flags -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
            -fno-omit-frame-pointer)
    elseif(EMBEX_SANITIZE STREQUAL "thread")
        set(flags -fsanitize=thread -fno-omit-frame-pointer)
    else()
        return()
    endif()
    target_compile_options(${target} INTERFACE ${flags})
    target_link_options(${target} INTERFACE ${flags})
endfunction()
