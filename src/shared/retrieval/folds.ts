/**
 * K-fold splits for the retrieval protocol: a seeded shuffle, stratified by class when labels are
 * given (each class dealt round-robin across the folds, as the paper's 20 × 500 classes were), so
 * that every test fold holds every class in about its overall share.
 */
import { Random } from '../sim/random'

export interface Fold {
  train: Int32Array
  test: Int32Array
}

/** The folds' test sets cover every row once; a problem (too few rows, a one-class fold) is an error naming it. */
export function kFolds(rows: number, folds: number, seed: number, labels?: ArrayLike<number>): Fold[] {
  if (!Number.isInteger(folds) || folds < 2) throw new RangeError(`folds must be a whole number ≥ 2, not ${folds}`)
  if (labels && labels.length !== rows) throw new RangeError(`${labels.length} labels for ${rows} rows; every row needs one label`)
  const minimumTest = 2
  if (rows < folds * minimumTest) throw new RangeError(`${rows} pairs cannot make ${folds} folds of at least ${minimumTest} test pairs; use fewer folds or more pairs`)
  const random = new Random(seed)
  const order = Int32Array.from({ length: rows }, (_, index) => index)
  random.shuffle(order)
  const assignment = new Int32Array(rows)
  if (labels) {
    // Class by class in a seeded order, continuing the round-robin where the last class stopped, so that fold sizes differ by at most one.
    const byClass = new Map<number, number[]>()
    for (const row of order) {
      const label = labels[row]!
      if (!Number.isFinite(label)) throw new RangeError(`row ${row} has the label ${label}; labels must be numbers`)
      const members = byClass.get(label)
      if (members) members.push(row)
      else byClass.set(label, [row])
    }
    let next = 0
    for (const members of byClass.values()) for (const row of members) assignment[row] = next++ % folds
  } else {
    order.forEach((row, position) => (assignment[row] = position % folds))
  }
  const result = Array.from({ length: folds }, (_, fold) => {
    const test = Int32Array.from(order.filter((row) => assignment[row] === fold)).sort()
    const train = Int32Array.from({ length: rows }, (_, index) => index).filter((row) => assignment[row] !== fold)
    return { train, test }
  })
  if (labels) {
    result.forEach(({ test }, fold) => {
      const classes = new Set(Array.from(test, (row) => labels[row]!))
      if (classes.size < 2) {
        throw new RangeError(`test fold ${fold + 1} holds a single class (${[...classes][0]}), which makes its class MRR meaningless; use fewer folds or pairs of more classes`)
      }
    })
  }
  return result
}
