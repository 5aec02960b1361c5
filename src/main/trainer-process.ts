import { utilityProcess } from 'electron'
import type { TrainerLauncher } from './training/host'

/** The trainer as an Electron utility process (the app's way to run Node code beside main). */
export const utilityTrainer: TrainerLauncher = (entry) => {
  const child = utilityProcess.fork(entry, [], { serviceName: 'Entrain trainer', stdio: 'inherit' })
  return {
    get pid() {
      return child.pid
    },
    send: (message) => child.postMessage(message),
    onMessage: (listener) => child.on('message', listener),
    onExit: (listener) => child.once('exit', (code) => listener(`exit code ${code}`)),
    kill: () => void child.kill(),
  }
}
