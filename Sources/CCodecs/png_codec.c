/* PNG through libpng's full API: 1/2/4/8/16-bit, grey, grey+alpha, RGB, RGBA, palette, tRNS, Adam7. */
#include "codecs.h"
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <stdio.h>

typedef struct {
    const unsigned char *data;
    size_t size, offset;
    char *message;
} png_reader;

typedef struct {
    sl_buffer buffer;
    size_t capacity;
    int failed;
    char *message;
} png_writer;

static void on_png_error(png_structp png, png_const_charp text) {
    char *message = (char *)png_get_error_ptr(png);
    if (message && message[0] == '\0') snprintf(message, SL_MESSAGE_CAPACITY, "%s", text);
    png_longjmp(png, 1);
}

static void on_png_warning(png_structp png, png_const_charp text) { (void)png; (void)text; }

static void read_from_memory(png_structp png, png_bytep into, png_size_t count) {
    png_reader *reader = (png_reader *)png_get_io_ptr(png);
    if (count > reader->size - reader->offset) png_error(png, "file is truncated");
    memcpy(into, reader->data + reader->offset, count);
    reader->offset += count;
}

static void write_to_memory(png_structp png, png_bytep from, png_size_t count) {
    png_writer *writer = (png_writer *)png_get_io_ptr(png);
    if (writer->buffer.size + count > writer->capacity) {
        size_t capacity = writer->capacity ? writer->capacity : 65536;
        while (capacity < writer->buffer.size + count) capacity *= 2;
        unsigned char *grown = realloc(writer->buffer.bytes, capacity);
        if (!grown) { writer->failed = 1; png_error(png, "out of memory"); }
        writer->buffer.bytes = grown;
        writer->capacity = capacity;
    }
    memcpy(writer->buffer.bytes + writer->buffer.size, from, count);
    writer->buffer.size += count;
}

static void flush_nothing(png_structp png) { (void)png; }

int sl_png_decode(const unsigned char *data, size_t size, long long max_pixels, sl_image *out, char *message) {
    message[0] = '\0';
    memset(out, 0, sizeof *out);
    if (size < 8 || png_sig_cmp(data, 0, 8) != 0) { snprintf(message, SL_MESSAGE_CAPACITY, "not a PNG signature"); return SL_CORRUPT; }

    /* IHDR must come first: check the pixel count from its bytes before libpng reads (or allocates) anything. */
    if (size >= 24 && memcmp(data + 12, "IHDR", 4) == 0) {
        unsigned long long w = ((unsigned long long)data[16] << 24) | (data[17] << 16) | (data[18] << 8) | data[19];
        unsigned long long h = ((unsigned long long)data[20] << 24) | (data[21] << 16) | (data[22] << 8) | data[23];
        out->declared_width = (long long)w; out->declared_height = (long long)h;
        if (w * h > (unsigned long long)max_pixels) {
            snprintf(message, SL_MESSAGE_CAPACITY, "%llu x %llu pixels", w, h);
            return SL_TOO_LARGE;
        }
    }
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, message, on_png_error, on_png_warning);
    if (!png) return SL_NO_MEMORY;
    png_infop info = png_create_info_struct(png);
    if (!info) { png_destroy_read_struct(&png, NULL, NULL); return SL_NO_MEMORY; }

    png_reader reader = { data, size, 0, message };
    /* volatile: these change between setjmp and a possible longjmp. */
    unsigned char *volatile pixels = NULL;
    png_bytep *volatile rows = NULL;
    volatile int status = SL_CORRUPT;
    if (setjmp(png_jmpbuf(png))) {
        free(pixels); free(rows);
        png_destroy_read_struct(&png, &info, NULL);
        return status;
    }
    png_set_read_fn(png, &reader, read_from_memory);
    /* Our own limit replaces libpng's default one (1,000,000 × 1,000,000). */
    png_set_user_limits(png, 0x7fffffff, 0x7fffffff);
    png_read_info(png, info);

    png_uint_32 width = png_get_image_width(png, info), height = png_get_image_height(png, info);
    int color_type = png_get_color_type(png, info), depth = png_get_bit_depth(png, info);
    out->declared_width = width; out->declared_height = height;
    if ((long long)width * (long long)height > max_pixels) {
        status = SL_TOO_LARGE;
        snprintf(message, SL_MESSAGE_CAPACITY, "%u x %u pixels", (unsigned)width, (unsigned)height);
        png_longjmp(png, 1);
    }
    /* Expand everything to 8 or 16 bits per sample, keep alpha as a channel, 16-bit in native byte order. */
    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color_type == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    if (depth == 16) { const unsigned short one = 1; if (*(const unsigned char *)&one == 1) png_set_swap(png); }
    int passes = png_set_interlace_handling(png);
    png_read_update_info(png, info);

    int channels = png_get_channels(png, info), out_depth = png_get_bit_depth(png, info);
    size_t row_bytes = png_get_rowbytes(png, info);
    if (height == 0 || row_bytes == 0 || row_bytes > SIZE_MAX / height / 2) {
        status = height == 0 || row_bytes == 0 ? SL_CORRUPT : SL_TOO_LARGE;
        snprintf(message, SL_MESSAGE_CAPACITY, "%u x %u pixels", (unsigned)width, (unsigned)height);
        png_longjmp(png, 1);
    }
    pixels = malloc(row_bytes * height);
    rows = malloc(sizeof(png_bytep) * height);
    if (!pixels || !rows) { status = SL_NO_MEMORY; snprintf(message, SL_MESSAGE_CAPACITY, "out of memory"); png_longjmp(png, 1); }
    for (png_uint_32 y = 0; y < height; y++) rows[y] = pixels + y * row_bytes;
    png_read_image(png, rows);
    png_read_end(png, NULL);

    out->width = (int)width; out->height = (int)height;
    out->channels = channels; out->bit_depth = out_depth;
    out->interlaced = passes > 1; out->source_kind = color_type;
    out->pixels = pixels;
    free(rows);
    png_destroy_read_struct(&png, &info, NULL);
    return SL_OK;
}

int sl_png_encode(const unsigned char *pixels, int width, int height, int channels, int bit_depth,
                  int compression_level, sl_buffer *out, char *message) {
    static const int color_types[] = { 0, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA, PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGBA };
    message[0] = '\0';
    out->bytes = NULL; out->size = 0;
    if (channels < 1 || channels > 4 || (bit_depth != 8 && bit_depth != 16) || width <= 0 || height <= 0) {
        snprintf(message, SL_MESSAGE_CAPACITY, "cannot write %d channels at %d bits", channels, bit_depth);
        return SL_UNSUPPORTED;
    }
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, message, on_png_error, on_png_warning);
    if (!png) return SL_NO_MEMORY;
    png_infop info = png_create_info_struct(png);
    if (!info) { png_destroy_write_struct(&png, NULL); return SL_NO_MEMORY; }

    png_writer writer = { { NULL, 0 }, 0, 0, message };
    if (setjmp(png_jmpbuf(png))) {
        free(writer.buffer.bytes);
        png_destroy_write_struct(&png, &info);
        return writer.failed ? SL_NO_MEMORY : SL_CORRUPT;
    }
    png_set_write_fn(png, &writer, write_to_memory, flush_nothing);
    png_set_compression_level(png, compression_level);
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, bit_depth, color_types[channels],
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    if (bit_depth == 16) { const unsigned short one = 1; if (*(const unsigned char *)&one == 1) png_set_swap(png); }
    size_t row_bytes = (size_t)width * channels * (bit_depth / 8);
    for (int y = 0; y < height; y++) png_write_row(png, pixels + (size_t)y * row_bytes);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    *out = writer.buffer;
    return SL_OK;
}

const char *sl_png_version(void) { return PNG_LIBPNG_VER_STRING; }

void sl_free(void *pointer) { free(pointer); }
