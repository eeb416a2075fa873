import Imaging

/// Everything a user or a caller can get wrong with optical flow: the frames given, a .flo file, or OpenCV.
///
/// Each message names the frame or the file, says what is wrong and what to do about it.
public enum MotionError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The two frames of a flow differ in size.
    case sizesDiffer(a: Size, b: Size)
    /// A frame with no pixels.
    case emptyFrame
    /// A frame with a side longer than DIS can take (OpenCV's remap stops short of 32 767 pixels).
    case frameTooLarge(Size, maximumSide: Int)
    /// A frame with a channel count other than 1 (grey) or 3 (RGB).
    case unsupportedChannels(Int)
    /// OpenCV failed; its status and its own message.
    case openCV(status: Int, message: String)
    /// A .flo file that does not exist.
    case flowFileNotFound(path: String)
    /// A .flo file that exists but cannot be read (a folder, a device, no permission).
    case flowFileUnreadable(path: String, reason: String)
    /// A .flo file whose bytes are not a Middlebury flow: wrong magic number, bad size, truncated.
    case badFlowFile(path: String, detail: String)
    /// A flow that cannot be written: its planes do not match its size, or its size does not fit the format.
    case invalidFlow(detail: String)

    public var description: String {
        switch self {
        case .sizesDiffer(let a, let b):
            return "frame A is \(a) but frame B is \(b): optical flow needs two frames of one size; "
                + "resize one (stylelab convert --resize \(a))"
        case .emptyFrame:
            return "a frame has zero width or height: optical flow needs pixels"
        case .frameTooLarge(let size, let maximumSide):
            return "a \(size) frame has a side over DIS's limit of \(maximumSide) pixels; "
                + "resize it (stylelab convert --fit \(maximumSide))"
        case .unsupportedChannels(let channels):
            return "a frame has \(channels) channels: optical flow takes grey (1) or RGB (3) frames"
        case .openCV(let status, let message):
            return "OpenCV's DIS optical flow failed (status \(status)): \(message)"
        case .flowFileNotFound(let path):
            return "\(path): no such file; check the path"
        case .flowFileUnreadable(let path, let reason):
            return "\(path): cannot be read (\(reason))"
        case .badFlowFile(let path, let detail):
            return "\(path): not a valid Middlebury .flo file (\(detail)); re-export it"
        case .invalidFlow(let detail):
            return "the flow cannot be written: \(detail)"
        }
    }
}
