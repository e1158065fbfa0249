// max-pool2d, avg-pool2d and global-avg-pool on NCHW images: forward and backward side by side, in either precision.

/// One pooling layer's shapes: `channels`×`height`×`width` images, `kernel`×`kernel` windows every `stride`
/// pixels, no padding. Like torch (ceil_mode false), a window that would run past the edge is not formed:
/// the last rows or columns are dropped when the windows do not tile the image (`tiles` says whether they do).
struct PoolGeometry: Hashable, Sendable {
    let channels: Int, height: Int, width: Int
    let kernel: Int, stride: Int

    init(channels: Int, height: Int, width: Int, kernel: Int, stride: Int? = nil) {
        self.channels = channels; self.height = height; self.width = width
        self.kernel = kernel; self.stride = stride ?? kernel
    }

    var outHeight: Int { (height - kernel) / stride + 1 }
    var outWidth: Int { (width - kernel) / stride + 1 }
    var inputSize: Int { channels * height * width }
    var outputSize: Int { channels * outHeight * outWidth }
    /// Every input pixel lies in some window: the last window ends exactly at the edge.
    var tiles: Bool { (height - kernel) % stride == 0 && (width - kernel) % stride == 0 }
}

// MARK: max-pool2d — y = max over the window; ∂x at the window's first maximum += ∂y

/// y[c][oy][ox] = max_{i,j < k} x[c][oy·s + i][ox·s + j] for `images` images; `argmax` records, per output,
/// the input index (within the image) that won. Ties go to the first maximum in row-major window order and a
/// NaN wins over any number (the last NaN of the window), as torch's CPU kernel does (`val > max || isnan(val)`
/// from max = −∞).
func maxPoolForward<T: EngineFloat>(_ g: PoolGeometry, _ x: UnsafePointer<T>, into y: UnsafeMutablePointer<T>,
                                    argmax: UnsafeMutablePointer<Int32>, images: Range<Int>) {
    let oh = g.outHeight, ow = g.outWidth, k = g.kernel, s = g.stride
    for n in images {
        for c in 0..<g.channels {
            let plane = c * g.height * g.width, xc = x + n * g.inputSize + plane
            let out = n * g.outputSize + c * oh * ow
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var best = (oy * s) * g.width + ox * s
                    var value = -T.infinity
                    for i in 0..<k {
                        let r = (oy * s + i) * g.width + ox * s
                        for j in 0..<k {
                            let v = xc[r + j]
                            if v > value || v.isNaN { value = v; best = r + j }
                        }
                    }
                    y[out + oy * ow + ox] = value
                    argmax[out + oy * ow + ox] = Int32(plane + best)
                }
            }
        }
    }
}

/// maxPoolForward for 2×2 windows every 2 pixels (LeNet's pooling, the common case) on Float, with the same
/// results: the four values are taken in the same row-major order with the same rule (`v > max || isnan(v)`),
/// written as selects instead of branches. On ReLU outputs the comparisons are close to coin flips (and ties at
/// 0 are frequent), so the branchy general loop mispredicted about once per window.
func maxPool2x2Forward(_ g: PoolGeometry, _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>,
                       argmax: UnsafeMutablePointer<Int32>, images: Range<Int>) {
    precondition(g.kernel == 2 && g.stride == 2)
    let oh = g.outHeight, ow = g.outWidth, w = g.width
    for n in images {
        for c in 0..<g.channels {
            let plane = c * g.height * w, xc = x + n * g.inputSize + plane
            let out = n * g.outputSize + c * oh * ow
            for oy in 0..<oh {
                let r0 = 2 * oy * w, top = xc + r0, bottom = top + w
                let yr = y + out + oy * ow, ar = argmax + out + oy * ow
                for ox in 0..<ow {
                    let i = 2 * ox
                    @inline(__always) func take(_ v: Float, _ k: Int32, _ best: inout Float, _ at: inout Int32) {
                        let t = v > best || v != v
                        best = t ? v : best
                        at = t ? k : at
                    }
                    // The first value always wins against the initial −∞ (or ties it, keeping its index).
                    var best = top[i], at = Int32(plane + r0 + i)
                    take(top[i + 1], Int32(plane + r0 + i + 1), &best, &at)
                    take(bottom[i], Int32(plane + r0 + w + i), &best, &at)
                    take(bottom[i + 1], Int32(plane + r0 + w + i + 1), &best, &at)
                    yr[ox] = best
                    ar[ox] = at
                }
            }
        }
    }
}

/// ∂x[argmax] += ∂y over each window in output order (overlapping windows add up); every other ∂x is 0.
func maxPoolBackward<T: EngineFloat>(_ g: PoolGeometry, _ dy: UnsafePointer<T>, argmax: UnsafePointer<Int32>,
                                     into dx: UnsafeMutablePointer<T>, images: Range<Int>) {
    for n in images {
        let dxn = dx + n * g.inputSize
        dxn.update(repeating: 0, count: g.inputSize)
        let base = n * g.outputSize
        for o in 0..<g.outputSize { dxn[Int(argmax[base + o])] += dy[base + o] }
    }
}

// MARK: avg-pool2d — y = mean over the window; ∂x += ∂y / k² over the window

/// y[c][oy][ox] = (1/k²) Σ_{i,j < k} x[c][oy·s + i][ox·s + j] (torch's AvgPool2d without padding).
func avgPoolForward<T: EngineFloat>(_ g: PoolGeometry, _ x: UnsafePointer<T>, into y: UnsafeMutablePointer<T>, images: Range<Int>) {
    let oh = g.outHeight, ow = g.outWidth, k = g.kernel, s = g.stride
    let scale = 1 / T(k * k)
    for n in images {
        for c in 0..<g.channels {
            let xc = x + n * g.inputSize + c * g.height * g.width, yc = y + n * g.outputSize + c * oh * ow
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var sum: T = 0
                    for i in 0..<k {
                        let r = xc + (oy * s + i) * g.width + ox * s
                        for j in 0..<k { sum += r[j] }
                    }
                    yc[oy * ow + ox] = sum * scale
                }
            }
        }
    }
}

func avgPoolBackward<T: EngineFloat>(_ g: PoolGeometry, _ dy: UnsafePointer<T>, into dx: UnsafeMutablePointer<T>, images: Range<Int>) {
    let oh = g.outHeight, ow = g.outWidth, k = g.kernel, s = g.stride
    let scale = 1 / T(k * k)
    for n in images {
        let dxn = dx + n * g.inputSize
        dxn.update(repeating: 0, count: g.inputSize)
        for c in 0..<g.channels {
            let dxc = dxn + c * g.height * g.width, dyc = dy + n * g.outputSize + c * oh * ow
            for oy in 0..<oh {
                for ox in 0..<ow {
                    let d = dyc[oy * ow + ox] * scale
                    for i in 0..<k {
                        let r = dxc + (oy * s + i) * g.width + ox * s
                        for j in 0..<k { r[j] += d }
                    }
                }
            }
        }
    }
}

// MARK: global-avg-pool — y[c] = mean of channel c's plane; ∂x = ∂y[c] / (H·W) everywhere in the plane

/// `channels` planes of `plane` pixels per image into `channels` means (torch's AdaptiveAvgPool2d(1) + flatten).
func globalAvgPoolForward<T: EngineFloat>(channels: Int, plane: Int, _ x: UnsafePointer<T>, into y: UnsafeMutablePointer<T>, images: Range<Int>) {
    let scale = 1 / T(plane)
    for n in images {
        for c in 0..<channels {
            let xc = x + (n * channels + c) * plane
            var sum: T = 0
            for k in 0..<plane { sum += xc[k] }
            y[n * channels + c] = sum * scale
        }
    }
}

func globalAvgPoolBackward<T: EngineFloat>(channels: Int, plane: Int, _ dy: UnsafePointer<T>, into dx: UnsafeMutablePointer<T>, images: Range<Int>) {
    let scale = 1 / T(plane)
    for n in images {
        for c in 0..<channels {
            (dx + (n * channels + c) * plane).update(repeating: dy[n * channels + c] * scale, count: plane)
        }
    }
}
