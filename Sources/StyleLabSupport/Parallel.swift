import Dispatch
import Foundation

/// Data-parallel loops whose results never depend on the number of threads.
///
/// Work items must write disjoint outputs and draw randomness from their position (`RandomSource(seed:stream:)`),
/// never from a shared generator: then one thread and many produce the same bytes.
package enum Parallel {
    /// Threads used when a caller does not say: the machine's active processors.
    package static var defaultThreads: Int { ProcessInfo.processInfo.activeProcessorCount }

    /// Runs `body(i)` for every i in 0..<count on up to `threads` threads; item i goes to worker i mod threads.
    package static func forEach(_ count: Int, threads: Int = defaultThreads, _ body: @Sendable (Int) -> Void) {
        let workers = max(1, min(threads, count))
        if workers == 1 {
            for i in 0 ..< count { body(i) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for i in stride(from: worker, to: count, by: workers) { body(i) }
        }
    }
}

// The two buffers are public types, unlike the rest of this module: Swift 6.3 does not inline the @inlinable
// members of a `package` type into another module (checked: every `buffer[i]` in Neural was a call through
// Float's value witness, 3–6 % of a WCT run), and these subscripts sit in the innermost loops. The module is not
// a product, so they are still no part of StyleLab's public API.

/// A buffer base address shared by parallel workers that each write their own, disjoint part of it.
/// Creating one is a promise that no two workers touch the same element.
@frozen public struct SharedBuffer<Element>: @unchecked Sendable {
    public let base: UnsafeMutablePointer<Element>
    @inlinable public init(_ buffer: UnsafeMutableBufferPointer<Element>) { base = buffer.baseAddress! }
    @inlinable public init(_ pointer: UnsafeMutablePointer<Element>) { base = pointer }
    @inlinable public subscript(i: Int) -> Element {
        get { base[i] }
        nonmutating set { base[i] = newValue }
    }
}

/// A read-only buffer base address shared by parallel workers.
@frozen public struct SharedReadBuffer<Element>: @unchecked Sendable {
    public let base: UnsafePointer<Element>
    @inlinable public init(_ buffer: UnsafeBufferPointer<Element>) { base = buffer.baseAddress! }
    @inlinable public init(_ pointer: UnsafePointer<Element>) { base = pointer }
    @inlinable public subscript(i: Int) -> Element { base[i] }
}

extension Parallel {
    /// Runs `body(worker)` for worker = 0 ..< workers, each on its own thread, all at the same time, and returns
    /// when all have finished. Unlike `forEach` (whose items may run one after another), this is safe for workers
    /// that wait on each other, as the rows of a wavefront do.
    package static func concurrently(workers: Int, _ body: @escaping @Sendable (Int) -> Void) {
        guard workers > 1 else { body(0); return }
        let done = DispatchSemaphore(value: 0)
        for worker in 1 ..< workers {
            let thread = Thread {
                body(worker)
                done.signal()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        body(0)
        for _ in 1 ..< workers { done.wait() }
    }
}

extension Parallel {
    /// `first()` on the calling thread and `second()` on another at the same time, and both results (or the
    /// first one's error, else the second's): for two independent loads, say, that would otherwise leave a core
    /// idle. What `first` allocates stays in the calling thread's malloc arena, where that thread reuses it.
    package static func both<A, B>(_ first: () throws -> A,
                                   _ second: @escaping @Sendable () throws -> B) throws -> (A, B) {
        let slot = ResultSlot<B>(), done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            slot.result = Result { try second() }
            done.signal()
        }
        let a = Result { try first() }
        done.wait()
        guard let b = slot.result else { throw CancellationError() }  // set before the signal
        return (try a.get(), try b.get())
    }
}

/// One result, written by one thread and read by another after a semaphore has ordered the two.
private final class ResultSlot<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}
