import { pythonHas, runPythonJson } from './python'

export const mneAvailable = pythonHas('mne')

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
  return runPythonJson<MneRecording>(script, [file]).catch((error: Error) => {
    throw new Error(`MNE could not read ${file}: ${error.message}`)
  })
}
