// swift-tools-version:6.1
// StyleLab: example-based image stylisation (Image Analogies, Image Quilting, Gatys) on one shared Imaging module.
// Linux only: it links Debian's FLANN, OpenBLAS, libpng, libjpeg and OpenCV and reads /proc. No unsafe flags, so
// that it can be a dependency of other packages; `make build NATIVE=1` tunes a build to the building CPU.
import PackageDescription

/// A system library reached through a module map and a shim header; `make setup` installs the Debian package.
func systemLibrary(_ name: String, apt package: String) -> Target {
    .systemLibrary(name: name, path: "Sources/\(name)", providers: [.apt([package])])
}

let package = Package(
    name: "StyleLab",
    products: [
        .executable(name: "stylelab", targets: ["stylelab"]),
        .executable(name: "stylelab-bench", targets: ["StyleLabBenchmarks"]),
        .library(name: "StyleLab", targets: ["Imaging", "NearestNeighbors", "Analogies", "Quilting", "Neural", "Motion",
                                             "Video", "Compare"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // C bridges: not part of the public API.
        systemLibrary("CFLANN", apt: "libflann-dev"),
        systemLibrary("CBLAS", apt: "libopenblas-dev"),
        systemLibrary("CPNG", apt: "libpng-dev"),
        systemLibrary("CJPEG", apt: "libjpeg-dev"),
        // libpng and libjpeg report errors by longjmp, which Swift cannot catch: the setjmp-guarded calls live here.
        .target(name: "CCodecs", dependencies: ["CPNG", "CJPEG"],
                linkerSettings: [.linkedLibrary("png16"), .linkedLibrary("jpeg")]),

        // Hot loops compiled for AVX-512, AVX2 and the x86-64 baseline, chosen at run time (no build flags needed).
        .target(name: "CKernels"),

        // Child processes that die with the comparison runner, and its stop signals.
        .target(name: "CProcess"),

        // FLANN's C++ templates with seeded build randomness (FLANN's own C API cannot be made reproducible).
        .target(name: "FLANNBridge", dependencies: ["CFLANN"],
                linkerSettings: [.linkedLibrary("lz4"), .linkedLibrary("stdc++")]),

        // OpenCV's DIS optical flow (Debian's libopencv-video-dev), every C++ exception caught. OpenCV's headers
        // include each other from /usr/include/opencv4, which must be a search path; a package may name only paths
        // inside itself (without unsafe flags), so Vendor/opencv4 is a link to that folder.
        .target(name: "DISBridge", cxxSettings: [.headerSearchPath("../../Vendor/opencv4")],
                linkerSettings: [.linkedLibrary("opencv_video"), .linkedLibrary("opencv_imgproc"),
                                 .linkedLibrary("opencv_core"), .linkedLibrary("stdc++")]),

        // Infrastructure shared by the libraries with `package` access: checked arithmetic, memory budgets, file
        // reading limits. Not part of the public API.
        .target(name: "StyleLabSupport", dependencies: ["CProcess"]),

        // The shared module and the search layer.
        .target(name: "Imaging", dependencies: ["CCodecs", "CPNG", "CJPEG", "StyleLabSupport"]),
        .target(name: "NearestNeighbors", dependencies: ["FLANNBridge", "CBLAS", "Imaging", "StyleLabSupport"]),

        // The three algorithms never import each other.
        .target(name: "Analogies", dependencies: ["Imaging", "NearestNeighbors", "StyleLabSupport"]),
        .target(name: "Quilting", dependencies: ["Imaging", "NearestNeighbors", "CBLAS", "CKernels",
                                                "StyleLabSupport"]),
        .target(name: "Neural", dependencies: ["Imaging", "CBLAS", "CKernels", "StyleLabSupport"]),

        // Optical flow, and the frame-by-frame drivers that give each method its temporal terms.
        .target(name: "Motion", dependencies: ["Imaging", "DISBridge", "StyleLabSupport"]),
        .target(name: "Video", dependencies: ["Imaging", "Motion", "Analogies", "Quilting", "Neural",
                                              "StyleLabSupport"]),

        // The one place that knows every method.
        .target(name: "Compare", dependencies: ["Imaging", "NearestNeighbors", "Analogies", "Quilting", "Neural",
                                               "Motion", "Video", "StyleLabSupport", "CProcess"]),

        .target(name: "Teaching", dependencies: ["Imaging", "NearestNeighbors", "Analogies", "Quilting", "Neural",
                                                 "Compare", "StyleLabSupport"]),
        .executableTarget(name: "stylelab", dependencies: [
            "Compare", "Imaging", "NearestNeighbors", "Analogies", "Quilting", "Neural", "CBLAS", "CFLANN",
            "StyleLabSupport", "Teaching", "Motion", "Video",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "StyleLabBenchmarks",
                          dependencies: ["Imaging", "NearestNeighbors", "Quilting", "Analogies", "Neural", "CBLAS",
                                         "Motion", "StyleLabSupport"],
                          path: "Benchmarks"),

        .testTarget(name: "ImagingTests", dependencies: ["Imaging", "StyleLabSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "NearestNeighborsTests", dependencies: ["NearestNeighbors", "Imaging", "StyleLabSupport"]),
        .testTarget(name: "AnalogiesTests", dependencies: ["Analogies", "StyleLabSupport"]),
        .testTarget(name: "QuiltingTests", dependencies: ["Quilting", "CKernels", "StyleLabSupport"]),
        .testTarget(name: "NeuralTests", dependencies: ["Neural", "CKernels", "Imaging", "StyleLabSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "CompareTests", dependencies: ["Compare", "Quilting", "Analogies", "Neural", "Imaging",
                                                        "StyleLabSupport"]),
        .testTarget(name: "TeachingTests", dependencies: ["Teaching", "Imaging", "StyleLabSupport"]),
        .testTarget(name: "MotionTests", dependencies: ["Motion", "Imaging", "StyleLabSupport"]),
        .testTarget(name: "VideoTests", dependencies: ["Video", "Compare", "Motion", "Analogies", "Quilting", "Neural",
                                                      "Imaging"]),
        .testTarget(name: "StyleLabCLITests", dependencies: ["stylelab", "Imaging", "Motion", "StyleLabSupport"]),
    ],
    cxxLanguageStandard: .cxx17
)
