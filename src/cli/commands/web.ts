import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { builtRendererDir, defaultDataDir } from '../../main/paths'
import { createServices } from '../../main/services'
import { startWebHost } from '../../main/webhost/server'
import { EntrainError } from '../../shared/errors'
import { defineCommand, exitCodes, output, UsageError } from '../command'

export const webCommand = defineCommand({
  name: 'web',
  summary:
    'Serve the Entrain UI to a browser on 127.0.0.1 against the real services (the browser test host). ' +
    'Runs until interrupted; the printed address carries the per-run token.',
  options: {
    port: { type: 'string', value: 'PORT', description: 'port on 127.0.0.1 (default: a free one)' },
    'data-dir': { type: 'string', value: 'DIR', description: 'settings folder (default: the app\'s, or $ENTRAIN_DATA_DIR)' },
    open: { type: 'boolean', description: 'open the address in the default browser' },
  },
  async run({ options, io }) {
    const port = options.port === undefined ? 0 : Number(options.port)
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0–65535, not ${options.port}`)
    if (!existsSync(path.join(builtRendererDir, 'index.html'))) {
      throw new EntrainError('NOT_FOUND', `no built renderer in ${builtRendererDir}; run \`npm run build\``)
    }
    const dataDir = options['data-dir'] ? path.resolve(options['data-dir']) : defaultDataDir()
    const services = await createServices({ kind: 'web', dataDir })
    const host = await startWebHost({ services, rendererDir: builtRendererDir, port })
    output(io, options.json, { url: host.url, origin: host.origin, token: host.token, dataDir }, `Entrain UI: ${host.url}`)
    if (options.open) openInBrowser(host.url)
    const signal = await io.interrupted()
    await host.close()
    await services.close()
    if (!options.json) io.stderr.write(`stopped (${signal})\n`)
    return exitCodes.ok
  },
})

function openInBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]]
  spawn(command, args as string[], { stdio: 'ignore', detached: true })
    .on('error', () => {})
    .unref()
}
