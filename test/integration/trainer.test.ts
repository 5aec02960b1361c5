import { fork } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { TrainerReply } from '../../src/trainer/index'
import { assertBuilt, repoRoot } from '../support/cli'

describe('trainer process', () => {
  it('answers the handshake as a forked child and shuts down on request', async () => {
    assertBuilt()
    const child = fork(path.join(repoRoot, 'out', 'main', 'trainer.js'), { stdio: 'pipe' })
    const reply = await new Promise<TrainerReply>((resolve) => {
      child.once('message', (message) => resolve(message as TrainerReply))
      child.send({ type: 'hello' })
    })
    expect(reply).toEqual({ type: 'ready', pid: child.pid, node: process.versions.node, electron: null })
    const exited = new Promise((resolve) => child.on('exit', resolve))
    child.send({ type: 'shutdown' })
    expect(await exited).toBe(0)
  })
})
