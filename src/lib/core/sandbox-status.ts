import type {ContainerDetails} from '../docker/engine.js'
import type {ImageState, UpdateCheckRecord} from '../image/state.js'

import {EXIT_CODES} from '../errors.js'
import {specOf} from '../sandbox/container-body.js'
import {sandboxUrl} from '../sandbox/spec.js'

export type SandboxState = 'missing' | 'running' | 'stopped'
export type SandboxHealth = 'healthy' | 'none' | 'starting' | 'unhealthy'

/** `occ status --json`: what runs, how healthy, where, from which image, and whether that is the recorded one. */
export type SandboxStatus =
  | {
      state: 'missing'
      health: null
      url: null
      container_id: null
      image_id: null
      record: ImageState | null
      runs_recorded_image: false
      mounts: []
      last_update_check: UpdateCheckRecord | null
    }
  | {
      state: 'running' | 'stopped'
      health: SandboxHealth
      url: string | null
      container_id: string
      image_id: string
      started_at: string | null
      uptime_s: number | null
      record: ImageState | null
      runs_recorded_image: boolean
      mounts: string[]
      volumes: string[]
      last_update_check: UpdateCheckRecord | null
    }

/** The status of the sandbox container (or its absence) against the image record; no network. */
export function sandboxStatus(
  container: ContainerDetails | undefined,
  record: ImageState | null,
  now: Date = new Date(),
): SandboxStatus {
  const last_update_check = record?.last_update_check ?? null
  if (!container)
    return {
      container_id: null,
      health: null,
      image_id: null,
      last_update_check,
      mounts: [],
      record,
      runs_recorded_image: false,
      state: 'missing',
      url: null,
    }
  const running = container.State.Running
  const spec = specOf(container.Config.Labels)
  const started =
    running && !Number.isNaN(Date.parse(container.State.StartedAt)) ? new Date(container.State.StartedAt) : undefined
  return {
    container_id: container.Id,
    health: (container.State.Health?.Status as SandboxHealth | undefined) ?? 'none',
    image_id: container.Image,
    last_update_check,
    mounts: spec?.mounts.map((mount) => `${mount.source}:${mount.target}${mount.readOnly ? ':ro' : ''}`) ?? [],
    record,
    runs_recorded_image: record?.image_id === container.Image,
    started_at: started?.toISOString() ?? null,
    state: running ? 'running' : 'stopped',
    uptime_s: started ? Math.max(0, Math.round((now.getTime() - started.getTime()) / 1000)) : null,
    url: running && spec ? sandboxUrl(spec) : null,
    volumes: spec?.volumes.map((volume) => `${volume.name}:${volume.target}`) ?? [],
  }
}

/** occ status's exit code: 0 running and healthy (or without a health test), else one for each other state. */
export function statusExitCode({state, health}: SandboxStatus): number {
  if (state === 'missing') return EXIT_CODES.sandboxMissing.code
  if (state === 'stopped') return EXIT_CODES.sandboxStopped.code
  return health === 'healthy' || health === 'none' ? EXIT_CODES.ok.code : EXIT_CODES.sandboxStarting.code
}
