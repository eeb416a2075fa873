import Imaging

/// Everything a user can get wrong with a clip, naming the file or flag and what to do.
public enum VideoError: Error, Equatable, CustomStringConvertible, Sendable {
    case ffmpegMissing
    case ffmpegFailed(path: String, detail: String)
    case noFrames(path: String)
    case frameSizeDiffers(path: String, expected: Size, got: Size)
    case notFound(path: String)

    public var description: String {
        switch self {
        case .ffmpegMissing:
            return "ffmpeg is not installed: `make setup` installs Debian's ffmpeg (or use a folder of PNG frames)"
        case .ffmpegFailed(let path, let detail):
            return "\(path): ffmpeg failed (\(detail)); check that it is a video ffmpeg can read"
        case .noFrames(let path):
            return "\(path): no frames (a folder of numbered .png/.jpg files, or a video file, is needed)"
        case .frameSizeDiffers(let path, let expected, let got):
            return "\(path) is \(got) but the clip's first frame is \(expected): every frame must be one size"
        case .notFound(let path):
            return "\(path): no such file or folder (--frames takes a folder of frames or a video file)"
        }
    }
}
