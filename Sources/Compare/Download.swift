import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import StyleLabSupport

/// The largest file `datasets fetch` downloads (no dataset image comes near it).
let maxDownloadBytes = 2 << 30

/// The bytes at `url` for the manifest entry `file`: a regular file for file:// URLs (never a device or a pipe),
/// else an HTTP(S) download spooled to disk first, so that neither can grow without bound in memory.
func download(_ url: URL, for file: String) throws -> Data {
    @Sendable func failed(_ detail: String) -> CompareError {
        .fetchFailed(file: file, detail: "cannot download \(url): \(detail)")
    }
    if url.isFileURL {
        switch readRegularFile(url.path, maxBytes: maxDownloadBytes) {
        case .success(let data): return data
        case .failure(let reason): throw failed("\(reason)")
        }
    }
    let done = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var outcome: Result<Data, CompareError> = .failure(failed("no answer"))
    let task = URLSession.shared.downloadTask(with: url) { location, response, error in
        defer { done.signal() }
        if let error { outcome = .failure(failed(error.localizedDescription)); return }
        if let http = response as? HTTPURLResponse, http.statusCode != 200 {
            outcome = .failure(failed("HTTP \(http.statusCode)"))
            return
        }
        guard let location else { return }
        switch readRegularFile(location.path, maxBytes: maxDownloadBytes) {
        case .success(let data): outcome = .success(data)
        case .failure(let reason): outcome = .failure(failed("\(reason)"))
        }
    }
    task.resume()
    done.wait()
    return try outcome.get()
}
