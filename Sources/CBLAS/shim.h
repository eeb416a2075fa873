#ifndef STYLELAB_CBLAS_SHIM_H
#define STYLELAB_CBLAS_SHIM_H
#include <cblas.h>
#endif
