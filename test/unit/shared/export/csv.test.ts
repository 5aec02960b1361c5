import { describe, expect, it } from 'vitest'
import { csvCell, csvLine, csvNumberFormatter, csvNumericRows } from '../../../../src/shared/export/csv'

describe('CSV', () => {
  it('quotes only cells that need it', () => {
    expect(csvCell('plain')).toBe('plain')
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell('say "hi"')).toBe('"say ""hi"""')
    expect(csvLine(['x', 'y\nz'])).toBe('x,"y\nz"\n')
  })

  it('writes float32 values with the digits that read back to the same float32', () => {
    const format = csvNumberFormatter('float32')
    for (const value of Float32Array.of(0.1, -1234.5677, 3.4e38, 1e-40, 16777217)) expect(Math.fround(Number(format(value)))).toBe(value)
    expect(csvNumberFormatter('int64')(2n ** 60n)).toBe('1152921504606846976')
    expect(csvNumberFormatter('double64')(0.1 + 0.2)).toBe('0.30000000000000004')
  })

  it('writes both clocks and every channel per row', () => {
    expect(csvNumericRows(Float64Array.of(100, 100.5), Float32Array.of(1, 2, 3, 4), 2, 99, String)).toBe('100.000000,1.000000,1,2\n100.500000,1.500000,3,4\n')
  })
})
