import {readJsonLines, streamError} from '../docker/json-lines.js'
import {printable} from '../printable.js'

/** One line of the engine's pull progress stream, as the engine sends it. */
interface RawPullEvent {
  status?: unknown
  id?: unknown
  progressDetail?: {current?: unknown; total?: unknown}
  error?: unknown
  errorDetail?: unknown
}

/** Where a layer is in its pull; the engine's status words, as a closed set. */
export type LayerPhase =
  'complete' | 'downloaded' | 'downloading' | 'exists' | 'extracting' | 'queued' | 'retrying' | 'verifying' | 'waiting'

const PHASES: Record<string, LayerPhase> = {
  'Already exists': 'exists',
  'Download complete': 'downloaded',
  Downloading: 'downloading',
  Extracting: 'extracting',
  'Pull complete': 'complete',
  'Pulling fs layer': 'queued',
  'Verifying Checksum': 'verifying',
  Waiting: 'waiting',
}

export type PullEvent =
  | {type: 'digest'; digest: string}
  | {type: 'error'; code?: number; message: string}
  | {type: 'layer'; id: string; phase: LayerPhase; current?: number; total?: number}
  | {type: 'status'; message: string}

const DIGEST = /^Digest: (sha256:[0-9a-f]{64})$/

function finiteNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined
}

/** Maps one decoded stream object to a typed event; an `error`/`errorDetail` always wins. */
export function toPullEvent(raw: RawPullEvent): PullEvent {
  const error = streamError(raw)
  if (error) return {type: 'error', ...error}

  const status = typeof raw.status === 'string' ? raw.status : ''
  const id = typeof raw.id === 'string' ? raw.id : undefined
  const phase = status.startsWith('Retrying in') ? 'retrying' : PHASES[status]
  if (id !== undefined && phase !== undefined) {
    const current = finiteNumber(raw.progressDetail?.current)
    const total = finiteNumber(raw.progressDetail?.total)
    return {
      id,
      phase,
      type: 'layer',
      ...(current === undefined ? {} : {current}),
      ...(total === undefined || total === 0 ? {} : {total}),
    }
  }

  const digest = DIGEST.exec(status)
  if (digest) return {digest: digest[1], type: 'digest'}
  return {message: printable(id === undefined ? status : `${id}: ${status}`), type: 'status'}
}

/** Decodes the engine's pull stream into events, whatever the chunking. */
export async function* readPullEvents(stream: AsyncIterable<Buffer | string>): AsyncGenerator<PullEvent> {
  for await (const line of readJsonLines(stream)) {
    yield 'object' in line
      ? toPullEvent(line.object as RawPullEvent)
      : {message: `the engine sent an unreadable progress line: ${line.unreadable}`, type: 'error'}
  }
}

/** What is known about one layer so far. */
export interface LayerProgress {
  id: string
  phase: LayerPhase
  /** Bytes done in the current phase (download or extraction). */
  current: number
  /** Bytes the current phase will take, when the engine said it; some events carry none. */
  total?: number
  /** The layer's download size, once known; kept across phases. */
  size?: number
}

/** Folds layer events into per-layer progress and says when a layer changed phase. */
export class LayerBoard {
  private readonly byId = new Map<string, LayerProgress>()

  apply(event: Extract<PullEvent, {type: 'layer'}>): {layer: LayerProgress; phaseChanged: boolean} {
    const before = this.byId.get(event.id)
    const phaseChanged = before?.phase !== event.phase
    const total = event.total ?? (phaseChanged ? undefined : before?.total)
    const size = event.phase === 'downloading' && event.total !== undefined ? event.total : before?.size
    const layer: LayerProgress = {
      current: event.current ?? (phaseChanged ? 0 : (before?.current ?? 0)),
      id: event.id,
      phase: event.phase,
      ...(total === undefined ? {} : {total}),
      ...(size === undefined ? {} : {size}),
    }
    this.byId.set(event.id, layer)
    return {layer, phaseChanged}
  }
}
