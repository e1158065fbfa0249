// Budgets estimated from the spec when a block is read, before anything is allocated, and reported at the key
// that asks for too much: `labbook check` then refuses exactly what `labbook build` would.
//
// The network's limits are Engine's Budget.check (asked through `Feasibility`: the same function the trainer calls), applied to the sizes the
// spec implies. Besides the network: the data set itself (generated samples × features as Float32, twice:
// the examples and their normalised copy), histogram bins, and a recurrent probe's weights, states and work.
import LabbookCore
import Vocabulary

enum SpecBudget {
    /// More bins than a chart can draw in its width; `bins: 1e9` allocated 8 GB of counters.
    static let maxBins = 1_000
    static var memory: Int { Budget.defaultMemoryBudget }

    /// Checks one variant (its merged tree gives the key locations; a swept value is located in `sweep`).
    static func check(_ built: BlockReader.Built, _ tree: YAMLTree, _ fence: SourceLocation, _ c: ValueReader) {
        func at(_ path: String...) -> SourceLocation {
            var node: YAMLTree? = tree
            var best = fence
            for key in path {
                node = node?[key]
                if let node { best = node.location }
            }
            return best
        }
        for report in built.reports {
            if case .histogram(let h) = report, h.bins > maxBins {
                c.error(histogramBinsLocation(tree) ?? at("show"), "'histogram.bins' is \(h.bins), more than \(maxBins)",
                        hint: "a histogram of \(maxBins) bins is already finer than the chart can draw")
            }
        }
        if let r = built.recurrent { recurrent(r, at("recurrent", "hidden"), at("recurrent", "steps"), c) }
        guard let data = built.data else { return }
        let width = data.inputWidth
        if !data.source.readsFiles, let width {
            // Examples and their normalised copy, Float32, plus a label per example.
            let bytes = 2 * (Double(data.samples) * (Double(width) + 1) * 4)
            if bytes > Double(memory) {
                let featuresDominate = width > data.samples
                c.error(featuresDominate ? at("data", "features") : at("data", "samples"),
                        "the data set (\(data.samples) samples × \(width) features) needs ~\(NumberFormat.gibibytes(bytes)) GiB, over the \(NumberFormat.gibibytes(Double(memory))) GiB memory budget",
                        hint: featuresDominate ? "use fewer features" : "use fewer samples")
                return
            }
        }
        guard let job = built.job, let width, let trainCount = trainCount(data) else { return }
        // Impossible settings (batch 0, …) are reported by the section readers with their own words.
        if let message = c.feasibility?.overBudget(job, inputWidth: width, classes: data.classCount, trainCount: trainCount) {
            c.error(location(of: message, job: job, width: width, at), message)
        }
    }

    /// Training examples the run will see, when the spec alone says (generators, files of a known size).
    static func trainCount(_ data: DataSpec) -> Int? {
        if !data.source.readsFiles { return max(1, data.samples - (data.validation ?? 0)) }
        guard let known = data.source.knownSizes else { return nil }
        let validation = data.validation ?? min(10_000, known.train / 6)
        return max(1, data.train ?? min(50_000, known.train - validation))
    }

    /// The key a Budget message is about: the limit that failed names it.
    static func location(of message: String, job: TrainingJob, width: Int, _ at: (String...) -> SourceLocation) -> SourceLocation {
        if message.hasPrefix("epochs") { return at("train", "epochs") }
        if message.hasPrefix("batch") { return at("train", "batch") }
        if message.hasPrefix("input width") { return width > Budget.maxWidth ? at("data", "features") : at("data") }
        if message.contains("iteration records") { return at("train", "record-every") }
        if message.hasPrefix("training needs") { return at("train", "epochs") }
        return at("model", "hidden")
    }

    /// hidden² weights per scale, and the states and their gradients over every step.
    static func recurrent(_ r: RecurrentProbeConfig, _ hiddenAt: SourceLocation, _ stepsAt: SourceLocation, _ c: ValueReader) {
        let h = Double(r.hidden), t = Double(r.steps)
        let bytes = 4 * (h * h + 4 * h * t)
        let work = Double(r.weightScales.count) * 2 * t * h * h
        if bytes > Double(memory) {
            c.error(h * h >= 4 * h * t ? hiddenAt : stepsAt,
                    "the recurrent probe (hidden \(r.hidden), \(r.steps) steps) needs ~\(NumberFormat.gibibytes(bytes)) GiB, over the \(NumberFormat.gibibytes(Double(memory))) GiB memory budget",
                    hint: "a probe shows vanishing gradients with hidden 32 and 50 steps")
        } else if work > Budget.maxWork {
            c.error(h * h >= 4 * h * t ? hiddenAt : stepsAt,
                    "the recurrent probe needs ~\(NumberFormat.exponential(work, 1, shortExponent: true)) multiply-adds, over the work limit of \(NumberFormat.exponential(Budget.maxWork, 1, shortExponent: true))",
                    hint: "use fewer steps or a smaller hidden state")
        }
    }

    /// Where `bins:` is written in the block's `show` list.
    static func histogramBinsLocation(_ tree: YAMLTree) -> SourceLocation? {
        guard let show = tree["show"] else { return nil }
        let items: [YAMLTree]
        if case .sequence(let s) = show.value { items = s } else { items = [show] }
        for item in items { if let bins = item["histogram"]?["bins"] { return bins.location } }
        return nil
    }
}
