#ifndef STYLELAB_CPNG_SHIM_H
#define STYLELAB_CPNG_SHIM_H
#include <png.h>
static inline const char *stylelab_png_version(void) { return PNG_LIBPNG_VER_STRING; }
#endif
