/**
 * A small, forgiving XML reader and an escaper. XDF metadata is simple LSL-style XML, and this module
 * must run where no DOMParser exists (main process, worker threads), so a tiny tree builder is enough.
 * Malformed input never throws: stray closing tags are ignored and unclosed elements end at EOF.
 */

export interface XmlElement {
  name: string
  attributes: Record<string, string>
  children: XmlElement[]
  /** Character data directly inside this element (entities decoded, CDATA kept verbatim). */
  text: string
}

const namedEntities: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, body: string) => {
    if (body.startsWith('#x')) return codePointOrKeep(parseInt(body.slice(2), 16), whole)
    if (body.startsWith('#')) return codePointOrKeep(parseInt(body.slice(1), 10), whole)
    return namedEntities[body] ?? whole
  })
}

function codePointOrKeep(code: number, original: string): string {
  return Number.isInteger(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : original
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${c === '&' ? 'amp' : c === '<' ? 'lt' : c === '>' ? 'gt' : c === '"' ? 'quot' : 'apos'};`)
}

const tagPattern = /^<\s*([^\s/>]+)((?:\s+[^\s=/>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*(\/?)\s*>/
const attributePattern = /([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g

function parseAttributes(source: string): Record<string, string> {
  const attributes: Record<string, string> = {}
  for (const match of source.matchAll(attributePattern)) {
    const name = match[1]
    if (name !== undefined) attributes[name] = decodeEntities(match[2] ?? match[3] ?? match[4] ?? '')
  }
  return attributes
}

/**
 * Parses `xml` and returns a synthetic document element (name `#document`) whose children are the
 * top-level elements, so callers can look up the root by name without special cases.
 */
export function parseXml(xml: string): XmlElement {
  const document: XmlElement = { name: '#document', attributes: {}, children: [], text: '' }
  const stack: XmlElement[] = [document]
  const top = (): XmlElement => stack[stack.length - 1] ?? document
  let pos = 0
  while (pos < xml.length) {
    const lt = xml.indexOf('<', pos)
    if (lt === -1) {
      top().text += decodeEntities(xml.slice(pos))
      break
    }
    if (lt > pos) top().text += decodeEntities(xml.slice(pos, lt))
    pos = skipMarkup(xml, lt, stack, top)
  }
  return document
}

/** Consumes one markup construct starting at `lt`; returns the position after it. */
function skipMarkup(xml: string, lt: number, stack: XmlElement[], top: () => XmlElement): number {
  if (xml.startsWith('<!--', lt)) return endAfter(xml, '-->', lt + 4)
  if (xml.startsWith('<![CDATA[', lt)) {
    const end = xml.indexOf(']]>', lt + 9)
    top().text += xml.slice(lt + 9, end === -1 ? xml.length : end)
    return end === -1 ? xml.length : end + 3
  }
  if (xml.startsWith('<?', lt)) return endAfter(xml, '?>', lt + 2)
  if (xml.startsWith('<!', lt)) return endAfter(xml, '>', lt + 2)
  if (xml.startsWith('</', lt)) {
    const gt = xml.indexOf('>', lt)
    const name = xml.slice(lt + 2, gt === -1 ? xml.length : gt).trim()
    closeElement(stack, name)
    return gt === -1 ? xml.length : gt + 1
  }
  const match = tagPattern.exec(xml.slice(lt, lt + 4096))
  if (match === null) {
    // A lone '<' is not markup; keep it as text rather than losing the rest of the document.
    top().text += '<'
    return lt + 1
  }
  const element: XmlElement = { name: match[1] ?? '', attributes: parseAttributes(match[2] ?? ''), children: [], text: '' }
  top().children.push(element)
  if (match[3] !== '/') stack.push(element)
  return lt + match[0].length
}

function endAfter(xml: string, terminator: string, from: number): number {
  const end = xml.indexOf(terminator, from)
  return end === -1 ? xml.length : end + terminator.length
}

function closeElement(stack: XmlElement[], name: string): void {
  for (let i = stack.length - 1; i > 0; i--) {
    if (stack[i]?.name === name) {
      stack.length = i
      return
    }
  }
}

export function childElement(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element?.children.find((c) => c.name === name)
}

export function childElements(element: XmlElement | undefined, name: string): XmlElement[] {
  return element?.children.filter((c) => c.name === name) ?? []
}

/** Trimmed text of the first child called `name`, or undefined when there is no such child. */
export function childText(element: XmlElement | undefined, name: string): string | undefined {
  const child = childElement(element, name)
  return child === undefined ? undefined : child.text.trim()
}
