/**
 * The test engines' container networks: Linux bridges of their own, named after the state dir, on
 * a /24 no interface or route of this machine uses. dockerd runs with `--bridge=<name>` and no
 * iptables, so containers are reached only through ports docker-proxy publishes on 127.0.0.1;
 * podman's default network (CNI) uses the other bridge.
 */
import {execFileSync} from 'node:child_process'
import {createHash} from 'node:crypto'

import {BINARIES, EnvironmentError} from './system.js'

export interface Bridge {
  /** `occbr-<6 hex of the state dir>` (dockerd) or `occpm-…` (podman): 12 characters (Linux allows 15). */
  name: string
  /** e.g. `10.123.45.0/24` */
  subnet: string
  /** The bridge's own address, the containers' gateway, e.g. `10.123.45.1`. */
  gateway: string
}

/** Candidate subnets are 10.123.0.0/24 … 10.123.255.0/24 (outside docker's and podman's default pools). */
const SECOND_OCTET = 123

/** Which engine a bridge is for: its name prefix. */
export type BridgeOwner = 'dockerd' | 'podman'

const PREFIXES: Record<BridgeOwner, string> = {dockerd: 'occbr-', podman: 'occpm-'}

export function bridgeName(dir: string, owner: BridgeOwner = 'dockerd'): string {
  return `${PREFIXES[owner]}${createHash('sha256').update(dir).digest('hex').slice(0, 6)}`
}

function ip(args: string[]): string {
  try {
    return execFileSync(BINARIES.ip, args, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']})
  } catch (error) {
    const stderr = (error as {stderr?: string}).stderr?.trim()
    throw new EnvironmentError(`ip ${args.join(' ')} failed: ${stderr || (error as Error).message}`)
  }
}

export function bridgeExists(name: string): boolean {
  try {
    execFileSync(BINARIES.ip, ['link', 'show', 'dev', name], {stdio: 'ignore'})
    return true
  } catch {
    return false
  }
}

interface Route {
  dst: string
  dev?: string
}

/** IPv4 networks in use on this machine: every route's destination and every address's network. */
function networksInUse(exceptDevice?: string): {network: number; prefix: number}[] {
  const routes = JSON.parse(ip(['-j', '-4', 'route', 'show', 'table', 'all'])) as Route[]
  const addresses = JSON.parse(ip(['-j', '-4', 'addr', 'show'])) as {
    ifname: string
    addr_info: {local: string; prefixlen: number}[]
  }[]
  const cidrs = [
    ...routes.filter((route) => route.dev !== exceptDevice && route.dst !== 'default').map((route) => route.dst),
    ...addresses
      .filter((link) => link.ifname !== exceptDevice)
      .flatMap((link) => link.addr_info.map((info) => `${info.local}/${info.prefixlen}`)),
  ]
  return cidrs.map((cidr) => {
    const [address, prefix] = cidr.split('/')
    return {network: toNumber(address), prefix: prefix === undefined ? 32 : Number(prefix)}
  })
}

function toNumber(address: string): number {
  return address.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0)
}

function overlaps(a: {network: number; prefix: number}, b: {network: number; prefix: number}): boolean {
  const prefix = Math.min(a.prefix, b.prefix)
  const mask = prefix === 0 ? 0 : (0xff_ff_ff_ff << (32 - prefix)) >>> 0
  return (a.network & mask) >>> 0 === (b.network & mask) >>> 0
}

/**
 * Creates the bridge for the environment in `dir` on a free /24. A bridge left by an earlier
 * environment in the same dir (a crash before teardown) is deleted first: its name is ours.
 */
export function createBridge(dir: string, owner: BridgeOwner = 'dockerd'): Bridge {
  const name = bridgeName(dir, owner)
  if (bridgeExists(name)) deleteBridge(name)
  ip(['link', 'add', 'name', name, 'type', 'bridge'])
  try {
    // Start where the name's hash points, so parallel environments rarely try the same subnet.
    const start = createHash('sha256').update(name).digest()[0]
    for (let step = 0; step < 256; step++) {
      const third = (start + step) % 256
      const candidate = {network: toNumber(`10.${SECOND_OCTET}.${third}.0`), prefix: 24}
      if (networksInUse(name).some((used) => overlaps(used, candidate))) continue
      const gateway = `10.${SECOND_OCTET}.${third}.1`
      ip(['addr', 'add', `${gateway}/24`, 'dev', name])
      // Another environment may have taken the same subnet between our check and our add.
      if (networksInUse(name).some((used) => overlaps(used, candidate))) {
        ip(['addr', 'del', `${gateway}/24`, 'dev', name])
        continue
      }
      ip(['link', 'set', 'dev', name, 'up'])
      return {gateway, name, subnet: `10.${SECOND_OCTET}.${third}.0/24`}
    }
    throw new EnvironmentError(`no free /24 in 10.${SECOND_OCTET}.0.0/16 for the test engine's bridge`)
  } catch (error) {
    deleteBridge(name)
    throw error
  }
}

/** Deletes a bridge the environment recorded as its own; a missing one is fine. */
export function deleteBridge(name: string): void {
  if (!Object.values(PREFIXES).some((prefix) => name.startsWith(prefix)))
    throw new EnvironmentError(`refusing to delete ${name}: not a bridge the test environment makes`)
  if (bridgeExists(name)) ip(['link', 'del', 'dev', name])
}
