/**
 * The OpenBCI GUI's text logs ("OpenBCI-RAW-….txt"), read line by line: `%` header lines (sample
 * rate, channel count), then CSV rows with the packet's sample number first, EEG in µV, the
 * accelerometer in g and columns this reader does not need (aux, timestamps). GUI v5 adds a line of
 * column names; older GUIs (v2–v4, as the paper's data) describe the columns in the header only.
 * `%` lines between rows are comments someone added while recording, such as `%Song 12` when a
 * stimulus started: each becomes a marker at the time of the row that follows it.
 */
import { markerPayload } from '../audio/markers'

export class GuiLogError extends Error {
  constructor(
    readonly source: string,
    readonly line: number,
    message: string,
  ) {
    super(`${source}:${line}: ${message}`)
    this.name = 'GuiLogError'
  }
}

export interface GuiLogLayout {
  sampleRate: number
  channelLabels: string[]
  /** 'EEG' channels are in µV, 'ACC' in g. */
  channelTypes: ('EEG' | 'ACC')[]
  /** Header lines as written (without '%'), kept in the recording's metadata. */
  header: string[]
}

export interface GuiLogMarker {
  time: number
  /** The marker sample: a stimulus onset as the audio engine writes it, or the comment's own text. */
  text: string
}

export interface GuiLogBatch {
  /** Sample-major values, `timestamps.length × channelLabels.length`. */
  values: Float64Array
  timestamps: Float64Array
  markers: GuiLogMarker[]
}

export interface GuiLogSummary {
  samples: number
  /** Samples missing, from gaps in the sample numbers. */
  missingSamples: number
  markers: number
  stimulusMarkers: number
  /** The last line stopped in the middle of a row (a log cut off while writing) and was left out. */
  truncatedLastLine: boolean
}

const songComment = /^%\s*song\s+(\S.*?)\s*$/i
const counterCycle = 256
/** Rows kept before the sample-number step is decided (1, or 2 for Daisy logs). */
const rowsToFindStep = 32

interface Columns {
  index: number
  data: number[]
  /** Columns a row must have to hold every one of `index` and `data`. */
  needed: number
}

/**
 * Reads a log fed one line at a time (`line`), handing out what it has read in batches (`take`)
 * so that a long log never sits in memory whole. Every problem names the file and line.
 */
export class GuiLogReader {
  private lineNumber = 0
  private sampleRate: number | null = null
  private declaredChannels: number | null = null
  private readonly header: string[] = []
  private columns: Columns | null = null
  private layoutValue: GuiLogLayout | null = null
  private step: number | null = null
  /** Rows waiting for the step: unwrapped sample numbers, values, and the comments just before them. */
  private rows: { counter: number; values: number[]; comments: string[] }[] = []
  private values: number[] = []
  private timestamps: number[] = []
  private markers: GuiLogMarker[] = []
  /** Comments waiting for the next row. */
  private pendingComments: string[] = []
  private firstCounter: number | null = null
  private lastCounter: number | null = null
  private lastEmitted: number | null = null
  private lastTime = 0
  private wraps = true
  private missing = 0
  private sampleCount = 0
  private markerCount = 0
  private stimulusCount = 0
  private lastLine: { number: number; text: string } | null = null

  constructor(private readonly source: string) {}

  /** How the samples are laid out; known once the first row has been read. */
  layout(): GuiLogLayout | null {
    return this.layoutValue
  }

  line(raw: string): void {
    this.lineNumber += 1
    // A row is only checked once the next line shows it was not the log's cut-off last line.
    const previous = this.lastLine
    this.lastLine = null
    if (previous) this.row(previous.text, previous.number)
    const text = raw.replace(/^\uFEFF/, '').trim()
    if (text === '') return
    if (text.startsWith('%')) return this.comment(text)
    if (this.columns === null && !/^[-+\d.]/.test(text)) return this.columnNames(text)
    this.lastLine = { number: this.lineNumber, text }
  }

  /** Samples and markers read since the last call. */
  take(): GuiLogBatch {
    const batch = {
      values: Float64Array.from(this.values),
      timestamps: Float64Array.from(this.timestamps),
      markers: this.markers,
    }
    this.values = []
    this.timestamps = []
    this.markers = []
    return batch
  }

  /** Ends the log: the last row, and comments after it (placed one sample period later). */
  finish(): GuiLogSummary {
    const last = this.lastLine
    this.lastLine = null
    let truncatedLastLine = false
    if (last) {
      const fields = last.text.split(',')
      if (this.columns && fields.length < this.columns.needed && this.sampleCount + this.rows.length > 0) truncatedLastLine = true
      else this.row(last.text, last.number)
    }
    if (this.sampleCount + this.rows.length === 0) throw new GuiLogError(this.source, this.lineNumber, 'the log holds no samples')
    this.flushRows(true)
    this.placeComments(this.pendingComments, this.lastTime + 1 / this.sampleRate!)
    this.pendingComments = []
    return {
      samples: this.sampleCount,
      missingSamples: this.missing,
      markers: this.markerCount,
      stimulusMarkers: this.stimulusCount,
      truncatedLastLine,
    }
  }

  private comment(text: string): void {
    const body = text.slice(1).trim()
    if (this.columns === null) {
      const rate = /^sample\s*rate\s*=\s*([\d.]+)\s*hz$/i.exec(body)
      if (rate) {
        this.sampleRate = Number(rate[1])
        if (!(this.sampleRate > 0)) throw this.error(`the sample rate ${rate[1]} Hz is not a positive number`)
      }
      const channels = /^number\s+of\s+channels\s*=\s*(\d+)$/i.exec(body)
      if (channels) this.declaredChannels = Number(channels[1])
      if (!songComment.test(text)) {
        if (body !== '') this.header.push(body)
        return
      }
    }
    this.pendingComments.push(text)
  }

  /** GUI v5's line of column names: `Sample Index, EXG Channel 0, …, Accel Channel 0, …`. */
  private columnNames(text: string): void {
    const names = text.split(',').map((name) => name.trim())
    const index = names.findIndex((name) => /^sample\s*index$/i.test(name))
    if (index < 0) throw this.error(`expected a row of numbers or the column names starting with "Sample Index", found "${text.slice(0, 60)}"`)
    const eeg = names.flatMap((name, column) => (/^exg\s*channel\s*\d+$/i.test(name) ? [column] : []))
    const accel = names.flatMap((name, column) => (/^accel\s*channel\s*\d+$/i.test(name) ? [column] : []))
    if (eeg.length === 0) throw this.error('the column names name no "EXG Channel" column')
    this.setColumns(index, eeg, accel)
  }

  /** Older logs: index, the EEG channels, then (when the row is long enough) three accelerometer columns. */
  private inferColumns(fields: string[]): void {
    const numeric = fields.findIndex((field) => !isNumber(field))
    const leading = numeric < 0 ? fields.length : numeric
    const eegCount = this.declaredChannels ?? [16, 8, 4].find((count) => 1 + count + 3 <= leading && leading <= 1 + count + 3 + 1)
    if (eegCount === undefined || 1 + eegCount > leading) {
      throw this.error(`cannot tell how many EEG channels the rows hold (${leading} numeric columns); add a line "%Number of channels = N" to the header`)
    }
    const eeg = Array.from({ length: eegCount }, (_, channel) => 1 + channel)
    const accel = 1 + eegCount + 3 <= leading ? [1 + eegCount, 2 + eegCount, 3 + eegCount] : []
    this.setColumns(0, eeg, accel)
  }

  private setColumns(index: number, eeg: number[], accel: number[]): void {
    if (this.sampleRate === null) throw this.error('the header gives no sample rate (a line "%Sample Rate = 250 Hz")')
    const data = [...eeg, ...accel]
    this.columns = { index, data, needed: Math.max(index, ...data) + 1 }
    this.layoutValue = {
      sampleRate: this.sampleRate,
      channelLabels: [...eeg.map((_, channel) => `EEG${channel + 1}`), ...['AccelX', 'AccelY', 'AccelZ'].slice(0, accel.length)],
      channelTypes: [...eeg.map(() => 'EEG' as const), ...accel.map(() => 'ACC' as const)],
      header: this.header,
    }
  }

  private row(text: string, lineNumber: number): void {
    const fields = text.split(',').map((field) => field.trim())
    if (this.columns === null) this.inferColumns(fields)
    const columns = this.columns!
    if (fields.length < columns.needed) throw this.error(`a row needs ${columns.needed} columns, this one has ${fields.length}`, lineNumber)
    const counter = this.number(fields[columns.index]!, columns.index, lineNumber)
    if (!Number.isInteger(counter) || counter < 0) throw this.error(`column 1 (sample index): ${fields[columns.index]} is not a sample number`, lineNumber)
    const values = columns.data.map((column) => this.number(fields[column]!, column, lineNumber))
    this.rows.push({ counter: this.unwrap(counter, lineNumber), values, comments: this.pendingComments })
    this.pendingComments = []
    this.flushRows(false)
  }

  private number(field: string, column: number, lineNumber: number): number {
    if (!isNumber(field)) throw this.error(`column ${column + 1}: "${field}" is not a number`, lineNumber)
    return Number(field)
  }

  /** Sample numbers wrap at 256 (packet counters) unless the log numbers its rows beyond that. */
  private unwrap(counter: number, lineNumber: number): number {
    if (counter >= counterCycle) this.wraps = false
    const last = this.lastCounter
    let unwrapped = counter
    if (last !== null) {
      const cycleStart = last - (last % counterCycle)
      unwrapped = this.wraps ? cycleStart + counter : counter
      if (unwrapped <= last) {
        if (!this.wraps) throw this.error(`the sample index goes back from ${last} to ${counter}`, lineNumber)
        unwrapped += counterCycle
      }
    }
    this.lastCounter = unwrapped
    return unwrapped
  }

  /** Turns waiting rows into samples once the step between sample numbers is known. */
  private flushRows(final: boolean): void {
    if (this.step === null) {
      if (this.rows.length < rowsToFindStep && !final) return
      let step = Number.POSITIVE_INFINITY
      for (let index = 1; index < this.rows.length; index++) step = Math.min(step, this.rows[index]!.counter - this.rows[index - 1]!.counter)
      this.step = Number.isFinite(step) ? step : 1
      this.firstCounter = this.rows[0]!.counter
    }
    for (const row of this.rows) {
      if (this.lastEmitted !== null) this.missing += Math.max(0, Math.round((row.counter - this.lastEmitted) / this.step) - 1)
      const time = (row.counter - this.firstCounter!) / this.step / this.sampleRate!
      this.placeComments(row.comments, time)
      this.timestamps.push(time)
      for (const value of row.values) this.values.push(value)
      this.sampleCount += 1
      this.lastEmitted = row.counter
      this.lastTime = time
    }
    this.rows = []
  }

  private placeComments(comments: string[], time: number): void {
    for (const comment of comments) {
      const song = songComment.exec(comment)
      const text = song
        ? markerPayload({ event: 'stimulus_onset', stimulus: song[1]!, file: null, frame: null, time })
        : comment.slice(1).trim()
      this.markers.push({ time, text })
      this.markerCount += 1
      if (song) this.stimulusCount += 1
    }
  }

  private error(message: string, line = this.lineNumber): GuiLogError {
    return new GuiLogError(this.source, line, message)
  }
}

function isNumber(field: string): boolean {
  return field !== '' && Number.isFinite(Number(field))
}
