import { describe, expect, it } from 'vitest'
import { pairFolderFiles, parseLabels, parseNumericCsv, parseRowIndex } from '../../../../src/shared/retrieval/folder'

describe('evaluation folders', () => {
  it('pairs audio and lyrics by name and lists the rest', () => {
    const { pairs, unpaired } = pairFolderFiles(['b.flac', 'a.mp3', 'a.txt', 'b.txt', 'c.wav', 'd.txt', 'labels.csv', 'notes.md'])
    expect(pairs).toEqual([
      { name: 'a', audio: 'a.mp3', text: 'a.txt' },
      { name: 'b', audio: 'b.flac', text: 'b.txt' },
    ])
    expect(unpaired).toEqual(['c.wav', 'd.txt'])
    expect(() => pairFolderFiles(['a.mp3', 'a.wav', 'a.txt'])).toThrow(/a.mp3 and a.wav are both audio for 'a'/)
  })

  it('reads labels.csv into class indices in the pairs’ order', () => {
    const labels = parseLabels('File,Genre\na.mp3,rock\nb,jazz\nc,rock\n', ['a', 'b', 'c'])
    expect(labels.classes).toEqual(['jazz', 'rock'])
    expect(Array.from(labels.values)).toEqual([1, 0, 1])
    expect(() => parseLabels('song;mood\n', ['a'])).toThrow(/needs a header with a name column/)
    expect(() => parseLabels('file,label\na,x\n', ['a', 'b'])).toThrow(/no label for b/)
    expect(() => parseLabels('file,label\na,\n', ['a'])).toThrow(/line 2 lacks a label/)
  })

  it('reads numeric CSV with or without a header, naming a bad cell', () => {
    expect(parseNumericCsv('d1,d2\n1,2\n3,4.5\n', 'v.csv')).toEqual({ rows: 2, cols: 2, data: Float64Array.from([1, 2, 3, 4.5]), names: null })
    expect(parseNumericCsv('1,2\n', 'v.csv').rows).toBe(1)
    expect(() => parseNumericCsv('d1,d2\n1,2\n3,x\n', 'v.csv')).toThrow(/v.csv line 3, column 2 holds 'x', not a number/)
    expect(() => parseNumericCsv('1,2\n3\n', 'v.csv')).toThrow(/v.csv line 2 has 1 values; the first row has 2/)
    // As `entrain embed` writes its CSV: the first column names the rows.
    expect(parseNumericCsv('file,d1\n/music/b.mp3,0.5\n"C:\\x\\a,1.flac",2\n', 'e.csv')).toEqual({ rows: 2, cols: 1, data: Float64Array.from([0.5, 2]), names: ['b', 'a,1'] })
  })

  it('reads a row index', () => {
    expect(parseRowIndex('file,start_s\n/x/song01.wav,0\nsong02.flac,0\n', 'e.rows.csv')).toEqual(['song01', 'song02'])
    expect(() => parseRowIndex('name\na\n', 'e.rows.csv')).toThrow(/e.rows.csv has no 'file' column/)
  })
})
