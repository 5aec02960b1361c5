import { describe, expect, it } from 'vitest'
import { describeMarker, GapFinder, gapLabel } from '../../../../src/shared/export/markers'

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

describe('GapFinder', () => {
  it('finds pauses longer than 0.1 s and 10 sample periods across blocks, not jitter', () => {
    const gaps = new GapFinder(250)
    gaps.add(0, [0, 0.004, 0.008, 0.02]) // 12 ms of jitter: no gap
    gaps.add(4, [0.024, 1.024, 1.028])
    gaps.add(7, [])
    gaps.add(7, [3.5])
    expect(gaps.gaps).toEqual([
      { sample: 5, seconds: 1 - 0.004 },
      { sample: 7, seconds: 3.5 - 1.028 - 0.004 },
    ])
    expect(gapLabel(gaps.gaps[0]!)).toBe('gap of 0.996 s in the recording')
    const fast = new GapFinder(10_000)
    fast.add(0, [0, 0.05, 0.2])
    expect(fast.gaps.map((gap) => gap.sample)).toEqual([2])
  })
})
