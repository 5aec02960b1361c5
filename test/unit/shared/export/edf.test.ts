import { describe, expect, it } from 'vitest'
import { edfAnnotationRecords, edfHeader, edfLayout, edfNumber, edfSignal, encodeEdfRecord } from '../../../../src/shared/export/edf'

const text = (bytes: Uint8Array, from: number, length: number) => new TextDecoder().decode(bytes.subarray(from, from + length))
const eeg = { label: 'Cz', unit: 'µV', type: 'EEG' }

describe('edfNumber', () => {
  it('fits 8 characters, rounding outwards so limits contain the data', () => {
    expect(edfNumber(-123.456789012, 'down')).toBe('-123.457')
    expect(edfNumber(123.456789012, 'up')).toBe('123.4568')
    expect(edfNumber(0.000000012, 'up')).toBe('0.000001')
    expect(edfNumber(-9876543.21, 'down')).toBe('-9876544')
    expect(() => edfNumber(-98765432.1, 'down')).toThrow(RangeError)
    expect(() => edfNumber(1e9, 'up')).toThrow(RangeError)
    expect(edfNumber(-0.0000004, 'down')).toBe('-0.00001')
    expect(edfNumber(0, 'down')).toBe('0')
    for (const value of [3.14159265, -0.5, 1234567.891, -30000.25, 1e-12]) {
      expect(edfNumber(value, 'up')).not.toContain('e')
      expect(Number(edfNumber(value, 'down'))).toBeLessThanOrEqual(value)
      expect(Number(edfNumber(value, 'up'))).toBeGreaterThanOrEqual(value)
      expect(edfNumber(value, 'up').length).toBeLessThanOrEqual(8)
    }
  })
})

describe('edfSignal', () => {
  it('takes its physical range from the data, never empty, in ASCII units', () => {
    expect(edfSignal(eeg, -12.3456, 45.6789)).toEqual({ label: 'Cz', unit: 'µV', physicalMin: -12.3456, physicalMax: 45.6789 })
    const flat = edfSignal(eeg, 7, 7)
    expect(flat.physicalMax).toBeGreaterThan(flat.physicalMin)
    expect(edfSignal({ ...eeg, unit: '' }, -1, 1).unit).toBe('uV')
    expect(() => edfSignal(eeg, -2e8, 0)).toThrow('channel Cz spans -200000000…0 µV, more than an EDF header can state')
  })
})

describe('edfLayout', () => {
  it('uses 1 s records for whole rates and whole samples per record otherwise', () => {
    expect(edfLayout(250, 1000, [])).toMatchObject({ recordSeconds: 1, samplesPerRecord: 250, recordCount: 4 })
    expect(edfLayout(250, 1001, [])).toMatchObject({ recordCount: 5 })
    expect(edfLayout(512.5, 2050, [])).toMatchObject({ recordSeconds: 2, samplesPerRecord: 1025, recordCount: 2 })
  })

  it('sizes the annotation signal for the busiest record', () => {
    const none = edfLayout(100, 300, [])
    const busy = edfLayout(100, 300, [
      { onset: 1.2, text: 'a' },
      { onset: 1.5, text: 'stimulus_onset song' },
      { onset: 0.1, text: 'b' },
    ])
    expect(busy.annotationBytes).toBeGreaterThan(none.annotationBytes)
    expect(busy.annotationBytes % 2).toBe(0)
    const records = edfAnnotationRecords(busy, [
      { onset: 1.2, text: 'a' },
      { onset: 1.5, text: 'stimulus_onset song' },
      { onset: 0.1, text: 'b' },
    ])
    expect(text(records(0), 0, busy.annotationBytes).replace(/\0+$/, '')).toBe('+0\x14\x14\0+0.1\x14b\x14')
    expect(text(records(1), 0, busy.annotationBytes).replace(/\0+$/, '')).toBe('+1\x14\x14\0+1.2\x14a\x14\0+1.5\x14stimulus_onset song\x14')
    expect(text(records(2), 0, busy.annotationBytes).replace(/\0+$/, '')).toBe('+2\x14\x14')
    expect(records(1)).toHaveLength(busy.annotationBytes)
  })
})

describe('edfHeader', () => {
  it('writes the EDF+C header field by field', () => {
    const layout = edfLayout(250, 500, [])
    const header = edfHeader({ patient: 'sub 01', recording: 'Entrain 0.1', start: new Date('2026-03-01T10:20:30Z'), signals: [edfSignal(eeg, -100, 100)], layout })
    expect(header).toHaveLength(256 * 3)
    expect(text(header, 0, 8)).toBe('0       ')
    expect(text(header, 8, 80).trimEnd()).toBe('sub_01 X X X')
    expect(text(header, 88, 80).trimEnd()).toBe('Startdate 01-MAR-2026 X X Entrain_0.1')
    expect(text(header, 168, 16)).toBe('01.03.2610.20.30')
    expect(text(header, 184, 8).trimEnd()).toBe('768')
    expect(text(header, 192, 44).trimEnd()).toBe('EDF+C')
    expect(text(header, 236, 8).trimEnd()).toBe('2')
    expect(text(header, 244, 8).trimEnd()).toBe('1')
    expect(text(header, 252, 4).trimEnd()).toBe('2')
    expect(text(header, 256, 32)).toBe('Cz              EDF Annotations ')
    expect(text(header, 256 + 32 + 160, 16)).toBe('uV              ')
    expect(text(header, 256 + 32 + 160 + 16, 16)).toBe('-100    -1      ')
    expect(text(header, 256 + 32 + 160 + 64, 16)).toBe('32767   32767   ')
    expect(text(header, 256 + 32 + 160 + 80 + 160, 16).trimEnd()).toBe(`250     ${layout.annotationBytes / 2}`)
  })
})

describe('encodeEdfRecord', () => {
  it('maps each channel’s physical range onto the 16-bit range, signal by signal, and pads the last record', () => {
    const signals = [edfSignal(eeg, -100, 100), edfSignal({ ...eeg, label: 'Pz' }, 0, 10)]
    const layout = { recordSeconds: 1, samplesPerRecord: 3, recordCount: 1, annotationBytes: 4 }
    const record = encodeEdfRecord(Float64Array.of(-100, 0, 100, 10, 0, 5), 3, signals, layout, Uint8Array.of(1, 2, 3, 4))
    const digital = new Int16Array(record.buffer, 0, 6)
    expect([...digital]).toEqual([-32768, 32767, 0, -32768, 32767, 0])
    expect([...record.subarray(12)]).toEqual([1, 2, 3, 4])
    const padded = new Int16Array(encodeEdfRecord(Float64Array.of(50, 5), 1, signals, layout, new Uint8Array(4)).buffer, 0, 6)
    expect(padded[0]).toBe(16383)
    expect(padded[1]).toBe(0)
    expect(padded[4]).toBe(-32768) // zero is the bottom of the 0…10 range
  })
})
