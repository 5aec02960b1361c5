import type { AudioFileFormat } from '../../shared/audio/format'
import type { PrepareOptions } from '../../shared/audio/prepare'
import type { ErrorInfo } from '../../shared/errors'

export interface DecodeJob {
  file: string
  /** Prepare for a device after decoding; null returns the file's own samples. */
  prepare: PrepareOptions | null
}

export type DecodeResult =
  | { ok: true; format: AudioFileFormat; sampleRate: number; channels: Float32Array[] }
  | { ok: false; error: ErrorInfo }
