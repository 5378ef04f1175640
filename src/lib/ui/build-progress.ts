import {type BuildEvent, stepText} from '../image/build-events.js'
import {createProgress, type Progress, type ProgressMode} from './progress.js'

export type BuildProgress = Progress<BuildEvent>

/** Output lines shown under the current step on a terminal. */
export const TTY_TAIL_LINES = 5

export async function createBuildProgress(
  mode: ProgressMode,
  stream: NodeJS.WriteStream = process.stderr,
): Promise<BuildProgress> {
  return createProgress<BuildEvent>(mode, stream, {
    // Every step and output line as it comes.
    plain: (write) => (event) => {
      if (event.type === 'step') write(stepText(event))
      if (event.type === 'output') write(`  ${event.line}`)
    },
    // The current step and the last few output lines under it.
    tty(lines) {
      const tail: string[] = []
      let shown = 0
      const show = (index: number, text: string): void => {
        lines.set(String(index), text)
        shown = Math.max(shown, index + 1)
      }

      return (event) => {
        if (event.type === 'step') {
          show(0, stepText(event))
          tail.length = 0
          for (let index = 1; index < shown; index++) show(index, '')
        }

        if (event.type !== 'output') return
        tail.push(event.line)
        if (tail.length > TTY_TAIL_LINES) tail.shift()
        if (shown === 0) show(0, 'Preparing the build…')
        for (const [index, line] of tail.entries()) show(index + 1, `  ${line}`)
      }
    },
  })
}
