import { describe, expect, it } from 'vitest'
import { brainVisionHeader, brainVisionMarkers, encodeBrainVisionSamples, int16Resolutions } from '../../../../src/shared/export/brainvision'

describe('BrainVision', () => {
  it('writes a header that names its files, rate, format and channels (commas escaped)', () => {
    const header = brainVisionHeader({
      dataFile: 'x.eeg',
      markerFile: 'x.vmrk',
      channels: [
        { label: 'Fp1', unit: 'µV', type: 'EEG' },
        { label: 'a,b', unit: '', type: 'EEG' },
      ],
      samplingRate: 250,
      format: 'int16',
      resolutions: [0.5, 0.1],
      software: 'Entrain test',
    })
    const lines = header.split('\r\n')
    expect(lines[0]).toBe('Brain Vision Data Exchange Header File Version 1.0')
    expect(lines).toContain('DataFile=x.eeg')
    expect(lines).toContain('MarkerFile=x.vmrk')
    expect(lines).toContain('SamplingInterval=4000')
    expect(lines).toContain('BinaryFormat=INT_16')
    expect(lines).toContain('NumberOfChannels=2')
    expect(lines).toContain('Ch1=Fp1,,0.5,µV')
    expect(lines).toContain('Ch2=a\\1b,,0.1,µV')
  })

  it('writes markers 1-based after a New Segment that carries the start time', () => {
    const text = brainVisionMarkers('x.eeg', [{ type: 'Markers', description: 'stimulus_onset a, b', sample: 0 }, { type: 'Markers', description: 'S  1', sample: 99 }], new Date('2026-03-01T10:00:00.123Z'))
    const lines = text.split('\r\n')
    expect(lines).toContain('Mk1=New Segment,,1,1,0,20260301100000123000')
    expect(lines).toContain('Mk2=Markers,stimulus_onset a\\1 b,1,1,0')
    expect(lines).toContain('Mk3=Markers,S  1,100,1,0')
  })

  it('encodes float32 as is and int16 as value / resolution, clamped, NaN as 0', () => {
    const values = Float64Array.of(1.5, -2, 3.25, 1e9, NaN, -1e9)
    expect([...new Float32Array(encodeBrainVisionSamples(values, 'float32', [1, 1]).buffer)]).toEqual([1.5, -2, 3.25, 1e9, NaN, -1e9])
    expect([...new Int16Array(encodeBrainVisionSamples(values, 'int16', [0.5, 0.25]).buffer)]).toEqual([3, -8, 7, 32767, 0, -32768])
  })

  it('chooses each channel’s resolution from its own peak', () => {
    expect([...int16Resolutions([-10, 0, 0], [5, 2000, 0])]).toEqual([10 / 32767, 2000 / 32767, 1])
  })
})
