import type {MultiBar, SingleBar} from 'cli-progress'

import {type BuildEvent, stepText} from '../image/build-events.js'
import type {ProgressMode} from './pull-progress.js'

/** Shows build progress on stderr; `log` prints a line without garbling the live region. */
export interface BuildProgress {
  event(event: BuildEvent): void
  log(line: string): void
  stop(): void
}

/** Output lines shown under the current step on a terminal. */
export const TTY_TAIL_LINES = 5

/** A line cut to the terminal's width: a wrapped line would break the redraw. */
export function fitLine(line: string, columns: number | undefined): string {
  const width = Math.max(20, (columns || 80) - 1)
  return line.length > width ? `${line.slice(0, width - 1)}…` : line
}

export async function createBuildProgress(mode: ProgressMode, stream: NodeJS.WriteStream = process.stderr): Promise<BuildProgress> {
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

/** Every step and output line as it comes (CI logs). */
function plainProgress(stream: NodeJS.WritableStream): BuildProgress {
  return {
    event(event) {
      if (event.type === 'step') stream.write(`${stepText(event)}\n`)
      if (event.type === 'output') stream.write(`  ${event.line}\n`)
    },
    log(line) {
      stream.write(`${line}\n`)
    },
    stop() {},
  }
}

/** The current step and the last few output lines under it, redrawn in place. */
function ttyProgress(bars: MultiBar, stream: NodeJS.WriteStream): BuildProgress {
  const lines: SingleBar[] = []
  const tail: string[] = []
  const show = (index: number, text: string) => {
    const line = fitLine(text, stream.columns)
    const bar = lines[index] ?? bars.create(1, 0, {line})
    lines[index] = bar
    bar.update(0, {line})
  }

  return {
    event(event) {
      if (event.type === 'step') {
        show(0, stepText(event))
        tail.length = 0
        for (let index = 1; index < lines.length; index++) show(index, '')
      }

      if (event.type !== 'output') return
      tail.push(event.line)
      if (tail.length > TTY_TAIL_LINES) tail.shift()
      if (lines.length === 0) show(0, 'Preparing the build…')
      for (const [index, line] of tail.entries()) show(index + 1, `  ${line}`)
    },
    log(line) {
      if (bars.isActive) bars.log(`${line}\n`)
      else stream.write(`${line}\n`)
    },
    stop() {
      if (!bars.isActive) return
      bars.update()
      bars.stop()
    },
  }
}
