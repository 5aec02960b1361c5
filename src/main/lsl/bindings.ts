import koffi from 'koffi'
import { EntrainError } from '../../shared/errors'
import type { ChannelFormat } from '../../shared/xdf/types'
import { loadLibrary, type LoadedLibrary } from './library'

/** liblsl's channel_format_t values. */
export const formatCodes: Record<ChannelFormat, number> = {
  float32: 1,
  double64: 2,
  string: 3,
  int32: 4,
  int16: 5,
  int8: 6,
  int64: 7,
}
export const formatNames = Object.fromEntries(Object.entries(formatCodes).map(([name, code]) => [code, name])) as Record<
  number,
  ChannelFormat
>

/** liblsl's error codes (lsl_error_code_t). */
export const lslErrors = { none: 0, timeout: -1, lost: -2, argument: -3, internal: -4 } as const

export type Pointer = unknown

/** Typed array used to pull and push each numeric channel format. */
export const numericArrays = {
  float32: Float32Array,
  double64: Float64Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  int64: BigInt64Array,
} as const
export type NumericFormat = keyof typeof numericArrays

/**
 * The liblsl C API as koffi functions: only the calls Entrain uses, all present since liblsl 1.12.
 * Pointer parameters of numeric buffers take typed arrays directly (no copy for synchronous calls).
 */
function bind(lib: koffi.IKoffiLib) {
  const chunkSuffix: Record<NumericFormat, string> = { float32: 'f', double64: 'd', int8: 'c', int16: 's', int32: 'i', int64: 'l' }
  const cType: Record<NumericFormat, string> = {
    float32: 'float',
    double64: 'double',
    int8: 'char',
    int16: 'int16_t',
    int32: 'int32_t',
    int64: 'int64_t',
  }
  const perFormat = <T>(make: (format: NumericFormat, suffix: string, type: string) => T) =>
    Object.fromEntries(
      (Object.keys(chunkSuffix) as NumericFormat[]).map((format) => [format, make(format, chunkSuffix[format], cType[format])]),
    ) as Record<NumericFormat, T>

  return {
    localClock: lib.func('double lsl_local_clock()') as () => number,

    createStreamInfo: lib.func(
      'void *lsl_create_streaminfo(const char *name, const char *type, int channel_count, double nominal_srate, int channel_format, const char *source_id)',
    ),
    destroyStreamInfo: lib.func('void lsl_destroy_streaminfo(void *info)'),
    getXml: lib.func('void *lsl_get_xml(void *info)'),
    destroyString: lib.func('void lsl_destroy_string(void *s)'),
    getName: lib.func('const char *lsl_get_name(void *info)'),
    getType: lib.func('const char *lsl_get_type(void *info)'),
    getChannelCount: lib.func('int lsl_get_channel_count(void *info)'),
    getNominalSrate: lib.func('double lsl_get_nominal_srate(void *info)'),
    getChannelFormat: lib.func('int lsl_get_channel_format(void *info)'),
    getSourceId: lib.func('const char *lsl_get_source_id(void *info)'),
    getHostname: lib.func('const char *lsl_get_hostname(void *info)'),
    getUid: lib.func('const char *lsl_get_uid(void *info)'),
    getOutletInfo: lib.func('void *lsl_get_info(void *out)'),
    getCreatedAt: lib.func('double lsl_get_created_at(void *info)'),
    getDesc: lib.func('void *lsl_get_desc(void *info)'),
    appendChild: lib.func('void *lsl_append_child(void *e, const char *name)'),
    appendChildValue: lib.func('void *lsl_append_child_value(void *e, const char *name, const char *value)'),

    createOutlet: lib.func('void *lsl_create_outlet(void *info, int chunk_size, int max_buffered)'),
    destroyOutlet: lib.func('void lsl_destroy_outlet(void *outlet)'),
    haveConsumers: lib.func('int lsl_have_consumers(void *outlet)'),
    pushChunk: perFormat((_format, suffix, type) =>
      lib.func(
        `int lsl_push_chunk_${suffix}tnp(void *outlet, const ${type} *data, unsigned long data_elements, const double *timestamps, int pushthrough)`,
      ),
    ),
    pushChunkStrings: lib.func(
      'int lsl_push_chunk_strtnp(void *outlet, const char **data, unsigned long data_elements, const double *timestamps, int pushthrough)',
    ),

    createContinuousResolver: lib.func('void *lsl_create_continuous_resolver(double forget_after)'),
    resolveByPredicate: lib.func(
      'int lsl_resolve_bypred(_Out_ void **buffer, unsigned int buffer_elements, const char *pred, int minimum, double timeout)',
    ),
    resolverResults: lib.func('int lsl_resolver_results(void *resolver, _Out_ void **buffer, unsigned int buffer_elements)'),
    destroyContinuousResolver: lib.func('void lsl_destroy_continuous_resolver(void *resolver)'),

    createInlet: lib.func('void *lsl_create_inlet(void *info, int max_buflen, int max_chunklen, int recover)'),
    destroyInlet: lib.func('void lsl_destroy_inlet(void *inlet)'),
    getFullInfo: lib.func('void *lsl_get_fullinfo(void *inlet, double timeout, _Out_ int *ec)'),
    openStream: lib.func('void lsl_open_stream(void *inlet, double timeout, _Out_ int *ec)'),
    timeCorrection: lib.func('double lsl_time_correction(void *inlet, double timeout, _Out_ int *ec)'),
    pullChunk: perFormat((_format, suffix, type) =>
      lib.func(
        `unsigned long lsl_pull_chunk_${suffix}(void *inlet, _Out_ ${type} *data_buffer, _Out_ double *timestamp_buffer, unsigned long data_buffer_elements, unsigned long timestamp_buffer_elements, double timeout, _Out_ int *ec)`,
      ),
    ),
    pullChunkStrings: lib.func(
      'unsigned long lsl_pull_chunk_str(void *inlet, _Out_ void **data_buffer, _Out_ double *timestamp_buffer, unsigned long data_buffer_elements, unsigned long timestamp_buffer_elements, double timeout, _Out_ int *ec)',
    ),
  }
}

export type LslFunctions = ReturnType<typeof bind>

export interface Lsl {
  library: LoadedLibrary
  fn: LslFunctions
  /** Reads and frees a string liblsl allocated for the caller. */
  takeString(pointer: Pointer): string
  /** Reads a string owned by liblsl (not freed). */
  readString(pointer: Pointer): string
}

let instance: Lsl | undefined

/** liblsl, loaded and bound once per thread. Throws NOT_AVAILABLE (with what to install) without it. */
export function lsl(): Lsl {
  if (instance) return instance
  const library = loadLibrary()
  const fn = bind(library.lib)
  instance = {
    library,
    fn,
    takeString(pointer) {
      if (!pointer) throw new EntrainError('INTERNAL', 'liblsl returned no string')
      const text = koffi.decode(pointer, 'char', -1) as string
      fn.destroyString(pointer)
      return text
    },
    readString(pointer) {
      return typeof pointer === 'string' ? pointer : pointer ? (koffi.decode(pointer, 'char', -1) as string) : ''
    },
  }
  return instance
}

/** The LSL clock (seconds, monotonic); every timestamp in Entrain is in it. */
export function localClock(): number {
  return lsl().fn.localClock()
}
