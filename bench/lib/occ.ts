/** What the benchmarks share: the built CLI, a private occ home, and the test environment they start and stop. */
import {existsSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {applyToProcessEnv, releaseEnvironment, startEnvironment, type TestEnvironment} from '../../test/env/index.js'
import type {Command} from './measure.js'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const OCC = join(ROOT, 'bin', 'run.js')
export const BARE_OCLIF = join(ROOT, 'bench', 'fixtures', 'bare-oclif', 'bin', 'run.js')
/** bare-oclif with the four plugins occ bundles declared: the floor they set for any CLI that has them. */
export const OCLIF_WITH_PLUGINS = join(ROOT, 'bench', 'fixtures', 'oclif-with-plugins', 'bin', 'run.js')
export const DOCKER = '/usr/bin/docker'

/** A private config and data directory (no config.json: every key at its default). */
export interface OccHome {
  env: Record<string, string | undefined>
  remove(): void
}

export function occHome(extra: Record<string, string> = {}): OccHome {
  const dir = mkdtempSync(join(tmpdir(), 'occ-bench-home-'))
  // occ's own variables from the caller's shell must not change what is measured.
  const cleared = Object.fromEntries(
    Object.keys(process.env)
      .filter((name) => name.startsWith('OCC_') && !name.startsWith('OCC_TEST_'))
      .map((name) => [name, undefined]),
  )
  return {
    env: {...cleared, OCC_CONFIG_DIR: join(dir, 'config'), OCC_DATA_DIR: join(dir, 'data'), ...extra},
    remove: () => rmSync(dir, {force: true, recursive: true}),
  }
}

export function occ(home: OccHome, ...args: string[]): Command {
  return {argv: [process.execPath, OCC, ...args], cwd: ROOT, env: home.env}
}

export function requireBuild(): void {
  if (!existsSync(join(ROOT, 'dist', 'commands'))) throw new Error('dist/ is missing: run "npm run build" first')
}

/**
 * Runs `body` with the test environment up: a running one is reused (and left running), one
 * started here is stopped at the end.
 */
export async function withEnvironment<T>(body: (env: TestEnvironment) => Promise<T>): Promise<T> {
  const {env, started} = await startEnvironment(undefined, {lease: true})
  applyToProcessEnv(env)
  process.stderr.write(`[bench] ${started ? 'started' : 'reusing'} the test environment in ${env.dir}\n`)
  try {
    return await body(env)
  } finally {
    const {stopped} = await releaseEnvironment()
    if (stopped) process.stderr.write('[bench] stopped the test environment\n')
  }
}
