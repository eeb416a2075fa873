import Foundation
import Imaging
import NearestNeighbors
import StyleLabSupport

// `make bench` (release build): every suite, or those whose name contains BENCH_ARGS's first word.
// Figures are printed as a table and written to bench-out/results.json.
BLASLibrary.relaunchWithDetectedKernelsIfNeeded()
let arguments = CommandLine.arguments.dropFirst()
var harness = Harness(filter: arguments.first { !$0.hasPrefix("-") })
let quick = arguments.contains("--quick")

print("StyleLab benchmarks — OpenBLAS \(BLASLibrary.coreName) kernels, \(Parallel.defaultThreads) threads\n")
if harness.wants("blas") { benchmarkBLAS(&harness) }
if harness.wants("codecs") { try benchmarkCodecs(&harness) }
if harness.wants("search") { try benchmarkSearch(&harness, quick: quick) }
if harness.wants("quilting") { try benchmarkQuilting(&harness) }
if harness.wants("analogy") { try benchmarkAnalogies(&harness, quick: quick) }
if harness.wants("neural") { try benchmarkNeural(&harness, quick: quick) }
if harness.wants("feed-forward") { try benchmarkFeedForward(&harness) }
if harness.wants("motion") { try benchmarkMotion(&harness) }
// Quality of the defaults on the shared datasets; only when asked for by name (it reads ../shared).
if harness.filter?.lowercased() == "defaults" { try benchmarkDefaults(&harness) }

try? FileManager.default.createDirectory(atPath: "bench-out", withIntermediateDirectories: true)
try harness.writeJSON(to: "bench-out/results.json")
print("\nwrote bench-out/results.json")
