import { describe, expect, it } from 'vitest'
import { markerPayload, parseMarker, type MarkerEvent } from '../../../../src/shared/audio/markers'

describe('audio markers', () => {
  it('round-trips through the JSON text and the LSL timestamp', () => {
    const marker: MarkerEvent = { event: 'stimulus_offset', stimulus: 'song1', file: '/s/song1.flac', frame: 123456, time: 987.654321, underruns: 0 }
    const text = markerPayload(marker)
    expect(JSON.parse(text)).toEqual({ event: 'stimulus_offset', stimulus: 'song1', file: '/s/song1.flac', frame: 123456, underruns: 0 })
    expect(parseMarker(text, marker.time)).toEqual(marker)
  })

  it('reads stimulus markers imported from another recorder, which have no output frame and no file', () => {
    const text = '{"event":"stimulus_onset","stimulus":"12","file":null,"frame":null}'
    expect(parseMarker(text, 4.5)).toEqual({ event: 'stimulus_onset', stimulus: '12', file: null, frame: null, time: 4.5 })
    expect(markerPayload({ event: 'stimulus_onset', stimulus: '12', file: null, frame: null, time: 4.5 })).toBe(text)
  })

  it('ignores marker texts that are not the engine\'s', () => {
    expect(parseMarker('pause', 1)).toBeNull()
    expect(parseMarker('{"event":"rating"}', 1)).toBeNull()
    expect(parseMarker('[1,2]', 1)).toBeNull()
  })
})
