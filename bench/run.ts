/**
 * `npm run bench [startup|pull|check|sandbox ...] [--pairs N] [--pull-mb 200,1000]`: runs the
 * benchmarks (all by default) against the built CLI and the test environment, and prints the
 * tables for bench/README.md. The pull runs once per image size in --pull-mb.
 */
import {parseArgs} from 'node:util'

import {check} from './check.js'
import {machine, TABLE_HEADER, tableRow} from './lib/alternate.js'
import {requireBuild, withEnvironment} from './lib/occ.js'
import {pull} from './pull.js'
import {sandbox} from './sandbox.js'
import {startup} from './startup.js'

const NAMES = ['startup', 'pull', 'check', 'sandbox'] as const
type Name = (typeof NAMES)[number]

const {positionals, values} = parseArgs({
  allowPositionals: true,
  options: {pairs: {default: '10', type: 'string'}, 'pull-mb': {default: '200,1000', type: 'string'}},
})
const chosen = positionals.length === 0 ? [...NAMES] : positionals
const unknown = chosen.filter((name) => !NAMES.includes(name as Name))
if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(', ')}; choose from ${NAMES.join(', ')}`)
const pairs = Number(values.pairs)
if (!Number.isInteger(pairs) || pairs < 1) throw new Error('--pairs takes a whole number of pairs')
const pullSizes = values['pull-mb'].split(',').map(Number)
if (pullSizes.some((size) => !Number.isInteger(size) || size < 200))
  throw new Error("--pull-mb takes image sizes in MB, each at least 200 (the issue's floor)")

requireBuild()
console.log(
  (
    `# ${machine()}; ${pairs} pairs after 1 warm-up pair; ` +
    `command: npm run bench -- ${process.argv.slice(2).join(' ')}`
  ).trimEnd(),
)
await withEnvironment(async (env) => {
  for (const name of chosen as Name[]) {
    console.log(`\n## ${name}\n\n${TABLE_HEADER}`)
    if (name === 'startup') for (const result of await startup(env, {pairs})) console.log(tableRow(result))
    if (name === 'pull') for (const sizeMb of pullSizes) console.log(tableRow(await pull(env, {pairs, sizeMb})))
    if (name === 'sandbox') for (const result of await sandbox(env, {pairs})) console.log(tableRow(result))
    if (name === 'check') {
      const result = await check(env, {pairs})
      console.log(tableRow(result))
      console.log(
        '\nRegistry requests per run (median, from the access log): ' +
          `occ ${result.requests.a}, docker pull ${result.requests.b}`,
      )
    }
  }
})
