/** What the config:* tests share: a fresh CLI home per test, occ run in it, and config.json written by hand. */
import {mkdirSync, writeFileSync} from 'node:fs'

import {type CliResult, runCli, type RunOptions, useCliHome} from './run-cli.js'

/**
 * Hooks for a config test file (see useCliHome) and what its tests run: `occ` with the home's
 * environment (plus `options.env`), `json` the same with --json and stdout parsed as `body`, and
 * `place`, which writes config.json as a user would edit it.
 */
export function useConfigHome() {
  const home = useCliHome()
  const occ = (args: string[], options: RunOptions = {}): Promise<CliResult> =>
    runCli(args, {...options, env: {...home.env, ...options.env}})
  const json = async (args: string[], options: RunOptions = {}) => {
    const result = await occ([...args, '--json'], options)
    return {...result, body: JSON.parse(result.stdout)}
  }

  const place = (text: string): void => {
    mkdirSync(home.configDir, {recursive: true})
    writeFileSync(home.configFile, text)
  }

  return {home, json, occ, place}
}
