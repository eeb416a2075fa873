import Foundation

/// Why a file given by a user could not be read whole.
package enum FileReadFailure: Error, Equatable {
    case notFound
    case isFolder
    /// A device, pipe or socket: `/dev/zero` would never end, a FIFO might block forever.
    case notRegularFile
    /// Larger than the reader accepts; the file's size in bytes.
    case tooLarge(Int)
    case unreadable(String)
}

/// Reads a regular file whole, refusing folders, devices and pipes, and files over `maxBytes`, before reading a byte.
package func readRegularFile(_ path: String, maxBytes: Int) -> Result<Data, FileReadFailure> {
    var info = stat()
    guard stat(path, &info) == 0 else {
        return .failure(errno == ENOENT || errno == ENOTDIR ? .notFound : .unreadable(String(cString: strerror(errno))))
    }
    switch info.st_mode & S_IFMT {
    case S_IFREG: break
    case S_IFDIR: return .failure(.isFolder)
    default: return .failure(.notRegularFile)
    }
    let size = Int(info.st_size)
    guard size <= maxBytes else { return .failure(.tooLarge(size)) }
    do { return .success(try Data(contentsOf: URL(fileURLWithPath: path), options: .uncached)) } catch {
        return .failure(.unreadable(error.localizedDescription))
    }
}
