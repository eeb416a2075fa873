import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How a child process ended, with what it cost: wall time and peak memory.
///
/// Peak memory is the child's VmHWM (from /proc, sampled while it runs), not its rusage: Linux carries the
/// high-water mark of the address space a process had before `exec` into its ru_maxrss, and a spawned child
/// starts in the runner's address space, so ru_maxrss reported the runner's own peak (510 MB for a quilting run
/// of 190 MB). The rusage value remains the fallback for a child too quick to be sampled.
public struct ChildOutcome: Sendable {
    public enum Ending: Sendable, Equatable {
        case exited(Int32)
        case signalled(Int32)
        case timedOut
    }
    public var ending: Ending
    public var wallSeconds: Double
    /// Peak resident memory of the child in MB.
    public var peakRssMb: Double
}

/// Runs `argv` (argv[0] a path, or a name looked up in PATH) with stdout and stderr sent to files, in its own
/// process group so that a timeout stops everything it started. A crash in the child is an outcome, never ours.
func runChild(_ argv: [String], stdout: String, stderr: String, timeout: Double?) throws -> ChildOutcome {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
    posix_spawnattr_setpgroup(&attributes, 0)

    let cArguments = argv.map { strdup($0) } + [nil]
    defer { for p in cArguments { free(p) } }
    let start = Date()
    var pid: pid_t = 0
    let spawned = posix_spawnp(&pid, argv[0], &actions, &attributes, cArguments, environ)
    guard spawned == 0 else { throw CompareError.invalid(flag: argv[0], detail: "cannot start it: \(String(cString: strerror(spawned)))") }

    var status: Int32 = 0, usage = rusage(), timedOut = false, sampledKB = 0.0
    while true {
        sampledKB = max(sampledKB, highWaterMarkKB(pid))
        let done = wait4(pid, &status, WNOHANG, &usage)
        if done == pid { break }
        if done < 0 && errno != EINTR { break }
        if let timeout, !timedOut, Date().timeIntervalSince(start) > timeout {
            kill(-pid, SIGKILL)  // the whole group: a shell's children too
            timedOut = true
        }
        usleep(Date().timeIntervalSince(start) < 1 ? 5_000 : 20_000)  // finer at first: short runs peak early
    }
    let wall = Date().timeIntervalSince(start)
    let peak = (sampledKB > 0 ? sampledKB : Double(usage.ru_maxrss)) / 1024
    // WIFEXITED / WTERMSIG by hand: Swift does not import the macros.
    let signal = status & 0x7f, code = (status >> 8) & 0xff
    let ending: ChildOutcome.Ending = timedOut ? .timedOut : signal == 0 ? .exited(code) : .signalled(signal)
    return ChildOutcome(ending: ending, wallSeconds: wall, peakRssMb: peak)
}

/// VmHWM of a running process in kB (0 when it cannot be read: gone, or a zombie).
private func highWaterMarkKB(_ pid: pid_t) -> Double {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return 0 }
    return Double(line.split(separator: " ").dropFirst().first ?? "") ?? 0
}
