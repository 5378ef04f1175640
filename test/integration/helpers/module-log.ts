/**
 * The module recorder (test/fixtures/record-modules.mjs): a process that preloads it lists every
 * module it loads in a log file, which is how the startup tests show what a run leaves unloaded.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

export const RECORDER = fileURLToPath(new URL('../../fixtures/record-modules.mjs', import.meta.url))

export interface ModuleLog {
  /** The log file (OCC_TEST_MODULE_LOG). */
  file: string
  /** The variables of a CLI run that records into the log (NODE_OPTIONS preloads the recorder). */
  env: Record<string, string>
  /** The modules recorded so far, one an entry. */
  modules(): string[]
}

/** A module log in `dir` (modules.log). */
export function moduleLog(dir: string): ModuleLog {
  const file = join(dir, 'modules.log')
  return {
    env: {NODE_OPTIONS: `--import ${RECORDER}`, OCC_TEST_MODULE_LOG: file},
    file,
    modules: () => readFileSync(file, 'utf8').split('\n'),
  }
}
