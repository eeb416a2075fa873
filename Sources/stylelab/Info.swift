import ArgumentParser
import Imaging
import Motion
import NearestNeighbors
import StyleLabSupport

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the versions of the linked libraries and how OpenBLAS is threaded.")

    func run() throws {
        print("""
        stylelab   \(StyleLabVersion.string)
        FLANN      \(SearchLibraries.flannVersion) (kd-tree and k-means builds seeded by StyleLab)
        OpenBLAS   \(BLASLibrary.configuration)
                   core \(BLASLibrary.coreName), \(BLASLibrary.threads) threads on \(BLASLibrary.processors) processors
        libpng     \(ImagingLibraries.pngVersion)
        libjpeg    \(ImagingLibraries.jpegVersion)
        OpenCV     \(openCVVersion) (DIS optical flow, on one thread)
        threads    \(Parallel.defaultThreads) for StyleLab's own parallel loops
        """)
    }
}
