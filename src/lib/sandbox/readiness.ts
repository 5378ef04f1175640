import {setTimeout as sleep} from 'node:timers/promises'

import type {ContainerDetails, Engine, ImageDetails} from '../docker/engine.js'

import {InterruptedError} from '../errors.js'

export type ReadinessEngine = Pick<Engine, 'exec' | 'inspectContainer'>

/** How a sandbox shows it is ready: the image's own health test (run through exec), or its web port answering HTTP. */
export type ReadinessCheck = {command: string[]; kind: 'health-test'} | {kind: 'http'; probe: () => Promise<boolean>}

/** Why waiting ended without a ready sandbox. */
export type NotReady = {exitCode: number; kind: 'exited'} | {kind: 'timeout'; lastHealth?: string}

const POLL_MS = 500
/** How long one run of the image's health test may take (the real image's HEALTHCHECK allows 5 s). */
export const HEALTH_TEST_TIMEOUT_MS = 5000

/**
 * The image's HEALTHCHECK as a command to exec ("CMD" runs as is, "CMD-SHELL" through /bin/sh),
 * or undefined when it has none. Exec runs it on every engine and for remote ones too, and does
 * not depend on the engine running health checks (podman without systemd never does).
 */
export function healthTestOf(
  details: Pick<ContainerDetails, 'Config'> | Pick<ImageDetails, 'Config'> | undefined,
): string[] | undefined {
  const test = (details?.Config as {Healthcheck?: {Test?: string[]}} | undefined)?.Healthcheck?.Test
  if (!test || test.length < 2) return undefined
  if (test[0] === 'CMD') return test.slice(1)
  if (test[0] === 'CMD-SHELL') return ['/bin/sh', '-c', test.slice(1).join(' ')]
  return undefined
}

/** A container that exited, or keeps exiting under a restart policy, with what it exited with. */
export function exitedWith(state: ContainerDetails['State']): number | undefined {
  if (state.Running && !state.Restarting) return undefined
  if (state.Restarting || state.Status === 'exited' || state.Status === 'dead') return state.ExitCode
  return undefined
}

/** How `waitUntilReady` waits: the check when the container has no health test, until when (epoch ms), and Ctrl-C. */
export interface ReadinessWait {
  check: ReadinessCheck
  deadline: number
  signal: AbortSignal
}

/**
 * Waits until the container is ready: the engine reports it healthy, or its own health test (when
 * it has one; else `check`) passes through exec; fails fast when it exits.
 * Resolves undefined when ready, else why not (by `deadline`).
 */
export async function waitUntilReady(
  engine: ReadinessEngine,
  id: string,
  wait: ReadinessWait,
): Promise<NotReady | undefined> {
  const {check, deadline, signal} = wait
  let lastHealth: string | undefined
  for (;;) {
    if (signal.aborted) throw new InterruptedError('waiting for the sandbox to become ready')
    const details = await engine.inspectContainer(id)
    if (!details) return {exitCode: -1, kind: 'exited'}
    const exitCode = exitedWith(details.State)
    if (exitCode !== undefined) return {exitCode, kind: 'exited'}
    lastHealth = details.State.Health?.Status ?? lastHealth
    // The container's own health test comes first: the engine merged the image's into it,
    // and podman's image inspect shows none.
    const command = healthTestOf(details)
    if (lastHealth === 'healthy' || (await passes(engine, id, command ? {command, kind: 'health-test'} : check)))
      return undefined
    if (Date.now() + POLL_MS > deadline) return {kind: 'timeout', lastHealth}
    await sleep(POLL_MS, undefined, {signal}).catch(() => undefined)
  }
}

async function passes(engine: ReadinessEngine, id: string, check: ReadinessCheck): Promise<boolean> {
  if (check.kind === 'http') return check.probe()
  try {
    return (await engine.exec(id, check.command, HEALTH_TEST_TIMEOUT_MS)).exitCode === 0
  } catch {
    // The container may be between restarts; the next round looks again.
    return false
  }
}
