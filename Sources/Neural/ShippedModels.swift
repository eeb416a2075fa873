import Foundation

/// Where the networks StyleLab ships are looked for when no folder is given: `models/` in the current folder, else
/// the `models/` of the checkout the running program was built in (found by walking up from the executable, which
/// lives in its `.build/…/release`).
public func shippedModelsFolder() -> String {
    let here = "models"
    if FileManager.default.fileExists(atPath: here + "/README.md") { return here }
    let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        ?? CommandLine.arguments.first ?? ""
    var folder = (executable as NSString).deletingLastPathComponent
    for _ in 0 ..< 5 where !folder.isEmpty && folder != "/" {
        folder = (folder as NSString).deletingLastPathComponent
        let candidate = (folder as NSString).appendingPathComponent("models")
        if FileManager.default.fileExists(atPath: candidate + "/README.md") { return candidate }
    }
    return here
}
