#pragma once
// Internal to core/contextual: the shared UTF-8 helpers (decodeUtf8, encodeUtf8, isValidUtf8).
#include "io/ReaderSupport.h"
#include "util/Utf8.h"
