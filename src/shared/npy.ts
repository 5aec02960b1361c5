/**
 * NumPy's .npy format (versions 1–3), the way paired views, embeddings and projections travel
 * between Entrain and Python. Reads float32/float64 arrays in either byte order and either memory
 * order; writes little-endian, C-order version 1 files, which every NumPy reads.
 */

export type NpyDtype = 'float32' | 'float64'

export interface NpyArray {
  dtype: NpyDtype
  shape: number[]
  /** C order (row-major), native little-endian. */
  data: Float32Array | Float64Array
}

const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59] // \x93NUMPY

export class NpyError extends Error {}

/**
 * Parses an .npy file's bytes; `name` (a file name) appears in every error. With `integers`, integer
 * arrays (class labels, say) are read too, as float64 (exact up to 2⁵³).
 */
export function parseNpy(bytes: Uint8Array, name = 'the array', options: { integers?: boolean } = {}): NpyArray {
  if (bytes.length < 10 || magic.some((value, index) => bytes[index] !== value)) throw new NpyError(`${name} is not a NumPy .npy file (no \\x93NUMPY signature)`)
  const major = bytes[6]!
  if (major < 1 || major > 3) throw new NpyError(`${name} is .npy version ${major}.${bytes[7]}, which Entrain does not know (1–3)`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true)
  const headerStart = major === 1 ? 10 : 12
  const dataStart = headerStart + headerLength
  if (dataStart > bytes.length) throw new NpyError(`${name} is truncated inside its header`)
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart))

  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1]
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1]
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1]
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw new NpyError(`${name} has a header Entrain cannot read: ${header.trim()}`)
  const shape = shapeText
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map(Number)
  if (shape.some((size) => !Number.isInteger(size) || size < 0)) throw new NpyError(`${name} has an invalid shape (${shapeText})`)

  const type = /^([<>|=])([fiu])(\d+)$/.exec(descr)
  const width = type ? Number(type[3]) : 0
  const integer = options.integers === true && type !== null && (type[2] === 'i' || type[2] === 'u') && [1, 2, 4, 8].includes(width)
  if (!type || (!integer && (type[2] !== 'f' || (width !== 4 && width !== 8)))) {
    throw new NpyError(`${name} holds ${describeDtype(descr)}; Entrain reads float32 or float64 arrays${options.integers ? ' or integers' : ''} (in NumPy: a.astype('float32'))`)
  }
  const dtype: NpyDtype = width === 4 && !integer ? 'float32' : 'float64'
  const count = shape.reduce((product, size) => product * size, 1)
  const byteCount = count * width
  if (bytes.length - dataStart < byteCount) throw new NpyError(`${name} is truncated: its shape (${shape.join(', ')}) needs ${byteCount} bytes of data, it has ${bytes.length - dataStart}`)

  const bigEndian = type[1] === '>'
  const values = dtype === 'float32' ? new Float32Array(count) : new Float64Array(count)
  for (let index = 0; index < count; index++) {
    const offset = dataStart + index * width
    values[index] = integer ? readInteger(view, offset, width, type[2] === 'i', !bigEndian) : width === 4 ? view.getFloat32(offset, !bigEndian) : view.getFloat64(offset, !bigEndian)
  }
  return { dtype, shape, data: fortran === 'True' && shape.length > 1 ? fortranToC(values, shape) : values }
}

function readInteger(view: DataView, offset: number, width: number, signed: boolean, littleEndian: boolean): number {
  switch (width) {
    case 1:
      return signed ? view.getInt8(offset) : view.getUint8(offset)
    case 2:
      return signed ? view.getInt16(offset, littleEndian) : view.getUint16(offset, littleEndian)
    case 4:
      return signed ? view.getInt32(offset, littleEndian) : view.getUint32(offset, littleEndian)
    default:
      return Number(signed ? view.getBigInt64(offset, littleEndian) : view.getBigUint64(offset, littleEndian))
  }
}

function describeDtype(descr: string): string {
  const names: Record<string, string> = { i: 'integers', u: 'unsigned integers', f: 'floats', b: 'booleans', U: 'strings', S: 'bytes', O: 'Python objects', c: 'complex numbers' }
  const kind = /^[<>|=]?([a-zA-Z])(\d*)$/.exec(descr)
  return kind ? `${names[kind[1]!] ?? 'values'} of type '${descr}'` : `values of type ${descr}`
}

function fortranToC<T extends Float32Array | Float64Array>(values: T, shape: number[]): T {
  const result = new (values.constructor as new (length: number) => T)(values.length)
  const rank = shape.length
  const index = new Array<number>(rank).fill(0)
  for (let fortranOffset = 0; fortranOffset < values.length; fortranOffset++) {
    let cOffset = 0
    for (let axis = 0; axis < rank; axis++) cOffset = cOffset * shape[axis]! + index[axis]!
    result[cOffset] = values[fortranOffset]!
    for (let axis = 0; axis < rank; axis++) {
      if (++index[axis]! < shape[axis]!) break
      index[axis] = 0
    }
  }
  return result
}

/** Serialises an array as a version 1 .npy file (little-endian, C order). */
export function formatNpy(array: NpyArray): Uint8Array {
  const count = array.shape.reduce((product, size) => product * size, 1)
  if (count !== array.data.length) throw new NpyError(`shape (${array.shape.join(', ')}) needs ${count} values, got ${array.data.length}`)
  const width = array.dtype === 'float32' ? 4 : 8
  const shapeText = array.shape.length === 1 ? `${array.shape[0]},` : array.shape.join(', ')
  let header = `{'descr': '<f${width}', 'fortran_order': False, 'shape': (${shapeText}), }`
  // The header ends in a newline and pads the data start to a multiple of 64 bytes.
  const unpadded = 10 + header.length + 1
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n'
  const bytes = new Uint8Array(10 + header.length + count * width)
  bytes.set(magic, 0)
  bytes[6] = 1
  bytes[7] = 0
  const view = new DataView(bytes.buffer)
  view.setUint16(8, header.length, true)
  for (let index = 0; index < header.length; index++) bytes[10 + index] = header.charCodeAt(index)
  const dataStart = 10 + header.length
  for (let index = 0; index < count; index++) {
    if (width === 4) view.setFloat32(dataStart + index * 4, array.data[index]!, true)
    else view.setFloat64(dataStart + index * 8, array.data[index]!, true)
  }
  return bytes
}
