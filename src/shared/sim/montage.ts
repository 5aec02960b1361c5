/**
 * Electrode labels of the 10-20 / 10-10 systems: default montages by channel count, and approximate
 * 2-D scalp positions from which spatial weights (frontal, posterior, neighbourhood) are computed.
 */

/** The OpenBCI Cyton default placement, the most common 8-channel research set-up. */
const montage8 = ['Fp1', 'Fp2', 'C3', 'C4', 'P7', 'P8', 'O1', 'O2']

const montage16 = ['Fp1', 'Fp2', 'F7', 'F3', 'Fz', 'F4', 'F8', 'C3', 'Cz', 'C4', 'P3', 'Pz', 'P4', 'O1', 'Oz', 'O2']

/** The BioSemi / actiCAP 32-channel set, front to back and left to right. */
const montage32 = [
  ...['Fp1', 'Fp2', 'AF3', 'AF4', 'F7', 'F3', 'Fz', 'F4', 'F8', 'FC5', 'FC1', 'FC2', 'FC6'],
  ...['T7', 'C3', 'Cz', 'C4', 'T8', 'CP5', 'CP1', 'CP2', 'CP6', 'P7', 'P3', 'Pz', 'P4', 'P8', 'PO3', 'PO4', 'O1', 'Oz', 'O2'],
]

/** The BioSemi 64-channel 10-10 set, front to back and left to right. */
const montage64 = [
  ...['Fp1', 'Fpz', 'Fp2', 'AF7', 'AF3', 'AFz', 'AF4', 'AF8', 'F7', 'F5', 'F3', 'F1', 'Fz', 'F2', 'F4', 'F6', 'F8'],
  ...['FT7', 'FC5', 'FC3', 'FC1', 'FCz', 'FC2', 'FC4', 'FC6', 'FT8', 'T7', 'C5', 'C3', 'C1', 'Cz', 'C2', 'C4', 'C6', 'T8'],
  ...['TP7', 'CP5', 'CP3', 'CP1', 'CPz', 'CP2', 'CP4', 'CP6', 'TP8', 'P9', 'P7', 'P5', 'P3', 'P1', 'Pz', 'P2', 'P4', 'P6', 'P8', 'P10'],
  ...['PO7', 'PO3', 'POz', 'PO4', 'PO8', 'O1', 'Oz', 'O2', 'Iz'],
]

const standardMontages = [montage8, montage16, montage32, montage64]

/**
 * Labels for `count` EEG channels: for 8, 16, 32 and 64 the standard sets above; otherwise the
 * largest standard set that fits (the first `count` labels of the 8-channel set below 8), followed
 * by numbered labels "Ch<n>" where n is the 1-based channel number (so 20 channels end Ch17…Ch20).
 */
export function defaultEegLabels(count: number): string[] {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`channel count must be a non-negative integer, got ${count}`)
  const base = standardMontages.findLast((montage) => montage.length <= count) ?? montage8
  const labels = base.slice(0, count)
  for (let n = labels.length + 1; n <= count; n++) labels.push(`Ch${n}`)
  return labels
}

/**
 * Position on a flattened head seen from above: x towards the right ear, y towards the nose, Cz at
 * the origin. Azimuthal equidistant projection of a spherical head, so the circle through Fpz, T7,
 * Oz and T8 is the unit circle and distances are roughly proportional to distances on the scalp;
 * the few sites below that circle (P9, P10, Iz, …) lie slightly outside it.
 */
export interface ScalpPosition {
  x: number
  y: number
}

type Vector = readonly [number, number, number]

/**
 * A row of the 10-10 system: its midline site's angle from Cz (negative = behind Cz), the azimuth
 * from the front where the row meets the Fpz–T7–Oz circle, and how many 10 % steps lie between
 * them. Fp1/Fp2 and O1/O2 already sit on that circle, so their rows have one step.
 */
interface Row {
  midlineAngle: number
  edgeAzimuth: number
  steps: number
  minNumber: number
  maxNumber: number
}

const rows: Readonly<Record<string, Row>> = {
  fp: { midlineAngle: 90, edgeAzimuth: 18, steps: 1, minNumber: 1, maxNumber: 2 },
  af: { midlineAngle: 67.5, edgeAzimuth: 36, steps: 4, minNumber: 1, maxNumber: 10 },
  f: { midlineAngle: 45, edgeAzimuth: 54, steps: 4, minNumber: 1, maxNumber: 10 },
  fc: { midlineAngle: 22.5, edgeAzimuth: 72, steps: 4, minNumber: 1, maxNumber: 6 },
  ft: { midlineAngle: 22.5, edgeAzimuth: 72, steps: 4, minNumber: 7, maxNumber: 10 },
  c: { midlineAngle: 0, edgeAzimuth: 90, steps: 4, minNumber: 1, maxNumber: 6 },
  t: { midlineAngle: 0, edgeAzimuth: 90, steps: 4, minNumber: 7, maxNumber: 10 },
  cp: { midlineAngle: -22.5, edgeAzimuth: 108, steps: 4, minNumber: 1, maxNumber: 6 },
  tp: { midlineAngle: -22.5, edgeAzimuth: 108, steps: 4, minNumber: 7, maxNumber: 10 },
  p: { midlineAngle: -45, edgeAzimuth: 126, steps: 4, minNumber: 1, maxNumber: 10 },
  po: { midlineAngle: -67.5, edgeAzimuth: 144, steps: 4, minNumber: 1, maxNumber: 10 },
  o: { midlineAngle: -90, edgeAzimuth: 162, steps: 1, minNumber: 1, maxNumber: 2 },
  i: { midlineAngle: -112.5, edgeAzimuth: 180, steps: 1, minNumber: 1, maxNumber: 0 },
}

/** The old 10-20 names of four temporal/parietal sites. */
const aliases: Readonly<Record<string, string>> = { t3: 't7', t4: 't8', t5: 'p7', t6: 'p8' }

const degrees = Math.PI / 180

/**
 * Approximate position of a 10-20 / 10-10 label (case-insensitive; T3–T6 accepted), or undefined
 * for labels outside the system.
 */
export function electrodePosition(label: string): ScalpPosition | undefined {
  const lower = label.trim().toLowerCase()
  const match = /^(fp|af|fc|ft|f|cp|tp|c|t|po|p|o|i)(z|\d+)$/.exec(aliases[lower] ?? lower)
  if (match === null) return undefined
  const row = rows[match[1]!]!
  const midline: Vector = [0, Math.sin(row.midlineAngle * degrees), Math.cos(row.midlineAngle * degrees)]
  if (match[2] === 'z') return project(midline)
  const number = Number(match[2])
  if (number < row.minNumber || number > row.maxNumber) return undefined
  // Odd numbers are on the left, even on the right; sites 9/10 lie one step beyond the circle.
  const side = number % 2 === 1 ? -1 : 1
  const edge: Vector = [side * Math.sin(row.edgeAzimuth * degrees), Math.cos(row.edgeAzimuth * degrees), 0]
  return project(alongGreatCircle(midline, edge, Math.ceil(number / 2) / row.steps))
}

/** The point a fraction t of the way from unit vector a to unit vector b along their great circle (t > 1 goes beyond b). */
function alongGreatCircle(a: Vector, b: Vector, t: number): Vector {
  const angle = Math.acos(Math.min(1, Math.max(-1, a[0] * b[0] + a[1] * b[1] + a[2] * b[2])))
  const wa = Math.sin((1 - t) * angle) / Math.sin(angle)
  const wb = Math.sin(t * angle) / Math.sin(angle)
  return [wa * a[0] + wb * b[0], wa * a[1] + wb * b[1], wa * a[2] + wb * b[2]]
}

function project([x, y, z]: Vector): ScalpPosition {
  const radius = Math.acos(Math.min(1, Math.max(-1, z))) / (Math.PI / 2)
  const horizontal = Math.hypot(x, y)
  if (horizontal < 1e-12) return { x: 0, y: 0 }
  return { x: (radius * x) / horizontal, y: (radius * y) / horizontal }
}
