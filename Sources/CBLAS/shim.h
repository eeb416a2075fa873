#ifndef STYLELAB_CBLAS_SHIM_H
#define STYLELAB_CBLAS_SHIM_H
#include <cblas.h>

/* LAPACK's symmetric eigendecomposition (divide and conquer), which Debian's OpenBLAS carries; cblas.h does not
   declare the LAPACK routines. Column-major; on return a holds the eigenvectors as columns, w the eigenvalues in
   ascending order. */
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w, double *work,
             const int *lwork, int *iwork, const int *liwork, int *info);
#endif
