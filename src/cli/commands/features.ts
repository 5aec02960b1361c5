import path from 'node:path'
import { audioDescriptorNames } from '../../shared/dsp/descriptors'
import { textFeatureDefaults } from '../../shared/text-features'
import { audioDescriptorMatrix, folderFiles, textFeatureMatrix, writeFeatureFile } from '../../main/retrieval/features'
import { defineCommand, exitCodes, output, UsageError } from '../command'
import { ProgressBar } from '../progress'
import { number, whole } from '../options'

export const featuresCommand = defineCommand({
  name: 'features',
  summary:
    'Features of a folder for `entrain retrieval`. `entrain features audio DIR --out F.npy`: hand-crafted descriptors of every audio file (MFCC means and deviations, spectral centroid, roll-off and flux, chroma, tempo, loudness, dynamics; the local baseline in the spirit of Spotify\'s audio features). `entrain features text DIR --out F.npy`: every lyrics .txt file as TF-IDF + truncated SVD. Rows follow the file names in order; F.rows.csv beside F.npy names them (a `file` column, as `entrain embed` writes it).',
  positionals: 'audio|text DIR',
  options: {
    out: { type: 'string', value: 'F.npy', description: 'feature matrix to write, float32 (never replaced); its row index goes to F.rows.csv' },
    dims: { type: 'string', value: 'D', description: `text: dimensions kept by the SVD (default ${textFeatureDefaults.dims}, at most the documents − 1)` },
    'min-docs': { type: 'string', value: 'N', description: `text: a word must occur in at least N files (default ${textFeatureDefaults.minDocuments})` },
    seed: { type: 'string', value: 'S', description: 'text: seed of the randomised SVD (default 1)' },
  },
  async run({ options, positionals, io }) {
    const [kind, folder, ...extra] = positionals
    if ((kind !== 'audio' && kind !== 'text') || !folder || extra.length) throw new UsageError('expected `features audio DIR --out F.npy` or `features text DIR --out F.npy`')
    if (!options.out) throw new UsageError('--out F.npy is required')
    if (!options.out.toLowerCase().endsWith('.npy')) throw new UsageError(`--out must name an .npy file, not '${options.out}'`)
    if (kind === 'audio' && (options.dims || options['min-docs'] || options.seed)) throw new UsageError('--dims, --min-docs and --seed apply to text features only')
    const files = await folderFiles(folder, kind)
    const names = files.map((file) => path.basename(file).replace(/\.[^.]*$/, ''))
    let features
    let description: string
    if (kind === 'audio') {
      const progress = new ProgressBar(io.stderr, 'descriptors')
      features = await audioDescriptorMatrix(files, (done, total, file) => progress.update(done / total, `${path.basename(file)} (${done}/${total})`))
      progress.done(`${files.length} files`)
      description = `${audioDescriptorNames.length} descriptors`
    } else {
      const text = await textFeatureMatrix(files, {
        dims: number(options.dims, 'dims', whole, 'a whole number ≥ 1'),
        minDocuments: number(options['min-docs'], 'min-docs', whole, 'a whole number ≥ 1'),
        seed: number(options.seed, 'seed', (value) => Number.isInteger(value) && value >= 0, 'a whole number ≥ 0'),
      })
      features = text.features
      description = text.description
    }
    const written = await writeFeatureFile(options.out, features, files)
    output(io, options.json, { kind, rows: features.rows, cols: features.cols, columns: kind === 'audio' ? audioDescriptorNames : null, description, names, written }, `wrote ${written[0]}: ${features.rows} files × ${features.cols} (${description}); rows named in ${written[1]}`)
    return exitCodes.ok
  },
})
