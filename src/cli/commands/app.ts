import { spawn } from 'node:child_process'
import { locateElectron } from '../../main/electron-binary'
import { appRootDir } from '../../main/paths'
import { defineCommand, exitCodes, output } from '../command'

export const appCommand = defineCommand({
  name: 'app',
  summary: 'Start the Entrain desktop app (what `npm start` runs).',
  options: {},
  async run({ options, io }) {
    const electron = locateElectron(appRootDir)
    if (!electron.found) {
      const message =
        `cannot start the desktop app: ${electron.problem}. Alternatives: \`npm run dev:web\` (the UI in your browser ` +
        `against the real services), or with internet access \`node node_modules/electron/install.js\` and \`npm start\` again.`
      io.stderr.write(`entrain app: ${message}\n`)
      if (options.json) output(io, true, { error: { code: 'NOT_AVAILABLE', message } }, '')
      return exitCodes.failure
    }
    const env = { ...process.env }
    delete env.ELECTRON_RUN_AS_NODE
    const child = spawn(electron.path, [appRootDir], { stdio: 'inherit', env })
    const code = await new Promise<number>((resolve) => child.on('exit', (status) => resolve(status ?? exitCodes.failure)))
    return code
  },
})
