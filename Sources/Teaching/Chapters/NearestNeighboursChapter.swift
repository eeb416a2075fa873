import Foundation
import Imaging
import NearestNeighbors

/// Chapter 2: the nearest-neighbour search under Image Analogies — exact search, FLANN's kd-forest and k-means
/// tree, what `checks` buys, what PCA costs, and the seeded build.
extension Chapters {
    static var nearestNeighbours: Chapter {
        Chapter("02-nearest-neighbours", "Nearest-neighbour search", [
            .text("""
                Image Analogies (chapter 4) spends almost all of its time on one question, asked once for every \
                pixel q of B′ at every pyramid level: *which pixel p of A has the neighbourhood most like q's?* \
                Each neighbourhood is a feature vector — here the 25 luminance values of a 5 × 5 window, each \
                multiplied by the square root of its Gaussian weight so that plain Euclidean distance is the \
                paper's weighted distance — and the question is a **nearest-neighbour search** among all of A's \
                vectors:

                $$p^\\ast(q) = \\arg\\min_{p \\in A} \\lVert F_A(p) - F_B(q) \\rVert^2 .$$

                Answered exactly, every query is compared with every database vector: for a 256 × 256 A and B, \
                that is 65 536 × 65 536 ≈ 4·10⁹ distances per level, each over some 55 numbers in the full \
                feature. StyleLab's exact search does this with matrix products (‖q − d‖² = ‖q‖² + ‖d‖² − 2 q·d) \
                and is the reference every other index is measured against, but an analogy cannot afford it. \
                The paper therefore uses **approximate** search — it finds a very good neighbour, not always the \
                best — and the algorithm forgives the misses, because the coherence step (chapter 4) overrides \
                many approximate answers anyway.

                This chapter's data are small enough to run in seconds: the database is the 5 × 5 neighbourhoods \
                of every pixel of the cat photograph at 80 pixels wide (4 240 vectors), the queries those of the \
                coffee photograph at 48 pixels wide (1 536 vectors).
                """),
            .figure(patchVectors),
            .text("""
                ## Two trees: the kd-forest and the k-means tree

                FLANN (Muja & Lowe, 2009) offers both indexes StyleLab uses.

                A **kd-tree** splits the database in two at the median of one coordinate, then each half again, \
                until every leaf holds one vector. A query walks down to its leaf; the true neighbour may lie \
                across any of the splits it passed, so the search keeps the untaken branches in a priority queue, \
                ordered by how far the query is from each splitting plane, and visits them best first. A \
                **randomised kd-forest** (Silpa-Anan & Hartley, 2008) builds several such trees, each splitting on \
                a coordinate drawn at random among those of highest variance, and searches all of them through \
                one shared queue: where one tree splits a close pair apart, another usually keeps it together. \
                The parameter **trees** is how many.

                A **hierarchical k-means tree** clusters the database into **branching** clusters by k-means \
                (a few **iterations** of it), then clusters each cluster again, down to leaves of fewer than \
                `branching` vectors. A query descends into the nearest centre at each level and queues the \
                other centres by their distance.

                Both stop after **checks** database vectors have been compared with the query: that is the knob. \
                At checks = 1 the search returns whatever its first leaf holds; as checks grows towards the \
                database size, it becomes exact search by a longer road. Checks is therefore the cost of a query \
                in units that do not depend on the machine — exact search makes 4 240 distance computations per \
                query here — with two small print: the k-means tree compares the query with `branching` centres \
                at every level on the way down, and it always finishes the leaf it is in, so at checks = 1 it has \
                already compared the query with a whole leaf. Wall-clock time follows checks closely, plus a fixed \
                cost per query for the tree walk; `make bench BENCH_ARGS=search` measures it on your machine. The \
                figures leave time out because it changes from run to run, and they are checked pixel by pixel.

                ## Recall@1

                An approximate search is scored against the exact one on the same queries. **Recall@1** is the \
                fraction of queries whose first answer is an exact nearest neighbour (a different vector at the \
                same distance counts as found):

                $$\\mathrm{recall@1} = \\frac{1}{|Q|} \\sum_{q \\in Q} \\bigl[\\, \\lVert q - \\hat n(q) \\rVert = \
                \\lVert q - n^\\ast(q) \\rVert \\,\\bigr] .$$

                It says nothing about *how bad* a miss is, so the figure also shows the mean ratio of the distance \
                found to the best distance, ‖q − n̂(q)‖ / ‖q − n*(q)‖, which is 1 for a perfect search.
                """),
            .figure(recallAgainstChecks),
            .text("""
                Recall climbs steeply with checks and the misses shrink with it: the distance ratio falls from \
                about 1.4 at one check (the kd-forest) to within a few percent of 1 at 32 checks, less than one \
                percent of exact search's work, when about three queries in four get the exact answer. More \
                trees help a little at the same checks, because the checks are spread over trees whose mistakes \
                differ. The k-means trees start high, because their first leaf is compared whole, and stay ahead \
                until all of them reach 1. FLANN can also **autotune**, timing candidate indexes on a \
                sample and keeping the fastest that reaches a target recall; because that choice depends on \
                timings, an autotuned index is not reproducible, and the walkthroughs do not use it.

                ## Fewer dimensions: PCA

                Trees work best in few dimensions: in many, the query is close to many splitting planes at once, \
                and the queue fills with branches that must all be tried. Image Analogies therefore projects its \
                feature vectors onto their leading **principal components** first — the directions of largest \
                variance of the database — and searches the projected vectors (by default keeping 99.9 % of the \
                variance). The projection keeps most of the distance structure but not all of it: two vectors \
                that differ only in the dropped directions look identical, and the search may return the wrong \
                one. The figure scores the answers found among the projected vectors by their distances in the \
                full 25 dimensions.
                """),
            .figure(pcaDimensions),
            .text("""
                Two losses show. Even exact search loses recall fast as dimensions go: eight components hold \
                96 % of the variance, yet the remaining 4 % decides which of two similar windows is nearer for \
                almost half of the queries. And on these short vectors the forest does worse after PCA even with \
                all 25 components kept, a mere rotation. The likely reason is how a randomised kd-tree splits: on \
                one of the five coordinates of highest variance, drawn at random. Before PCA those are five \
                neighbouring pixels, all about equally telling; after it they are the first five components, \
                whose variances fall steeply, so many splits fall on directions that separate little. PCA is \
                meant for long vectors — the analogy's full feature has 55 dimensions or more — where a tree is \
                lost whatever it splits on; on these 25 it does not pay. Measure before relying on it: the \
                command below runs the blur analogy of chapter 4 with a deliberately poor search, to compare \
                with its default.
                """),
            .command("stylelab analogy --a ../../datasets/embedded/chelsea.png "
                     + "--a-prime ../../datasets/embedded/chelsea-blur.png --b ../../datasets/embedded/coffee.png "
                     + "--preset learned-filter --pca-dims 6 --checks 4 -o few-checks.png"),
            .text("""
                ## One seed, one index

                Both builds are random — the kd-forest draws its split coordinates, k-means its first centres. \
                StyleLab hands FLANN a seeded generator in place of its own, so the same seed builds the same \
                trees, which answer every query the same way, and an analogy is the same picture on every run. \
                Another seed builds other trees: they miss other queries, but about as many.
                """),
            .figure(seededBuilds),
        ])
    }

    /// The chapter's data: 5 × 5 luminance neighbourhoods (√w-weighted, as Image Analogies builds them) of the cat
    /// photograph, the database, and of the coffee photograph, the queries; and the exact answers.
    struct PatchData {
        let databaseImage: Image, queryImage: Image
        let database: FeatureMatrix, queries: FeatureMatrix
        let exact: Neighbours
    }

    static func patchData(_ inputs: FigureInputs) throws -> PatchData {
        let databaseImage = try inputs.image("chelsea.png", longestSide: 80).luminance()
        let queryImage = try inputs.image("coffee.png", longestSide: 48).luminance()
        let database = databaseImage.neighbourhoodVectors(shape: .full(side: 5))
        let queries = queryImage.neighbourhoodVectors(shape: .full(side: 5))
        let exact = try ExactSearch(database).search(queries, k: 1)
        return PatchData(databaseImage: databaseImage, queryImage: queryImage, database: database, queries: queries,
                         exact: exact)
    }

    /// A FLANN index over `database`, searched on one thread (its answers do not depend on the thread count, but
    /// one thread keeps the chapter's run light on a shared machine).
    static func flannAnswers(_ database: FeatureMatrix, _ queries: FeatureMatrix, _ algorithm: FLANNAlgorithm,
                             checks: Int, seed: UInt64 = 0) throws -> Neighbours {
        let index = try FLANNIndex(database, configuration: FLANNConfiguration(algorithm: algorithm, seed: seed))
        return index.search(queries, k: 1, checks: checks, threads: 1)
    }

    /// The 5 × 5 window centred on row `index` of an image's neighbourhood vectors, enlarged (the pixels as they
    /// are, without the Gaussian weights folded into the vectors).
    static func window(_ image: Image, _ index: Int) -> Image {
        let x = min(max(index % image.width - 2, 0), image.width - 5)
        let y = min(max(index / image.width - 2, 0), image.height - 5)
        return Drawing.enlarged(image.cropped(x: x, y: y, width: 5, height: 5), 10)
    }

    /// A square outline of `side` pixels with its top-left corner at (x, y).
    static func box(_ image: inout Image, x: Int, y: Int, side: Int, colour: [Float]) {
        var points: [(x: Int, y: Int)] = []
        for i in 0 ..< side { points += [(x + i, y), (x + i, y + side - 1), (x, y + i), (x + side - 1, y + i)] }
        Drawing.mark(points, on: &image, colour: colour)
    }

    static let patchVectors = FigureRecipe("patch-vectors", inputs: ["chelsea.png", "coffee.png"],
                                           settings: [("checks", "2"), ("seed", "0")]) { inputs, s in
        let data = try patchData(inputs)
        let checks = try s.int("checks", in: 1 ... 10_000), seed = UInt64(try s.int("seed", in: 0 ... 1000))
        let found = try flannAnswers(data.database, data.queries, .kdForest(trees: 1), checks: checks, seed: seed)
        let quality = SearchQuality(approximate: found, exact: data.exact)
        // Four of the queries the one-tree search missed, spread over the photograph, beside what it found.
        // Only windows wholly inside their photographs, so that the pixels shown are the vector's.
        let inside = { (index: Int, image: Image) in
            (2 ..< image.width - 2).contains(index % image.width)
                && (2 ..< image.height - 2).contains(index / image.width)
        }
        let misses = (0 ..< data.queries.rows).filter { q in
            found.squaredDistance(query: q) > data.exact.squaredDistance(query: q) && inside(q, data.queryImage)
                && inside(found.index(query: q), data.databaseImage)
                && inside(data.exact.index(query: q), data.databaseImage)
        }
        let shown = (0 ..< min(4, misses.count)).map { misses[$0 * misses.count / min(4, misses.count)] }
        let zoom = 3, red: [Float] = [1, 0.1, 0.1], blue: [Float] = [0.1, 0.4, 1]
        var queryPicture = Drawing.enlarged(data.queryImage, zoom).rgb()
        var databasePicture = Drawing.enlarged(data.databaseImage, zoom).rgb()
        var examples: [[(Image, String)]] = []
        for (n, q) in shown.enumerated() {
            let exact = data.exact.index(query: q), approximate = found.index(query: q)
            let w = data.queryImage.width, dw = data.databaseImage.width
            box(&queryPicture, x: (q % w - 2) * zoom, y: (q / w - 2) * zoom, side: 5 * zoom, colour: red)
            box(&databasePicture, x: (exact % dw - 2) * zoom, y: (exact / dw - 2) * zoom, side: 5 * zoom, colour: red)
            box(&databasePicture, x: (approximate % dw - 2) * zoom, y: (approximate / dw - 2) * zoom, side: 5 * zoom,
                colour: blue)
            let ratio = (found.squaredDistance(query: q) / max(data.exact.squaredDistance(query: q), 1e-12))
                .squareRoot()
            examples.append([(window(data.queryImage, q), "q\(n + 1)"), (window(data.databaseImage, exact), "exact"),
                             (window(data.databaseImage, approximate), String(format: "x%.2f", ratio))])
        }
        let pictures = Drawing.grid([[(databasePicture, "database: cat, 80 x 53")],
                                     [(queryPicture, "queries: coffee, 48 x 32")]])
        return Figure(Image.grid([[pictures, Drawing.grid(examples, gap: 6)]], gap: 16),
                      "The database (every pixel's 5 x 5 neighbourhood of the cat photograph) and the queries (the "
                        + "coffee photograph's), enlarged. Right: four queries q1–q4 (red boxes) that a one-tree "
                        + "kd-forest with \(checks) checks answered wrongly, their exact nearest neighbours (red "
                        + "boxes in the cat) and the windows it returned instead (blue), labelled with their distance "
                        + "as a multiple of the best. "
                        + String(format: "That search finds the exact neighbour for %.1f%% of the queries.",
                                 100 * quality.recallAt1),
                      numbers: ["recall_at_1": (quality.recallAt1 * 1000).rounded() / 1000])
    }

    /// The indexes the chapter compares, by the names its plots show.
    static let indexKinds: [(name: String, algorithm: FLANNAlgorithm)] = [
        ("kd 1 tree", .kdForest(trees: 1)), ("kd 4 trees", .kdForest(trees: 4)), ("kd 8 trees", .kdForest(trees: 8)),
        ("k-means b16", .kMeans(branching: 16, iterations: 11)),
        ("k-means b32", .kMeans(branching: 32, iterations: 11)),
    ]

    static let recallAgainstChecks = FigureRecipe("recall-against-checks", inputs: ["chelsea.png", "coffee.png"],
                                                  settings: [("checks", "1,2,4,8,16,32,64,128,256"),
                                                             ("seed", "0")]) { inputs, s in
        let data = try patchData(inputs)
        let seed = UInt64(try s.int("seed", in: 0 ... 1000))
        let checks = try s.string("checks").split(separator: ",").prefix(16).map { value in
            guard let n = Int(value), (1 ... 100_000).contains(n) else {
                throw TeachingError.badSetting(figure: "recall-against-checks", key: "checks",
                                               detail: "must be integers from 1 to 100000, comma-separated")
            }
            return n
        }
        var recall: [LinePlot.Series] = [], ratio: [LinePlot.Series] = [], numbers: [String: Double] = [:]
        for kind in indexKinds {
            let index = try FLANNIndex(data.database, configuration: FLANNConfiguration(algorithm: kind.algorithm,
                                                                                        seed: seed))
            let qualities = checks.map { SearchQuality(approximate: index.search(data.queries, k: 1, checks: $0,
                                                                                 threads: 1), exact: data.exact) }
            recall.append(LinePlot.Series(kind.name, zip(checks, qualities).map { (Double($0), $1.recallAt1) }))
            ratio.append(LinePlot.Series(kind.name, zip(checks, qualities).map { (Double($0), $1.meanDistanceRatio) }))
            if let i = checks.firstIndex(of: 32) {
                numbers["recall_at_32_" + kind.name.replacingOccurrences(of: " ", with: "_")] =
                    (qualities[i].recallAt1 * 1000).rounded() / 1000
            }
        }
        var recallPlot = LinePlot(title: "recall@1", x: "checks", y: "recall@1", recall)
        var ratioPlot = LinePlot(title: "found / best distance", x: "checks", y: "mean ratio", ratio)
        for i in 0 ..< 2 {
            var plot = i == 0 ? recallPlot : ratioPlot
            plot.logX = true
            plot.xTicks = checks.map(Double.init)
            if i == 0 { recallPlot = plot } else { ratioPlot = plot }
        }
        recallPlot.legendAtBottom = true
        let four = numbers["recall_at_32_kd_4_trees"] ?? 0, kMeans = numbers["recall_at_32_k-means_b32"] ?? 0
        return Figure(Image.grid([[recallPlot.image(), ratioPlot.image()]], gap: 12),
                      "Recall@1 (left) and the mean ratio of the distance found to the best (right) against checks, "
                        + "for kd-forests of 1, 4 and 8 trees and k-means trees of branching 16 and 32 (log scale; "
                        + "exact search: recall 1 at \(data.database.rows) distance computations per query). At 32 "
                        + String(format: "checks the 4-tree forest finds %.3f of the exact neighbours, the k-means "
                                 + "tree of branching 32 %.3f.", four, kMeans),
                      numbers: numbers)
    }

    static let pcaDimensions = FigureRecipe("pca-dimensions", inputs: ["chelsea.png", "coffee.png"],
                                            settings: [("dimensions", "1,2,3,4,6,8,12,16,25"), ("checks", "32"),
                                                       ("seed", "0")]) { inputs, s in
        let data = try patchData(inputs)
        let checks = try s.int("checks", in: 1 ... 100_000), seed = UInt64(try s.int("seed", in: 0 ... 1000))
        var variance: [(x: Double, y: Double)] = [], exact: [(x: Double, y: Double)] = []
        var forest: [(x: Double, y: Double)] = [], numbers: [String: Double] = [:], xs: [Double] = []
        for value in s.string("dimensions").split(separator: ",").prefix(16) {
            guard let dimensions = Int(value), (1 ... data.database.dimension).contains(dimensions) else {
                throw TeachingError.badSetting(figure: "pca-dimensions", key: "dimensions",
                                               detail: "must be integers from 1 to \(data.database.dimension)")
            }
            let pca = try PCA(fitting: data.database, keeping: .dimensions(dimensions))
            let database = pca.project(data.database), queries = pca.project(data.queries)
            // Answers found among projected vectors, scored by their distances in the full 25 dimensions.
            let score = { (found: Neighbours) in
                SearchQuality(approximate: found.remeasured(queries: data.queries, database: data.database),
                              exact: data.exact).recallAt1
            }
            let projectedExact = score(try ExactSearch(database).search(queries, k: 1))
            let projectedForest = score(try flannAnswers(database, queries, .kdForest(trees: 4), checks: checks,
                                                         seed: seed))
            let x = Double(dimensions)
            xs.append(x)
            variance.append((x, pca.keptVarianceFraction))
            exact.append((x, projectedExact))
            forest.append((x, projectedForest))
            numbers["recall_exact_pca_\(dimensions)"] = (projectedExact * 1000).rounded() / 1000
            numbers["recall_kd4_pca_\(dimensions)"] = (projectedForest * 1000).rounded() / 1000
            numbers["variance_kept_pca_\(dimensions)"] = (pca.keptVarianceFraction * 1000).rounded() / 1000
        }
        // The same forest on the vectors as they are, for reference: a level line.
        let unprojected = SearchQuality(approximate: try flannAnswers(data.database, data.queries, .kdForest(trees: 4),
                                                                      checks: checks, seed: seed),
                                        exact: data.exact).recallAt1
        numbers["recall_kd4_no_pca"] = (unprojected * 1000).rounded() / 1000
        var plot = LinePlot(title: "PCA before the search", x: "dimensions kept (of 25)", y: "fraction",
                            [LinePlot.Series("variance kept", variance), LinePlot.Series("recall, exact", exact),
                             LinePlot.Series("recall, kd 4 trees", forest),
                             LinePlot.Series("kd 4 trees, no PCA", xs.map { ($0, unprojected) })])
        plot.xTicks = xs
        plot.legendAtBottom = true
        plot.size = Size(width: 480, height: 280)
        return Figure(plot.image(),
                      "The database and queries projected on their first 1 to 25 principal components: the fraction "
                        + "of the variance kept, and recall@1 (scored in the full 25 dimensions) of exact search "
                        + "and of a 4-tree kd-forest with \(checks) checks among the projected vectors. The "
                        + "projection's loss "
                        + String(format: "is the gap below 1 of exact search's recall; the forest's own loss the gap "
                                 + "below that. Without PCA the same forest finds %.3f.", unprojected),
                      numbers: numbers)
    }

    static let seededBuilds = FigureRecipe("seeded-builds", inputs: ["chelsea.png", "coffee.png"],
                                           settings: [("seeds", "0,1"), ("checks", "32")]) { inputs, s in
        let data = try patchData(inputs)
        let checks = try s.int("checks", in: 1 ... 100_000)
        let seeds = s.string("seeds").split(separator: ",").compactMap { UInt64($0) }.filter { $0 <= 1000 }
        guard seeds.count == 2, s.string("seeds").split(separator: ",").count == 2 else {
            throw TeachingError.badSetting(figure: "seeded-builds", key: "seeds",
                                           detail: "must be two integers 0–1000, comma-separated")
        }
        // The first seed built twice, the second once, each a separate index.
        let builds = try [seeds[0], seeds[0], seeds[1]].map {
            try flannAnswers(data.database, data.queries, .kdForest(trees: 4), checks: checks, seed: $0)
        }
        let size = data.queryImage.size
        let hits = { (found: Neighbours) in
            (0 ..< found.queryCount).map { q -> Float in
                SearchQuality(approximate: found.selecting(q), exact: data.exact.selecting(q)).recallAt1 == 1 ? 1 : 0
            }
        }
        let differing = { (a: Neighbours, b: Neighbours) in
            (0 ..< a.queryCount).filter { a.indices[$0] != b.indices[$0] }
        }
        let again = differing(builds[0], builds[1]), other = differing(builds[0], builds[2])
        let recalls = builds.map { SearchQuality(approximate: $0, exact: data.exact).recallAt1 }
        let hitMap = { (found: Neighbours) in
            Drawing.enlarged(Image(width: size.width, height: size.height, channels: 1, samples: hits(found)), 4)
        }
        let changes = { (queries: [Int]) -> Image in
            var map = Image(width: size.width, height: size.height, channels: 3, value: 0.85)
            Drawing.mark(queries.map { ($0 % size.width, $0 / size.width) }, on: &map, colour: [0.85, 0.1, 0.1])
            return Drawing.enlarged(map, 4)
        }
        let label = { (seed: UInt64, recall: Double) in String(format: "seed %d: recall %.3f", seed, recall) }
        return Figure(Drawing.row([(hitMap(builds[0]), label(seeds[0], recalls[0])),
                                   (hitMap(builds[1]), label(seeds[0], recalls[1]) + " (again)"),
                                   (hitMap(builds[2]), label(seeds[1], recalls[2])),
                                   (changes(again), "\(again.count) answers differ, same seed"),
                                   (changes(other), "\(other.count) answers differ, other seed")]),
                      "Three 4-tree kd-forests searched with \(checks) checks, one pixel per query of the coffee "
                        + "photograph, white where the exact neighbour was found. Built twice with seed \(seeds[0]), "
                        + "the index gives the same answer to every query; built with seed \(seeds[1]), it answers "
                        + "\(other.count) of the \(data.queries.rows) queries differently (red) but "
                        + String(format: "finds about as many: recall %.3f against %.3f.", recalls[2], recalls[0]),
                      numbers: ["recall_seed_a": (recalls[0] * 1000).rounded() / 1000,
                                "recall_seed_a_again": (recalls[1] * 1000).rounded() / 1000,
                                "recall_seed_b": (recalls[2] * 1000).rounded() / 1000,
                                "differing_same_seed": Double(again.count),
                                "differing_other_seed": Double(other.count)])
    }
}

extension Neighbours {
    /// The answers to query `q` alone, for scoring one query at a time.
    func selecting(_ q: Int) -> Neighbours {
        Neighbours(k: k, indices: Array(indices[q * k ..< (q + 1) * k]),
                   squaredDistances: Array(squaredDistances[q * k ..< (q + 1) * k]))
    }
}
