#pragma once
// The one way core includes hnswlib 0.6 (header-only, not warning-clean).
//
// Its headers define non-inline functions and globals (cpuid, xgetbv, AVXCapable,
// AVX512Capable and the SIMD kernel pointers), so two translation units that include them
// would not link. Each unit defines EMBEX_HNSW_UNIT to a unique identifier before including
// this file, and those names get that unit's prefix.
//
// AddressSanitizer builds use hnswlib's plain code: its SSE prefetches read one id past the end
// of a neighbour list (harmless, only prefetched, but ASan stops there).
#ifndef EMBEX_HNSW_UNIT
#error "define EMBEX_HNSW_UNIT (a unique identifier) before including search/Hnswlib.h"
#endif

#if defined(__SANITIZE_ADDRESS__)
#define EMBEX_HNSW_PLAIN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define EMBEX_HNSW_PLAIN 1
#endif
#endif
#ifdef EMBEX_HNSW_PLAIN
#define NO_MANUAL_VECTORIZATION
#endif
#if defined(__SSE__) && !defined(_MSC_VER)
#include <cpuid.h>
#include <x86intrin.h>
#endif

#define EMBEX_HNSW_CAT2(a, b) a##b
#define EMBEX_HNSW_CAT(a, b) EMBEX_HNSW_CAT2(a, b)
#define cpuid EMBEX_HNSW_CAT(EMBEX_HNSW_UNIT, Cpuid)
#define xgetbv EMBEX_HNSW_CAT(EMBEX_HNSW_UNIT, Xgetbv)
#define AVXCapable EMBEX_HNSW_CAT(EMBEX_HNSW_UNIT, AvxCapable)
#define AVX512Capable EMBEX_HNSW_CAT(EMBEX_HNSW_UNIT, Avx512Capable)
#define InnerProductSIMD16Ext EMBEX_HNSW_CAT(EMBEX_HNSW_UNIT, InnerProductSIMD16Ext)
#define InnerProductSIMD4Ext EMBEX_HNSW_CAT(EMBEX_HNSW_UNIT, InnerProductSIMD4Ext)
#define InnerProductDistanceSIMD16Ext EMBEX_HNSW_CAT(EMBEX_HNSW_UNIT, InnerProductDistanceSIMD16Ext)
#define InnerProductDistanceSIMD4Ext EMBEX_HNSW_CAT(EMBEX_HNSW_UNIT, InnerProductDistanceSIMD4Ext)
#define L2SqrSIMD16Ext EMBEX_HNSW_CAT(EMBEX_HNSW_UNIT, L2SqrSIMD16Ext)

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wsign-conversion"
#pragma GCC diagnostic ignored "-Wold-style-cast"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wdouble-promotion"
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
#pragma GCC diagnostic ignored "-Wnull-dereference"
#pragma GCC diagnostic ignored "-Wunused-variable"
#pragma GCC diagnostic ignored "-Wunused-function"
#include <hnswlib/hnswlib.h>
#pragma GCC diagnostic pop

#undef cpuid
#undef xgetbv
#undef AVXCapable
#undef AVX512Capable
#undef InnerProductSIMD16Ext
#undef InnerProductSIMD4Ext
#undef InnerProductDistanceSIMD16Ext
#undef InnerProductDistanceSIMD4Ext
#undef L2SqrSIMD16Ext
