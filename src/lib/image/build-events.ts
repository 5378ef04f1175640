import {readJsonLines, streamError} from '../docker/json-lines.js'
import {printable} from '../printable.js'

/** What the classic builder's stream says, as typed events. */
export type BuildEvent =
  | {type: 'error'; message: string}
  | {type: 'image'; id: string}
  | {type: 'output'; line: string}
  | {type: 'step'; number: number; total: number; instruction: string}

const STEP = /^Step (\d+)\/(\d+) : (.*)$/
const BUILT = /^Successfully built ([0-9a-f]{12,64})$/
// The builder's own bookkeeping between steps: nothing a user acts on.
const NOISE = /^ --->(?: |$)|^Removing intermediate container /

/** A step as the build log shows it: "Step 2/5 : COPY app/ /opt/sandbox/". */
export function stepText(step: Extract<BuildEvent, {type: 'step'}>): string {
  return `Step ${step.number}/${step.total} : ${step.instruction}`
}

/**
 * Turns decoded stream objects into events. `stream` text arrives in fragments that do not
 * follow lines ("Step 1/5 : FROM scratch" and its "\n" come apart), so it is joined first.
 */
export class BuildEventDecoder {
  private pending = ''

  push(raw: Record<string, unknown>): BuildEvent[] {
    const error = streamError(raw)
    if (error) return [...this.flush(), {message: error.message, type: 'error'}]
    const aux = raw.aux as undefined | {ID?: unknown}
    if (typeof aux?.ID === 'string') return [{id: aux.ID, type: 'image'}]
    if (typeof raw.stream === 'string') {
      const lines = (this.pending + raw.stream).split(/\r?\n/)
      this.pending = lines.pop() ?? ''
      return lines.flatMap((line) => lineEvent(line))
    }

    // Pulls of a base image: keep the status words, not every byte-count tick.
    const progress = raw.progressDetail as undefined | {current?: unknown}
    if (typeof raw.status === 'string' && progress?.current === undefined) {
      return [{line: printable(typeof raw.id === 'string' ? `${raw.id}: ${raw.status}` : raw.status), type: 'output'}]
    }

    return []
  }

  /** The last line when the stream ended without a newline. */
  flush(): BuildEvent[] {
    const line = this.pending
    this.pending = ''
    return lineEvent(line)
  }
}

function lineEvent(line: string): BuildEvent[] {
  // A build step prints what it likes (colours, cursor moves): printable before anyone shows it.
  const text = printable(line).trimEnd()
  if (!text.trim() || NOISE.test(text)) return []
  const step = STEP.exec(text)
  if (step) return [{instruction: step[3], number: Number(step[1]), total: Number(step[2]), type: 'step'}]
  const built = BUILT.exec(text)
  if (built) return [{id: built[1], type: 'image'}]
  return [{line: text, type: 'output'}]
}

/** Decodes the engine's build stream into events, whatever the chunking. */
export async function* readBuildEvents(stream: AsyncIterable<Buffer | string>): AsyncGenerator<BuildEvent> {
  const decoder = new BuildEventDecoder()
  for await (const line of readJsonLines(stream)) {
    if ('unreadable' in line)
      yield {message: `the engine sent an unreadable build line: ${line.unreadable}`, type: 'error'}
    else yield* decoder.push(line.object)
  }

  yield* decoder.flush()
}
