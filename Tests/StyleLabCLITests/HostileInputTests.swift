import Foundation
import Testing

/// One case of Fixtures/hostile/cases.json: a file or flag value made by make_hostile.py to attack one reader or
/// one parameter, and the phrase the refusal must contain.
struct HostileCase: Decodable, Sendable, CustomTestStringConvertible {
    var name: String
    var args: [String]
    var expect: String
    var testDescription: String { name }

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/hostile").path

    static let all: [HostileCase] = {
        guard let data = FileManager.default.contents(atPath: folder + "/cases.json") else { return [] }
        return (try? JSONDecoder().decode([HostileCase].self, from: data)) ?? []
    }()
}

@Suite struct HostileInputTests {
    @Test func theGeneratorsCasesAreThere() {
        #expect(HostileCase.all.count >= 40, "Fixtures/hostile/cases.json is missing or short; run make_hostile.py")
    }

    /// Every class of hostile input: exit status 1, one line on stderr that names the problem, no output file (nor
    /// a temporary one) left behind, all within a 3 GB address space (the program's own needs are a few hundred MB,
    /// so an unbounded allocation fails here rather than passing on a large machine).
    @Test(arguments: HostileCase.all)
    func isRefusedInOneLine(_ hostile: HostileCase) throws {
        let out = scratchFolder()
        let args = hostile.args.map {
            $0.replacingOccurrences(of: "{dir}", with: HostileCase.folder).replacingOccurrences(of: "{out}", with: out + "/out.png")
        }
        let run = try CLIRun(args, memoryLimitKB: 3_000_000)
        let lines = run.standardError.split(separator: "\n")
        #expect(run.status == 1, "exit \(run.status): \(run.standardError.prefix(600))")
        #expect(lines.count == 1, "\(lines.count) lines: \(run.standardError.prefix(600))")
        #expect(run.standardError.contains(hostile.expect), "\(run.standardError.prefix(600))")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).isEmpty, "left files in the output folder")
    }
}
