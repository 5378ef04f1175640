import {spawn, spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {envVariable} from '../../../src/lib/config/env.js'
import {CONFIG_KEYS} from '../../../src/lib/config/schema.js'

/** The repository root: run the built CLI from here. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
export const BIN = join(ROOT, 'bin', 'run.js')
/** The repository's package.json: occ's version and the sandbox version it pulls. */
export const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  opencodeCloud: {sandboxVersion: string}
  version: string
}

/**
 * Runs the built CLI on a real terminal, as a user's shell would (script(1) gives it a pty): `input` is typed into
 * it. Returns the exit code and what the terminal showed (stdout and stderr together, with the typed echo).
 */
export function runInTerminal(
  args: string[],
  env: Record<string, string | undefined>,
  input = '',
): {status: number | null; screen: string} {
  const typed = [process.execPath, BIN, ...args].map((word) => `'${word}'`).join(' ')
  const result = spawnSync('script', ['-qec', typed, '/dev/null'], {encoding: 'utf8', env, input, timeout: 60_000})
  return {status: result.status, screen: result.stdout}
}

export interface CliResult {
  stdout: string
  stderr: string
  code: number | null
}

export interface RunOptions {
  /** Added to (or, with undefined, removed from) the environment of the run. */
  env?: Record<string, string | undefined>
  /** Written to the CLI's standard input, which is then closed. */
  stdin?: string
  timeoutMs?: number
  /** The working directory of the run (default: the repository root). */
  cwd?: string
}

/** A private config and data directory for one test; remove() deletes both. */
export interface CliHome {
  dir: string
  configDir: string
  /** config.json in configDir (which occ makes when it first writes). */
  configFile: string
  dataDir: string
  env: Record<string, string>
  remove(): void
}

export function makeCliHome(): CliHome {
  const dir = mkdtempSync(join(tmpdir(), 'occ-test-'))
  const configDir = join(dir, 'config')
  const dataDir = join(dir, 'data')
  return {
    dir,
    configDir,
    configFile: join(configDir, 'config.json'),
    dataDir,
    env: {OCC_CONFIG_DIR: configDir, OCC_DATA_DIR: dataDir},
    remove: () => rmSync(dir, {recursive: true, force: true}),
  }
}

/** The home of the test that is running: a CliHome without remove(), which useCliHome does. */
export type CurrentCliHome = Readonly<Omit<CliHome, 'remove'>>

/**
 * A fresh CliHome for each test of the calling describe block, removed after the test. The object
 * stands for the running test's home: read its fields in tests and hooks, not at describe time.
 */
export function useCliHome(): CurrentCliHome {
  let home: CliHome | undefined
  beforeEach(() => {
    home = makeCliHome()
  })
  afterEach(() => home?.remove())
  const current = (): CliHome => {
    if (!home) throw new Error('useCliHome: no test is running')
    return home
  }

  return {
    get configDir() {
      return current().configDir
    },
    get configFile() {
      return current().configFile
    },
    get dataDir() {
      return current().dataDir
    },
    get dir() {
      return current().dir
    },
    get env() {
      return current().env
    },
  }
}

/** occ's own variables: a developer's settings must not leak into a test run. */
const OCC_VARIABLES = new Set([
  'OCC_CONFIG_DIR',
  'OCC_DATA_DIR',
  'OCC_CACHE_DIR',
  ...CONFIG_KEYS.map((key) => envVariable(key)),
])

function baseEnv(): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !OCC_VARIABLES.has(name)))
}

/** Runs `node bin/run.js ...args` as a user would (no TTY) and collects its output and exit code. */
export function runCli(
  args: string[],
  {cwd = ROOT, env = {}, stdin, timeoutMs = 30_000}: RunOptions = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: {...baseEnv(), ...env},
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: timeoutMs,
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({stdout, stderr, code}))
    child.stdin.end(stdin)
  })
}
