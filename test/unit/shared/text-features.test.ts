import { describe, expect, it } from 'vitest'
import { cosineSimilarities } from '../../../src/shared/retrieval/metrics'
import { textFeatures, tfidf, tokenise } from '../../../src/shared/text-features'
import { Random } from '../../../src/shared/sim/random'

describe('tokenise', () => {
  it('lower-cases words of letters and digits, joins contractions, drops single letters', () => {
    expect(tokenise("Don't STOP me now, I'm havin' 2 good times — Été 1979!")).toEqual(['dont', 'stop', 'me', 'now', 'im', 'havin', 'good', 'times', 'été', '1979'])
    expect(tokenise('…')).toEqual([])
  })
})

describe('tfidf', () => {
  it('weights as counted by hand and keeps rows of unit length', () => {
    const documents = [['love', 'love', 'night'], ['night', 'rain'], ['love', 'rain', 'sun']]
    const { vocabulary, idf, matrix } = tfidf(documents, { minDocuments: 2, maxDocumentFraction: 1 })
    // 'sun' occurs once: dropped. idf = ln((1+3)/(1+2)) + 1 for every kept term (each in 2 documents).
    expect(vocabulary).toEqual(['love', 'night', 'rain'])
    for (const value of idf) expect(value).toBeCloseTo(Math.log(4 / 3) + 1, 12)
    // Document 0: love tf 1 + ln 2, night tf 1 → normalised.
    const norm = Math.hypot(1 + Math.log(2), 1)
    expect(Array.from(matrix.columns.subarray(0, 2))).toEqual([0, 1])
    expect(matrix.values[0]).toBeCloseTo((1 + Math.log(2)) / norm, 12)
    expect(matrix.values[1]).toBeCloseTo(1 / norm, 12)
    expect(Array.from(matrix.offsets)).toEqual([0, 2, 4, 6])
  })
})

describe('textFeatures', () => {
  it('puts lyrics about one topic near each other', () => {
    const random = new Random(4)
    const topics = [
      ['love', 'heart', 'kiss', 'baby', 'forever', 'tender'],
      ['road', 'truck', 'highway', 'miles', 'engine', 'dust'],
    ]
    const common = ['the', 'and', 'you', 'we', 'go', 'oh']
    const texts = Array.from({ length: 40 }, (_, index) => Array.from({ length: 60 }, () => (random.next() < 0.6 ? topics[index % 2]! : common)[Math.floor(random.next() * 6)]).join(' '))
    const { features, vocabularySize, emptyDocuments } = textFeatures(texts, { dims: 5 })
    expect(features.rows).toBe(40)
    expect(features.cols).toBe(5)
    expect(vocabularySize).toBe(12)
    expect(emptyDocuments).toEqual([])
    const similarity = cosineSimilarities(features, features)
    let same = 0
    let other = 0
    for (let i = 0; i < 40; i++) {
      for (let j = 0; j < 40; j++) {
        if (i === j) continue
        if (i % 2 === j % 2) same += similarity.data[i * 40 + j]!
        else other += similarity.data[i * 40 + j]!
      }
    }
    expect(same / (40 * 19)).toBeGreaterThan(0.8)
    expect(other / (40 * 20)).toBeLessThan(0.3)
  })

  it('says when the texts share too few words', () => {
    expect(() => textFeatures(['one song', 'another tune', 'third melody'])).toThrow(/only 0 word\(s\) occur in at least 2 of the 3 documents/)
    expect(() => textFeatures(['alone'])).toThrow(/at least two documents/)
  })
})
