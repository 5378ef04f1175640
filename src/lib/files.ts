/**
 * How occ writes its files (config.json, its backups, the image records): one atomic writer and
 * one way to make private directories, shared by the config and the image side.
 */
import {randomBytes} from 'node:crypto'
import {chmod, mkdir, open, rename, rm, stat} from 'node:fs/promises'
import {dirname, relative, resolve, sep} from 'node:path'

/** Makes `dir` and any missing parents 0700; directories that already exist keep their mode and owner. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  const first = await mkdir(dir, {recursive: true, mode: 0o700}).catch((error: NodeJS.ErrnoException) =>
    realMkdirError(dir, error),
  )
  if (first === undefined) return
  // mkdir's mode is filtered by the umask; set 0700 exactly, on the directories made here only.
  const made = relative(first, resolve(dir)).split(sep).filter(Boolean)
  let path = first
  await chmod(path, 0o700)
  for (const part of made) {
    path = `${path}${sep}${part}`
    await chmod(path, 0o700)
  }
}

/**
 * Node's recursive mkdir reports a read-only or full parent as ENOENT;
 * making the topmost missing directory alone names the real cause.
 */
async function realMkdirError(dir: string, error: NodeJS.ErrnoException): Promise<never> {
  if (error.code !== 'ENOENT') throw error
  let missing = resolve(dir)
  while (dirname(missing) !== missing && !(await exists(dirname(missing)))) missing = dirname(missing)
  await mkdir(missing, {mode: 0o700})
  throw error
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  )
}

export interface AtomicWriteOptions {
  /**
   * Runs once the new content is safely on disk, just before it replaces the file;
   * if it throws, the file is left as it was.
   */
  beforeReplace?: () => Promise<void>
}

/**
 * Writes `data` to a temp file of unpredictable name beside `file`, created exclusively (never
 * through a link someone planted), mode 0600 and fsynced, then renames it over `file`: a reader
 * sees the old file or the new one, never half of one. On any failure the temp file is removed
 * and `file` is untouched.
 */
export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
  try {
    const handle = await open(temp, 'wx', 0o600)
    try {
      // 'wx' mode is filtered by the umask; the record and config are 0600 whatever it is.
      await handle.chmod(0o600)
      await handle.writeFile(data)
      await handle.sync()
    } finally {
      await handle.close()
    }

    await options.beforeReplace?.()
    await rename(temp, file)
  } catch (error) {
    await rm(temp, {force: true})
    throw error
  }
}

/** Writes a new file that must not exist yet (0600, fsynced); EEXIST when it does. A failed write leaves no file. */
export async function writeNewFile(file: string, data: string | Uint8Array): Promise<void> {
  const handle = await open(file, 'wx', 0o600)
  try {
    await handle.chmod(0o600)
    await handle.writeFile(data)
    await handle.sync()
    await handle.close()
  } catch (error) {
    await handle.close().catch(() => undefined)
    await rm(file, {force: true})
    throw error
  }
}

/** The directory a file lives in, made private when occ creates it. */
export async function ensurePrivateParent(file: string): Promise<void> {
  await ensurePrivateDir(dirname(file))
}
