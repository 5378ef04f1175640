/**
 * Running sandbox stand-ins (test/env/sandbox.ts) directly through an engine's Docker API, without
 * occ: create with port 3000 published on 127.0.0.1, read the published port, the health status
 * and the demultiplexed logs. Works against dockerd and podman's Docker-compatible API.
 */
import type Docker from 'dockerode'

import {SANDBOX_HEALTH_TEST, SANDBOX_PORT} from '../../env/index.js'
import {waitUntil} from '../../env/system.js'

export interface SandboxContainerOptions {
  name?: string
  /** Overrides the image's 30 s health check interval (the engine runs the image's test). */
  healthIntervalMs?: number
  /** Health check failures before `unhealthy` (default: the image's 3). */
  healthRetries?: number
}

const NS_PER_MS = 1_000_000

/** Creates (not starts) a container of `reference` publishing 3000/tcp on a free 127.0.0.1 port. */
export async function createSandboxContainer(
  docker: Docker,
  reference: string,
  options: SandboxContainerOptions = {},
): Promise<Docker.Container> {
  const interval = options.healthIntervalMs
  return docker.createContainer({
    ...(options.name ? {name: options.name} : {}),
    ...(interval === undefined
      ? {}
      : {
          Healthcheck: {
            Interval: interval * NS_PER_MS,
            Retries: options.healthRetries ?? 3,
            Test: SANDBOX_HEALTH_TEST,
            Timeout: 5000 * NS_PER_MS,
          },
        }),
    HostConfig: {PortBindings: {[`${SANDBOX_PORT}/tcp`]: [{HostIp: '127.0.0.1', HostPort: ''}]}},
    Image: reference,
  })
}

/** The 127.0.0.1 port the engine published 3000/tcp on (after start). */
export async function publishedPort(container: Docker.Container): Promise<number> {
  const bindings = (await container.inspect()).NetworkSettings.Ports[`${SANDBOX_PORT}/tcp`] ?? []
  const binding = bindings.find((entry) => entry.HostIp === '127.0.0.1')
  if (!binding) throw new Error(`3000/tcp is not published on 127.0.0.1: ${JSON.stringify(bindings)}`)
  return Number(binding.HostPort)
}

/** The health status the engine reports (`starting`, `healthy`, `unhealthy`), or undefined without a check. */
export async function healthStatus(container: Docker.Container): Promise<string | undefined> {
  const state = (await container.inspect()).State as {Health?: {Status: string}}
  return state.Health?.Status
}

/** Waits until the engine reports `status`; returns the milliseconds it took, or throws after `timeoutMs`. */
export async function waitForHealth(
  container: Docker.Container,
  status: 'healthy' | 'unhealthy',
  timeoutMs: number,
): Promise<number> {
  const began = Date.now()
  let last: string | undefined
  const reached = await waitUntil(async () => (last = await healthStatus(container)) === status, timeoutMs, 50)
  if (!reached) throw new Error(`health stayed ${last ?? 'unset'} for ${timeoutMs} ms, expected ${status}`)
  return Date.now() - began
}

/** GET `path` on the published port: status and body. */
export async function getPublished(port: number, path: string, waitMs = 5000): Promise<{status: number; body: string}> {
  // A container just started may not listen yet: docker-proxy then accepts and closes; ask again until waitMs.
  const deadline = Date.now() + waitMs
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}${path}`)
      return {body: await response.text(), status: response.status}
    } catch (error) {
      if (Date.now() > deadline) throw error
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
}

/** The container's output so far, split into stdout and stderr (the engine multiplexes them without a TTY). */
export async function containerLogs(container: Docker.Container): Promise<{stdout: string; stderr: string}> {
  const raw = await container.logs({follow: false, stderr: true, stdout: true})
  const out = {stderr: '', stdout: ''}
  // Frames: 1 byte stream (1 stdout, 2 stderr), 3 zero bytes, 4 bytes big-endian length, payload.
  for (let offset = 0; offset + 8 <= raw.length;) {
    const size = raw.readUInt32BE(offset + 4)
    const text = raw.toString('utf8', offset + 8, offset + 8 + size)
    if (raw[offset] === 2) out.stderr += text
    else out.stdout += text
    offset += 8 + size
  }
  return out
}

/** Removes the containers, running or not; missing ones are fine. */
export async function removeContainers(containers: Docker.Container[]): Promise<void> {
  await Promise.all(containers.map((container) => container.remove({force: true, v: true}).catch(() => undefined)))
}

/**
 * Runs `command` in the container through the engine's exec API (what readiness does on an engine
 * that runs no health checks): its exit code and combined output.
 */
export async function execIn(
  container: Docker.Container,
  command: string[],
): Promise<{exitCode: number | null; output: string}> {
  const exec = await container.exec({AttachStderr: true, AttachStdout: true, Cmd: command})
  const stream = await exec.start({hijack: true, stdin: false})
  const chunks: Buffer[] = []
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (chunk: Buffer) => chunks.push(chunk))
    stream.on('end', () => resolve())
    stream.on('error', reject)
  })
  const {ExitCode} = await exec.inspect()
  return {exitCode: ExitCode, output: Buffer.concat(chunks).toString('utf8')}
}
