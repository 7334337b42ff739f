#include <lzma.h>

// LZMA_CONCATENATED is a macro Swift cannot import (it uses UINT32_C).
static const uint32_t wheelhouse_lzma_concatenated = LZMA_CONCATENATED;
