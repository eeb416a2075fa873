#ifndef STYLELAB_CFLANN_SHIM_H
#define STYLELAB_CFLANN_SHIM_H
#include <flann/flann.h>
#include <flann/config.h>

/* Swift 6 refuses to read the mutable C global DEFAULT_FLANN_PARAMETERS; hand out a copy instead. */
static inline struct FLANNParameters stylelab_flann_default_parameters(void) { return DEFAULT_FLANN_PARAMETERS; }
static inline const char *stylelab_flann_version(void) { return FLANN_VERSION_; }
#endif
