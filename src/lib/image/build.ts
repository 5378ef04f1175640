import {createRequire} from 'node:module'
import {readdir, readFile, stat} from 'node:fs/promises'
import {isAbsolute, join, relative, resolve, sep} from 'node:path'
import {addAbortSignal} from 'node:stream'

import type {BuildRequest, Engine} from '../docker/engine.js'

import {EngineRequestError, toEngineError} from '../docker/errors.js'
import {InterruptedError, OccError} from '../errors.js'
import {type BuildEvent, readBuildEvents, stepText} from './build-events.js'
import {type BuildFailureKind, saysNetworkFailed} from './errors.js'
import {SANDBOX_BUILD_CONTEXT} from './sandbox.js'

/** What to build: a Dockerfile and the directory sent as its context. */
export interface BuildSource {
  /** Absolute path of the context directory. */
  context: string
  /** Absolute path of the Dockerfile, inside the context. */
  dockerfile: string
}

export class BuildSourceError extends OccError {
  constructor(problem: string, suggestion: string) {
    super('usage', 'build_source_invalid', problem, {suggestion})
  }
}

/**
 * Resolves --file/--context: the package's own docker/ by default; a Dockerfile alone
 * builds with its directory as context; a context alone uses its Dockerfile.
 */
export async function resolveBuildSource(
  options: {file?: string; context?: string},
  cwd: string = process.cwd(),
): Promise<BuildSource> {
  const defaultContext = options.file === undefined ? SANDBOX_BUILD_CONTEXT : resolve(cwd, options.file, '..')
  const context = resolve(cwd, options.context ?? defaultContext)
  const dockerfile = options.file === undefined ? join(context, 'Dockerfile') : resolve(cwd, options.file)
  if (!(await isKind(context, 'directory')))
    throw new BuildSourceError(
      `The build context ${context} is not a directory.`,
      'Pass --context DIR with the directory the Dockerfile copies files from.',
    )
  if (!(await isKind(dockerfile, 'file')))
    throw new BuildSourceError(
      `There is no Dockerfile at ${dockerfile}.`,
      'Pass --file FILE with the path of your Dockerfile.',
    )
  const inside = relative(context, dockerfile)
  if (inside.startsWith('..') || isAbsolute(inside)) {
    throw new BuildSourceError(
      `The Dockerfile ${dockerfile} is outside the build context ${context}; occ sends only the context to the engine.`,
      'Move the Dockerfile into the context directory, or pass a --context that contains it.',
    )
  }

  return {context, dockerfile}
}

async function isKind(path: string, kind: 'directory' | 'file'): Promise<boolean> {
  try {
    const info = await stat(path)
    return kind === 'directory' ? info.isDirectory() : info.isFile()
  } catch {
    return false
  }
}

/**
 * Every file and symlink in the context that its .dockerignore keeps, relative to it with "/"
 * separators. Directories are left out on purpose: the tar then holds exactly these entries.
 * Sockets are skipped, as docker skips them; a FIFO or device cannot be sent (the tar writer
 * has no entry for it), so one that .dockerignore keeps is refused before anything is sent.
 */
export async function listContextFiles(context: string): Promise<string[]> {
  const keeps = await dockerignoreFilter(context)
  const entries = await readdir(context, {recursive: true, withFileTypes: true})
  const kept = entries
    .filter((entry) => !entry.isDirectory() && !entry.isSocket())
    .map((entry) => ({entry, path: relative(context, join(entry.parentPath, entry.name)).split(sep).join('/')}))
    .filter(({path}) => keeps(path))
  const special = kept.filter(({entry}) => !entry.isFile() && !entry.isSymbolicLink())
  if (special.length > 0) {
    const named = special.map(({entry, path}) => `${path} (${entry.isFIFO() ? 'a FIFO' : 'a device'})`).join(', ')
    throw new BuildSourceError(
      `The build context ${context} holds ${named}: only files, directories and symlinks can be sent to the engine.`,
      "Move it out of the context, or list it in the context's .dockerignore.",
    )
  }

  return kept.map(({path}) => path).sort()
}

/** @balena/dockerignore's export (a CommonJS function), as far as occ uses it. */
/** The context's .dockerignore as a filter (true: sent). */
async function dockerignoreFilter(context: string): Promise<(path: string) => boolean> {
  let rules: string
  try {
    rules = await readFile(join(context, '.dockerignore'), 'utf8')
  } catch {
    return () => true
  }

  // The matcher docker's own JavaScript clients use (dockerode among them), as the docker CLI matches.
  const dockerignore = createRequire(import.meta.url)(
    '@balena/dockerignore',
  ) as typeof import('@balena/dockerignore').default
  return dockerignore({ignorecase: false}).add(rules).createFilter()
}

export async function buildRequest(
  source: BuildSource,
  options: {buildArgs: Record<string, string>; noCache: boolean},
): Promise<Omit<BuildRequest, 'labels'>> {
  return {
    ...options,
    context: source.context,
    dockerfile: relative(source.context, source.dockerfile).split(sep).join('/'),
    files: await listContextFiles(source.context),
  }
}

/** Lines of build output kept for the error message of a failed build. */
export const LOG_TAIL_LINES = 15

const UNCHANGED = 'the current image and its record were not changed.'

/** What to do about a failed build, by what its failing step says went wrong. */
const BUILD_FAILURE_SUGGESTIONS: Record<BuildFailureKind, string> = {
  dockerfile: `Fix the Dockerfile or its context and build again; ${UNCHANGED}`,
  network:
    'The failing step could not reach a host: check the network, DNS and proxy ' +
    `(a proxy is passed with --build-arg HTTP_PROXY=URL and HTTPS_PROXY=URL) and build again; ${UNCHANGED}`,
}

export class BuildFailedError extends OccError {
  constructor(
    reason: string,
    step: Extract<BuildEvent, {type: 'step'}> | undefined,
    tail: string[],
    failure: BuildFailureKind = 'dockerfile',
  ) {
    const at = step ? ` at step ${step.number}/${step.total} (${step.instruction})` : ''
    const log = tail.length > 0 ? ['Last lines of the build log:', ...tail.map((line) => `  | ${line}`)] : []
    super('build', 'build_failed', [`The image build failed${at}: ${reason}`, ...log].join('\n'), {
      details: {
        failure,
        reason,
        tail,
        ...(step ? {step: {instruction: step.instruction, number: step.number, total: step.total}} : {}),
      },
      suggestion: BUILD_FAILURE_SUGGESTIONS[failure],
    })
  }
}

export type BuildingEngine = Pick<Engine, 'build' | 'label'>

/**
 * One build through the engine, reading every event: an error event fails the build. Returns
 * the built image's id. Aborting `signal` drops the connection, which stops the build.
 */
export async function buildOnce(
  engine: BuildingEngine,
  request: BuildRequest,
  signal: AbortSignal,
  onEvent?: (event: BuildEvent) => void,
): Promise<string> {
  const interrupted = () => new InterruptedError('the build')
  if (signal.aborted) throw interrupted()
  const tail: string[] = []
  let step: Extract<BuildEvent, {type: 'step'}> | undefined
  let stream
  try {
    stream = await engine.build(request, signal)
  } catch (error) {
    if (signal.aborted) throw interrupted()
    // The engine refuses a Dockerfile it cannot parse before any step runs.
    if (error instanceof EngineRequestError && error.statusCode < 500)
      throw new BuildFailedError(error.engineMessage, undefined, [])
    throw error
  }

  addAbortSignal(signal, stream)
  let imageId: string | undefined
  // Whether the running step's output said it could not reach the network.
  let offline = false
  try {
    for await (const event of readBuildEvents(stream)) {
      if (event.type === 'error')
        throw new BuildFailedError(
          event.message,
          step,
          tail,
          offline || saysNetworkFailed(event.message) ? 'network' : 'dockerfile',
        )
      if (event.type === 'step') [step, offline] = [event, false]
      if (event.type === 'output' && saysNetworkFailed(event.line)) offline = true
      if (event.type === 'step' || event.type === 'output')
        tail.push(event.type === 'step' ? stepText(event) : event.line)
      if (tail.length > LOG_TAIL_LINES) tail.shift()
      // The full id (aux) comes before the short one of "Successfully built".
      if (event.type === 'image' && !imageId?.startsWith('sha256:')) imageId = event.id
      onEvent?.(event)
    }
  } catch (error) {
    if (signal.aborted) throw interrupted()
    throw error instanceof BuildFailedError ? error : toEngineError(error, engine.label)
  } finally {
    stream.destroy()
  }

  if (imageId === undefined)
    throw new BuildFailedError('the engine ended the build without naming the image it built', step, tail)
  return imageId
}

/** `--build-arg KEY=VALUE` (or `KEY`, taking the value from the environment, as docker does). */
export function parseBuildArgs(values: string[], env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const args: Record<string, string> = {}
  for (const text of values) {
    const equals = text.indexOf('=')
    const key = equals === -1 ? text : text.slice(0, equals)
    if (!/^[A-Za-z_]\w*$/.test(key))
      throw new BuildSourceError(
        `"${text}" is not a build argument.`,
        'Write it as --build-arg KEY=VALUE (or --build-arg KEY to take the value from the environment).',
      )
    const value = equals === -1 ? env[key] : text.slice(equals + 1)
    if (value !== undefined) args[key] = value
  }

  return args
}
