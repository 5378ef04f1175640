/**
 * One whole-process run, timed from outside: wall time from spawn to exit here, user and
 * system CPU seconds and peak RSS from the kernel's accounting of the reaped child, read
 * through GNU time (/usr/bin/time -o FILE -f '%U %S %M'), as `/usr/bin/time -v` reports them.
 */
import {spawn} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

export const GNU_TIME = '/usr/bin/time'

export interface Command {
  /** The executable and its arguments (no shell). */
  argv: string[]
  env?: Record<string, string | undefined>
  cwd?: string
}

export interface Sample {
  wallMs: number
  cpuMs: number
  peakRssMb: number
  exitCode: number | null
}

const scratch = mkdtempSync(join(tmpdir(), 'occ-bench-'))
process.on('exit', () => rmSync(scratch, {force: true, recursive: true}))
let runs = 0

/** Runs `command` once to its end; a non-zero exit fails, with what it printed. */
export async function measure(command: Command): Promise<Sample> {
  const accounting = join(scratch, `time-${runs++}`)
  const child = spawn(GNU_TIME, ['-o', accounting, '-f', '%U %S %M', ...command.argv], {
    cwd: command.cwd,
    env: {...process.env, ...command.env},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)))
  child.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)))
  const started = performance.now()
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', resolve)
  })
  const wallMs = performance.now() - started
  if (exitCode !== 0) throw new Error(`${command.argv.join(' ')} exited with ${exitCode}:\n${output}`)
  // GNU time prints "Command exited with non-zero status" first when it had to; the figures are the last line.
  const [user, system, rssKb] = readFileSync(accounting, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number)
  return {cpuMs: (user + system) * 1000, exitCode, peakRssMb: rssKb / 1024, wallMs}
}
