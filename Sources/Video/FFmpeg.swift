import Foundation

/// Debian's ffmpeg and ffprobe, run as child processes: decoding and encoding stay outside this process, so a
/// hostile video can crash ffmpeg but never StyleLab.
enum FFmpeg {
    /// The program's path on PATH, or nil.
    static func locate(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs `name arguments`; returns stdout, or throws with the last line of stderr naming `subject`.
    @discardableResult
    static func run(_ name: String, _ arguments: [String], subject: String) throws -> String {
        guard let program = locate(name) else { throw VideoError.ffmpegMissing }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { throw VideoError.ffmpegMissing }
        // Drain both pipes while the child runs, so neither fills and blocks it.
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let lines = String(decoding: errData, as: UTF8.self).split(separator: "\n")
            throw VideoError.ffmpegFailed(path: subject, detail: lines.last.map(String.init)
                                          ?? "exit status \(process.terminationStatus)")
        }
        return String(decoding: outData, as: UTF8.self)
    }

    /// The video stream's frame rate, or nil when ffprobe cannot tell.
    static func frameRate(of path: String) -> Double? {
        let text = try? run("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries",
                                        "stream=avg_frame_rate", "-of", "csv=p=0", path], subject: path)
        let parts = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "/")
        guard let numerator = parts.first.flatMap({ Double($0) }) else { return nil }
        let denominator = parts.count > 1 ? Double(parts[1]) ?? 1 : 1
        let rate = numerator / denominator
        return rate.isFinite && rate > 0 && rate <= 1000 ? rate : nil
    }
}
