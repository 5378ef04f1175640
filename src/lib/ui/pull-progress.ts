import type {MultiBar, SingleBar} from 'cli-progress'

import {LayerBoard, type LayerPhase, type LayerProgress, type PullEvent} from '../image/pull-events.js'
import {formatBytes} from './format.js'

/** `tty`: live bars; `plain`: one line per layer state change (CI logs); `silent`: --json / --quiet. */
export type ProgressMode = 'plain' | 'silent' | 'tty'

export function progressMode(options: {chatty: boolean; isTTY: boolean}): ProgressMode {
  if (!options.chatty) return 'silent'
  return options.isTTY ? 'tty' : 'plain'
}

/** Shows pull progress on stderr; `log` prints a line without garbling the bars. */
export interface PullProgress {
  event(event: PullEvent): void
  log(line: string): void
  stop(): void
}

const PHASE_LABELS: Record<LayerPhase, string> = {
  complete: 'Pull complete',
  downloaded: 'Downloaded',
  downloading: 'Downloading',
  exists: 'Already exists',
  extracting: 'Extracting',
  queued: 'Queued',
  retrying: 'Retrying',
  verifying: 'Verifying',
  waiting: 'Waiting',
}

const BAR_WIDTH = 24

/** The live line of one layer: phase, a bar when the total is known, bytes. */
export function layerLine(layer: LayerProgress): string {
  const label = PHASE_LABELS[layer.phase].padEnd(14)
  if (layer.total !== undefined) {
    const filled = Math.min(BAR_WIDTH, Math.round((layer.current / layer.total) * BAR_WIDTH))
    const bar = `[${'='.repeat(filled)}${' '.repeat(BAR_WIDTH - filled)}]`
    return `${layer.id}  ${label} ${bar} ${formatBytes(layer.current)} / ${formatBytes(layer.total)}`
  }

  const bytes = layer.current > 0 ? formatBytes(layer.current) : layer.size === undefined ? '' : formatBytes(layer.size)
  return `${layer.id}  ${label} ${bytes}`.trimEnd()
}

/** The plain line for a layer that just changed phase. */
export function layerChangeLine(layer: LayerProgress): string {
  const size = layer.total ?? layer.size
  return `${layer.id}: ${PHASE_LABELS[layer.phase]}${size === undefined ? '' : ` (${formatBytes(size)})`}`
}

export async function createPullProgress(mode: ProgressMode, stream: NodeJS.WriteStream = process.stderr): Promise<PullProgress> {
  if (mode === 'silent') return {event() {}, log() {}, stop() {}}
  if (mode === 'plain') return plainProgress(stream)
  const {default: cliProgress} = await import('cli-progress')
  const bars = new cliProgress.MultiBar({
    format: (_options, _params, payload: {line: string}) => payload.line,
    fps: 8,
    hideCursor: true,
    stream,
  })
  return ttyProgress(bars, stream)
}

function plainProgress(stream: NodeJS.WritableStream): PullProgress {
  const board = new LayerBoard()
  return {
    event(event) {
      if (event.type !== 'layer') return
      const {layer, phaseChanged} = board.apply(event)
      if (phaseChanged) stream.write(`${layerChangeLine(layer)}\n`)
    },
    log(line) {
      stream.write(`${line}\n`)
    },
    stop() {},
  }
}

function ttyProgress(bars: MultiBar, stream: NodeJS.WritableStream): PullProgress {
  const board = new LayerBoard()
  const byLayer = new Map<string, SingleBar>()
  return {
    event(event) {
      if (event.type !== 'layer') return
      const {layer} = board.apply(event)
      const line = layerLine(layer)
      // cli-progress redraws on its own timer (fps), so updates here only set the text.
      const bar = byLayer.get(layer.id) ?? bars.create(1, 0, {line})
      byLayer.set(layer.id, bar)
      bar.update(0, {line})
    },
    log(line) {
      if (bars.isActive) bars.log(`${line}\n`)
      else stream.write(`${line}\n`)
    },
    stop() {
      if (!bars.isActive) return
      // One last redraw shows the final state and flushes lines logged since the previous one.
      bars.update()
      bars.stop()
    },
  }
}
