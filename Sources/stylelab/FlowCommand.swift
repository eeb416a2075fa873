import ArgumentParser
import Foundation
import Imaging
import Motion

struct FlowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flow",
        abstract: "Dense optical flow from A to B (DIS, Kroeger et al. 2016), written as a Middlebury .flo file.",
        discussion: """
        The flow w carries A onto B: A(x) ≈ B(x + w(x)), in pixels, x to the right and y down. Colour frames are \
        compared by their luminance. --visualize writes the Middlebury colour coding: hue is the direction (right \
        is red, left cyan-blue), saturation the magnitude (white is still).
        """)

    @Argument(help: "Frame A (PNG or JPEG), where the flow starts.") var a: String
    @Argument(help: "Frame B, of A's size, where it ends.") var b: String
    @Option(name: .shortAndLong, help: "Output flow (.flo).") var output: String
    @Option(help: "Write the flow's colour coding here (.png or .jpg).") var visualize: String?
    @Option(help: ArgumentHelp("The magnitude, in pixels, drawn fully saturated by --visualize "
                               + "(default: the flow's largest)."))
    var maxMagnitude: Float?
    @Option(help: ArgumentHelp("DIS preset: " + FlowPreset.allCases.map(\.rawValue).joined(separator: ", ")
                               + " (default: medium, the most accurate)."))
    var preset: String?
    @Option(help: "Write the forward–backward reliability mask (white: reliable; Ruder et al. 2016) here.")
    var reliability: String?
    @Option(help: "The true flow (.flo, e.g. from `stylelab video synthetic`): print the mean end-point error.")
    var truth: String?
    @Flag(help: "Print nothing but errors.") var quiet = false
    @OptionGroup var inputOptions: InputOptions

    func validate() throws {
        if let preset, FlowPreset(rawValue: preset) == nil {
            let names = FlowPreset.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("--preset must be one of \(names); got \(preset)")
        }
        if let maxMagnitude, !(maxMagnitude.isFinite && maxMagnitude > 0) {
            throw ValidationError("--max-magnitude must be a positive number of pixels, got \(maxMagnitude)")
        }
        guard output.lowercased().hasSuffix(".flo") else {
            throw ValidationError("-o/--output must name a .flo file, got \(output)")
        }
    }

    func run() throws {
        try reportingErrors {
            try refuseOverwritingInputs([a, b] + [truth].compactMap { $0 }, with: [output, visualize, reliability])
            if let visualize { try refuseOverwritingInput(input: output, output: visualize) }
            let frameA = try Image(contentsOf: a, limits: inputOptions.limits)
            let frameB = try Image(contentsOf: b, limits: inputOptions.limits)
            guard frameA.size == frameB.size else {
                throw ParameterError(name: "B", value: b, expected: "a frame of A's size \(frameA.size) (\(a)), "
                                     + "not \(frameB.size); resize one with stylelab convert --resize")
            }
            let channels = max(frameA.channels, frameB.channels)
            try inputOptions.checkMemory(FlowMemory.opticalFlow(frameA.size, channels: channels), task: "flow",
                                         driver: "two \(frameA.size) frames",
                                         hint: "resize the frames (stylelab convert --fit)")
            let start = DispatchTime.now().uptimeNanoseconds
            let flow = try preset.flatMap(FlowPreset.init(rawValue:)).map {
                try opticalFlow(from: frameA, to: frameB, preset: $0)
            } ?? opticalFlow(from: frameA, to: frameB)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            try FlowFile.write(flow, to: output)
            if let visualize { try flowColourImage(flow, maxMagnitude: maxMagnitude).write(to: visualize) }
            if let reliability {
                let chosen = preset.flatMap(FlowPreset.init(rawValue:)) ?? .medium
                let backward = try opticalFlow(from: frameB, to: frameA, preset: chosen)
                try flowReliability(forward: flow, backward: backward).write(to: reliability)
            }
            if let truth {
                let expected = try FlowFile.read(truth)
                guard expected.size == flow.size else {
                    throw ParameterError(name: "--truth", value: truth,
                                         expected: "a flow of the frames' size \(flow.size)")
                }
                print(String(format: "end-point error %.4f px (mean over all pixels)", endPointError(flow, expected)))
            }
            if !quiet {
                let largest = flow.magnitude.samples.max() ?? 0
                print(String(format: "wrote %@ (%dx%d, %@ preset, mean |w| %.3f px, largest %.3f px, %.3f s)",
                             output, flow.width, flow.height, preset ?? "medium", flow.meanMagnitude,
                             Double(largest), seconds))
            }
        }
    }
}
