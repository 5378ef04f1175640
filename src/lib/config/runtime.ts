// STUB — replaced by the config work (issue 2). Contract: loadRuntimeConfig() is called once by
// the init hook (never throws); getRuntimeConfig() returns the validated config or throws the
// stored ConfigError (an OccError of kind 'config').
import type {OccConfig} from './types.js'

let loaded: OccConfig | undefined

export async function loadRuntimeConfig(): Promise<void> {}

export function getRuntimeConfig(): OccConfig {
  if (!loaded) throw new Error('config not loaded')
  return loaded
}
