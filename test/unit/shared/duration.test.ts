import { describe, expect, it } from 'vitest'
import { clockTime, minutesAndSeconds } from '../../../src/shared/duration'

describe('durations', () => {
  it('read as minutes and seconds, rounded as a whole so that 59.6 s never shows as 60 s', () => {
    expect(minutesAndSeconds(13)).toBe('0 min 13 s')
    expect(minutesAndSeconds(108)).toBe('1 min 48 s')
    expect(minutesAndSeconds(119.6)).toBe('2 min 0 s')
    expect(minutesAndSeconds(-3)).toBe('0 min 0 s')
  })

  it('read as a clock, with hours only when there are any', () => {
    expect(clockTime(0)).toBe('0:00')
    expect(clockTime(9.99)).toBe('0:09')
    expect(clockTime(108)).toBe('1:48')
    expect(clockTime(3725)).toBe('1:02:05')
    expect(clockTime(-1)).toBe('0:00')
    expect(clockTime(Number.NaN)).toBe('0:00')
  })
})
