import Imaging
import StyleLabSupport

/// The sums of L-BFGS's vector algebra, with the same bits at any thread count. OpenBLAS splits a long `sdot` or
/// `sasum` among its threads and adds their partial sums, so its answer depends on how many threads it has (which
/// follows the CPUs a job was given); here the vector is cut into fixed chunks, each summed by sixteen lanes in
/// index order, and the chunks' sums are added in chunk order, whichever thread computed them.
enum VectorSums {
    /// Elements per chunk: large enough that a chunk's work dwarfs handing it to a thread.
    static let chunk = 1 << 15

    /// Σ a[i]·b[i].
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int,
                    threads: Int = Parallel.defaultThreads) -> Float {
        let a = SharedReadBuffer(a), b = SharedReadBuffer(b)
        return chunked(count: count, threads: threads) { start, length in
            let x = a.base + start, y = b.base + start
            return lanesSum(length, { x.load(at: $0) * y.load(at: $0) }, { Double(x[$0] * y[$0]) })
        }
    }

    /// Σ |a[i]|.
    static func sumOfMagnitudes(_ a: UnsafePointer<Float>, count: Int,
                                threads: Int = Parallel.defaultThreads) -> Float {
        let a = SharedReadBuffer(a)
        return chunked(count: count, threads: threads) { start, length in
            let x = a.base + start
            return lanesSum(length, { let v = x.load(at: $0); return v.replacing(with: -v, where: v .< 0) },
                            { Double(abs(x[$0])) })
        }
    }

    /// Runs `partial(start, length)` on every chunk, in parallel, and adds the results in chunk order.
    private static func chunked(count: Int, threads: Int, _ partial: @Sendable (Int, Int) -> Double) -> Float {
        let chunks = (count + chunk - 1) / chunk
        var sums = [Double](repeating: 0, count: chunks)
        sums.withUnsafeMutableBufferPointer { out in
            let out = SharedBuffer(out)
            Parallel.forEach(chunks, threads: threads) { c in
                out[c] = partial(c * chunk, min(chunk, count - c * chunk))
            }
        }
        return Float(sums.reduce(0, +))
    }

    /// Σ over `length` elements: `vector(i)` gives elements i ..< i + 8 as lanes, two vectors per step; the lanes
    /// and the `scalar(i)` tail are then added in index order, in Double.
    @inline(__always)
    private static func lanesSum(_ length: Int, _ vector: (Int) -> SIMD8<Float>, _ scalar: (Int) -> Double) -> Double {
        var low = SIMD8<Float>(repeating: 0), high = low
        var i = 0
        while i + 16 <= length {
            low = low + vector(i)
            high = high + vector(i + 8)
            i += 16
        }
        var total = 0.0
        for lane in 0 ..< 8 { total += Double(low[lane]) }
        for lane in 0 ..< 8 { total += Double(high[lane]) }
        while i < length { total += scalar(i); i += 1 }
        return total
    }
}

private extension UnsafePointer<Float> {
    /// Eight floats from `self + offset`, any alignment.
    @inline(__always) func load(at offset: Int) -> SIMD8<Float> {
        UnsafeRawPointer(self + offset).loadUnaligned(as: SIMD8<Float>.self)
    }
}
