import { describe, expect, it } from 'vitest'
import { Timeline } from '../../../../src/shared/audio/timeline'

/** Renders frames [0, total) in blocks of `block` frames, as the engine does. */
function renderAll(timeline: Timeline, total: number, block: number) {
  const output = new Float32Array(total * timeline.channels)
  const scratch = new Float32Array(block * timeline.channels)
  const events = []
  for (let start = 0; start < total; start += block) {
    events.push(...timeline.render(scratch, start, block))
    output.set(scratch.subarray(0, Math.min(block, total - start) * timeline.channels), start * timeline.channels)
  }
  return { output, events }
}

const ramp = (frames: number, channels: number) => Float32Array.from({ length: frames * channels }, (_, index) => 1 + Math.floor(index / channels))

describe('Timeline', () => {
  it('puts onsets exactly at requested frames that are not aligned to blocks', () => {
    const timeline = new Timeline(2)
    timeline.place('a', ramp(100, 2), 1234)
    timeline.place('b', ramp(50, 2), 4801)
    const { output, events } = renderAll(timeline, 6000, 480)
    const firstSounding = (from: number) => {
      for (let frame = from; frame < 6000; frame++) if (output[frame * 2] !== 0) return frame
      return -1
    }
    expect(firstSounding(0)).toBe(1234)
    expect(output[1234 * 2]).toBe(1)
    expect(output[(1234 + 99) * 2 + 1]).toBe(100)
    expect(output[(1234 + 100) * 2]).toBe(0)
    expect(firstSounding(1334)).toBe(4801)
    expect(events).toEqual([
      { kind: 'onset', id: 'a', frame: 1234 },
      { kind: 'offset', id: 'a', frame: 1334 },
      { kind: 'onset', id: 'b', frame: 4801 },
      { kind: 'offset', id: 'b', frame: 4851 },
    ])
  })

  it('gives the same output whatever the block size', () => {
    const make = () => {
      const timeline = new Timeline(1)
      timeline.place('x', ramp(333, 1), 77)
      timeline.place('y', ramp(100, 1), 300)
      return timeline
    }
    expect(renderAll(make(), 1000, 7).output).toEqual(renderAll(make(), 1000, 512).output)
  })

  it('mixes overlapping stimuli and plays them back to back without a gap', () => {
    const timeline = new Timeline(1)
    timeline.place('a', new Float32Array(10).fill(0.25), 0)
    timeline.place('b', new Float32Array(10).fill(0.5), timeline.endOfLast())
    timeline.place('c', new Float32Array(5).fill(0.125), 8)
    const { output } = renderAll(timeline, 20, 4)
    expect(Array.from(output)).toEqual([...new Array(8).fill(0.25), 0.375, 0.375, 0.625, 0.625, 0.625, ...new Array(7).fill(0.5)])
  })

  it('fades to silence when stopped and says the stimulus was stopped', () => {
    const timeline = new Timeline(1)
    timeline.place('long', new Float32Array(1000).fill(1), 0)
    timeline.place('later', new Float32Array(10).fill(1), 900)
    const scratch = new Float32Array(100)
    timeline.render(scratch, 0, 100)
    expect(timeline.stop(100, 4)).toEqual(['long', 'later'])
    const events = timeline.render(scratch, 100, 100)
    expect(Array.from(scratch.subarray(0, 6))).toEqual([1, 0.75, 0.5, 0.25, 0, 0])
    expect(events).toEqual([{ kind: 'stopped', id: 'long', frame: 104 }])
    expect(renderAll(timeline, 1000, 100).events).toEqual([])
  })

  it('refuses a start before frame 0 or a ragged stimulus', () => {
    const timeline = new Timeline(2)
    expect(() => timeline.place('bad', new Float32Array(4), -1)).toThrow(/start frame/)
    expect(() => timeline.place('odd', new Float32Array(3), 0)).toThrow(/whole number of 2-channel frames/)
  })
})
