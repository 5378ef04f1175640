import type {CredentialsProvider, RegistryCredentials} from './types.js'
import type {CredentialSource, RegistryAuthLocator} from './locator.js'

import {parseDockerCliConfig, readDockerCliConfig} from '../cli-config.js'
import {AuthsLocator} from './auths.js'
import {CredHelpersLocator} from './cred-helpers.js'
import {CredsStoreLocator} from './creds-store.js'

/** docker's order: a registry's own helper, then the store for all, then config.json's `auths`. */
const LOCATORS: readonly RegistryAuthLocator[] = [new CredHelpersLocator(), new CredsStoreLocator(), new AuthsLocator()]

/** DOCKER_AUTH_CONFIG (the JSON of a config.json), else $DOCKER_CONFIG/config.json. */
function credentialSource(env: NodeJS.ProcessEnv): CredentialSource {
  const inline = env.DOCKER_AUTH_CONFIG
  if (inline?.trim())
    return {config: parseDockerCliConfig(inline, 'DOCKER_AUTH_CONFIG'), env, origin: 'DOCKER_AUTH_CONFIG'}
  const {config, file} = readDockerCliConfig(env)
  return {config, env, origin: file}
}

/**
 * The user's Docker credentials, as a CredentialsProvider: the first locator that has any
 * for the registry wins. The configuration is read, and each registry looked up, once.
 */
export function credentialsFrom(
  env: NodeJS.ProcessEnv,
  locators: readonly RegistryAuthLocator[] = LOCATORS,
): CredentialsProvider {
  let source: CredentialSource | undefined
  const found = new Map<string, Promise<RegistryCredentials | undefined>>()
  const locate = async (registry: string) => {
    source ??= credentialSource(env)
    for (const locator of locators) {
      const credentials = await locator.find(registry, source)
      if (credentials) return credentials
    }

    return undefined
  }

  return (registry) => {
    let credentials = found.get(registry)
    if (!credentials) {
      credentials = locate(registry)
      found.set(registry, credentials)
    }

    return credentials
  }
}

const perProcess = new WeakMap<NodeJS.ProcessEnv, CredentialsProvider>()

/** The credentials of this process's user: one provider (and cache) per environment, so helpers run once. */
export function dockerCredentials(env: NodeJS.ProcessEnv = process.env): CredentialsProvider {
  let provider = perProcess.get(env)
  if (!provider) {
    provider = credentialsFrom(env)
    perProcess.set(env, provider)
  }

  return provider
}
