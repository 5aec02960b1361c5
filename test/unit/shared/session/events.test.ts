import { describe, expect, it } from 'vitest'
import { eventsColumns, eventsTsv, parseSessionMarker, parseTsv, ratingsFromEvents, sessionMarkerPayload, type SessionEvent } from '../../../../src/shared/session/events'

const context = {
  partStart: (part: number) => (part === 1 ? 100 : 5000),
  partFile: (part: number) => (part === 1 ? 'recording.xdf' : `recording-part${part}.xdf`),
  blockOf: () => 'main',
  stimulusFile: (id: string) => `stimuli/${id}.wav`,
  scales: ['valence', 'groove'],
}

const trial = (index: number, stimulus: string, start: number, part = 1): SessionEvent[] => [
  { event: 'phase', phase: 'fixation', seconds: 2, trial: index, stimulus, time: start, part },
  { event: 'phase', phase: 'stimulus', trial: index, stimulus, time: start + 2, part },
  { event: 'stimulus_onset', trial: index, stimulus, file: `stimuli/${stimulus}.wav`, frame: 4800, time: start + 2.25, part },
  { event: 'stimulus_offset', trial: index, stimulus, file: `stimuli/${stimulus}.wav`, frame: 9600, underruns: 0, time: start + 10.25, part },
  { event: 'phase', phase: 'rating', trial: index, stimulus, time: start + 10.75, part },
  { event: 'response', scale: 'valence', value: 7, responseSeconds: 1.5, trial: index, stimulus, time: start + 12.25, part },
  { event: 'response', scale: 'groove', value: 2, responseSeconds: 0.5, trial: index, stimulus, time: start + 12.75, part },
  { event: 'trial_end', trial: index, stimulus, time: start + 12.75, part },
]

function table(text: string): Record<string, string>[] {
  const [header, ...rows] = text.trimEnd().split('\n')
  const names = header!.split('\t')
  return rows.map((row) => Object.fromEntries(row.split('\t').map((value, index) => [names[index], value])))
}

describe('events.tsv', () => {
  it('has the BIDS columns first and one column per rating scale', () => {
    const header = eventsTsv([], context).split('\n')[0]!.split('\t')
    expect(header).toEqual([...eventsColumns, 'valence', 'groove'])
    expect(header.slice(0, 3)).toEqual(['onset', 'duration', 'trial_type'])
  })

  it('counts onsets from the start of each event’s recording part and orders rows by part, then time', () => {
    const events = [...trial(1, 'b', 5010, 2), { event: 'session_start', participant: '01', session: 1, time: 100, part: 1 } as SessionEvent, ...trial(0, 'a', 101)]
    const rows = table(eventsTsv(events, context))
    expect(rows[0]).toMatchObject({ onset: '0.000000', trial_type: 'session_start', trial: 'n/a', recording: 'recording.xdf' })
    expect(rows[1]).toMatchObject({ onset: '1.000000', trial_type: 'fixation', trial: '0', stim_file: 'stimuli/a.wav', block: 'main' })
    const secondPart = rows.filter((row) => row.recording === 'recording-part2.xdf')
    expect(secondPart[0]).toMatchObject({ onset: '10.000000', trial_type: 'fixation', trial: '1' })
    expect(rows.map((row) => row.recording)).toEqual([...Array(9).fill('recording.xdf'), ...Array(8).fill('recording-part2.xdf')])
  })

  it('gives phases their length up to the next phase, stimuli from onset to offset, and answers on the onset row', () => {
    const rows = table(eventsTsv(trial(0, 'a', 100), context))
    const byType = (type: string) => rows.filter((row) => row.trial_type === type)
    expect(byType('fixation')[0]!.duration).toBe('2.000000')
    // The stimulus phase runs from its start to the rating phase, past the onset and offset markers.
    expect(byType('stimulus')[0]!.duration).toBe('8.750000')
    expect(byType('stimulus_onset')[0]).toMatchObject({ onset: '2.250000', duration: '8.000000', valence: '7', groove: '2' })
    expect(byType('rating')[0]!.duration).toBe('2.000000')
    expect(byType('response').map((row) => [row.scale, row.value, row.response_time])).toEqual([
      ['valence', '7', '1.500'],
      ['groove', '2', '0.500'],
    ])
    expect(byType('response')[0]!.valence).toBe('n/a')
  })

  it('keeps tabs and newlines in values from breaking rows', () => {
    const events: SessionEvent[] = [{ event: 'error', message: 'x', trial: 0, time: 101, part: 1 }]
    const text = eventsTsv(events, { ...context, stimulusFile: () => 'odd\tname\n.wav', blockOf: () => 'b\tc' })
    expect(text.trimEnd().split('\n')).toHaveLength(2)
    expect(table(text)[0]!.block).toBe('b c')
  })
})

describe('session markers', () => {
  it('carry the event without its time and part, which come back from the LSL timestamp and the recording', () => {
    const event: SessionEvent = { event: 'response', scale: 'valence', value: 3, responseSeconds: 0.8, trial: 4, stimulus: 's1', time: 12.5, part: 2 }
    const text = sessionMarkerPayload(event)
    expect(JSON.parse(text)).not.toHaveProperty('time')
    expect(JSON.parse(text)).not.toHaveProperty('part')
    expect(parseSessionMarker(text, 12.5, 2)).toEqual(event)
  })

  it('are not mistaken for other text', () => {
    expect(parseSessionMarker('stimulus 3', 1, 1)).toBeNull()
    expect(parseSessionMarker('{"kind":"x"}', 1, 1)).toBeNull()
    expect(parseSessionMarker('null', 1, 1)).toBeNull()
  })
})

describe('reading events.tsv back', () => {
  it('parses rows by header and gathers the answers per stimulus and scale', () => {
    const rows = parseTsv('onset\ttrial_type\tstimulus\tscale\tvalue\n0.1\tstimulus_onset\ts1\tn/a\tn/a\n1.2\tresponse\ts1\tliking\t7\n1.4\tresponse\ts1\tvalence\t3\n5\tresponse\ts2\tliking\t2\n9\tresponse\ts1\tliking\t5\n9.5\tresponse\tn/a\tliking\t1\n')
    expect(rows).toHaveLength(6)
    expect(rows[1]).toEqual({ onset: '1.2', trial_type: 'response', stimulus: 's1', scale: 'liking', value: '7' })
    expect(ratingsFromEvents(rows)).toEqual([
      { stimulus: 's1', answers: { liking: [7, 5], valence: [3] } },
      { stimulus: 's2', answers: { liking: [2] } },
    ])
    expect(parseTsv('')).toEqual([])
  })
})
