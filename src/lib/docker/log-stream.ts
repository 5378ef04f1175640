/** Which stream a log line came from. */
export type LogStream = 'stderr' | 'stdout'

const HEADER = 8

/**
 * Splits the engine's multiplexed log stream (a container without a TTY): each frame is an
 * 8-byte header (stream type, 3 zero bytes, big-endian payload length) and the payload. Frames
 * may be split across chunks and chunks may hold several frames.
 */
export class LogDemuxer {
  private pending: Buffer = Buffer.alloc(0)

  constructor(private readonly emit: (stream: LogStream, payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk])
    while (this.pending.length >= HEADER) {
      const length = this.pending.readUInt32BE(4)
      if (this.pending.length < HEADER + length) return
      // Type 2 is stderr; 0 (stdin) and 1 are shown as stdout, as the docker CLI does.
      this.emit(this.pending[0] === 2 ? 'stderr' : 'stdout', this.pending.subarray(HEADER, HEADER + length))
      this.pending = this.pending.subarray(HEADER + length)
    }
  }

  /** Bytes of an incomplete last frame, when the stream ended inside one. */
  get leftover(): number {
    return this.pending.length
  }
}

/** A whole multiplexed answer (a finished exec) as one text, stdout and stderr in the order they came. */
export function demultiplexed(bytes: Buffer): string {
  const parts: Buffer[] = []
  new LogDemuxer((_stream, payload) => parts.push(payload)).push(bytes)
  return Buffer.concat(parts).toString('utf8')
}
