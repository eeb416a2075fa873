/* JPEG through libjpeg(-turbo): baseline and progressive; grey, RGB, and CMYK/YCCK (converted to RGB) on read. */
#include "codecs.h"
#include <stdio.h>
#include <jpeglib.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)

typedef struct {
    struct jpeg_error_mgr base;  /* must come first: libjpeg hands us a pointer to it */
    jmp_buf escape;
    char *message;
    int corrupt_data_warnings;
} guarded_errors;

static void on_jpeg_error(j_common_ptr cinfo) {
    guarded_errors *errors = (guarded_errors *)cinfo->err;
    char text[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, text);
    snprintf(errors->message, SL_MESSAGE_CAPACITY, "%s", text);
    longjmp(errors->escape, 1);
}

/* Warnings (level -1) are corrupt-data reports such as a premature end of file: refuse at the first one (do not
 * guess, and do not spend time decoding the rest of a damaged file); print nothing. */
static void on_jpeg_message(j_common_ptr cinfo, int level) {
    guarded_errors *errors = (guarded_errors *)cinfo->err;
    if (level != -1) return;
    errors->corrupt_data_warnings++;
    char text[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, text);
    snprintf(errors->message, SL_MESSAGE_CAPACITY, "%s", text);
    longjmp(errors->escape, 1);
}

/* Called by libjpeg as it works; stops a progressive file with more scans than SL_JPEG_MAX_SCANS. */
static void limit_scans(j_common_ptr cinfo) {
    if (!cinfo->is_decompressor) return;
    j_decompress_ptr d = (j_decompress_ptr)cinfo;
    if (d->input_scan_number > SL_JPEG_MAX_SCANS) {
        guarded_errors *errors = (guarded_errors *)cinfo->err;
        snprintf(errors->message, SL_MESSAGE_CAPACITY, "more than %d progressive scans", SL_JPEG_MAX_SCANS);
        longjmp(errors->escape, 1);
    }
}

static guarded_errors *install_errors(guarded_errors *errors, char *message) {
    jpeg_std_error(&errors->base);
    errors->base.error_exit = on_jpeg_error;
    errors->base.emit_message = on_jpeg_message;
    errors->message = message;
    errors->corrupt_data_warnings = 0;
    message[0] = '\0';
    return errors;
}

/* Adobe writes CMYK inverted (0 = full ink); plain CMYK stores ink amounts. Either way RGB = (1-C)(1-K) etc. */
static void cmyk_to_rgb(unsigned char *pixels, size_t count, int adobe_inverted) {
    for (size_t i = 0; i < count; i++) {
        const unsigned char *cmyk = pixels + 4 * i;
        unsigned char *rgb = pixels + 3 * i;
        int c = cmyk[0], m = cmyk[1], y = cmyk[2], k = cmyk[3];
        if (!adobe_inverted) { c = 255 - c; m = 255 - m; y = 255 - y; k = 255 - k; }
        rgb[0] = (unsigned char)((c * k + 127) / 255);
        rgb[1] = (unsigned char)((m * k + 127) / 255);
        rgb[2] = (unsigned char)((y * k + 127) / 255);
    }
}

int sl_jpeg_decode(const unsigned char *data, size_t size, long long max_pixels, sl_image *out, char *message) {
    struct jpeg_decompress_struct cinfo;
    guarded_errors errors;
    struct jpeg_progress_mgr progress = { limit_scans, 0, 0, 0, 0 };
    unsigned char *volatile pixels = NULL;
    volatile int status = SL_CORRUPT;
    memset(out, 0, sizeof *out);
    cinfo.err = &install_errors(&errors, message)->base;
    if (setjmp(errors.escape)) {
        free(pixels);
        jpeg_destroy_decompress(&cinfo);
        return status;
    }
    jpeg_create_decompress(&cinfo);
    cinfo.progress = &progress;
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);
    out->declared_width = cinfo.image_width; out->declared_height = cinfo.image_height;
    if ((long long)cinfo.image_width * (long long)cinfo.image_height > max_pixels) {
        status = SL_TOO_LARGE;
        snprintf(message, SL_MESSAGE_CAPACITY, "%u x %u pixels", cinfo.image_width, cinfo.image_height);
        longjmp(errors.escape, 1);
    }
    int stored = cinfo.jpeg_color_space;
    int is_cmyk = stored == JCS_CMYK || stored == JCS_YCCK;
    if (is_cmyk) cinfo.out_color_space = JCS_CMYK;
    else if (stored != JCS_GRAYSCALE) cinfo.out_color_space = JCS_RGB;
    jpeg_start_decompress(&cinfo);
    int progressive = jpeg_has_multiple_scans(&cinfo);

    size_t row_bytes = (size_t)cinfo.output_width * cinfo.output_components;
    pixels = malloc(row_bytes * cinfo.output_height);
    if (!pixels) { status = SL_NO_MEMORY; snprintf(message, SL_MESSAGE_CAPACITY, "out of memory"); longjmp(errors.escape, 1); }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = pixels + (size_t)cinfo.output_scanline * row_bytes;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_decompress(&cinfo);

    out->width = (int)cinfo.output_width; out->height = (int)cinfo.output_height;
    out->bit_depth = 8;
    out->interlaced = progressive;
    out->source_kind = stored;
    if (is_cmyk) { cmyk_to_rgb(pixels, (size_t)out->width * out->height, cinfo.saw_Adobe_marker); out->channels = 3; }
    else out->channels = cinfo.output_components;
    out->pixels = pixels;
    jpeg_destroy_decompress(&cinfo);
    return SL_OK;
}

int sl_jpeg_encode(const unsigned char *pixels, int width, int height, int channels, int quality, int progressive,
                   int ycck, sl_buffer *out, char *message) {
    struct jpeg_compress_struct cinfo;
    guarded_errors errors;
    unsigned char *bytes = NULL;
    unsigned long size = 0;
    out->bytes = NULL; out->size = 0;
    if ((channels != 1 && channels != 3 && channels != 4) || width <= 0 || height <= 0) {
        snprintf(message, SL_MESSAGE_CAPACITY, "JPEG holds grey, RGB or CMYK, not %d channels", channels);
        return SL_UNSUPPORTED;
    }
    cinfo.err = &install_errors(&errors, message)->base;
    if (setjmp(errors.escape)) {
        jpeg_destroy_compress(&cinfo);
        free(bytes);
        return SL_CORRUPT;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, &bytes, &size);
    cinfo.image_width = (JDIMENSION)width; cinfo.image_height = (JDIMENSION)height;
    cinfo.input_components = channels;
    cinfo.in_color_space = channels == 1 ? JCS_GRAYSCALE : channels == 3 ? JCS_RGB : JCS_CMYK;
    jpeg_set_defaults(&cinfo);
    /* Four channels are Adobe-style (inverted) CMYK, stored as CMYK or, when asked, as YCCK. */
    if (channels == 4 && ycck) jpeg_set_colorspace(&cinfo, JCS_YCCK);
    jpeg_set_quality(&cinfo, quality, TRUE);
    if (progressive) jpeg_simple_progression(&cinfo);
    jpeg_start_compress(&cinfo, TRUE);
    size_t row_bytes = (size_t)width * channels;
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)cinfo.next_scanline * row_bytes);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    out->bytes = bytes; out->size = size;
    return SL_OK;
}

const char *sl_jpeg_version(void) {
#ifdef LIBJPEG_TURBO_VERSION
    return "libjpeg-turbo " STRINGIFY(LIBJPEG_TURBO_VERSION) " (API " STRINGIFY(JPEG_LIB_VERSION) ")";
#else
    return "libjpeg API " STRINGIFY(JPEG_LIB_VERSION);
#endif
}
