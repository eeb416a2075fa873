import Imaging
@testable import Neural
import Testing

@Suite struct TemporalTermTests {
    /// L = λ/D Σ_j Σ c (x − ω)²: the gradient against central differences, and zero loss where c = 0.
    @Test func theTemporalLossGradientMatchesFiniteDifferences() {
        var random = RandomSource(seed: 4)
        let (c, h, w) = (3, 5, 6)
        var x = Tensor(channels: c, height: h, width: w)
        for i in x.values.indices { x.values[i] = random.nextGaussian() * 20 }
        let targets: [(omega: Tensor, mask: [Float])] = (0 ..< 2).map { _ in
            var omega = x
            for i in omega.values.indices { omega.values[i] = random.nextGaussian() * 20 }
            return (omega, (0 ..< x.count).map { _ in Float(random.next() % 3) / 2 })
        }
        var gradient = [Float](repeating: 0, count: x.count)
        let loss = TemporalTerm.loss(x, targets, weight: 1000, addingTo: &gradient)
        #expect(loss > 0)
        for i in stride(from: 0, to: x.count, by: 7) {
            var up = x, down = x, scratch = gradient
            up.values[i] += 0.01
            down.values[i] -= 0.01
            let numeric = (TemporalTerm.loss(up, targets, weight: 1000, addingTo: &scratch)
                - TemporalTerm.loss(down, targets, weight: 1000, addingTo: &scratch)) / 0.02
            #expect(abs(numeric - Double(gradient[i])) <= 1e-2 * max(1, abs(numeric)), "sample \(i)")
        }
        let masked = targets.map { ($0.omega, [Float](repeating: 0, count: x.count)) }
        var unused = gradient
        #expect(TemporalTerm.loss(x, masked, weight: 1000, addingTo: &unused) == 0)
    }

    @Test func theEarlyStopWaitsForItsWindowThenStopsOnASettledLoss() {
        var stop = EarlyStop(tolerance: 1e-4, window: 3)
        let early = [100.0, 90, 80].map { stop.shouldStop(after: $0) }
        #expect(early == [false, false, false])
        let falling = stop.shouldStop(after: 70)  // 100 → 70 over the window: still falling
        #expect(!falling)
        var settled = EarlyStop(tolerance: 1e-4, window: 3)
        let verdicts = [100.0, 100, 100, 100].map { settled.shouldStop(after: $0) }
        #expect(verdicts == [false, false, false, true])
    }

    /// With a reliable target and a large λ, the result is pulled to the target; the start is used.
    @Test func aStrongTemporalTermHoldsTheResultToItsTarget() throws {
        let content = SyntheticImage.naturalLooking(Size(width: 48, height: 48), seed: 1)
        let style = SyntheticImage.fractalNoise(Size(width: 48, height: 48), seed: 2, octaves: 3)
        let target = SyntheticImage.naturalLooking(Size(width: 48, height: 48), seed: 3)
        let p = FeatureNetworkKind.random.adapting(StyleTransferParameters(size: 48, iterations: 30))
        let network = RandomMultiScaleNetwork(seed: 0)
        let reliable = Image(width: 48, height: 48, channels: 1, value: 1)
        let term = TemporalTerm(targets: [TemporalTarget(image: target, reliability: reliable)], weight: 1e7,
                                start: target, stopTolerance: nil)
        let held = try styleTransfer(content: content, styles: [style], network: network, p, temporal: term)
        let free = try styleTransfer(content: content, styles: [style], network: network, p)
        func distance(_ a: Image) -> Float { zip(a.samples, target.samples).reduce(0) { $0 + abs($1.0 - $1.1) } }
        #expect(distance(held.image) < distance(free.image) / 4)
        #expect(held.lossTrace.allSatisfy { $0.temporal != nil } && free.lossTrace.allSatisfy { $0.temporal == nil })
    }
}
