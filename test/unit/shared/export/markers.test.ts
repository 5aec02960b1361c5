import { describe, expect, it } from 'vitest'
import { describeMarker } from '../../../../src/shared/export/markers'

describe('describeMarker', () => {
  it('labels Entrain’s JSON markers and keeps other text', () => {
    expect(describeMarker('{"event":"stimulus_onset","stimulus":"song1","file":"/x.wav","frame":3}')).toBe('stimulus_onset song1')
    expect(describeMarker('{"event":"phase","phase":"fixation","trial":0,"stimulus":"song1"}')).toBe('fixation song1')
    expect(describeMarker('{"event":"response","trial":0,"stimulus":"s","scale":"liking","value":7}')).toBe('response s liking=7')
    expect(describeMarker('{"event":"session_start","participant":"01","session":1}')).toBe('session_start')
    expect(describeMarker('S  1')).toBe('S  1')
    expect(describeMarker('{"not":"an event"}')).toBe('{"not":"an event"}')
    expect(describeMarker('line\none\t2')).toBe('line one 2')
  })
})
