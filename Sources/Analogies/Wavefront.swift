import Foundation
import Imaging
import Synchronization
import StyleLabSupport

/// How far one row of a level has been synthesised, published by its thread and awaited by the next row's.
final class RowProgress: Sendable {
    private let finished = Atomic<Int>(0)

    /// Marks pixels 0 ..< count of the row as written (release: their values are visible to an acquiring reader).
    func publish(_ count: Int) { finished.store(count, ordering: .releasing) }

    /// Spins until at least `count` pixels of the row are written.
    func wait(untilAtLeast count: Int) {
        var spins = 0
        while finished.load(ordering: .acquiring) < count {
            spins += 1
            if spins > 64 { sched_yield(); spins = 0 }
        }
    }
}

/// The outputs of a level, written pixel by pixel by the wavefront's threads (each pixel by exactly one).
struct SharedOutput: Sendable {
    let bPrime: SharedBuffer<Float>
    let sx: SharedBuffer<Int32>
    let sy: SharedBuffer<Int32>
    let coherent: SharedBuffer<UInt8>
    let distance: SharedBuffer<Float>
}

/// Per-thread buffers, reused for every pixel: the query vector and its PCA projection.
final class Scratch {
    let query: UnsafeMutablePointer<Float>
    let projected: UnsafeMutablePointer<Float>
    init(dimension: Int, projected: Int) {
        query = .allocate(capacity: dimension)
        query.initialize(repeating: 0, count: dimension)
        self.projected = .allocate(capacity: max(projected, 1))
        self.projected.initialize(repeating: 0, count: max(projected, 1))
    }
    deinit {
        query.deallocate()
        projected.deallocate()
    }
}
