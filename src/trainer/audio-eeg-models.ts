/**
 * The two networks of the audio↔EEG model, per preset, as tfjs-layers builders for trainDcca.
 *
 * `paper` (REFERENCE §1): Conv1D stacks with batch normalisation before every convolution, ReLU,
 * and max-pooling whose size is its stride. With 'same' padding a 1.5 s window comes down to
 * exactly one step (33 075 = 3³·5²·7² audio samples, 375 = 3·5³ EEG samples), so the final 1×1
 * convolution gives the 128-d output; a global average over what steps remain lets other window
 * lengths through unchanged in kind. The last convolution is linear rather than ReLU: a ReLU
 * output can leave components at zero for a whole batch, whose covariance is then singular.
 *
 * `fast`: the audio network reads a log-mel spectrogram (src/shared/dsp/mel.ts) through three
 * small convolutions; the EEG network is the paper's with an eighth of its channels.
 *
 * `width` scales every hidden channel count; `dims` is the output size of both.
 */
import * as tfl from '@tensorflow/tfjs-layers'
import type { PresetName } from '../shared/audio-eeg'
import type { EncoderBuilder } from './dcca'

interface ConvSpec {
  filters: number
  kernel: number
  /** Convolution stride. */
  stride?: number
  /** Max-pool size and stride after the convolution. */
  pool?: number
}

const paperAudio: ConvSpec[] = [
  { filters: 128, kernel: 3, stride: 3 },
  { filters: 128, kernel: 3, pool: 3 },
  { filters: 256, kernel: 3, pool: 3 },
  { filters: 256, kernel: 5, pool: 5 },
  { filters: 512, kernel: 5, pool: 5 },
  { filters: 512, kernel: 7, pool: 7 },
  { filters: 1024, kernel: 7, pool: 7 },
]

const paperEeg: ConvSpec[] = [
  { filters: 128, kernel: 3, stride: 3 },
  { filters: 256, kernel: 5, pool: 5 },
  { filters: 512, kernel: 5, pool: 5 },
  { filters: 1024, kernel: 5, pool: 5 },
]

const fastAudio: ConvSpec[] = [
  { filters: 32, kernel: 3, pool: 2 },
  { filters: 64, kernel: 3, pool: 2 },
  { filters: 64, kernel: 3 },
]

const fastEeg: ConvSpec[] = paperEeg.map((layer) => ({ ...layer, filters: layer.filters / 8 }))

/** BatchNorm → Conv1D (ReLU) → max-pool per layer, then BatchNorm → 1×1 linear conv to `dims` → mean over the steps left. */
function convStack(inputShape: [number, number], layers: ConvSpec[], dims: number, width: number): EncoderBuilder {
  return (seed) => {
    const model = tfl.sequential()
    const initializer = (index: number) => tfl.initializers.heUniform({ seed: seed * 101 + index })
    layers.forEach((layer, index) => {
      model.add(tfl.layers.batchNormalization(index === 0 ? { inputShape } : {}))
      model.add(tfl.layers.conv1d({ filters: Math.max(1, Math.round(layer.filters * width)), kernelSize: layer.kernel, strides: layer.stride ?? 1, padding: 'same', activation: 'relu', kernelInitializer: initializer(index) }))
      if (layer.pool) model.add(tfl.layers.maxPooling1d({ poolSize: layer.pool, strides: layer.pool, padding: 'same' }))
    })
    model.add(tfl.layers.batchNormalization())
    model.add(tfl.layers.conv1d({ filters: dims, kernelSize: 1, activation: 'linear', kernelInitializer: tfl.initializers.glorotUniform({ seed: seed * 101 + layers.length }) }))
    model.add(tfl.layers.globalAveragePooling1d())
    return model
  }
}

export interface AudioEegNetworks {
  audio: EncoderBuilder
  eeg: EncoderBuilder
}

/** The preset's two networks for inputs of these shapes ([steps, channels] each). */
export function presetNetworks(preset: PresetName, shapes: { audio: [number, number]; eeg: [number, number] }, dims: number, width: number): AudioEegNetworks {
  return preset === 'paper'
    ? { audio: convStack(shapes.audio, paperAudio, dims, width), eeg: convStack(shapes.eeg, paperEeg, dims, width) }
    : { audio: convStack(shapes.audio, fastAudio, dims, width), eeg: convStack(shapes.eeg, fastEeg, dims, width) }
}
