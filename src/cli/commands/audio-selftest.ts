import path from 'node:path'
import { runSelfTest, writeCertificate } from '../../main/audio/selftest'
import { certificateText } from '../../shared/audio/certificate'
import { defaultDataDir } from '../../main/paths'
import { defineCommand, exitCodes, output, UsageError } from '../command'
import { ProgressBar } from '../progress'
import { bufferOptions } from './play'

export const audioSelftestCommand = defineCommand({
  name: 'audio-selftest',
  summary:
    'Play a train of clicks through the audio device, record the output where possible (PulseAudio monitor), compare every onset with its marker, and write a timing certificate.',
  options: {
    device: { type: 'string', value: 'D', description: 'ALSA device (default: default; see `entrain audio devices`)' },
    'capture-device': {
      type: 'string',
      value: 'D',
      description: 'ALSA input that a loopback cable feeds from the output (default: the PulseAudio monitor, where there is one)',
    },
    clicks: { type: 'string', value: 'N', description: 'number of clicks (default 20)' },
    period: { type: 'string', value: 'FRAMES', description: 'frames per write (default 480)' },
    periods: { type: 'string', value: 'N', description: 'writes the output buffer holds (default 4)' },
    out: { type: 'string', value: 'DIR', description: 'folder for the certificate (default: <data folder>/certificates)' },
    seed: { type: 'string', value: 'K', description: 'seed of the click gaps (default 1)' },
  },
  async run({ options, io }) {
    const clicks = options.clicks === undefined ? 20 : Number(options.clicks)
    if (!Number.isInteger(clicks) || clicks < 2 || clicks > 10_000) throw new UsageError('--clicks must be a whole number from 2 to 10000')
    const progress = new ProgressBar(io.stderr, 'timing self-test')
    const certificate = await runSelfTest({
      device: options.device,
      ...bufferOptions(options.period, options.periods),
      captureDevice: options['capture-device'],
      clicks,
      seed: options.seed === undefined ? 1 : Number.parseInt(options.seed, 10),
      onProgress: (done, total) => progress.update(done / total, `${done}/${total} clicks`),
    })
    progress.done()
    const files = await writeCertificate(options.out ? path.resolve(options.out) : path.join(defaultDataDir(), 'certificates'), certificate)
    output(io, options.json, { ...certificate, files }, `${certificateText(certificate)}\nWritten to ${files.text} and ${files.json}`)
    return certificate.verdict === 'fail' ? exitCodes.failure : exitCodes.ok
  },
})
