import type { StreamDescription } from '../../shared/xdf/types'
import { formatCodes, formatNames, lsl, type Pointer } from './bindings'

/** What an outlet publishes: a stream description without what liblsl assigns (uid, host, time). */
export type OutletDescription = Pick<StreamDescription, 'name' | 'type' | 'channelCount' | 'nominalSrate' | 'channelFormat' | 'sourceId' | 'channels'> & {
  /** Extra `<desc>` fields, e.g. manufacturer, serial port. */
  extra?: Record<string, string>
}

/** A new stream info with the channel metadata in `<desc>`, as LSL tools (LabRecorder, viewers) expect. */
export function createStreamInfo(description: OutletDescription): Pointer {
  const { fn } = lsl()
  const info = fn.createStreamInfo(
    description.name,
    description.type,
    description.channelCount,
    description.nominalSrate,
    formatCodes[description.channelFormat],
    description.sourceId,
  )
  const desc = fn.getDesc(info)
  for (const [key, value] of Object.entries(description.extra ?? {})) fn.appendChildValue(desc, key, value)
  if (description.channels?.length) {
    const channels = fn.appendChild(desc, 'channels')
    for (const channel of description.channels) {
      const element = fn.appendChild(channels, 'channel')
      fn.appendChildValue(element, 'label', channel.label)
      if (channel.unit) fn.appendChildValue(element, 'unit', channel.unit)
      if (channel.type) fn.appendChildValue(element, 'type', channel.type)
    }
  }
  return info
}

/** The header fields of a stream info (no `<desc>`; resolver results do not carry it). */
export function describeStreamInfo(info: Pointer): StreamDescription {
  const { fn, readString } = lsl()
  return {
    name: readString(fn.getName(info)),
    type: readString(fn.getType(info)),
    channelCount: fn.getChannelCount(info),
    nominalSrate: fn.getNominalSrate(info),
    channelFormat: formatNames[fn.getChannelFormat(info)] ?? 'float32',
    sourceId: readString(fn.getSourceId(info)),
    hostname: readString(fn.getHostname(info)),
    uid: readString(fn.getUid(info)),
    createdAt: fn.getCreatedAt(info),
  }
}
