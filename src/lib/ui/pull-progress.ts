import {LayerBoard, type LayerPhase, type LayerProgress, type PullEvent} from '../image/pull-events.js'
import {formatBytes} from './bytes-time-digest.js'
import {createProgress, type Progress, type ProgressMode} from './progress.js'

export type PullProgress = Progress<PullEvent>

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

export async function createPullProgress(
  mode: ProgressMode,
  stream: NodeJS.WriteStream = process.stderr,
): Promise<PullProgress> {
  const board = new LayerBoard()
  return createProgress<PullEvent>(mode, stream, {
    plain: (write) => (event) => {
      if (event.type !== 'layer') return
      const {layer, phaseChanged} = board.apply(event)
      if (phaseChanged) write(layerChangeLine(layer))
    },
    tty: (lines) => (event) => {
      if (event.type !== 'layer') return
      const {layer} = board.apply(event)
      lines.set(layer.id, layerLine(layer))
    },
  })
}
