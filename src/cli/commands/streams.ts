import { resolveStreams } from '../../main/lsl/resolver'
import { defineCommand, exitCodes, output, UsageError } from '../command'

export const streamsCommand = defineCommand({
  name: 'streams',
  summary: 'List the Lab Streaming Layer streams visible from this machine.',
  options: {
    wait: { type: 'string', value: 'S', description: 'seconds to listen before answering (default 2)' },
  },
  async run({ options, io }) {
    const wait = options.wait === undefined ? 2 : Number(options.wait)
    if (!(wait > 0 && wait <= 600)) throw new UsageError(`--wait must be a number of seconds in (0, 600], not ${options.wait}`)
    const streams = (await resolveStreams(wait)).map((d) => ({
      name: d.name,
      type: d.type,
      channelCount: d.channelCount,
      nominalSrate: d.nominalSrate,
      channelFormat: d.channelFormat,
      sourceId: d.sourceId,
      hostname: d.hostname,
      uid: d.uid,
    }))
    const human = streams.length
      ? streams.map((s) => `${s.name}  ${s.type}  ${s.channelCount} ch  ${s.nominalSrate || 'irregular'} Hz  ${s.channelFormat}  ${s.hostname}  ${s.sourceId}`).join('\n')
      : `no streams found in ${wait} s`
    output(io, options.json, streams, human)
    return exitCodes.ok
  },
})
