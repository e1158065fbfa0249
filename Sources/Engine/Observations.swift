// What a run observes besides the loss: weight/activation/gradient snapshots, dead units, the decision surface.
import Outcomes
import Vocabulary

extension TrainingSession {
    /// Weights, activations and ∂L/∂W on the fixed batch of the first ≤ 1,000 training examples (evaluation
    /// mode), each subsampled with a fixed stride to at most LayerSample.maxValues values. Overwrites ws.grads.
    /// Shorthand: one sample per dense layer, its activations being the post-activations (output layer: its output
    /// nonlinearity). Layer list: one per entry, each entry's own output (a dense layer with an activation fused
    /// in: Z; the activation entry: A), weights and gradients for dense layers only.
    func snapshot(_ moment: Moment) -> Snapshot {
        let train = data.train
        let n = min(1_000, train.count)
        var layers: [LayerSample] = []
        train.features.withUnsafeBufferPointer { f in
            train.labels.withUnsafeBufferPointer { l in
                let x = f.baseAddress.unsafelyUnwrapped
                ws.forward(x, rows: n, training: false)
                // Activations before the loss and backward overwrite Z with ∂L/∂Z.
                for (k, plan) in shape.layers.enumerated() {
                    let count = n * plan.fanOut
                    let own = strided(UnsafeBufferPointer(start: k == shape.layers.count - 1 || !shape.isLayerList || !plan.isDense
                                                          ? ws.output(k) : ws.preActivation(k), count: count))
                    layers.append(LayerSample(layer: plan.number, weights: [], activations: own, gradients: []))
                    if let fused = plan.fusedNumber {
                        layers.append(LayerSample(layer: fused, weights: [], activations: strided(UnsafeBufferPointer(start: ws.output(k), count: count)), gradients: []))
                    }
                }
                _ = ws.loss(labels: l.baseAddress.unsafelyUnwrapped, rows: n, gradient: true)
                ws.backward(x, rows: n)
            }
        }
        for (k, plan) in shape.layers.enumerated() where plan.hasWeights {
            let w = plan.weightOffset, count = plan.weightCount
            guard let j = layers.firstIndex(where: { $0.layer == plan.number }) else { continue }
            layers[j].weights = strided(UnsafeBufferPointer(rebasing: ws.params[w..<(w + count)]))
            layers[j].gradients = strided(UnsafeBufferPointer(rebasing: ws.grads[w..<(w + count)]))
            _ = k
        }
        return Snapshot(moment: moment, layers: layers)
    }

    /// Every ⌈count/max⌉-th value, starting at the first.
    func strided(_ values: UnsafeBufferPointer<Float>) -> [Float] {
        let step = max(1, (values.count + LayerSample.maxValues - 1) / LayerSample.maxValues)
        return stride(from: 0, to: values.count, by: step).map { values[$0] }
    }

    /// Hidden units whose output is exactly 0 for every training example, and the training split's mean loss
    /// and accuracy, from one evaluation pass (the final metrics need the same forward pass over the same weights).
    /// Shorthand: every hidden layer; layer list: every activation entry (fused into a dense layer or not).
    func trainingPass(_ moment: Moment) -> (dead: [DeadNeuronRecord], loss: Double, accuracy: Double) {
        let train = data.train
        // (index into shape.layers, report number) of each layer whose output is an activation's.
        let watched: [(Int, Int)] = shape.layers.indices.compactMap { k in
            let plan = shape.layers[k]
            if !shape.isLayerList { return k < shape.layers.count - 1 ? (k, plan.number) : nil }
            if case .activation = plan.kind { return (k, plan.number) }
            return plan.fusedNumber.map { (k, $0) }
        }
        // Per watched unit, the OR of |a| bit patterns over all rows: nonzero iff some output was not ±0.
        var seen = watched.map { [UInt32](repeating: 0, count: shape.layers[$0.0].fanOut) }
        var sum = 0.0, correct = 0
        forEachChunk(train) { _, n, labels in
            for (i, (k, _)) in watched.enumerated() {
                let width = shape.layers[k].fanOut
                let bits = UnsafeRawPointer(ws.output(k)).assumingMemoryBound(to: UInt32.self)
                seen[i].withUnsafeMutableBufferPointer { acc in
                    let o = acc.baseAddress.unsafelyUnwrapped
                    for r in 0..<n {
                        let row = bits + r * width
                        for j in 0..<width { o[j] |= row[j] & 0x7fff_ffff }
                    }
                }
            }
            let (s, c) = ws.loss(labels: labels, rows: n, gradient: false)
            sum += s
            correct += c
        }
        let dead = watched.enumerated().map { i, w in
            // An image-shaped activation (after conv2d) counts channels: a feature map is dead when every one of its
            // pixels is 0 for every example (a dead pixel at a padded border is not a dead unit).
            let out = shape.layers[w.0].output
            guard out.dims.count == 3 else {
                return DeadNeuronRecord(moment: moment, layer: w.1, dead: seen[i].lazy.filter { $0 == 0 }.count, units: out.count)
            }
            let (channels, plane) = out.channelsAndPlane
            let deadChannels = (0..<channels).filter { c in seen[i][(c * plane)..<((c + 1) * plane)].allSatisfy { $0 == 0 } }.count
            return DeadNeuronRecord(moment: moment, layer: w.1, dead: deadChannels, units: channels)
        }
        return (dead, sum / Double(train.count), Double(correct) / Double(train.count))
    }

    /// Class-1 probability on a resolution × resolution grid over the training data's range padded by 10%
    /// (row 0 at yMin). Sigmoid: σ(z); softmax: p₁; identity: softmax(z)₁ for cross-entropy, else z₁ clamped to [0, 1].
    func predictionGrid() -> PredictionGrid? {
        guard let resolution = job.diagnostics.predictionGrid, data.train.width == 2 else { return nil }
        let f = data.train.features
        var lo = [f[0], f[1]], hi = lo
        for k in 0..<data.train.count {
            for c in 0..<2 { lo[c] = min(lo[c], f[2 * k + c]); hi[c] = max(hi[c], f[2 * k + c]) }
        }
        var ranges: [ClosedRange<Double>] = []
        for c in 0..<2 {
            let span = Double(hi[c]) - Double(lo[c])
            let pad = span > 0 ? 0.1 * span : 1
            ranges.append((Double(lo[c]) - pad)...(Double(hi[c]) + pad))
        }
        let points = resolution * resolution
        var grid = [Float](repeating: 0, count: 2 * points)
        for row in 0..<resolution {
            for col in 0..<resolution {
                let k = row * resolution + col
                grid[2 * k] = Float(ranges[0].lowerBound + (ranges[0].upperBound - ranges[0].lowerBound) * Double(col) / Double(resolution - 1))
                grid[2 * k + 1] = Float(ranges[1].lowerBound + (ranges[1].upperBound - ranges[1].lowerBound) * Double(row) / Double(resolution - 1))
            }
        }
        let points2D = Dataset(features: grid, count: points, width: 2, labels: [Int32](repeating: 0, count: points), classes: data.train.classes)
        var probabilities: [Double] = []
        probabilities.reserveCapacity(points)
        let units = shape.outputUnits, last = shape.layers.count - 1
        forEachChunk(points2D) { _, n, _ in
            let z = ws.preActivation(last), q = ws.output(last)
            for r in 0..<n {
                switch shape.output {
                case .sigmoid: probabilities.append(Double(q[r]))
                case .softmax: probabilities.append(Double(q[r * units + 1]))
                case .identity:
                    if shape.loss == .crossEntropy {
                        let lse = logSumExp(z + r * units, units)
                        probabilities.append(Double(Float.exp(z[r * units + 1] - lse)))
                    } else {
                        probabilities.append(Double(min(max(z[r * units + 1], 0), 1)))
                    }
                }
            }
        }
        return PredictionGrid(resolution: resolution, xRange: ranges[0], yRange: ranges[1], probabilities: probabilities)
    }
}
