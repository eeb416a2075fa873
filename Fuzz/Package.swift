// swift-tools-version:6.1
// libFuzzer targets, one per reader of untrusted input; built by `make fuzz` with `--sanitize fuzzer --sanitize
// address`, under which SwiftPM links libFuzzer's own main. A package of its own, so that the main package never
// builds them: without the fuzzer they would have no main.
import PackageDescription

/// One target per reader; each defines libFuzzer's entry point, LLVMFuzzerTestOneInput.
let readers = ["fuzz-png", "fuzz-jpeg", "fuzz-pickle", "fuzz-zip", "fuzz-pth-legacy", "fuzz-pth-zip",
               "fuzz-safetensors", "fuzz-vgg-weights", "fuzz-manifest", "fuzz-run-config", "fuzz-parameters"]

let package = Package(
    name: "StyleLabFuzz",
    dependencies: [.package(name: "StyleLab", path: "..")],
    targets: readers.map { name in
        .executableTarget(name: name, dependencies: [.product(name: "StyleLab", package: "StyleLab")],
                          path: "Targets/\(name)")
    }
)
