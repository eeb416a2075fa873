import Foundation

/// The peak resident memory (VmHWM) of a process, in kB: "self", or a pid; nil when /proc cannot tell (the
/// process is gone, or a zombie).
///
/// Not getrusage's ru_maxrss: Linux carries the high-water mark of the address space a process had before exec
/// into it, so a child forked from a large runner would report the runner's memory.
package func residentHighWaterMarkKB(_ process: String = "self") -> Double? {
    guard let status = try? String(contentsOfFile: "/proc/\(process)/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
    return Double(line.split(separator: " ").dropFirst().first ?? "")
}
