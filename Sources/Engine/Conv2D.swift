// conv2d's fast path: per image, im2col then one cblas_sgemm each for the output, the weight and the input gradient.

/// Buffers of one conv2d layer, allocated once per run and freed in deinit: the im2col matrices of the first
/// `keptImages` images of a pass (a training minibatch), which the weight gradient reads again; one im2col
/// scratch per row part for any image beyond them (an evaluation chunk, whose backward — the snapshots' —
/// lowers its input again); one ∂col scratch and one partial ∂W, ∂b per row part.
///
/// Determinism: the caller splits a minibatch into row parts by its shape alone (as Workspace does); part q
/// adds up its images' ∂W in image order into its own partial, and `reduceGradients` adds the partials in
/// part order. Where a part runs never changes what it computes: the same bits for any thread count.
final class ConvBuffers {
    let geometry: ConvGeometry
    let keptImages: Int
    static let maxParts = 2
    private let col: UnsafeMutablePointer<Float>
    private let dcol: UnsafeMutablePointer<Float>
    /// Per part: ∂W (filters × patch) then ∂b (filters).
    private let partial: UnsafeMutablePointer<Float>
    private var partialSize: Int { geometry.weightCount + geometry.filters }
    private var colSize: Int { geometry.patch * geometry.pixels }

    init(geometry: ConvGeometry, keptImages: Int) {
        self.geometry = geometry
        self.keptImages = max(keptImages, 0)
        col = ConvBuffers.zeros((self.keptImages + ConvBuffers.maxParts) * geometry.patch * geometry.pixels)
        dcol = ConvBuffers.zeros(ConvBuffers.maxParts * geometry.patch * geometry.pixels)
        partial = ConvBuffers.zeros(ConvBuffers.maxParts * (geometry.weightCount + geometry.filters))
    }

    private static func zeros(_ n: Int) -> UnsafeMutablePointer<Float> {
        let p = UnsafeMutablePointer<Float>.allocate(capacity: max(n, 1))
        p.initialize(repeating: 0, count: max(n, 1))
        return p
    }

    deinit {
        col.deallocate()
        dcol.deallocate()
        partial.deallocate()
    }

    /// Bytes held, for the memory budget.
    static func bytes(_ g: ConvGeometry, keptImages: Int) -> Int {
        ((keptImages + 2 * maxParts) * g.patch * g.pixels + maxParts * (g.weightCount + g.filters)) * 4
    }

    /// Image n's patches: kept, or the part's scratch.
    private func patches(image n: Int, part q: Int) -> UnsafeMutablePointer<Float> {
        col + (n < keptImages ? n : keptImages + q) * colSize
    }

    // MARK: forward — Y_n (filters × pixels) = W (filters × patch) · col(X_n) + b

    /// Images `images` of a minibatch, row part q: x points at the first of them (images × inputSize), y likewise
    /// (images × outputSize). The image numbers only place the patches, which the weight gradient reads again.
    func forward(part q: Int, _ x: UnsafePointer<Float>, weights w: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                 into y: UnsafeMutablePointer<Float>, images: Range<Int>) {
        let g = geometry
        for (k, n) in images.enumerated() {
            let c = patches(image: n, part: q), yn = y + k * g.outputSize
            im2col(g, x + k * g.inputSize, c)
            gemm(transA: false, transB: false, m: g.filters, n: g.pixels, k: g.patch, w, lda: g.patch, c, ldb: g.pixels, yn, ldc: g.pixels)
            for o in 0..<g.filters {
                let row = yn + o * g.pixels, b = bias[o]
                for j in 0..<g.pixels { row[j] += b }
            }
        }
    }

    // MARK: backward — ∂W = Σ_n ∂Y_n · col_nᵀ, ∂b = Σ_n Σ_pixels ∂Y_n, ∂X_n = col2im(Wᵀ · ∂Y_n)

    /// The gradients of images `images` (after `forward` of the same images) as row part q: ∂W and ∂b into the
    /// part's partial, ∂X into dx when given. x, dy and dx point at the first of the images.
    func backward(part q: Int, _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, weights w: UnsafePointer<Float>,
                  inputGradient dx: UnsafeMutablePointer<Float>?, images: Range<Int>) {
        let g = geometry
        let dW = partial + q * partialSize, db = dW + g.weightCount
        guard !images.isEmpty else { dW.update(repeating: 0, count: partialSize); return }
        let scratch = dcol + q * colSize
        db.update(repeating: 0, count: g.filters)
        for (k, n) in images.enumerated() {
            let dyn = dy + k * g.outputSize, c = patches(image: n, part: q)
            if n >= keptImages { im2col(g, x + k * g.inputSize, c) }
            // ∂W (filters × patch) += ∂Y_n (filters × pixels) · col_nᵀ (pixels × patch); the first image overwrites.
            gemm(transA: false, transB: true, m: g.filters, n: g.patch, k: g.pixels, dyn, lda: g.pixels, c, ldb: g.pixels,
                 dW, ldc: g.patch, beta: n == images.lowerBound ? 0 : 1)
            for o in 0..<g.filters { db[o] += rowSum(dyn + o * g.pixels, count: g.pixels) }
            if let dx {
                // ∂col (patch × pixels) = Wᵀ (patch × filters) · ∂Y_n (filters × pixels)
                gemm(transA: true, transB: false, m: g.patch, n: g.pixels, k: g.filters, w, lda: g.patch, dyn, ldb: g.pixels,
                     scratch, ldc: g.pixels)
                col2im(g, scratch, dx + k * g.inputSize)
            }
        }
    }

    /// ∂W (filters × patch) and ∂b (filters) = the sum of parts 0..<parts' partials, added in part order.
    func reduceGradients(parts: Int, weightGradient dw: UnsafeMutablePointer<Float>, biasGradient db: UnsafeMutablePointer<Float>) {
        let g = geometry
        dw.update(from: partial, count: g.weightCount)
        db.update(from: partial + g.weightCount, count: g.filters)
        for q in 1..<max(parts, 1) {
            let p = partial + q * partialSize
            for k in 0..<g.weightCount { dw[k] += p[k] }
            for k in 0..<g.filters { db[k] += p[g.weightCount + k] }
        }
    }

    // MARK: a whole minibatch, split into row parts by its shape alone

    /// 2 row parts when the batch has ≥ 2 images and ≥ 2 M multiply-adds (a hand-over's worth), else 1.
    func rowParts(_ rows: Int) -> Int { rows >= 2 && rows * geometry.work >= 1 << 21 ? 2 : 1 }

    func images(part q: Int, of parts: Int, rows: Int) -> Range<Int> {
        partBoundary(q, of: parts, extent: rows)..<partBoundary(q + 1, of: parts, extent: rows)
    }

    func forward(_ x: UnsafePointer<Float>, weights w: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                 into y: UnsafeMutablePointer<Float>, rows: Int) {
        let parts = rowParts(rows)
        WorkerPool.shared.run(parts: parts) { q in
            let r = images(part: q, of: parts, rows: rows)
            forward(part: q, x + r.lowerBound * geometry.inputSize, weights: w, bias: bias, into: y + r.lowerBound * geometry.outputSize, images: r)
        }
    }

    func backward(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, weights w: UnsafePointer<Float>, inputGradient dx: UnsafeMutablePointer<Float>?,
                  weightGradient dw: UnsafeMutablePointer<Float>, biasGradient db: UnsafeMutablePointer<Float>, rows: Int) {
        let parts = rowParts(rows)
        WorkerPool.shared.run(parts: parts) { q in
            let r = images(part: q, of: parts, rows: rows)
            backward(part: q, x + r.lowerBound * geometry.inputSize, dy + r.lowerBound * geometry.outputSize, weights: w,
                     inputGradient: dx.map { $0 + r.lowerBound * geometry.inputSize }, images: r)
        }
        reduceGradients(parts: parts, weightGradient: dw, biasGradient: db)
    }
}

/// Σ row[0..<count] in 8 lanes (lane l adds elements l, l + 8, …), the lanes then added in a fixed tree, then the
/// tail: one fixed order, so the same bits on every run and thread count. (A single running sum is a chain of
/// dependent additions: 784 of them per filter and image for LeNet's first layer, ~4% of its training step.)
@inline(__always) func rowSum(_ row: UnsafePointer<Float>, count: Int) -> Float {
    var acc = SIMD8<Float>(repeating: 0)
    var j = 0
    while j + 8 <= count { acc += load8(row + j); j += 8 }
    var s = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]))
    while j < count { s += row[j]; j += 1 }
    return s
}
