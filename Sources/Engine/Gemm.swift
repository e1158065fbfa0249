// Deterministic parallel GEMM: single-threaded cblas_sgemm calls over a partition fixed by the shape alone.

import COpenBLAS
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// C (m×n, row-major) = op(A)·op(B), op = transpose when asked, folded into the call.
///
/// OpenBLAS 0.3.21's own threading is not bit-reproducible: the same sgemm with 1 and 2 threads differs
/// in ~10% of the outputs (different edge tiles). So BLAS runs single-threaded and we split C into blocks
/// of rows (or columns) whose boundaries depend only on (m, n, k), run them concurrently, and every block
/// is the same single-threaded call whatever the number of cores: same bits on every machine.
func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
          _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
          _ c: UnsafeMutablePointer<Float>, ldc: Int) {
    guard m > 0, n > 0 else { return }
    let ta = transA ? CblasTrans : CblasNoTrans, tb = transB ? CblasTrans : CblasNoTrans
    let blocks = gemmBlocks(m: m, n: n, k: k)
    if blocks == 1 {
        cblas_sgemm(CblasRowMajor, ta, tb, Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb), 0, c, Int32(ldc))
        return
    }
    let splitRows = m >= n
    let extent = splitRows ? m : n
    let job = GemmBlocks(a: a, b: b, c: c)
    DispatchQueue.concurrentPerform(iterations: blocks) { q in
        // Boundaries rounded to multiples of 16 so every block but the last is a whole number of kernel tiles.
        let lo = min(extent, (extent * q / blocks + 15) / 16 * 16)
        let hi = q == blocks - 1 ? extent : min(extent, (extent * (q + 1) / blocks + 15) / 16 * 16)
        guard hi > lo else { return }
        if splitRows {
            // rows lo..<hi of C need rows lo..<hi of op(A): row offset for A, column offset for Aᵀ (k×m storage)
            let aq = transA ? job.a + lo : job.a + lo * lda
            cblas_sgemm(CblasRowMajor, ta, tb, Int32(hi - lo), Int32(n), Int32(k), 1, aq, Int32(lda), job.b, Int32(ldb),
                        0, job.c + lo * ldc, Int32(ldc))
        } else {
            // columns lo..<hi of C need columns lo..<hi of op(B): column offset for B, row offset for Bᵀ (n×k storage)
            let bq = transB ? job.b + lo * ldb : job.b + lo
            cblas_sgemm(CblasRowMajor, ta, tb, Int32(m), Int32(hi - lo), Int32(k), 1, job.a, Int32(lda), bq, Int32(ldb),
                        0, job.c + lo, Int32(ldc))
        }
    }
}

/// 1 block below ~4 M multiply-adds (threading would cost more than it saves), up to 4 above; shape only.
func gemmBlocks(m: Int, n: Int, k: Int) -> Int {
    let work = Double(m) * Double(n) * Double(k)
    guard max(m, n) >= 64 else { return 1 }
    return min(4, max(1, Int(work / 4_000_000)), max(m, n) / 32)
}

/// Raw pointers handed to the concurrent blocks; each block writes a disjoint part of C.
private struct GemmBlocks: @unchecked Sendable {
    let a: UnsafePointer<Float>
    let b: UnsafePointer<Float>
    let c: UnsafeMutablePointer<Float>
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
        let text = String(cString: line)
        guard text.hasPrefix("flags") else { continue }
        let flags = Set(text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }))
        return ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"].allSatisfy { flags.contains(Substring($0)) }
    }
    #endif
    return false
}
