import { describe, expect, it } from 'vitest'
import { ProgressBar } from '../../../src/cli/progress'

function sink(isTTY: boolean) {
  const written: string[] = []
  return { stream: { isTTY, write: (text: string) => written.push(text) } as unknown as NodeJS.WritableStream & { isTTY?: boolean }, written }
}

describe('ProgressBar', () => {
  it('redraws one line on a terminal', () => {
    const { stream, written } = sink(true)
    const bar = new ProgressBar(stream, 'rec', 10)
    bar.update(0.5, '30/60 s')
    expect(written[0]).toBe('\rrec [#####.....]  50% 30/60 s\x1b[K')
    bar.done()
    expect(written.at(-1)).toBe('\n')
  })

  it('prints at most one plain line per ten percent elsewhere', () => {
    const { stream, written } = sink(false)
    const bar = new ProgressBar(stream, 'rec')
    for (let step = 0; step <= 100; step++) bar.update(step / 100)
    expect(written).toHaveLength(11)
    expect(written[5]).toBe('rec 50% \n')
  })

  it('clamps fractions outside 0…1', () => {
    const { stream, written } = sink(true)
    new ProgressBar(stream, 'x', 4).update(7)
    expect(written[0]).toContain('[####] 100%')
  })
})
