import {homedir, tmpdir} from 'node:os'
import {posix, win32} from 'node:path'

/**
 * Where occ keeps its files, resolved exactly as oclif resolves configDir/dataDir/cacheDir for
 * `dirname: "opencode-cloud"` and bin `occ` (on Linux, macOS and Windows), so plugins, tests
 * and bin/run.js, which do not load oclif, find the same files. Apart from image-record-path.ts (which adds
 * the image record's file) so that the config path, on every command's startup, loads no Docker module.
 */
const DIRNAME = 'opencode-cloud'

type Env = NodeJS.ProcessEnv
type Category = 'cache' | 'config' | 'data'

/** The path functions of a platform, so that paths for Windows can be made (and tested) anywhere. */
export function pathFor(platform: NodeJS.Platform): typeof posix {
  return platform === 'win32' ? win32 : posix
}

/** oclif's home: HOME, else on Windows HOMEDRIVE+HOMEPATH or USERPROFILE, else the OS's idea, else the temp dir. */
function home(env: Env, platform: NodeJS.Platform): string {
  const windowsHome =
    platform === 'win32' &&
    ((env.HOMEDRIVE && env.HOMEPATH && win32.join(env.HOMEDRIVE, env.HOMEPATH)) || env.USERPROFILE)
  return env.HOME || windowsHome || homedir() || tmpdir()
}

function dir(category: Category, env: Env, platform: NodeJS.Platform): string {
  const {join} = pathFor(platform)
  const base =
    env[`XDG_${category.toUpperCase()}_HOME`] ||
    (platform === 'win32' && env.LOCALAPPDATA) ||
    join(home(env, platform), category === 'data' ? '.local/share' : `.${category}`)
  return join(base, DIRNAME)
}

export function configDir(env: Env = process.env, platform: NodeJS.Platform = process.platform): string {
  return env.OCC_CONFIG_DIR || dir('config', env, platform)
}

export function dataDir(env: Env = process.env, platform: NodeJS.Platform = process.platform): string {
  return env.OCC_DATA_DIR || dir('data', env, platform)
}

export function cacheDir(env: Env = process.env, platform: NodeJS.Platform = process.platform): string {
  const macos = platform === 'darwin' && posix.join(home(env, platform), 'Library', 'Caches', DIRNAME)
  return env.OCC_CACHE_DIR || macos || dir('cache', env, platform)
}

export function configFile(env: Env = process.env, platform: NodeJS.Platform = process.platform): string {
  return pathFor(platform).join(configDir(env, platform), 'config.json')
}
