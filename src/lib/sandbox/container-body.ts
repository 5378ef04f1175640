import {isRecord, parseJson} from '../json.js'
import {CONTAINER_PORT, MANAGED_LABEL, type SandboxSpec, SPEC_LABEL} from './spec.js'

const PORT_KEY = `${CONTAINER_PORT}/tcp`
const SECOND_NS = 1_000_000_000

/**
 * How often the engine runs the image's own health test in occ's container:
 * the image's 30 s would hide readiness for half a minute.
 */
export const HEALTH_INTERVAL_S = 2

/** The Engine API's POST /containers/create body for a spec: labelled as occ's, with the spec it was made from. */
export function createBody(spec: SandboxSpec): Record<string, unknown> {
  return {
    Env: spec.env,
    ExposedPorts: {[PORT_KEY]: {}},
    // Zero fields and an empty Test inherit the image's health check: only its pace changes.
    Healthcheck: {Interval: HEALTH_INTERVAL_S * SECOND_NS, StartInterval: SECOND_NS},
    HostConfig: {
      Binds: spec.mounts.map((mount) => `${mount.source}:${mount.target}${mount.readOnly ? ':ro' : ''}`),
      Mounts: spec.volumes.map((volume) => ({
        Source: volume.name,
        Target: volume.target,
        Type: 'volume',
        VolumeOptions: {Labels: {[MANAGED_LABEL]: 'true'}},
      })),
      PortBindings: {[PORT_KEY]: [{HostIp: spec.bindAddress, HostPort: String(spec.port)}]},
      RestartPolicy: {MaximumRetryCount: spec.restart.maximumRetryCount, Name: spec.restart.name},
    },
    Image: spec.imageId,
    Labels: {[MANAGED_LABEL]: 'true', [SPEC_LABEL]: JSON.stringify(spec)},
  }
}

/** The spec recorded on a container, or undefined when it has none occ can read (then it is not occ's to reuse). */
export function specOf(labels: Record<string, string> | null | undefined): SandboxSpec | undefined {
  const text = labels?.[SPEC_LABEL]
  if (labels?.[MANAGED_LABEL] !== 'true' || text === undefined) return undefined
  const value = parseJson(text)?.value
  if (!isRecord(value)) return undefined
  const spec: Partial<SandboxSpec> = value
  const valid =
    typeof spec.imageId === 'string' && typeof spec.port === 'number' && typeof spec.bindAddress === 'string'
  return valid &&
    Array.isArray(spec.env) &&
    Array.isArray(spec.mounts) &&
    Array.isArray(spec.volumes) &&
    typeof spec.restart === 'object'
    ? (spec as SandboxSpec)
    : undefined
}
