/** Unique repositories in the shared test registries, and the requests a step made to one. */
import {randomBytes} from 'node:crypto'

import {registryRequests, type RegistryRequest} from '../../env/index.js'
import {readEnvironment} from '../../env/environment.js'
import {REPOSITORY} from '../../env/seeds.js'

export interface UniqueRepository {
  /** Path inside the registry, e.g. prizz/opencode-cloud-sandbox-1a2b3c. */
  path: string
  /** `host:port/path`, for image_repositories. */
  name: string
  registry: 'mirror' | 'primary'
}

/** A repository no other test run uses (its name still matches removeSandboxImages). */
export function uniqueRepository(registry: 'mirror' | 'primary' = 'primary'): UniqueRepository {
  const path = `${REPOSITORY}-${randomBytes(4).toString('hex')}`
  return {name: `${readEnvironment().registries[registry]}/${path}`, path, registry}
}

/** Counts the registry requests made to `repository` while `step` runs. */
export async function requestsDuring<T>(
  repository: UniqueRepository,
  step: () => Promise<T>,
): Promise<{result: T; requests: RegistryRequest[]}> {
  const mine = () =>
    registryRequests(repository.registry).filter((request) => request.path.startsWith(`/v2/${repository.path}/`))
  const before = mine().length
  const result = await step()
  return {requests: mine().slice(before), result}
}
