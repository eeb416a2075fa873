import Foundation
import DISBridge
import Imaging
import StyleLabSupport

/// Dense optical flow from `a` to `b` by Dense Inverse Search (Kroeger et al. 2016, "Fast Optical Flow using
/// Dense Inverse Search", ECCV), OpenCV's implementation.
///
/// The result follows the module's convention: a(x) ≈ b(x + w(x)), on a's pixel grid. Colour frames are reduced
/// to their luminance (`Image.luminance()`, Y of YIQ) and both are rounded to 8 bits, as DIS works on 8-bit grey;
/// alpha is ignored. Frames with a side under 64 pixels are padded by repeating their last row or column (OpenCV
/// 4.6 crashes on short, wide frames) and the flow is cut back. OpenCV runs on one thread, so the flow is the
/// same on every run; several flows may run at once on different threads.
///
/// - Parameters:
///   - preset: DIS's speed–accuracy setting; `medium` (the default) is the most accurate of the three (mean
///     end-point error 0.05–0.09 px on small known motions of the embedded photos, against 0.19–0.25 for
///     `ultrafast`) at about 4–6 times its time.
/// - Throws: `MotionError.sizesDiffer` for frames of two sizes, `.emptyFrame`, `.frameTooLarge` (a side of
///   32 767 pixels or more), `.unsupportedChannels` (other than 1 or 3), `.openCV` if OpenCV itself fails.
/// - Complexity: O(width × height); with `medium`, about 10 ms per 256² pair and 45 ms per 512² pair on one core
///   of a 2-core AMD EPYC (`stylelab-bench motion`).
public func opticalFlow(from a: Image, to b: Image, preset: FlowPreset = .medium) throws -> FlowField {
    try disFlow(from: a, to: b, preset: preset, threads: 1)
}

/// The longest side DIS takes: OpenCV's `remap`, used by its variational refinement, needs sides below SHRT_MAX.
let disMaximumSide = Int(Int16.max) - 1

/// `opticalFlow` on `threads` OpenCV threads (DIS's result does not depend on the count in OpenCV 4.6, but the
/// public entry point keeps to one so that it never has to).
package func disFlow(from a: Image, to b: Image, preset: FlowPreset, threads: Int) throws -> FlowField {
    guard a.size == b.size else { throw MotionError.sizesDiffer(a: a.size, b: b.size) }
    guard !a.isEmpty else { throw MotionError.emptyFrame }
    guard a.width <= disMaximumSide && a.height <= disMaximumSide else {
        throw MotionError.frameTooLarge(a.size, maximumSide: disMaximumSide)
    }
    for channels in [a.channels, b.channels] where channels != 1 && channels != 3 {
        throw MotionError.unsupportedChannels(channels)
    }
    guard threads >= 1 else { throw ParameterError(name: "threads", value: "\(threads)", expected: "1 or more") }
    let greyA = a.luminance(), greyB = b.luminance()
    var flow = FlowField(width: a.width, height: a.height)
    var message = [CChar](repeating: 0, count: Int(SL_DIS_MESSAGE_BYTES))
    let status = greyA.samples.withUnsafeBufferPointer { pa in
        greyB.samples.withUnsafeBufferPointer { pb in
            flow.u.withUnsafeMutableBufferPointer { pu in
                flow.v.withUnsafeMutableBufferPointer { pv in
                    // Sound: each buffer holds width × height floats (one plane each), the count the bridge reads
                    // or writes, and the sides fit in Int32 (checked above).
                    sl_dis_flow(pa.baseAddress, pb.baseAddress, Int32(a.width), Int32(a.height),
                                preset.disPreset, Int32(clamping: threads), pu.baseAddress, pv.baseAddress,
                                &message)
                }
            }
        }
    }
    guard status == Int32(SL_DIS_OK.rawValue) else {
        let text = String(cMessage: message).trimmingCharacters(in: .whitespacesAndNewlines)
        throw MotionError.openCV(status: Int(status), message: text)
    }
    return flow
}

/// The OpenCV library's version, e.g. "4.6.0" (for `stylelab info` and run summaries).
package var openCVVersion: String { String(cString: sl_dis_opencv_version()) }

extension FlowPreset {
    /// cv::DISOpticalFlow::PRESET_*.
    var disPreset: Int32 {
        switch self {
        case .ultrafast: return Int32(SL_DIS_ULTRAFAST.rawValue)
        case .fast: return Int32(SL_DIS_FAST.rawValue)
        case .medium: return Int32(SL_DIS_MEDIUM.rawValue)
        }
    }
}

/// Memory estimates, for `--max-memory` checks before anything large is allocated.
package enum FlowMemory {
    /// Bytes to compute the flow between two frames of `size` with `channels` channels and write it: the frames,
    /// their luminance and 8-bit copies, DIS's pyramids, gradients and refinement buffers (about 48 bytes a
    /// pixel, measured on OpenCV 4.6), the flow, and its colour coding.
    package static func opticalFlow(_ size: Size, channels: Int) -> Int {
        let perPixel = 2 * 4 * max(channels, 1) + 2 * 4 + 2 + 48 + 8 + 12
        return Checked.product([size.width, size.height, perPixel]) ?? Int.max
    }
}
