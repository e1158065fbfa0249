// The lowering of a convolution to a matrix product: im2col (patches as columns) and its adjoint col2im.

/// One conv2d's shapes: an NCHW input image of `channels`×`height`×`width`, `filters` output channels of
/// `kernel`×`kernel` kernels, applied every `stride` pixels over the input padded by `padding` zeros.
/// Weights are stored as PyTorch stores them: filters × channels × kernel × kernel, row-major, then the bias.
struct ConvGeometry: Hashable, Sendable {
    let channels: Int, height: Int, width: Int
    let filters: Int, kernel: Int, stride: Int, padding: Int

    init(channels: Int, height: Int, width: Int, filters: Int, kernel: Int, stride: Int = 1, padding: Int = 0) {
        self.channels = channels; self.height = height; self.width = width
        self.filters = filters; self.kernel = kernel; self.stride = stride; self.padding = padding
    }

    /// ⌊(H + 2p − k)/s⌋ + 1, as torch.nn.Conv2d (dilation 1).
    var outHeight: Int { (height + 2 * padding - kernel) / stride + 1 }
    var outWidth: Int { (width + 2 * padding - kernel) / stride + 1 }
    /// Rows of the im2col matrix: one per (channel, kernel row, kernel column).
    var patch: Int { channels * kernel * kernel }
    /// Columns of the im2col matrix: one per output pixel.
    var pixels: Int { outHeight * outWidth }
    var inputSize: Int { channels * height * width }
    var outputSize: Int { filters * pixels }
    var weightCount: Int { filters * patch }
    /// Multiply-adds of one image's forward pass.
    var work: Int { filters * patch * pixels }
}

/// ⌈a/b⌉ and ⌊a/b⌋ for b > 0 and any sign of a (Swift's / truncates toward zero).
@inline(__always) func ceilDivide(_ a: Int, _ b: Int) -> Int { a >= 0 ? (a + b - 1) / b : -((-a) / b) }

/// The output columns ox whose input column ox·s − p + j lies inside 0..<width: the rest read padding.
@inline(__always) func validColumns(_ g: ConvGeometry, kernelColumn j: Int) -> Range<Int> {
    let lo = min(g.outWidth, max(0, ceilDivide(g.padding - j, g.stride)))
    let hi = min(g.outWidth, max(lo, ceilDivide(g.width + g.padding - j, g.stride)))
    return lo..<hi
}

/// col[(c·k + i)·k + j][oy·OW + ox] = x[c][oy·s − p + i][ox·s − p + j], and 0 where that falls in the padding.
/// Then the convolution of one image is the product W (filters × patch) · col (patch × pixels).
func im2col(_ g: ConvGeometry, _ x: UnsafePointer<Float>, _ col: UnsafeMutablePointer<Float>) {
    let k = g.kernel, s = g.stride, p = g.padding, ow = g.outWidth, oh = g.outHeight
    var row = col
    for c in 0..<g.channels {
        let xc = x + c * g.height * g.width
        for i in 0..<k {
            for j in 0..<k {
                let valid = validColumns(g, kernelColumn: j)
                for oy in 0..<oh {
                    let iy = oy * s - p + i, out = row + oy * ow
                    guard iy >= 0, iy < g.height else { out.update(repeating: 0, count: ow); continue }
                    // x column of output column ox: ox·s + shift (≥ 0 on `valid`)
                    let xr = xc + iy * g.width, shift = j - p
                    for ox in 0..<valid.lowerBound { out[ox] = 0 }
                    if s == 1 {
                        copyFloats(xr + valid.lowerBound + shift, into: out + valid.lowerBound, count: valid.count)
                    } else {
                        for ox in valid { out[ox] = xr[ox * s + shift] }
                    }
                    for ox in valid.upperBound..<ow { out[ox] = 0 }
                }
                row += oh * ow
            }
        }
    }
}

/// The adjoint of im2col: dx[c][iy][ix] = Σ of dcol over every (row, pixel) that im2col read x[c][iy][ix] into.
/// Overwrites dx; the sum runs in one fixed order (row by row, pixel by pixel), so the bits never vary.
func col2im(_ g: ConvGeometry, _ dcol: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>) {
    let k = g.kernel, s = g.stride, p = g.padding, ow = g.outWidth, oh = g.outHeight
    dx.update(repeating: 0, count: g.inputSize)
    var row = dcol
    for c in 0..<g.channels {
        let xc = dx + c * g.height * g.width
        for i in 0..<k {
            for j in 0..<k {
                let valid = validColumns(g, kernelColumn: j)
                for oy in 0..<oh {
                    let iy = oy * s - p + i
                    guard iy >= 0, iy < g.height else { continue }
                    let xr = xc + iy * g.width, shift = j - p, d = row + oy * ow
                    for ox in valid { xr[ox * s + shift] += d[ox] }
                }
                row += oh * ow
            }
        }
    }
}

/// dst[0..<count] = src[0..<count], 8 values at a time, inline: im2col's rows are short (28 values for LeNet's
/// first layer), and a memmove call per row cost ~4% of its training step.
@inline(__always) func copyFloats(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, count: Int) {
    var j = 0
    while j + 8 <= count { store8(load8(src + j), dst + j); j += 8 }
    while j < count { dst[j] = src[j]; j += 1 }
}
