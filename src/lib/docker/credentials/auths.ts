import type {RegistryCredentials} from './types.js'
import type {CredentialSource, RegistryAuthLocator} from './locator.js'

import {DockerConfigError} from '../cli-config.js'
import {keyFor} from './server-address.js'

/**
 * Credentials stored in config.json itself (`auths`): `auth` (base64 "user:password"), username/password,
 * or an identity token.
 */
export class AuthsLocator implements RegistryAuthLocator {
  async find(registry: string, {config, origin}: CredentialSource): Promise<RegistryCredentials | undefined> {
    const key = keyFor(config.auths, registry)
    if (key === undefined || !config.auths) return undefined
    const entry = config.auths[key]
    const from = `auths["${key}"] of ${origin}`
    if (entry.identitytoken !== undefined) return {from, identityToken: entry.identitytoken}
    if (entry.auth !== undefined) {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8')
      const colon = decoded.indexOf(':')
      if (colon <= 0) throw new DockerConfigError(origin, `auths["${key}"].auth is not the base64 of "user:password"`)
      return {from, password: decoded.slice(colon + 1), username: decoded.slice(0, colon)}
    }

    if (entry.username !== undefined && entry.password !== undefined)
      return {from, password: entry.password, username: entry.username}
    // An entry without a secret (only an email, or written for a credsStore) offers nothing.
    return undefined
  }
}
