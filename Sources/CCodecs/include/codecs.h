#ifndef STYLELAB_CODECS_H
#define STYLELAB_CODECS_H
/*
 * PNG and JPEG decoding and encoding behind setjmp guards.
 *
 * libpng and libjpeg report a fatal error by longjmp, and Swift cannot catch one: every call into those libraries
 * happens inside the functions below, which turn the error into a status code and a message. They hold no global
 * state and are safe to call from several threads at once.
 */
#include <stddef.h>

enum sl_status {
    SL_OK = 0,
    SL_CORRUPT = 1,    /* the bytes are not a valid image (message says why) */
    SL_TOO_LARGE = 2,  /* the header asks for more pixels than max_pixels; nothing was allocated */
    SL_NO_MEMORY = 3,
    SL_UNSUPPORTED = 4 /* a valid file in a layout we do not read or write */
};

/* A decoded image: rows top to bottom, channels interleaved, 16-bit samples in native byte order. */
typedef struct {
    int width, height;
    int channels;      /* 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA */
    int bit_depth;     /* 8 or 16 */
    int interlaced;    /* PNG Adam7, or progressive JPEG */
    int source_kind;   /* PNG colour type, or the JPEG colour space (J_COLOR_SPACE) as stored in the file */
    unsigned char *pixels;  /* malloc'ed; release with sl_free */
    /* The size the header declares, set whenever the header was read (also for SL_TOO_LARGE). */
    long long declared_width, declared_height;
} sl_image;

/* Progressive JPEGs with more scans than this are refused (a few hundred bytes can otherwise ask for thousands of
 * full passes over the image); libjpeg-turbo's TurboJPEG API uses the same limit for TJFLAG_LIMITSCANS. */
enum { SL_JPEG_MAX_SCANS = 500 };

/* Encoded bytes; release with sl_free. */
typedef struct {
    unsigned char *bytes;
    size_t size;
} sl_buffer;

enum { SL_MESSAGE_CAPACITY = 200 };

int sl_png_decode(const unsigned char *data, size_t size, long long max_pixels, sl_image *out, char *message);
int sl_png_encode(const unsigned char *pixels, int width, int height, int channels, int bit_depth,
                  int compression_level, sl_buffer *out, char *message);

int sl_jpeg_decode(const unsigned char *data, size_t size, long long max_pixels, sl_image *out, char *message);
/* channels: 1 grey, 3 RGB, or 4 Adobe (inverted) CMYK, stored as YCCK when ycck is non-zero. */
int sl_jpeg_encode(const unsigned char *pixels, int width, int height, int channels, int quality, int progressive,
                   int ycck, sl_buffer *out, char *message);

void sl_free(void *pointer);

const char *sl_png_version(void);
const char *sl_jpeg_version(void);
#endif
