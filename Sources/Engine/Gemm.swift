// GEMM through single-threaded cblas_sgemm, part boundaries, and the choice of OpenBLAS kernel.

import COpenBLAS
#if canImport(Glibc)
import Glibc
#endif

/// C (m×n, row-major) = op(A)·op(B), op = transpose when asked, folded into the call; one single-threaded
/// cblas_sgemm. Parallelism is the caller's: Workspace splits a minibatch into row parts and the weight
/// gradients into unit parts, each part one call like this, with boundaries fixed by the shape alone.
///
/// OpenBLAS 0.3.21's own threading is not bit-reproducible: the same sgemm with 1 and 2 threads differs
/// in ~10% of the outputs (different edge tiles). So BLAS runs single-threaded and every part is the same
/// call whatever the number of cores: same bits for any thread count.
@inline(__always)
func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
          _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
          _ c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float = 0) {
    guard m > 0, n > 0 else { return }
    cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

/// Boundary q of `parts` near-equal pieces of 0..<extent, rounded up to a multiple of 16 (whole kernel tiles).
@inline(__always) func partBoundary(_ q: Int, of parts: Int, extent: Int) -> Int {
    q >= parts ? extent : min(extent, (extent * q / parts + 15) / 16 * 16)
}

/// BLAS runs single-threaded under the engine (see `gemm`); called at the start of every run.
func useSingleThreadedBLAS() {
    _ = blasKernel
    if openblas_get_num_threads() != 1 { openblas_set_num_threads(1) }
}

/// The OpenBLAS kernel family in use ("SkylakeX", "Haswell", …), chosen once per process.
///
/// OpenBLAS 0.3.21 (Debian 12) does not know AMD Zen 4/5 and runs them with its AVX2 "Haswell" kernels,
/// although they execute AVX-512: measured here (EPYC, family 26) single-threaded sgemm at the fashion-mlp
/// shapes runs 120 GFLOP/s with Haswell and 215–235 with SkylakeX. When the CPU reports the AVX-512 subsets
/// SkylakeX kernels need and OpenBLAS picked an AVX2 kernel, we re-run its dynamic-arch dispatch with
/// OPENBLAS_CORETYPE=SkylakeX (exported entry points, looked up with dlsym so another BLAS still links).
/// An OPENBLAS_CORETYPE set by the user is respected. Results stay identical for any thread count; they
/// may differ in the last bits from a machine that uses other kernels, as they always could.
let blasKernel: String = {
    typealias CoreName = @convention(c) () -> UnsafeMutablePointer<CChar>?
    typealias Hook = @convention(c) () -> Void
    guard let nameSym = dlsym(nil, "openblas_get_corename") else { return "unknown" }
    let coreName = unsafeBitCast(nameSym, to: CoreName.self)
    func current() -> String { coreName().map { String(cString: $0) } ?? "unknown" }
    let name = current()
    guard getenv("OPENBLAS_CORETYPE") == nil, ["Haswell", "Zen"].contains(name), cpuHasAVX512ForSkylakeX(),
          let initSym = dlsym(nil, "gotoblas_dynamic_init"), let quitSym = dlsym(nil, "gotoblas_dynamic_quit") else { return name }
    setenv("OPENBLAS_CORETYPE", "SkylakeX", 1)
    unsafeBitCast(quitSym, to: Hook.self)()
    unsafeBitCast(initSym, to: Hook.self)()
    unsetenv("OPENBLAS_CORETYPE")
    return current()
}()

/// avx512f, avx512cd, avx512bw, avx512dq and avx512vl in the kernel's CPU flags (Linux); false elsewhere.
private func cpuHasAVX512ForSkylakeX() -> Bool {
    #if os(Linux)
    guard let f = fopen("/proc/cpuinfo", "r") else { return false }
    defer { fclose(f) }
    var line = [CChar](repeating: 0, count: 8192)
    while fgets(&line, Int32(line.count), f) != nil {
        let text = String(decoding: line.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard text.hasPrefix("flags") else { continue }
        let flags = Set(text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }))
        return ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"].allSatisfy { flags.contains(Substring($0)) }
    }
    #endif
    return false
}
