/**
 * A native BLAS for the wasm backend's matrix products, through koffi, when the machine has an
 * optimised one: OpenBLAS (Debian: libopenblas0), or Accelerate on macOS. WebAssembly's 128-bit
 * SIMD caps XNNPACK at a fraction of what the CPU's own vector units reach, and products are most
 * of a training step; sgemm reads and writes the tensors where they lie, in the wasm memory.
 * `ENTRAIN_BLAS_LIB` names a library to use instead, or `none` to keep every product in wasm.
 * The reference BLAS (Debian's libblas3) is not looked for: it is slower than XNNPACK.
 */
import koffi from 'koffi'

export interface Blas {
  /** e.g. "OpenBLAS 0.3.21 (SkylakeX), 2 threads". */
  description: string
  /** C = op(A)·op(B), row-major, single precision; views into any ArrayBuffer or SharedArrayBuffer. */
  sgemm(transposeA: boolean, transposeB: boolean, m: number, n: number, k: number, a: Float32Array, b: Float32Array, c: Float32Array): void
}

const rowMajor = 101
const noTranspose = 111
const transpose = 112

function candidates(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string[] {
  if (env.ENTRAIN_BLAS_LIB) return [env.ENTRAIN_BLAS_LIB]
  if (platform === 'darwin') return ['/System/Library/Frameworks/Accelerate.framework/Accelerate', 'libopenblas.dylib']
  if (platform === 'win32') return ['libopenblas.dll', 'openblas.dll']
  return ['libopenblas.so.0', 'libopenblas.so']
}

/** The BLAS to use, or why there is none. */
export function loadBlas(threads: number, env: NodeJS.ProcessEnv = process.env, platform = process.platform): Blas | string {
  if (env.ENTRAIN_BLAS_LIB === 'none') return 'turned off (ENTRAIN_BLAS_LIB=none)'
  const failures: string[] = []
  for (const name of candidates(env, platform)) {
    let library: koffi.IKoffiLib
    try {
      library = koffi.load(name)
    } catch (error) {
      failures.push(`${name}: ${(error as Error).message.split('\n')[0]}`)
      continue
    }
    try {
      const call = library.func(
        'void cblas_sgemm(int order, int transA, int transB, int M, int N, int K, float alpha, const float *A, int lda, const float *B, int ldb, float beta, _Out_ float *C, int ldc)',
      )
      let description = name.includes('Accelerate') ? 'Accelerate' : name
      try {
        const config = library.func('const char *openblas_get_config()')() as string
        library.func('void openblas_set_num_threads(int count)')(threads)
        const [, version, core] = /^OpenBLAS (\S+).*?(\S+) MAX_THREADS/.exec(config) ?? []
        description = `OpenBLAS ${version ?? ''}${core ? ` (${core})` : ''}, ${threads} thread${threads === 1 ? '' : 's'}`.replace('  ', ' ')
      } catch {
        // Not OpenBLAS: its own threading applies.
      }
      return {
        description,
        sgemm: (transposeA, transposeB, m, n, k, a, b, c) =>
          call(rowMajor, transposeA ? transpose : noTranspose, transposeB ? transpose : noTranspose, m, n, k, 1, a, transposeA ? m : k, b, transposeB ? k : n, 0, c, n),
      }
    } catch (error) {
      failures.push(`${name} has no cblas_sgemm (${(error as Error).message.split('\n')[0]})`)
    }
  }
  return `no optimised BLAS found (${failures.join('; ')}); Debian/Ubuntu: apt install libopenblas0`
}
