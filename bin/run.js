#!/usr/bin/env node
import module from 'node:module'
import {join} from 'node:path'

import {cacheDir} from '../dist/lib/occ-dirs.js'

if (Number(process.versions.node.split('.')[0]) < 22) {
  process.stderr.write(
    `Error: occ needs Node.js 22 or newer; this is Node.js ${process.versions.node}.\n` +
      '  Install a current Node.js (24 LTS), then run occ again.\n',
  )
  process.exit(1)
}

// Node keeps the compiled code of every module it loads here, so the next run starts faster
// (bench/README.md). A cache that cannot be written is skipped, never an error.
module.enableCompileCache?.(join(cacheDir(), 'node-compile-cache'))

// Loaded after the cache is on, so that oclif and occ's modules are cached too.
const {execute} = await import('@oclif/core')
await execute({dir: import.meta.url})
