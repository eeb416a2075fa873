#ifndef STYLELAB_DIS_BRIDGE_H
#define STYLELAB_DIS_BRIDGE_H
/*
 * OpenCV's DIS optical flow (Kroeger et al. 2016, "Fast Optical Flow using Dense Inverse Search") behind a C
 * API that Swift can call: plain float buffers in, plain float buffers out, every C++ exception caught.
 *
 * Convention: the flow (u, v) from image a to image b, so that a(x, y) ≈ b(x + u, y + v). Images are one
 * channel, row-major, width × height floats nominally in [0, 1]; DIS works on 8-bit grey, so they are rounded
 * to 0–255 (NaN and values below 0 become 0, values above 1 become 255).
 *
 * Threads: OpenCV's parallel loops use `threads` workers (a process-wide OpenCV setting, changed only when it
 * differs from the last call's). With threads = 1 the result is the same on every run and every machine with
 * this OpenCV build. Calls may come from several threads at once.
 */
#ifdef __cplusplus
extern "C" {
#endif

/* DISOpticalFlow's presets (the values of cv::DISOpticalFlow::PRESET_*). */
enum sl_dis_preset { SL_DIS_ULTRAFAST = 0, SL_DIS_FAST = 1, SL_DIS_MEDIUM = 2 };

/* What sl_dis_flow returns. */
enum sl_dis_status {
    SL_DIS_OK = 0,
    SL_DIS_BAD_ARGUMENT = 1,    /* a null buffer, a width or height below 1, an unknown preset, threads < 1 */
    SL_DIS_OPENCV_ERROR = 2,    /* cv::Exception; message holds OpenCV's text */
    SL_DIS_OTHER_ERROR = 3      /* std::exception (std::bad_alloc, say) or anything else thrown */
};

/* Bytes of the message buffer the caller passes; messages are cut to fit and always NUL-terminated. */
#define SL_DIS_MESSAGE_BYTES 256

/* A side shorter than this is padded to it (the last row or column repeated) before DIS runs, and the flow cut
 * back to the image: OpenCV 4.6's DIS refuses images under 12 pixels and crashes on short, wide ones. */
#define SL_DIS_PADDED_SIDE 64

/* Dense flow from a to b: u and v receive width × height floats each (row-major). On failure, returns a status
 * other than SL_DIS_OK, leaves u and v unspecified and fills message. */
int sl_dis_flow(const float *a, const float *b, int width, int height, int preset, int threads, float *u, float *v,
                char *message);

/* OpenCV's version string, e.g. "4.6.0". */
const char *sl_dis_opencv_version(void);

#ifdef __cplusplus
}
#endif
#endif
