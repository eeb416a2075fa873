#ifndef STYLELAB_CJPEG_SHIM_H
#define STYLELAB_CJPEG_SHIM_H
/* jpeglib.h uses size_t and FILE without including their headers. */
#include <stddef.h>
#include <stdio.h>
#include <jpeglib.h>
static inline int stylelab_jpeg_lib_version(void) { return JPEG_LIB_VERSION; }
#endif
