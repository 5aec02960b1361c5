/** Durations as people read them: the study plan, the session dashboard and its countdowns. */

/** "1 min 48 s" (rounded to the second). */
export function minutesAndSeconds(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds))
  return `${Math.floor(whole / 60)} min ${whole % 60} s`
}

/** "1:48", or "1:02:05" from an hour on; whole seconds, cut off (a countdown passes its seconds rounded up). */
export function clockTime(seconds: number): string {
  const whole = Number.isFinite(seconds) ? Math.max(0, Math.floor(seconds)) : 0
  const hours = Math.floor(whole / 3600)
  const minutes = Math.floor((whole % 3600) / 60)
  const rest = String(whole % 60).padStart(2, '0')
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${minutes}:${rest}`
}
