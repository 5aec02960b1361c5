/**
 * A progress bar on stderr for long commands. On a terminal it redraws one line; elsewhere (logs,
 * CI) it prints a plain line at most every ten percent, so logs stay readable.
 */
export class ProgressBar {
  private lastDecile = -1
  private readonly interactive: boolean

  constructor(
    private readonly stream: NodeJS.WritableStream & { isTTY?: boolean },
    private readonly label: string,
    private readonly width = 30,
  ) {
    this.interactive = stream.isTTY === true
  }

  /** `fraction` in 0…1; `detail` follows the bar (e.g. "12.0/60 s, 3 000 samples"). */
  update(fraction: number, detail = ''): void {
    const clamped = Math.min(1, Math.max(0, fraction))
    const percent = Math.floor(clamped * 100)
    if (this.interactive) {
      const filled = Math.round(clamped * this.width)
      this.stream.write(`\r${this.label} [${'#'.repeat(filled)}${'.'.repeat(this.width - filled)}] ${String(percent).padStart(3)}% ${detail}\x1b[K`)
    } else if (Math.floor(percent / 10) > this.lastDecile) {
      this.lastDecile = Math.floor(percent / 10)
      this.stream.write(`${this.label} ${percent}% ${detail}\n`)
    }
  }

  done(detail = ''): void {
    this.update(1, detail)
    if (this.interactive) this.stream.write('\n')
  }
}

/** Seconds for people: "42 s", "3 min 5 s", "2 h 10 min". */
export function clock(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds))
  return whole >= 3600 ? `${Math.floor(whole / 3600)} h ${Math.floor((whole % 3600) / 60)} min` : whole >= 60 ? `${Math.floor(whole / 60)} min ${whole % 60} s` : `${whole} s`
}
