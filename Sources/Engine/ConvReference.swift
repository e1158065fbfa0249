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
