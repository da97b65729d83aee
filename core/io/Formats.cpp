#include "io/Readers.h"
// Placeholder: implemented in a following commit.
