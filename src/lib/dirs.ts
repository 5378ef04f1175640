import {homedir} from 'node:os'
import {join} from 'node:path'

/**
 * Where occ keeps its files, resolved exactly as oclif resolves configDir/dataDir for
 * `dirname: "opencode-cloud"` and bin `occ`, so plugins and tests that do not load oclif
 * find the same files. Apart from paths.ts (which adds the image record's file) so that
 * the config path, on every command's startup, loads no Docker module.
 */
const DIRNAME = 'opencode-cloud'

type Env = NodeJS.ProcessEnv

export function configDir(env: Env = process.env): string {
  if (env.OCC_CONFIG_DIR) return env.OCC_CONFIG_DIR
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), DIRNAME)
}

export function dataDir(env: Env = process.env): string {
  if (env.OCC_DATA_DIR) return env.OCC_DATA_DIR
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), DIRNAME)
}

export function configFile(env: Env = process.env): string {
  return join(configDir(env), 'config.json')
}
