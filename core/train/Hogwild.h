#pragma once
// Internal to core/train: the marker of the deliberate lock-free updates (Hogwild, Recht et al.
// 2011). Functions marked EMBEX_HOGWILD read and write rows shared by all training threads
// without locks, as word2vec.c, glove.c and gensim do; a lost update is rare and harmless to SGD.
// They are the only deliberate data races in the trainers, and the marker turns
// ThreadSanitizer's instrumentation off in them and only there.
#if defined(__SANITIZE_THREAD__)
#define EMBEX_HOGWILD __attribute__((no_sanitize("thread")))
#else
#define EMBEX_HOGWILD
#endif
