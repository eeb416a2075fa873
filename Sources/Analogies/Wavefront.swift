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

/// The outputs of a level, written pixel by pixel by the wavefront's threads (each pixel by exactly one), in
/// buffers of its own until `output` copies them out.
struct SharedOutput: Sendable {
    let bPrime: SharedBuffer<Float>
    let sx: SharedBuffer<Int32>
    let sy: SharedBuffer<Int32>
    let coherent: SharedBuffer<UInt8>
    let distance: SharedBuffer<Float>
    /// d_app and d_coh of every pixel (d_coh is ∞ where no neighbour offered a coherent candidate).
    let appDistance: SharedBuffer<Float>
    let cohDistance: SharedBuffer<Float>
    let pixels: Int, channels: Int

    init(pixels: Int, channels: Int) {
        func zeros<T: Numeric>(_ count: Int) -> SharedBuffer<T> {
            let pointer = UnsafeMutablePointer<T>.allocate(capacity: max(count, 1))
            pointer.initialize(repeating: 0, count: max(count, 1))
            return SharedBuffer(pointer)
        }
        (self.pixels, self.channels) = (pixels, channels)
        (bPrime, sx, sy, coherent) = (zeros(pixels * channels), zeros(pixels), zeros(pixels), zeros(pixels))
        (distance, appDistance, cohDistance) = (zeros(pixels), zeros(pixels), zeros(pixels))
    }

    func deallocate() {
        bPrime.base.deallocate(); sx.base.deallocate(); sy.base.deallocate(); coherent.base.deallocate()
        distance.base.deallocate(); appDistance.base.deallocate(); cohDistance.base.deallocate()
    }

    /// The level's result, copied out of the shared buffers.
    func output(width: Int, height: Int, exemplarSize: Size) -> LevelSynthesis.Output {
        func array<T>(_ buffer: SharedBuffer<T>, _ count: Int) -> [T] {
            Array(UnsafeBufferPointer(start: buffer.base, count: count))
        }
        var source = SourceMap(width: width, height: height, exemplarSize: exemplarSize)
        source.x = array(sx, pixels)
        source.y = array(sy, pixels)
        return LevelSynthesis.Output(
            bPrime: Image(width: width, height: height, channels: channels, samples: array(bPrime, pixels * channels)),
            source: source, coherent: array(coherent, pixels).map { $0 != 0 },
            distanceSum: array(distance, pixels).reduce(0.0) { $0 + Double($1) },
            appDistance: array(appDistance, pixels), cohDistance: array(cohDistance, pixels))
    }
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
