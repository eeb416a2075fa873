import Foundation
import Imaging
import NearestNeighbors
let a = SyntheticImage.naturalLooking(Size(width: 142, height: 142), seed: 1)
let b = SyntheticImage.naturalLooking(Size(width: 60, height: 60), seed: 2)
let db = SyntheticImage.analogyStyleFeatures(of: a), q = SyntheticImage.analogyStyleFeatures(of: b)
print(db.rows, db.dimension)
let exact = try ExactSearch(db).search(q, k: 1)
try a.write(to: "/tmp/synth.png")
for frac in [1.0, 0.999, 0.99] {
  let pca = try PCA(fitting: db, keeping: frac == 1 ? .dimensions(55) : .varianceFraction(frac))
  let pdb = pca.project(db), pq = pca.project(q)
  for trees in [4, 8] {
    let index = try FLANNIndex(pdb, configuration: FLANNConfiguration(algorithm: .kdForest(trees: trees), checks: 128))
    for checks in [128, 512, 1024, 2048] {
      let t0 = Date()
      let found = index.search(pq, k: 1, checks: checks)
      let dt = Date().timeIntervalSince(t0)
      let exactP = try ExactSearch(pdb).search(pq, k: 1)
      print("  in-space", SearchQuality(approximate: found, exact: exactP))
      print(frac, pca.outputDimension, trees, checks, SearchQuality(approximate: found, exact: exact), Int(Double(q.rows)/dt), "q/s")
    }
  }
}
