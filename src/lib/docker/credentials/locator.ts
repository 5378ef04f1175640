import type {RegistryCredentials} from './types.js'
import type {DockerCliConfig} from '../cli-config.js'

/** The docker configuration credentials are looked up in, and what to call it in messages. */
export interface CredentialSource {
  config: DockerCliConfig
  /** e.g. "/home/me/.docker/config.json" or "DOCKER_AUTH_CONFIG" */
  origin: string
  env: NodeJS.ProcessEnv
}

/** One way docker finds a registry's credentials (testcontainers' RegistryAuthLocator). */
export interface RegistryAuthLocator {
  /** Credentials for `registry` (a host as occ names it), or undefined when this way has none. */
  find(registry: string, source: CredentialSource): Promise<RegistryCredentials | undefined>
}
