/**
 * What a describe block makes on an engine directly (without occ): the images it pulls and the
 * sandbox stand-ins it runs, removed again after the block.
 */
import Docker from 'dockerode'

import {type AuthConfig, enginePull} from './engine-pull.js'
import {createSandboxContainer, removeContainers, type SandboxContainerOptions} from './sandbox-container.js'

export interface TestEngine {
  /** The engine, connected on first use. */
  docker(): Docker
  /** Containers removed after the block; start() adds its own, a test adds the ones it creates itself. */
  containers: Docker.Container[]
  /** Pulls `reference` (see enginePull); it is untagged after the block. */
  pull(reference: string, authconfig?: AuthConfig): Promise<void>
  /** Creates and starts a container of `reference` (see createSandboxContainer), removed after the block. */
  start(reference: string, options?: SandboxContainerOptions): Promise<Docker.Container>
}

/**
 * Hooks for a describe block that works on an engine directly, by default the test engine
 * (DOCKER_HOST): after the block, its containers are removed, then the references it pulled are
 * untagged (only those: an image that other references still use stays).
 */
export function useTestEngine(connect: () => Docker = () => new Docker()): TestEngine {
  let engine: Docker | undefined
  const docker = () => (engine ??= connect())
  const containers: Docker.Container[] = []
  const pulled: string[] = []

  after(async function () {
    await removeContainers(containers)
    for (const reference of pulled)
      await docker()
        .getImage(reference)
        .remove()
        .catch(() => undefined)
  })

  return {
    containers,
    docker,
    async pull(reference, authconfig) {
      pulled.push(reference)
      await enginePull(docker(), reference, authconfig)
    },
    async start(reference, options = {}) {
      const container = await createSandboxContainer(docker(), reference, options)
      containers.push(container)
      await container.start()
      return container
    },
  }
}
