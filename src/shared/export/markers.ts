/**
 * Markers of a recording as exports write them: a readable label from each marker sample (Entrain's
 * JSON markers or anyone's plain text).
 */

/** A marker to export: when it happened (recording computer's clock), what it says, which stream said it. */
export interface ExportMarker {
  time: number
  label: string
  stream: string
}

/**
 * A one-line label for a marker sample: Entrain's JSON markers become `event stimulus` (a phase its
 * name, a response `scale=value`); any other text is kept as it is.
 */
export function describeMarker(text: string): string {
  try {
    const parsed = JSON.parse(text) as { event?: unknown; phase?: unknown; stimulus?: unknown; scale?: unknown; value?: unknown }
    if (parsed && typeof parsed === 'object' && typeof parsed.event === 'string') {
      const parts = [parsed.event === 'phase' && typeof parsed.phase === 'string' ? parsed.phase : parsed.event]
      if (typeof parsed.stimulus === 'string') parts.push(parsed.stimulus)
      if (typeof parsed.scale === 'string') parts.push(`${parsed.scale}=${String(parsed.value)}`)
      return parts.join(' ')
    }
  } catch {
    // plain text
  }
  return text.replace(/[\r\n\t]+/g, ' ').trim()
}
