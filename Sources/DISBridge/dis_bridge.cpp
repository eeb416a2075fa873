// DIS optical flow through OpenCV's C++ API, with every exception turned into a status and a message.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <mutex>
#include <shared_mutex>
#include <string>

#include "opencv_shim.hpp"
#include "dis_bridge.h"

namespace {

void write_message(char *message, const char *text) {
    if (message) std::snprintf(message, SL_DIS_MESSAGE_BYTES, "%s", text);
}

// OpenCV's thread count is one process-wide setting. A flow runs under a shared lock while the setting is the
// count it asked for; a call that needs another count changes it under the exclusive lock, so no flow ever sees
// the count change half-way.
std::shared_mutex threads_mutex;
int current_threads = -1;  // not yet set by the bridge

template <typename Body> void with_threads(int threads, Body body) {
    for (;;) {
        {
            std::shared_lock<std::shared_mutex> shared(threads_mutex);
            if (current_threads == threads) {
                body();
                return;
            }
        }
        std::unique_lock<std::shared_mutex> exclusive(threads_mutex);
        if (current_threads != threads) {
            cv::setNumThreads(threads);
            cv::ocl::setUseOpenCL(false);  // plain Mats only: the same code path (and results) on every machine
            current_threads = threads;
        }
    }
}

// [0, 1] floats to 8-bit grey, rounding to nearest; NaN and negatives go to 0, values over 1 to 255.
cv::Mat to_grey8(const float *samples, int width, int height) {
    cv::Mat grey(height, width, CV_8UC1);
    for (int y = 0; y < height; ++y) {
        const float *row = samples + static_cast<size_t>(y) * static_cast<size_t>(width);
        unsigned char *out = grey.ptr<unsigned char>(y);
        for (int x = 0; x < width; ++x) {
            float value = row[x];
            out[x] = !(value > 0) ? 0 : value >= 1 ? 255 : static_cast<unsigned char>(value * 255.0f + 0.5f);
        }
    }
    return grey;
}

// A short side grown to SL_DIS_PADDED_SIDE by repeating the last row or column. OpenCV 4.6 picks its pyramid
// depth from the image's width alone when the usual choice fails, and then reads outside its buffers on short,
// wide images (200 x 12 crashes); from 64 pixels on, every aspect ratio takes the usual path.
cv::Mat padded(const cv::Mat &grey) {
    int bottom = std::max(0, SL_DIS_PADDED_SIDE - grey.rows), right = std::max(0, SL_DIS_PADDED_SIDE - grey.cols);
    if (bottom == 0 && right == 0) return grey;
    cv::Mat result;
    cv::copyMakeBorder(grey, result, 0, bottom, 0, right, cv::BORDER_REPLICATE);
    return result;
}

}  // namespace

extern "C" int sl_dis_flow(const float *a, const float *b, int width, int height, int preset, int threads, float *u,
                           float *v, char *message) {
    if (!a || !b || !u || !v) {
        write_message(message, "a null buffer");
        return SL_DIS_BAD_ARGUMENT;
    }
    if (width < 1 || height < 1) {
        write_message(message, "an empty image");
        return SL_DIS_BAD_ARGUMENT;
    }
    if (preset < SL_DIS_ULTRAFAST || preset > SL_DIS_MEDIUM || threads < 1) {
        write_message(message, "an unknown preset or a thread count below 1");
        return SL_DIS_BAD_ARGUMENT;
    }
    int status = SL_DIS_OK;
    try {
        with_threads(threads, [&] {
            cv::Mat grey_a = padded(to_grey8(a, width, height)), grey_b = padded(to_grey8(b, width, height));
            cv::Ptr<cv::DISOpticalFlow> dis = cv::DISOpticalFlow::create(preset);
            cv::Mat flow;
            dis->calc(grey_a, grey_b, flow);
            if (flow.type() != CV_32FC2 || flow.rows != grey_a.rows || flow.cols != grey_a.cols) {
                write_message(message, "DIS returned a flow of another size or type");
                status = SL_DIS_OPENCV_ERROR;
                return;
            }
            // The flow is interleaved (u, v) per pixel; the caller wants two planes.
            for (int y = 0; y < height; ++y) {
                const cv::Vec2f *row = flow.ptr<cv::Vec2f>(y);
                size_t start = static_cast<size_t>(y) * static_cast<size_t>(width);
                for (int x = 0; x < width; ++x) {
                    u[start + x] = row[x][0];
                    v[start + x] = row[x][1];
                }
            }
        });
    } catch (const cv::Exception &error) {
        write_message(message, error.what());
        status = SL_DIS_OPENCV_ERROR;
    } catch (const std::exception &error) {
        write_message(message, error.what());
        status = SL_DIS_OTHER_ERROR;
    } catch (...) {
        write_message(message, "OpenCV threw an unknown exception");
        status = SL_DIS_OTHER_ERROR;
    }
    return status;
}

extern "C" const char *sl_dis_opencv_version(void) {
    static const std::string version = cv::getVersionString();  // the library's, not the headers'
    return version.c_str();
}
