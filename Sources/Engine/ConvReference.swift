// The naive direct convolution (the definition as loops, no lowering, no BLAS), the tests' reference for conv2d.

/// The input pixel that kernel tap (i, j) of output (oy, ox) reads, or nil where it falls in the zero padding.
@inline(__always) private func tap(_ g: ConvGeometry, _ oy: Int, _ ox: Int, _ i: Int, _ j: Int) -> (Int, Int)? {
    let iy = oy * g.stride - g.padding + i, ix = ox * g.stride - g.padding + j
    return iy >= 0 && iy < g.height && ix >= 0 && ix < g.width ? (iy, ix) : nil
}

/// y[n][o][oy][ox] = b[o] + Σ_{c,i,j} w[o][c][i][j] · x[n][c][oy·s − p + i][ox·s − p + j] (0 in the padding).
func conv2dReference<T: EngineFloat>(_ g: ConvGeometry, x: [T], weights w: [T], bias b: [T], images: Int) -> [T] {
    let k = g.kernel
    var y = [T](repeating: 0, count: images * g.outputSize)
    for n in 0..<images {
        for o in 0..<g.filters {
            for oy in 0..<g.outHeight {
                for ox in 0..<g.outWidth {
                    var s = b[o]
                    for c in 0..<g.channels {
                        for i in 0..<k {
                            for j in 0..<k {
                                guard let (iy, ix) = tap(g, oy, ox, i, j) else { continue }
                                s += w[((o * g.channels + c) * k + i) * k + j] * x[n * g.inputSize + (c * g.height + iy) * g.width + ix]
                            }
                        }
                    }
                    y[n * g.outputSize + (o * g.outHeight + oy) * g.outWidth + ox] = s
                }
            }
        }
    }
    return y
}

/// From ∂L/∂y: ∂L/∂w[o][c][i][j] = Σ_{n,oy,ox} ∂y[n][o][oy][ox] · x[n][c][tap], ∂L/∂b[o] = Σ_{n,oy,ox} ∂y[n][o][oy][ox],
/// ∂L/∂x[n][c][tap] += ∂y[n][o][oy][ox] · w[o][c][i][j] — every product of the forward sum, differentiated.
func conv2dReferenceBackward<T: EngineFloat>(_ g: ConvGeometry, x: [T], weights w: [T], outputGradient dy: [T], images: Int)
    -> (input: [T], weights: [T], bias: [T]) {
    let k = g.kernel
    var dx = [T](repeating: 0, count: images * g.inputSize)
    var dw = [T](repeating: 0, count: g.weightCount), db = [T](repeating: 0, count: g.filters)
    for n in 0..<images {
        for o in 0..<g.filters {
            for oy in 0..<g.outHeight {
                for ox in 0..<g.outWidth {
                    let d = dy[n * g.outputSize + (o * g.outHeight + oy) * g.outWidth + ox]
                    db[o] += d
                    for c in 0..<g.channels {
                        for i in 0..<k {
                            for j in 0..<k {
                                guard let (iy, ix) = tap(g, oy, ox, i, j) else { continue }
                                let wi = ((o * g.channels + c) * k + i) * k + j, xi = n * g.inputSize + (c * g.height + iy) * g.width + ix
                                dw[wi] += d * x[xi]
                                dx[xi] += d * w[wi]
                            }
                        }
                    }
                }
            }
        }
    }
    return (dx, dw, db)
}

extension ReferenceNetwork {
    /// Layer k's output when it is an image layer (conv2d, a pooling, flatten, global-avg-pool), in plain loops.
    func imageForward(_ k: Int, input x: [T], rows: Int) -> [T] {
        let layer = shape.layers[k]
        var y = [T](repeating: 0, count: rows * layer.fanOut)
        switch layer.kind {
        case .conv2d(let g):
            let w = Array(params[layer.weightOffset..<(layer.weightOffset + g.weightCount)])
            let b = Array(params[layer.biasOffset..<(layer.biasOffset + g.filters)])
            return conv2dReference(g, x: x, weights: w, bias: b, images: rows)
        case .maxPool2d(let g):
            var argmax = [Int32](repeating: 0, count: rows * g.outputSize)
            maxPoolForward(g, x, into: &y, argmax: &argmax, images: 0..<rows)
        case .avgPool2d(let g):
            avgPoolForward(g, x, into: &y, images: 0..<rows)
        case .globalAvgPool:
            let (c, plane) = layer.input.channelsAndPlane
            globalAvgPoolForward(channels: c, plane: plane, x, into: &y, images: 0..<rows)
        case .flatten:
            return x
        default:
            preconditionFailure("not an image layer")
        }
        return y
    }

    /// ∂L/∂input of image layer k from ∂L/∂output, writing a conv layer's ∂W and ∂b into `grad`.
    func imageBackward(_ k: Int, input x: [T], dOut: [T], rows: Int, into grad: inout [T]) -> [T] {
        let layer = shape.layers[k]
        var dx = [T](repeating: 0, count: rows * layer.fanIn)
        switch layer.kind {
        case .conv2d(let g):
            let w = Array(params[layer.weightOffset..<(layer.weightOffset + g.weightCount)])
            let back = conv2dReferenceBackward(g, x: x, weights: w, outputGradient: dOut, images: rows)
            for i in 0..<g.weightCount { grad[layer.weightOffset + i] = back.weights[i] }
            for o in 0..<g.filters { grad[layer.biasOffset + o] = back.bias[o] }
            return back.input
        case .maxPool2d(let g):
            var y = [T](repeating: 0, count: rows * g.outputSize), argmax = [Int32](repeating: 0, count: rows * g.outputSize)
            maxPoolForward(g, x, into: &y, argmax: &argmax, images: 0..<rows)
            maxPoolBackward(g, dOut, argmax: argmax, into: &dx, images: 0..<rows)
        case .avgPool2d(let g):
            avgPoolBackward(g, dOut, into: &dx, images: 0..<rows)
        case .globalAvgPool:
            let (c, plane) = layer.input.channelsAndPlane
            globalAvgPoolBackward(channels: c, plane: plane, dOut, into: &dx, images: 0..<rows)
        case .flatten:
            return dOut
        default:
            preconditionFailure("not an image layer")
        }
        return dx
    }
}
