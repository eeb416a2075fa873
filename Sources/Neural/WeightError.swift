/// Everything that can be wrong with a weight file or its fetching, naming the file and what to do.
public enum WeightError: Error, Equatable, CustomStringConvertible, Sendable {
    case notFound(path: String, hint: String)
    case unknownFormat(path: String)
    case corrupt(path: String, detail: String)
    case refused(path: String, detail: String)
    case missingLayer(path: String, layer: String)
    case fetchFailed(detail: String)

    public var description: String {
        switch self {
        case .notFound(let path, let hint): return "\(path): no such weight file; \(hint)"
        case .unknownFormat(let path):
            return "\(path): not a PyTorch (.pth, legacy or zip) or safetensors file (the first bytes match none of them)"
        case .corrupt(let path, let detail): return "\(path): corrupt or truncated weight file (\(detail)); fetch it again"
        case .refused(let path, let detail): return "\(path): refused: \(detail)"
        case .missingLayer(let path, let layer): return "\(path): has no weights for \(layer); is it a VGG-19?"
        case .fetchFailed(let detail): return "stylelab weights fetch: \(detail)"
        }
    }
}
