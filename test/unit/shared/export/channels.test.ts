import { describe, expect, it } from 'vitest'
import { ChannelRanges, exportChannels, normaliseUnit } from '../../../../src/shared/export/channels'

describe('export channels', () => {
  it('spells units as formats expect', () => {
    expect(['microvolts', 'uV', 'µV', 'μV', 'millivolts', 'V', undefined, 'degC'].map(normaliseUnit)).toEqual(['µV', 'µV', 'µV', 'µV', 'mV', 'V', '', 'degC'])
  })

  it('gives every channel a unique, non-empty label', () => {
    const channels = exportChannels({
      name: 'x',
      type: 'EEG',
      channelCount: 4,
      nominalSrate: 250,
      channelFormat: 'float32',
      sourceId: '',
      hostname: '',
      uid: '',
      channels: [{ label: 'Cz', unit: 'microvolts' }, { label: '' }, { label: 'Cz', type: 'eog' }],
    })
    expect(channels).toEqual([
      { label: 'Cz', unit: 'µV', type: 'EEG' },
      { label: 'Ch2', unit: '', type: 'EEG' },
      { label: 'Cz-2', unit: '', type: 'EOG' },
      { label: 'Ch4', unit: '', type: 'EEG' },
    ])
  })

  it('keeps each channel’s range over blocks, ignoring NaN', () => {
    const ranges = new ChannelRanges(2)
    ranges.add(Float32Array.of(1, -5, NaN, 3))
    ranges.add(Float32Array.of(-2, 7))
    expect([...ranges.min]).toEqual([-2, -5])
    expect([...ranges.max]).toEqual([1, 7])
  })
})
