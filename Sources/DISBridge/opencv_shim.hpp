// The OpenCV headers the bridge uses. Debian installs them under /usr/include/opencv4, and they include each
// other as "opencv2/…", so that folder must be a search path: Package.swift names the package's own link to it,
// Vendor/opencv4 (a search path outside the package would need unsafe flags).
#pragma once
#include <opencv2/core.hpp>
#include <opencv2/core/ocl.hpp>
#include <opencv2/core/utility.hpp>
#include <opencv2/video/tracking.hpp>
