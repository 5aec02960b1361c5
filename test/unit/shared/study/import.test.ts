import { describe, expect, it } from 'vitest'
import { idFromFile, parseCsv, stimuliFromFiles, stimuliFromTable } from '../../../../src/shared/study/import'

describe('parseCsv', () => {
  it('reads quoted fields, doubled quotes, separators inside quotes, CRLF, a BOM and blank lines', () => {
    const text = '\uFEFFfile,label\r\n"a,b.wav","He said ""hi""\nthen left"\r\n\r\nc.wav,plain\n'
    expect(parseCsv(text)).toEqual([
      ['file', 'label'],
      ['a,b.wav', 'He said "hi"\nthen left'],
      ['c.wav', 'plain'],
    ])
  })

  it('keeps a last line without newline and empty fields', () => {
    expect(parseCsv('a,,c\nd,e,')).toEqual([
      ['a', '', 'c'],
      ['d', 'e', ''],
    ])
  })
})

describe('stimuli from files', () => {
  it('takes audio files only, sorted, with ids from their names made unique', () => {
    expect(stimuliFromFiles(['b song.FLAC', 'notes.txt', 'a.wav', 'b song.mp3', 'c.opus'])).toEqual([
      { id: 'a', file: 'a.wav' },
      { id: 'b_song', file: 'b song.FLAC' },
      { id: 'b_song_2', file: 'b song.mp3' },
      { id: 'c', file: 'c.opus' },
    ])
    expect(idFromFile('dir/Überraschung (live).wav')).toBe('berraschung_live')
  })

  it('numbers ids past names that already look numbered', () => {
    expect(stimuliFromFiles(['a_2.wav', 'a.wav', 'a.flac']).map((row) => row.id)).toEqual(['a', 'a_2', 'a_2_2'])
  })
})

describe('stimuli from a table', () => {
  it('reads a PsychoPy conditions file with its usual column names', () => {
    const rows = parseCsv('stim_file,condition,Gain,excerpt_start,excerpt_end,label\nsounds/a.wav,happy;fast,-3,10,40,First\nsounds/b.wav,sad,,,,\n')
    expect(stimuliFromTable(rows)).toEqual({
      stimuli: [
        { id: 'a', file: 'sounds/a.wav', label: 'First', tags: ['happy', 'fast'], gainDb: -3, excerpt: { start: 10, end: 40 } },
        { id: 'b', file: 'sounds/b.wav', tags: ['sad'] },
      ],
      issues: [],
    })
  })

  it('names the row and column of each problem', () => {
    const rows = parseCsv('id,file,gain\nx,x.wav,loud\ny,,0\n')
    expect(stimuliFromTable(rows).issues).toEqual([
      { path: 'rows[2].gain', message: '"loud" is not a number' },
      { path: 'rows[3].file', message: 'names no file' },
    ])
    expect(stimuliFromTable(parseCsv('title,tempo\na,120\n')).issues[0]).toMatchObject({ path: 'columns', message: expect.stringContaining('no column names the audio file') })
  })
})
