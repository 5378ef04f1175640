import type {RegistryCredentials} from '../docker/credentials/types.js'

import {printable} from '../printable.js'
import {PullFailure} from './errors.js'

export type {CredentialsProvider, RegistryCredentials} from '../docker/credentials/types.js'

/**
 * How a registry asks to be authenticated (RFC 7235 `WWW-Authenticate`), reduced to what
 * registries use; `unusable` is a bearer challenge occ cannot follow (no realm, or not an http(s) URL).
 */
export type AuthChallenge =
  | {scheme: 'basic'}
  | {scheme: 'bearer'; realm: string; service?: string; scope?: string}
  | {scheme: 'unusable'; problem: string}

const PARAMETER = /([A-Za-z][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g

/** The challenge of a `WWW-Authenticate` header; undefined for a scheme occ does not speak. */
export function parseChallenge(header: string | undefined): AuthChallenge | undefined {
  const match = /^\s*(\w+)\s*(.*)$/s.exec(header ?? '')
  if (!match) return undefined
  const scheme = match[1].toLowerCase()
  if (scheme === 'basic') return {scheme}
  if (scheme !== 'bearer') return undefined
  const parameters = new Map<string, string>()
  for (const [, name, quoted, bare] of match[2].matchAll(PARAMETER))
    parameters.set(name.toLowerCase(), quoted === undefined ? bare : quoted.replaceAll(/\\(.)/g, '$1'))
  const realm = parameters.get('realm')
  if (!realm) return {problem: 'it names no token service (realm)', scheme: 'unusable'}
  if (!URL.canParse(realm) || !/^https?:$/.test(new URL(realm).protocol))
    return {problem: `its token service (realm) "${printable(realm)}" is not an http(s) URL`, scheme: 'unusable'}
  const service = parameters.get('service')
  const scope = parameters.get('scope')
  return {realm, scheme, ...(service === undefined ? {} : {service}), ...(scope === undefined ? {} : {scope})}
}

/** The Basic Authorization header of user-name-and-password credentials; undefined for an identity token. */
export function basicAuthorization(credentials: RegistryCredentials): string | undefined {
  if (!('password' in credentials)) return undefined
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`
}

/**
 * The registry refused the user's credentials (and, for a public repository, an anonymous try
 * too): "authentication failed for <registry>", naming where the credentials came from, never them.
 */
export function authenticationFailed(registry: string, credentials: RegistryCredentials, detail: string): PullFailure {
  const from = credentials.from === undefined ? '' : ` from ${credentials.from}`
  return new PullFailure('auth', `authentication failed for ${registry}: it refused the credentials${from} (${detail})`)
}
