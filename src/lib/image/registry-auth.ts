/** How a registry asks to be authenticated (RFC 7235 `WWW-Authenticate`), reduced to what registries use. */
export type AuthChallenge = {scheme: 'basic'} | {scheme: 'bearer'; realm: string; service?: string; scope?: string}

/** A user's credentials for one registry host. */
export interface RegistryCredentials {
  username: string
  password: string
}

/**
 * Finds the credentials for a registry host (the seam for DOCKER_AUTH_CONFIG, credential
 * helpers and config.json, a later issue). Without one, occ asks anonymously.
 */
export type CredentialsProvider = (registry: string) => Promise<RegistryCredentials | undefined>

const PARAMETER = /([A-Za-z][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g

/** The challenge of a `WWW-Authenticate` header; undefined for a scheme occ does not speak. */
export function parseChallenge(header: string | null): AuthChallenge | undefined {
  const match = /^\s*(\w+)\s*(.*)$/s.exec(header ?? '')
  if (!match) return undefined
  const scheme = match[1].toLowerCase()
  if (scheme === 'basic') return {scheme}
  if (scheme !== 'bearer') return undefined
  const parameters = new Map<string, string>()
  for (const [, name, quoted, bare] of match[2].matchAll(PARAMETER)) parameters.set(name.toLowerCase(), quoted === undefined ? bare : quoted.replaceAll(/\\(.)/g, '$1'))
  const realm = parameters.get('realm')
  if (!realm) return undefined
  const service = parameters.get('service')
  const scope = parameters.get('scope')
  return {realm, scheme, ...(service === undefined ? {} : {service}), ...(scope === undefined ? {} : {scope})}
}

export function basicAuthorization(credentials: RegistryCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`
}
