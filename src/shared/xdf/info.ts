/**
 * The XML documents inside XDF chunks: file header, LSL stream info (stream header) and stream footer.
 * Builders produce the element names LabRecorder and liblsl use, so pyxdf, libxdf and EEGLAB read them.
 */

import { childElement, childElements, childText, escapeXml, parseXml } from './xml'
import type { XmlElement } from './xml'
import { isChannelFormat } from './types'
import type { ChannelInfo, StreamDescription } from './types'

const xmlDeclaration = '<?xml version="1.0"?>'

/** Shortest text that parses back to exactly the same double. */
function formatNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : '0'
}

function element(name: string, text: string): string {
  return text === '' ? `<${name} />` : `<${name}>${escapeXml(text)}</${name}>`
}

export function fileHeaderXml(extraXml = '', datetime?: string | Date): string {
  const when = datetime === undefined ? '' : element('datetime', datetime instanceof Date ? datetime.toISOString() : datetime)
  return `${xmlDeclaration}<info><version>1.0</version>${when}${extraXml}</info>`
}

function channelXml(channel: ChannelInfo): string {
  const parts = [element('label', channel.label)]
  if (channel.unit !== undefined) parts.push(element('unit', channel.unit))
  if (channel.type !== undefined) parts.push(element('type', channel.type))
  return `<channel>${parts.join('')}</channel>`
}

/**
 * The LSL `<info>` document for a stream. `extraDescXml` is inserted verbatim inside `<desc>` after
 * the channel list, so it must already be well-formed XML.
 */
export function streamHeaderXml(desc: StreamDescription, extraDescXml = ''): string {
  const channels = desc.channels === undefined ? '' : `<channels>${desc.channels.map(channelXml).join('')}</channels>`
  const body = [
    element('name', desc.name),
    element('type', desc.type),
    element('channel_count', String(desc.channelCount)),
    element('channel_format', desc.channelFormat),
    element('source_id', desc.sourceId),
    element('nominal_srate', formatNumber(desc.nominalSrate)),
    element('version', '1.1'),
    desc.createdAt === undefined ? '' : element('created_at', formatNumber(desc.createdAt)),
    element('uid', desc.uid),
    element('hostname', desc.hostname),
    channels === '' && extraDescXml === '' ? '<desc />' : `<desc>${channels}${extraDescXml}</desc>`,
  ]
  return `${xmlDeclaration}\n<info>${body.join('')}</info>`
}

export class XdfMetadataError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'XdfMetadataError'
  }
}

function infoRoot(xml: string): XmlElement | undefined {
  return childElement(parseXml(xml), 'info')
}

function optionalNumber(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined
  const value = Number(text)
  return Number.isFinite(value) ? value : undefined
}

function parseChannels(info: XmlElement): ChannelInfo[] | undefined {
  const list = childElement(childElement(info, 'desc'), 'channels')
  if (list === undefined) return undefined
  return childElements(list, 'channel').map((channel) => {
    const parsed: ChannelInfo = { label: childText(channel, 'label') ?? '' }
    const unit = childText(channel, 'unit')
    const type = childText(channel, 'type')
    if (unit !== undefined) parsed.unit = unit
    if (type !== undefined) parsed.type = type
    return parsed
  })
}

/**
 * Reads an LSL stream info document. Only channel_count and channel_format are required (without
 * them samples cannot be decoded); other fields default to '' and a missing nominal_srate to 0
 * (irregular). Throws XdfMetadataError when the required fields are missing or invalid.
 */
export function parseStreamInfoXml(xml: string): StreamDescription {
  const info = infoRoot(xml)
  if (info === undefined) throw new XdfMetadataError('stream header has no <info> element')
  const format = childText(info, 'channel_format')
  if (!isChannelFormat(format)) throw new XdfMetadataError(`unsupported channel_format ${JSON.stringify(format ?? null)}`)
  const channelCount = Number(childText(info, 'channel_count'))
  if (!Number.isSafeInteger(channelCount) || channelCount < 1) {
    throw new XdfMetadataError(`invalid channel_count ${JSON.stringify(childText(info, 'channel_count') ?? null)}`)
  }
  const nominalSrate = optionalNumber(childText(info, 'nominal_srate')) ?? 0
  const description: StreamDescription = {
    name: childText(info, 'name') ?? '',
    type: childText(info, 'type') ?? '',
    channelCount,
    nominalSrate: nominalSrate > 0 ? nominalSrate : 0,
    channelFormat: format,
    sourceId: childText(info, 'source_id') ?? '',
    hostname: childText(info, 'hostname') ?? '',
    uid: childText(info, 'uid') ?? '',
  }
  const createdAt = optionalNumber(childText(info, 'created_at'))
  if (createdAt !== undefined) description.createdAt = createdAt
  const channels = parseChannels(info)
  if (channels !== undefined) description.channels = channels
  return description
}

export interface ClockOffset {
  /** Collection time, in the recording computer's LSL clock (seconds). */
  time: number
  /** Add to the stream's timestamps to map them to the recording computer's clock (seconds). */
  value: number
}

export interface StreamFooter {
  firstTimestamp: number
  lastTimestamp: number
  sampleCount: number
  clockOffsets: ClockOffset[]
}

export function streamFooterXml(footer: StreamFooter): string {
  const offsets = footer.clockOffsets
    .map((o) => `<offset><time>${formatNumber(o.time)}</time><value>${formatNumber(o.value)}</value></offset>`)
    .join('')
  return (
    `${xmlDeclaration}\n<info>` +
    `<first_timestamp>${formatNumber(footer.firstTimestamp)}</first_timestamp>` +
    `<last_timestamp>${formatNumber(footer.lastTimestamp)}</last_timestamp>` +
    `<sample_count>${String(footer.sampleCount)}</sample_count>` +
    `<clock_offsets>${offsets}</clock_offsets>` +
    `</info>`
  )
}

/** Reads a stream footer; every field is optional because writers differ (and files get damaged). */
export function parseStreamFooterXml(xml: string): Partial<StreamFooter> {
  const info = infoRoot(xml)
  const footer: Partial<StreamFooter> = {}
  const first = optionalNumber(childText(info, 'first_timestamp'))
  const last = optionalNumber(childText(info, 'last_timestamp'))
  const count = optionalNumber(childText(info, 'sample_count'))
  if (first !== undefined) footer.firstTimestamp = first
  if (last !== undefined) footer.lastTimestamp = last
  if (count !== undefined) footer.sampleCount = count
  const offsets = childElement(info, 'clock_offsets')
  if (offsets !== undefined) {
    footer.clockOffsets = childElements(offsets, 'offset').flatMap((o) => {
      const time = optionalNumber(childText(o, 'time'))
      const value = optionalNumber(childText(o, 'value'))
      return time === undefined || value === undefined ? [] : [{ time, value }]
    })
  }
  return footer
}
