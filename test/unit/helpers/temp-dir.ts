/** One temporary directory per test, removed after it: the set-up many unit files repeated by hand. */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

/**
 * Registers mocha hooks that make a fresh directory before each test and remove it after;
 * read `path` inside a test.
 */
export function useTempDir(prefix = 'occ-test-'): {readonly path: string} {
  let dir: string | undefined
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), prefix))
  })
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, {force: true, recursive: true})
    dir = undefined
  })
  return {
    get path(): string {
      if (dir === undefined) throw new Error('useTempDir: read the path inside a test')
      return dir
    },
  }
}
