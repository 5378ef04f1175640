import type {SingleBar} from 'cli-progress'

/**
 * `tty`: a live region redrawn in place; `plain`: one line per change (CI logs, TERM=dumb);
 * `silent`: --json / --quiet.
 */
export type ProgressMode = 'plain' | 'silent' | 'tty'

/** `term` is $TERM: a dumb terminal cannot move the cursor, so it gets plain lines. */
export function progressMode(options: {chatty: boolean; isTTY: boolean; term?: string}): ProgressMode {
  if (!options.chatty) return 'silent'
  return options.isTTY && options.term !== 'dumb' ? 'tty' : 'plain'
}

/** Shows the progress of a stream of events on stderr; `log` prints a line without garbling the live region. */
export interface Progress<E> {
  event(event: E): void
  log(line: string): void
  stop(): void
}

/** The lines of a live region, each set by its key; the first set of a key adds a line below the others. */
export interface LiveLines {
  set(key: string, text: string): void
}

/** How one kind of progress turns its events into output, as plain lines or in a live region. */
export interface ProgressRenderers<E> {
  plain(write: (line: string) => void): (event: E) => void
  tty(lines: LiveLines): (event: E) => void
}

/** A line cut to the terminal's width: a wrapped line would break the redraw. */
export function fitLine(line: string, columns: number | undefined): string {
  const width = Math.max(20, (columns || 80) - 1)
  return line.length > width ? `${line.slice(0, width - 1)}…` : line
}

export async function createProgress<E>(
  mode: ProgressMode,
  stream: NodeJS.WriteStream,
  renderers: ProgressRenderers<E>,
): Promise<Progress<E>> {
  const write = (line: string): void => {
    stream.write(`${line}\n`)
  }

  if (mode === 'silent') return {event() {}, log() {}, stop() {}}
  if (mode === 'plain') return {event: renderers.plain(write), log: write, stop() {}}

  // cli-progress redraws on its own timer (fps), so setting a line only changes its text: redraws are throttled.
  const {default: cliProgress} = await import('cli-progress')
  const bars = new cliProgress.MultiBar({
    format: (_options, _params, payload: {line: string}) => payload.line,
    fps: 8,
    hideCursor: true,
    stream,
  })
  const byKey = new Map<string, SingleBar>()
  const lines: LiveLines = {
    set(key, text) {
      const line = fitLine(text, stream.columns)
      const bar = byKey.get(key) ?? bars.create(1, 0, {line})
      byKey.set(key, bar)
      bar.update(0, {line})
    },
  }
  return {
    event: renderers.tty(lines),
    log(line) {
      if (bars.isActive) bars.log(`${line}\n`)
      else write(line)
    },
    stop() {
      if (!bars.isActive) return
      // One last redraw shows the final state and flushes lines logged since the previous one.
      bars.update()
      bars.stop()
    },
  }
}
