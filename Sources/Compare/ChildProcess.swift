import CProcess
import Foundation
import StyleLabSupport
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
        /// The runner was asked to stop (SIGINT or SIGTERM, the signal given) and stopped the child.
        case interrupted(Int32)
    }
    public var ending: Ending
    public var wallSeconds: Double
    /// Peak resident memory of the child in MB.
    public var peakRssMb: Double
}

/// The stop signal (SIGINT or SIGTERM) the runner has received, or nil; `catchStopSignals` turns the recording on.
enum StopSignals {
    static func catchThem() { sl_catch_stop_signals() }
    /// Back to the default actions (the recorded signal is kept until the next `catchThem`).
    static func release() { sl_release_stop_signals() }
    static var received: Int32? { let s = sl_stop_signal(); return s == 0 ? nil : s }
}

/// Runs `argv` (argv[0] a path, or a name looked up in PATH) with stdout and stderr sent to files, in its own
/// process group, so that a timeout or a stop signal ends everything it started; the child dies with the runner
/// even when the runner is killed outright. A crash in the child is an outcome, never ours.
func runChild(_ argv: [String], stdout: String, stderr: String, timeout: Double?) throws -> ChildOutcome {
    guard let program = argv.first else { throw CompareError.invalid(flag: "command", detail: "an empty command line") }
    let cArguments = argv.map { strdup($0) } + [nil]
    defer { for p in cArguments { free(p) } }
    let start = Date()
    var pid: pid_t = 0
    let spawned = sl_spawn(cArguments, stdout, stderr, &pid)
    guard spawned == 0 else {
        throw CompareError.invalid(flag: program, detail: "cannot start it: \(String(cString: strerror(spawned)))")
    }

    var status: Int32 = 0, usage = rusage(), sampledKB = 0.0
    var ending: ChildOutcome.Ending? = nil, killedAt: Date? = nil
    while true {
        sampledKB = max(sampledKB, residentHighWaterMarkKB("\(pid)") ?? 0)
        let done = wait4(pid, &status, WNOHANG, &usage)
        if done == pid || (done < 0 && errno != EINTR) { break }
        if ending == nil, let timeout, Date().timeIntervalSince(start) > timeout {
            ending = .timedOut
            kill(-pid, SIGKILL)  // the whole group: a shell's children too
        }
        if ending == nil, let signal = StopSignals.received {
            // Asked to stop: pass the signal on to the child's group, then insist after a grace period.
            ending = .interrupted(signal)
            kill(-pid, SIGTERM)
            killedAt = Date()
        }
        if let killedAt, Date().timeIntervalSince(killedAt) > 2 { kill(-pid, SIGKILL) }
        usleep(Date().timeIntervalSince(start) < 1 ? 5_000 : 20_000)  // finer at first: short runs peak early
    }
    if ending != nil { kill(-pid, SIGKILL) }  // anything the child left behind in its group
    let signal = status & 0x7f, code = (status >> 8) & 0xff  // WTERMSIG, WEXITSTATUS by hand (no Swift macros)
    if ending == nil && (signal == SIGTERM || signal == SIGINT) {
        // A job manager stopping the job (Slurm's scancel, a time limit) signals every process at once: the child
        // may die before the runner sees its own signal. Give that signal a moment to arrive, so that the cell
        // counts as interrupted (to be redone on resume), not as a crash.
        for _ in 0 ..< 50 where StopSignals.received == nil { usleep(20_000) }
        if let stop = StopSignals.received { ending = .interrupted(stop) }
    }
    let wall = Date().timeIntervalSince(start)
    let peak = (sampledKB > 0 ? sampledKB : Double(usage.ru_maxrss)) / 1024
    return ChildOutcome(ending: ending ?? (signal == 0 ? .exited(code) : .signalled(signal)),
                        wallSeconds: wall, peakRssMb: peak)
}
