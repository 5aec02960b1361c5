import { describe, expect, it } from 'vitest'
import { wavedec, waverec, wavelet } from '../../../src/shared/dsp/wavelet'
import { removeWaveletArtifacts } from '../../../src/shared/dsp/wavelet-denoise'
import { createEegSimulator } from '../../../src/shared/sim/eeg'
import { pythonHas, runPythonJson } from '../../support/python'

const pywtAvailable = pythonHas('pywt')
if (!pywtAvailable) console.warn('PyWavelets cross-checks do not run: /usr/bin/python3 cannot import pywt (Debian: apt-get install python3-pywt)')

// One Python run answers every question: filters, decompositions, and the paper's artifact step
// written the way a PyWavelets user writes it.
const script = `
import json, sys, numpy as np, pywt
request = json.load(sys.stdin)
out = {'filters': {}, 'decompositions': [], 'artifacts': []}
for name in request['wavelets']:
    out['filters'][name] = list(pywt.Wavelet(name).rec_lo)
for case in request['decompositions']:
    coefficients = pywt.wavedec(np.array(case['signal']), case['wavelet'], mode='symmetric')
    out['decompositions'].append({'coefficients': [c.tolist() for c in coefficients], 'reconstruction': pywt.waverec(coefficients, case['wavelet'], mode='symmetric')[:len(case['signal'])].tolist()})
for case in request['artifacts']:
    coefficients = pywt.wavedec(np.array(case['signal']), case['wavelet'], mode='symmetric')
    for detail in coefficients[1:]:
        detail[np.abs(detail - detail.mean()) > case['k'] * detail.std()] = 0
    out['artifacts'].append(pywt.waverec(coefficients, case['wavelet'], mode='symmetric')[:len(case['signal'])].tolist())
print(json.dumps(out))
`

interface PywtAnswer {
  filters: Record<string, number[]>
  decompositions: { coefficients: number[][]; reconstruction: number[] }[]
  artifacts: number[][]
}

const largestDifference = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length)
  let worst = 0
  for (let index = 0; index < a.length; index++) worst = Math.max(worst, Math.abs(a[index]! - b[index]!))
  return worst
}

describe.runIf(pywtAvailable)('wavelets cross-checked with PyWavelets', () => {
  it('the same filters, coefficients at every level, reconstruction, and artifact removal', { timeout: 30_000 }, async () => {
    const names = ['db1', 'db2', 'db4', 'db8', 'db12', 'db20']
    // Simulated EEG (µV) with blinks, at odd and even lengths.
    const eeg = createEegSimulator({ labels: ['Fp1', 'Fp2'], sampleRate: 250, seed: 3, blinkRatePerMinute: 30 }).next(2501)
    const fp1 = Array.from({ length: 2501 }, (_, i) => eeg[2 * i]!)
    const cases = [
      { signal: fp1, wavelet: 'db8' },
      { signal: fp1.slice(0, 2000), wavelet: 'db4' },
      { signal: fp1.slice(0, 777), wavelet: 'db20' },
      { signal: fp1.slice(0, 100), wavelet: 'db1' },
    ]
    // An electrode pop on top, which the paper's k = 5 catches.
    const popped = fp1.map((value, index) => value + (index === 1200 ? 400 : 0))
    const artifactCases = [
      { signal: popped, wavelet: 'db8', k: 5 },
      { signal: fp1, wavelet: 'db4', k: 2 },
    ]
    const answer = await runPythonJson<PywtAnswer>(script, [], JSON.stringify({ wavelets: names, decompositions: cases, artifacts: artifactCases }))

    for (const name of names) expect(largestDifference(wavelet(name).lowpass, answer.filters[name]!), name).toBeLessThan(1e-11)
    cases.forEach((testCase, index) => {
      const ours = wavedec(testCase.signal, wavelet(testCase.wavelet))
      const theirs = answer.decompositions[index]!
      expect(ours.coefficients.map((level) => level.length)).toEqual(theirs.coefficients.map((level) => level.length))
      const scale = Math.max(...testCase.signal.map(Math.abs))
      ours.coefficients.forEach((level, at) => expect(largestDifference(level, theirs.coefficients[at]!) / scale, `${testCase.wavelet} level ${at}`).toBeLessThan(1e-10))
      expect(largestDifference(waverec(ours), theirs.reconstruction) / scale).toBeLessThan(1e-10)
    })
    artifactCases.forEach((testCase, index) => {
      const channel = Float32Array.from(testCase.signal)
      const zeroed = removeWaveletArtifacts([channel], wavelet(testCase.wavelet), testCase.k)
      expect(zeroed).toBeGreaterThan(0)
      // float32 output: agreement to float32 rounding of µV-sized values.
      expect(largestDifference(channel, answer.artifacts[index]!), `k = ${testCase.k}`).toBeLessThan(1e-3)
    })
    // The step changed the signal (the blinks), so agreeing with PyWavelets is not agreeing with the input.
    expect(largestDifference(answer.artifacts[0]!, popped)).toBeGreaterThan(100)
  })
})
