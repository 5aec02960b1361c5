import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { parseMarker } from '../../src/shared/audio/markers'
import { parseSessionMarker, sessionStreams, type SessionEvent } from '../../src/shared/session/events'
import { parseSessionRecord, type SessionRecord } from '../../src/shared/session/record'
import { readXdf, type XdfFile } from '../../src/shared/xdf/reader'

export interface SessionOnDisk {
  record: SessionRecord
  events: Record<string, string>[]
  log: { level: string; message: string; event?: SessionEvent }[]
  /** Each part's XDF, in part order. */
  parts: XdfFile[]
}

export async function readSession(folder: string): Promise<SessionOnDisk> {
  const parsed = parseSessionRecord(JSON.parse(await readFile(path.join(folder, 'session.json'), 'utf8')))
  if (!parsed.ok) throw new Error(parsed.problem)
  const [header, ...rows] = (await readFile(path.join(folder, 'events.tsv'), 'utf8')).trimEnd().split('\n')
  const names = header!.split('\t')
  const events = rows.map((row) => Object.fromEntries(row.split('\t').map((value, index) => [names[index]!, value])))
  const log = (await readFile(path.join(folder, 'log.jsonl'), 'utf8')).trimEnd().split('\n').map((line) => JSON.parse(line) as SessionOnDisk['log'][number])
  const parts = await Promise.all(
    parsed.record.parts.map(async (part) => readXdf(new Uint8Array(await readFile(path.join(folder, part.file))), { synchronizeClocks: false })),
  )
  return { record: parsed.record, events, log, parts }
}

/** Every marker of a part's XDF as a session event: the engine's stimulus markers, phases and responses. */
export function markersOf(xdf: XdfFile, part: number): SessionEvent[] {
  const events: SessionEvent[] = []
  for (const stream of xdf.streams) {
    const name = stream.description.name
    if (stream.description.channelFormat !== 'string') continue
    ;(stream.samples as string[][]).forEach(([text], index) => {
      const time = stream.timestamps[index]!
      if (name === sessionStreams.events.name || name === sessionStreams.ratings.name) {
        const event = parseSessionMarker(text!, time, part)
        if (event) events.push(event)
      } else if (name === 'EntrainMarkers') {
        const marker = parseMarker(text!, time)
        if (marker) events.push({ ...marker, trial: -1, part } as SessionEvent)
      }
    })
  }
  return events.sort((a, b) => a.time - b.time)
}

export const rowType = (event: SessionEvent) => (event.event === 'phase' ? event.phase : event.event)
