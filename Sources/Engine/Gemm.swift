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
    if openblas_get_num_threads() != 1 { openblas_set_num_threads(1) }
}

/// The OpenBLAS kernel family in use ("Haswell", "Cooperlake", …), for benchmark reports.
///
/// OpenBLAS picks it at load time from the CPU, or from OPENBLAS_CORETYPE when set. This workplace sets
/// OPENBLAS_CORETYPE=Haswell (AVX2); unset, OpenBLAS 0.3.21 picks Cooperlake (AVX-512) on this EPYC and
/// single-threaded sgemm at the fashion-mlp shapes goes from ~120 to ~220 GFLOP/s. The engine leaves the
/// choice to the environment. Results are identical for any thread count under either kernel; they differ
/// in the last bits between kernels.
let blasKernel: String = {
    typealias CoreName = @convention(c) () -> UnsafeMutablePointer<CChar>?
    guard let nameSym = dlsym(nil, "openblas_get_corename") else { return "unknown" }
    return unsafeBitCast(nameSym, to: CoreName.self)().map { String(cString: $0) } ?? "unknown"
}()
