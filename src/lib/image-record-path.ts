import {createHash} from 'node:crypto'

import {dataDir, pathFor} from './occ-dirs.js'
import {isDefaultEngine, resolveEngineEndpoint} from './docker/endpoint.js'

type Env = NodeJS.ProcessEnv

/**
 * The image record of an engine (default: the one the environment names, as docker finds it).
 * image-state.json is the default local engine's, the file the original tool reads and writes;
 * every other engine has its own file in image-state.d/, named after its endpoint.
 */
export function imageStateFile(
  env: Env = process.env,
  engine?: string,
  platform: NodeJS.Platform = process.platform,
): string {
  const uri = engine ?? resolveEngineEndpoint(env, platform).uri
  const {join} = pathFor(platform)
  if (isDefaultEngine(uri, env, platform)) return join(dataDir(env, platform), 'image-state.json')
  return join(dataDir(env, platform), 'image-state.d', `${engineSlug(uri)}.json`)
}

/**
 * "tcp://10.0.0.5:2376" → "tcp-10.0.0.5-2376-<12 hex of its sha256>": readable, and unique per
 * endpoint; only [\w.-] and ending in hex, so a valid file name on Windows too (npipe:// included).
 */
export function engineSlug(engine: string): string {
  const readable = engine
    .replaceAll(/[^\w.-]+/g, '-')
    .replaceAll(/^-+|-+$/g, '')
    .slice(0, 60)
  return `${readable}-${createHash('sha256').update(engine).digest('hex').slice(0, 12)}`
}
