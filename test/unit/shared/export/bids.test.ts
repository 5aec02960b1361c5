import { describe, expect, it } from 'vitest'
import { bidsLabel, bidsRunPaths, bidsStimulusPath, channelsTsv, eegSidecar, participantsTsv } from '../../../../src/shared/export/bids'

describe('BIDS naming', () => {
  it('makes labels of letters and digits', () => {
    expect(bidsLabel('Quick study', 'x')).toBe('QuickStudy')
    expect(bidsLabel('tempo & valence pilot 2', 'x')).toBe('tempoValencePilot2')
    expect(bidsLabel('—', 'music')).toBe('music')
  })

  it('names runs only for sessions in several parts', () => {
    expect(bidsRunPaths({ participant: '01', session: 1, task: 'T' })).toEqual({ folder: 'sub-01/ses-01/eeg', stem: 'sub-01_ses-01_task-T' })
    expect(bidsRunPaths({ participant: '7', session: 12, task: 'T', run: 2 }).stem).toBe('sub-7_ses-12_task-T_run-2')
  })

  it('places stimuli under stimuli/ as they were in the study', () => {
    expect(bidsStimulusPath('stimuli/a.wav')).toBe('a.wav')
    expect(bidsStimulusPath('stimuli/set1/a.flac')).toBe('set1/a.flac')
    expect(bidsStimulusPath('audio/b.mp3')).toBe('b.mp3')
  })
})

describe('BIDS sidecars', () => {
  const channels = [
    { label: 'Fp1', unit: 'µV', type: 'EEG' },
    { label: 'HEOG', unit: 'µV', type: 'EOG' },
    { label: 'GSR', unit: '', type: 'SKIN' },
  ]
  it('lists channels with BIDS types (unknown ones as MISC)', () => {
    expect(channelsTsv(channels, 500)).toBe('name\ttype\tunits\tsampling_frequency\tstatus\nFp1\tEEG\tµV\t500\tgood\nHEOG\tEOG\tµV\t500\tgood\nGSR\tMISC\tn/a\t500\tgood\n')
  })

  it('counts channels by type in *_eeg.json', () => {
    expect(eegSidecar({ task: 'T', studyName: 'S', samplingFrequency: 500, powerLineFrequency: 50, channels, durationSeconds: 12.34567, manufacturer: 'X' })).toMatchObject({
      TaskName: 'T',
      SamplingFrequency: 500,
      PowerLineFrequency: 50,
      EEGChannelCount: 1,
      EOGChannelCount: 1,
      MiscChannelCount: 1,
      RecordingDuration: 12.346,
    })
  })

  it('lists each participant once, sorted', () => {
    expect(participantsTsv(['02', '01', '02'])).toBe('participant_id\nsub-01\nsub-02\n')
  })
})
