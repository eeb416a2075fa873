import Foundation
import Imaging
import Testing

/// A command method that records its shell's pid in its cell folder, sleeps, then copies its content.
private func sleeper(_ id: String, seconds: Double) -> [String: Any] {
    ["id": id, "kind": "command",
     "args": ["/bin/sh", "-c", "echo $$ > \"$3/pid\"; sleep \(seconds); cp \"$1\" \"$2\"", "sh", "{content}", "{output}", "{folder}"]]
}

/// Whether a process is still there (kill with signal 0 only asks).
private func isAlive(_ pid: Int32) -> Bool { kill(pid, 0) == 0 || errno == EPERM }

/// Waits up to `seconds` for `condition`, polling.
private func waitFor(_ seconds: Double, _ condition: () -> Bool) -> Bool {
    let end = Date().addingTimeInterval(seconds)
    while Date() < end { if condition() { return true }; usleep(20_000) }
    return condition()
}

/// `stylelab compare` started in the background, to be stopped by a signal.
private func startCompare(_ setup: TwoCaseRun, out: String) throws -> Process {
    let process = Process()
    process.executableURL = CLIRun.binary
    process.arguments = ["compare", setup.run, "--out", out, "--quiet"]
    process.environment = ProcessInfo.processInfo.environment.merging(["STYLELAB_CACHE": CLIRun.emptyCache]) { $1 }
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
}

/// Every cell folder's result.json under `out`, by "case/method", as raw bytes.
private func finishedCells(_ out: String) -> [String: Data] {
    var found: [String: Data] = [:]
    for caseId in (try? FileManager.default.contentsOfDirectory(atPath: out + "/cells")) ?? [] {
        for method in (try? FileManager.default.contentsOfDirectory(atPath: "\(out)/cells/\(caseId)")) ?? [] {
            if let data = FileManager.default.contents(atPath: "\(out)/cells/\(caseId)/\(method)/result.json") {
                found["\(caseId)/\(method)"] = data
            }
        }
    }
    return found
}

@Suite(.serialized) struct RunnerSafetyTests {
    /// SIGINT and SIGTERM stop the runner: every child's group is stopped, nothing half-done counts as finished,
    /// and the exit status is 128 + the signal.
    @Test(arguments: [SIGINT, SIGTERM])
    func aStopSignalReachesTheChildrenAndSetsTheExitStatus(_ signal: Int32) throws {
        let setup = try TwoCaseRun(cases: ["alpha"], methods: [sleeper("slow", seconds: 30)])
        let out = setup.folder + "/out", pidFile = out + "/cells/alpha/slow/pid"
        let runner = try startCompare(setup, out: out)
        #expect(waitFor(20) { FileManager.default.fileExists(atPath: pidFile) }, "the child never started")
        let child = Int32((try? String(contentsOfFile: pidFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
        kill(runner.processIdentifier, signal)
        #expect(waitFor(10) { !runner.isRunning }, "the runner did not stop")
        runner.waitUntilExit()
        #expect(runner.terminationStatus == 128 + signal)
        #expect(child > 0 && waitFor(5) { !isAlive(child) }, "the child \(child) outlived the runner")
        #expect(!FileManager.default.fileExists(atPath: out + "/cells/alpha/slow/result.json"))
    }

    /// SIGKILL at random moments (seeded): whatever the runner leaves, every cell it reported finished is complete
    /// and whole, no child outlives it, and a rerun finishes the rest without redoing what was finished.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func killedAtARandomMomentARerunFinishesTheRest(_ seed: UInt64) throws {
        let setup = try TwoCaseRun(methods: [TwoCaseRun.quilting, sleeper("slow", seconds: 0.4)])
        let out = setup.folder + "/out"
        var random = RandomSource(seed: seed, stream: [7])
        let delay = 0.2 + Double(random.next() % 2500) / 1000  // 0.2 … 2.7 s: before, between and during cells
        let runner = try startCompare(setup, out: out)
        usleep(UInt32(delay * 1_000_000))
        kill(runner.processIdentifier, SIGKILL)
        runner.waitUntilExit()

        let finished = finishedCells(out)
        for (cell, data) in finished {
            let result = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(cell): result.json is not JSON")
            #expect(result["key"] is String, "\(cell): no key")
            if result["status"] as? String == "ok" {
                #expect((try? Image(contentsOf: "\(out)/cells/\(cell)/output.png")) != nil, "\(cell) is ok but has no readable output")
            }
        }
        for cell in ["alpha/slow", "beta/slow"] {
            if let text = try? String(contentsOfFile: "\(out)/cells/\(cell)/pid", encoding: .utf8),
               let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                #expect(waitFor(5) { !isAlive(pid) }, "\(cell)'s child \(pid) outlived the killed runner")
            }
        }
        let rerun = try setup.compare(out)
        #expect(rerun.status == 0, "\(rerun.standardError)")
        #expect(rerun.standardOutput.contains("\(finished.count) already finished"), "\(rerun.standardOutput)")
        let after = finishedCells(out)
        #expect(after.count == 4)
        for (cell, data) in finished { #expect(after[cell] == data, "\(cell) was redone although it had finished") }
        #expect(try csvRows(out + "/metrics.csv").count == 5)
    }

    /// A rerun redoes exactly the cells an edit touches: a method's flags, then one case's dataset file; a change
    /// that touches no cell's command (the timeout) redoes none.
    @Test func editingTheRunOrADatasetFileRedoesExactlyTheCellsItTouches() throws {
        let setup = try TwoCaseRun(methods: [TwoCaseRun.quilting, sleeper("copy", seconds: 0)])
        let out = setup.folder + "/out"
        #expect(try setup.compare(out).status == 0)
        func changed(_ before: [String: Data]) -> Set<String> {
            let after = finishedCells(out)
            return Set(after.keys.filter { after[$0] != before[$0] })
        }
        func edit(_ change: (inout [String: Any]) -> Void) throws {
            var run = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: setup.run))) as? [String: Any])
            change(&run)
            try JSONSerialization.data(withJSONObject: run).write(to: URL(fileURLWithPath: setup.run))
        }

        var before = finishedCells(out)
        try edit { $0["timeout_seconds"] = 300 }
        #expect(try setup.compare(out).status == 0)
        #expect(changed(before).isEmpty)

        before = finishedCells(out)
        try edit { run in
            var methods = run["methods"] as? [[String: Any]] ?? []
            methods[0]["transfer"] = ["parameters": ["quilting": ["blockSize": 10], "passes": 1]]
            run["methods"] = methods
        }
        #expect(try setup.compare(out).status == 0)
        #expect(changed(before) == ["alpha/quilting", "beta/quilting"])

        before = finishedCells(out)
        try SyntheticImage.naturalLooking(Size(width: 40, height: 32), seed: 99).write(to: setup.folder + "/data/beta-style.png")
        try setup.writeSet(cases: ["alpha", "beta"])
        #expect(try setup.compare(out).status == 0)
        #expect(changed(before) == ["beta/quilting", "beta/copy"])
    }

    /// Ids and paths from a shared run or set file cannot reach outside the output and data folders: each bad one
    /// is refused before anything is read or written, and a file outside the folder survives.
    @Test(arguments: [
        ("method id", #"{"methods": [{"id": "../../victim", "kind": "quilting"}]}"#, "not a safe name"),
        ("method id dot", #"{"methods": [{"id": "..", "kind": "quilting"}]}"#, "not a safe name"),
        ("case id", #"{"case": "../../victim"}"#, "not a safe name"),
        ("file path", #"{"file": "../victim.png"}"#, "must be relative"),
        ("duplicate case", #"{"case": "alpha", "second": "alpha"}"#, "appears twice"),
        ("huge timeout", #"{"timeout_seconds": 1e300}"#, "timeout_seconds"),
        ("negative max side", #"{"max_side": -4}"#, "max_side"),
    ])
    func aHostileIdOrPathIsRefusedBeforeAnythingIsTouched(_ what: String, _ edit: String, _ expect: String) throws {
        let setup = try TwoCaseRun()
        let victim = setup.folder + "/victim"
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: victim))
        let change = try #require(try JSONSerialization.jsonObject(with: Data(edit.utf8)) as? [String: Any])
        var run = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: setup.run))) as? [String: Any])
        var set = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: setup.setPath))) as? [String: Any])
        var cases = set["cases"] as? [[String: Any]] ?? [], files = set["files"] as? [[String: Any]] ?? []
        if let methods = change["methods"] { run["methods"] = methods }
        for key in ["timeout_seconds", "max_side"] where change[key] != nil { run[key] = change[key] }
        if let id = change["case"] as? String { cases[0]["id"] = id }
        if let id = change["second"] as? String { cases[1]["id"] = id }
        if let path = change["file"] as? String {
            files[0]["path"] = path
            cases[0]["roles"] = ["content": path, "style": "alpha-style.png"]
        }
        set["cases"] = cases
        set["files"] = files
        try JSONSerialization.data(withJSONObject: run).write(to: URL(fileURLWithPath: setup.run))
        try JSONSerialization.data(withJSONObject: set).write(to: URL(fileURLWithPath: setup.setPath))

        let out = setup.folder + "/out"
        let result = try setup.compare(out)
        #expect(result.status == 1, "\(what): \(result.standardOutput)")
        #expect(result.standardError.contains(expect) && result.standardError.split(separator: "\n").count == 1,
                "\(what): \(result.standardError)")
        #expect(FileManager.default.contents(atPath: victim) == Data("keep me".utf8))
        #expect(!FileManager.default.fileExists(atPath: out), "\(what): the output folder was created")
    }

    /// A data file that is a symbolic link out of the data folder counts as a bad input, not as data.
    @Test func aDataFileLinkingOutOfTheFolderIsRefused() throws {
        let setup = try TwoCaseRun()
        let outside = setup.folder + "/elsewhere.png"
        try FileManager.default.moveItem(atPath: setup.folder + "/data/alpha-style.png", toPath: outside)
        try FileManager.default.createSymbolicLink(atPath: setup.folder + "/data/alpha-style.png", withDestinationPath: outside)
        let result = try setup.compare(setup.folder + "/out")
        #expect(result.status == 1 && result.standardError.contains("resolves outside the data folder"), "\(result.standardError)")
    }

    /// A method that exits 0 but writes garbage is a failed cell; the other cells and the report are still written.
    @Test func anUnreadableOutputFailsItsCellAndTheReportIsStillWritten() throws {
        let garbage: [String: Any] = ["id": "garbage", "kind": "command",
                                      "args": ["/bin/sh", "-c", "echo not-a-png > \"$1\"", "sh", "{output}"]]
        let setup = try TwoCaseRun(methods: [TwoCaseRun.quilting, garbage])
        let out = setup.folder + "/out"
        let run = try setup.compare(out)
        #expect(run.status == 0, "\(run.standardError)")
        let rows = try csvRows(out + "/metrics.csv")
        let status = Dictionary(uniqueKeysWithValues: rows.dropFirst().map { ("\($0[0])/\($0[1])", $0[3]) })
        #expect(status == ["alpha/quilting": "ok", "alpha/garbage": "failed", "beta/quilting": "ok", "beta/garbage": "failed"])
        let result = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/cells/alpha/garbage/result.json")))
        #expect(((result as? [String: Any])?["error_tail"] as? String)?.contains("not a readable image") == true)
        #expect(FileManager.default.fileExists(atPath: out + "/index.html") && FileManager.default.fileExists(atPath: out + "/grid.png"))
    }
}
