/**
 * EEG-BIDS naming and sidecars (BIDS 1.9): what a session of an Entrain study becomes in a BIDS
 * dataset. The data files are BrainVision; the original XDF files go to sourcedata/.
 */
import type { ExportChannel } from './channels'

export const bidsVersion = '1.9.0'

/** A BIDS label: letters and digits only. */
export function bidsLabel(text: string, fallback: string): string {
  const label = text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word, index) => (index === 0 ? word : word[0]!.toUpperCase() + word.slice(1)))
    .join('')
  return label || fallback
}

export interface BidsRunName {
  participant: string
  session: number
  task: string
  /** Set only for sessions recorded in several parts. */
  run?: number
}

/** `sub-01/ses-01/eeg` and the file name stem `sub-01_ses-01_task-x[_run-1]`. */
export function bidsRunPaths(name: BidsRunName): { folder: string; stem: string } {
  const sub = `sub-${name.participant}`
  const ses = `ses-${String(name.session).padStart(2, '0')}`
  const run = name.run === undefined ? '' : `_run-${name.run}`
  return { folder: `${sub}/${ses}/eeg`, stem: `${sub}_${ses}_task-${name.task}${run}` }
}

export function datasetDescription(name: string, software: { name: string; version: string }): Record<string, unknown> {
  return {
    Name: name,
    BIDSVersion: bidsVersion,
    DatasetType: 'raw',
    GeneratedBy: [{ Name: software.name, Version: software.version, Description: 'EEG-BIDS export of the study\'s sessions; the original XDF recordings are in sourcedata/' }],
  }
}

const bidsChannelTypes = new Set(['EEG', 'EOG', 'ECG', 'EMG', 'EYEGAZE', 'GSR', 'HEOG', 'VEOG', 'MISC', 'PUPIL', 'REF', 'RESP', 'TEMP', 'TRIG', 'AUDIO', 'PD', 'SYSCLOCK', 'ADC', 'DAC', 'HR', 'PPG'])

/** BIDS channel type: the LSL type when BIDS knows it, else MISC. */
export function bidsChannelType(channel: ExportChannel): string {
  return bidsChannelTypes.has(channel.type) ? channel.type : 'MISC'
}

export function channelsTsv(channels: readonly ExportChannel[], samplingFrequency: number): string {
  const rows = channels.map((channel) => [channel.label, bidsChannelType(channel), channel.unit || 'n/a', String(samplingFrequency), 'good'].join('\t'))
  return `${['name\ttype\tunits\tsampling_frequency\tstatus', ...rows].join('\n')}\n`
}

export interface EegSidecar {
  task: string
  studyName: string
  samplingFrequency: number
  powerLineFrequency: number | 'n/a'
  channels: readonly ExportChannel[]
  durationSeconds: number
  manufacturer: string
}

export function eegSidecar(sidecar: EegSidecar): Record<string, unknown> {
  const count = (type: string) => sidecar.channels.filter((channel) => bidsChannelType(channel) === type).length
  return {
    TaskName: sidecar.task,
    TaskDescription: `Music listening: ${sidecar.studyName}`,
    SamplingFrequency: sidecar.samplingFrequency,
    PowerLineFrequency: sidecar.powerLineFrequency,
    SoftwareFilters: 'n/a',
    EEGReference: 'n/a',
    Manufacturer: sidecar.manufacturer,
    RecordingType: 'continuous',
    RecordingDuration: Number(sidecar.durationSeconds.toFixed(3)),
    EEGChannelCount: count('EEG'),
    EOGChannelCount: count('EOG') + count('HEOG') + count('VEOG'),
    ECGChannelCount: count('ECG'),
    EMGChannelCount: count('EMG'),
    MiscChannelCount: count('MISC'),
    TriggerChannelCount: count('TRIG'),
  }
}

export function participantsTsv(participants: readonly string[]): string {
  return `${['participant_id', ...[...new Set(participants)].sort().map((participant) => `sub-${participant}`)].join('\n')}\n`
}

/** Where a study's stimulus file goes under the dataset's stimuli/: its path inside the study's stimuli/ folder, else its name. */
export function bidsStimulusPath(studyRelativeFile: string): string {
  const normal = studyRelativeFile.replace(/\\/g, '/').replace(/^\.\//, '')
  if (normal.startsWith('stimuli/')) return normal.slice('stimuli/'.length)
  return normal.split('/').pop() ?? normal
}

/** The data dictionary of the events files (task-<task>_events.json at the dataset's root, inherited by every run). */
export function eventsSidecar(scales: readonly { id: string; prompt: string; min: number; max: number }[]): Record<string, unknown> {
  const dictionary: Record<string, unknown> = {
    trial_type: { Description: 'What happened: a trial phase (fixation, stimulus, rating, rest, break, baseline), stimulus_onset/stimulus_offset/stimulus_stopped at the time the audio reached the DAC, response, pause, resume, skip, trial_end, session_start, session_resume, session_end, abort or error' },
    trial: { Description: 'Position of the trial in the realised sequence, from 0' },
    block: { Description: 'Block of the study protocol the trial belongs to' },
    stim_file: { Description: 'The stimulus played in the trial, relative to stimuli/' },
    stimulus: { Description: 'Stimulus id in the study protocol' },
    scale: { Description: 'The rating scale a response answers' },
    value: { Description: 'The answer of a response' },
    response_time: { Description: 'Seconds from the question to the answer', Units: 's' },
    recording: { Description: 'The data file the onset counts from' },
  }
  for (const scale of scales) dictionary[scale.id] = { Description: `The trial's answer to "${scale.prompt}" (${scale.min}–${scale.max}), on its stimulus_onset row` }
  return dictionary
}
