#pragma once
// Whether the test runs under a sanitizer, and how much slower it then is allowed to be: time
// limits that state a product promise ("Stop cancels within a second") are checked as they are
// in normal builds and scaled under ASan/TSan, which slow every thread (and the GUI thread most).
namespace embex::test {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif
#else
inline constexpr bool kSanitized = false;
#endif

/// A time limit in milliseconds: as given, or 5× under a sanitizer.
constexpr int timeLimitMs(int ms)
{
    return kSanitized ? 5 * ms : ms;
}

} // namespace embex::test
