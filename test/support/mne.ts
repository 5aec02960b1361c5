import { spawn, spawnSync } from 'node:child_process'

/** Debian's Python, where python3-mne lives (a `python3` on PATH may be a pyenv shim without it). */
export const debianPython = '/usr/bin/python3'

export const mneAvailable = spawnSync(debianPython, ['-c', 'import mne'], { stdio: 'ignore' }).status === 0

export interface MneRecording {
  sfreq: number
  channels: string[]
  /** Per channel, in µV. */
  data: number[][]
  annotations: { onset: number; description: string }[]
}

const script = `
import json, sys, mne
path = sys.argv[1]
raw = mne.io.read_raw_brainvision(path, preload=True, verbose='error') if path.endswith('.vhdr') else mne.io.read_raw_edf(path, preload=True, verbose='error')
print(json.dumps({
  'sfreq': raw.info['sfreq'],
  'channels': raw.ch_names,
  'data': (raw.get_data() * 1e6).tolist(),
  'annotations': [{'onset': float(a['onset']), 'description': a['description']} for a in raw.annotations],
}))
`

/** Reads a BrainVision (.vhdr) or EDF file with MNE, as a user of MNE-Python would. */
export function readWithMne(file: string): Promise<MneRecording> {
  return new Promise((resolve, reject) => {
    const child = spawn(debianPython, ['-c', script, file], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(stdout) as MneRecording) : reject(new Error(`MNE could not read ${file}: ${stderr}`))))
  })
}
