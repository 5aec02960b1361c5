import { lsl, type Pointer } from './bindings'
import { describeStreamInfo } from './streaminfo'
import type { StreamDescription } from '../../shared/xdf/types'

/**
 * liblsl's continuous resolver: it keeps listening in liblsl's own thread, and `current()` only
 * reads its list, so polling it does not block.
 */
export class ContinuousResolver {
  private handle: Pointer | null
  private readonly buffer: Pointer[] = new Array(1024).fill(null)

  /** `forgetAfter`: seconds after which a silent stream leaves the list. */
  constructor(forgetAfter = 3) {
    this.handle = lsl().fn.createContinuousResolver(forgetAfter)
  }

  current(): StreamDescription[] {
    if (!this.handle) return []
    const { fn } = lsl()
    const count = fn.resolverResults(this.handle, this.buffer, this.buffer.length)
    const streams: StreamDescription[] = []
    for (let index = 0; index < count; index++) {
      const info = this.buffer[index]
      streams.push(describeStreamInfo(info))
      fn.destroyStreamInfo(info)
    }
    return streams
  }

  close(): void {
    if (this.handle) lsl().fn.destroyContinuousResolver(this.handle)
    this.handle = null
  }
}

/** Waits up to `seconds` and returns every stream seen (for the CLI's `streams --wait`). */
export async function resolveStreams(seconds: number): Promise<StreamDescription[]> {
  const resolver = new ContinuousResolver(Math.max(seconds, 1))
  try {
    const deadline = Date.now() + seconds * 1000
    let seen: StreamDescription[] = []
    do {
      await new Promise((resolve) => setTimeout(resolve, Math.min(200, Math.max(0, deadline - Date.now()))))
      seen = resolver.current()
    } while (Date.now() < deadline)
    return seen
  } finally {
    resolver.close()
  }
}
