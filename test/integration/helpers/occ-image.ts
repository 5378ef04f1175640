/**
 * What the image:* integration tests share: the seeded repositories, the test engine through
 * its API, a CLI home with image_repositories set, and a way to signal a running CLI.
 */
import {expect} from 'chai'
import {type ChildProcessWithoutNullStreams, spawn} from 'node:child_process'
import {existsSync, readFileSync} from 'node:fs'
import Docker from 'dockerode'

import {imageStateFile} from '../../../src/lib/image-record-path.js'
import {type PushedSeed, readEnvironment} from '../../env/environment.js'
import {REPOSITORY} from '../../env/seeds.js'
import {BIN, type CliHome, type CliResult, makeCliHome, ROOT, runCli} from './run-cli.js'

export const CURRENT = 'opencode-cloud-sandbox:current'
export const PREVIOUS = 'opencode-cloud-sandbox:previous'

/** `host:port/prizz/opencode-cloud-sandbox` of a test registry ("dead" refuses connections). */
export function repository(name: 'dead' | 'mirror' | 'primary'): string {
  return `${readEnvironment().registries[name]}/${REPOSITORY}`
}

export function seed(registry: 'mirror' | 'primary', tag: string): PushedSeed {
  const found = readEnvironment().seeds.find((entry) => entry.registry === registry && entry.tag === tag)
  if (!found) throw new Error(`no seed ${registry}:${tag}`)
  return found
}

export function engine(): Docker {
  return new Docker({socketPath: new URL(readEnvironment().dockerHost).pathname})
}

/** Id the engine has for a name, or undefined. */
export async function imageId(docker: Docker, name: string): Promise<string | undefined> {
  try {
    return (await docker.getImage(name).inspect()).Id
  } catch {
    return undefined
  }
}

/** Removes every sandbox image (seed pulls and occ's tags) so that each test starts clean. */
export async function removeSandboxImages(docker: Docker): Promise<void> {
  const images = await docker.listImages()
  for (const image of images) {
    const names = [...(image.RepoTags ?? []), ...(image.RepoDigests ?? [])]
    // podman names local images docker.io/library/NAME.
    if (
      names.some((name) => name.includes(REPOSITORY) || /^(?:docker\.io\/library\/)?opencode-cloud-sandbox:/.test(name))
    ) {
      await docker.getImage(image.Id).remove({force: true})
    }
  }
}

/**
 * The hooks every image test file shares: occ's images removed from the engine before each test
 * and after the file, and a fresh CLI home per test, handed to `onHome` for the file's own setup.
 */
export function useFreshImageHome(docker: Docker, onHome: (home: ImageHome) => Promise<void> | void): void {
  let home: ImageHome | undefined
  beforeEach(async () => {
    await removeSandboxImages(docker)
    home = makeImageHome()
    await onHome(home)
  })
  afterEach(() => home?.remove())
  after(() => removeSandboxImages(docker))
}

export interface ImageHome extends CliHome {
  stateFile: string
  /** The environment of a run with `repositories` as image_repositories. */
  envFor(repositories: string[], extra?: Record<string, string>): Record<string, string>
  /** The record file as text, or undefined. */
  stateText(): string | undefined
}

export function makeImageHome(): ImageHome {
  const home = makeCliHome()
  // The test engine is not the default socket: its record has a file of its own (see imageStateFile).
  const stateFile = imageStateFile({...home.env, DOCKER_HOST: readEnvironment().dockerHost})
  return {
    ...home,
    envFor: (repositories, extra = {}) => ({
      ...home.env,
      DOCKER_HOST: readEnvironment().dockerHost,
      OCC_IMAGE_REPOSITORIES: JSON.stringify(repositories),
      OCC_RETRY_BASE_MS: '20',
      ...extra,
    }),
    stateFile,
    stateText: () => (existsSync(stateFile) ? readFileSync(stateFile, 'utf8') : undefined),
  }
}

/** Runs `image:pull --tag TAG` with `env` and fails the test unless it succeeds. */
export async function pullTag(env: Record<string, string>, tag: string): Promise<void> {
  const result = await runCli(['image:pull', '--tag', tag], {env})
  expect(result.code, result.stderr).to.equal(0)
}

/** A CLI run that the test can signal while it runs. */
export interface RunningCli {
  child: ChildProcessWithoutNullStreams
  /** Resolves when stderr has printed text matching `pattern`. */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<void>
  done: Promise<CliResult>
}

export function startCli(args: string[], env: Record<string, string>): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], {cwd: ROOT, env: {...process.env, ...env}})
  let stdout = ''
  let stderr = ''
  const watchers = new Set<() => void>()
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
    for (const watcher of watchers) watcher()
  })
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => resolve({code, stderr, stdout}))
  })
  const waitForStderr = (pattern: RegExp, timeoutMs = 30_000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`stderr never matched ${pattern}:\n${stderr}`)), timeoutMs)
      const check = () => {
        if (!pattern.test(stderr)) return
        clearTimeout(timer)
        watchers.delete(check)
        resolve()
      }

      watchers.add(check)
      check()
    })
  return {child, done, waitForStderr}
}
