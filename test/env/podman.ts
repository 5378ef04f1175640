/**
 * The second engine (DESIGN §7, issue 13 must-show 8): Debian's podman serving its Docker-compatible
 * API on a private socket, as root, with storage, run and temp dirs, lock files, network config and
 * a bridge of its own, so several environments (and a system podman) never share state.
 */
import {execFileSync} from 'node:child_process'
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {enginePing} from './engine.js'
import {type Bridge, createBridge, deleteBridge} from './network.js'
import {
  BINARIES,
  EnvironmentError,
  ensurePackages,
  isOurProcess,
  PODMAN_PACKAGES,
  processesMentioning,
  startBackground,
  tail,
  terminate,
  waitUntil,
} from './system.js'

export interface PodmanEndpoint {
  /** DOCKER_HOST for podman's Docker-compatible API: `unix://<dir>/podman.sock`. */
  dockerHost: string
  /** Its default network ("podman", CNI): published ports go through the portmap plugin (iptables). */
  bridge: Bridge
  /** storage (vfs), run root, temp dir, containers.conf, registries.conf, storage.conf, CNI config. */
  dir: string
}

/** Where the environment in `dir` keeps podman's state; its paths mark podman's processes as ours. */
export function podmanDir(dir: string): string {
  return join(dir, 'podman')
}

function paths(dir: string) {
  const base = podmanDir(dir)
  return {
    base,
    containersConf: join(base, 'containers.conf'),
    networks: join(base, 'networks'),
    registriesConf: join(base, 'registries.conf'),
    root: join(base, 'root'),
    runroot: join(base, 'runroot'),
    storageConf: join(base, 'storage.conf'),
    tmp: join(base, 'tmp'),
  }
}

/** Global flags for the service and for the CLI run at teardown: both must see the same state. */
function globalArgs(dir: string): string[] {
  const p = paths(dir)
  return [
    '--root',
    p.root,
    '--runroot',
    p.runroot,
    '--tmpdir',
    p.tmp,
    '--storage-driver',
    'vfs',
    // No systemd here: cgroupfs, and events in a file.
    '--cgroup-manager',
    'cgroupfs',
    '--events-backend',
    'file',
    '--network-backend',
    'cni',
    '--network-config-dir',
    p.networks,
  ]
}

function processEnv(dir: string): NodeJS.ProcessEnv {
  const p = paths(dir)
  return {
    ...process.env,
    CONTAINERS_CONF: p.containersConf,
    CONTAINERS_REGISTRIES_CONF: p.registriesConf,
    CONTAINERS_STORAGE_CONF: p.storageConf,
    // CNI's portmap plugin runs iptables, which lives in sbin.
    PATH: `${process.env.PATH ?? ''}:/usr/local/sbin:/usr/sbin:/sbin`,
  }
}

function writeConfig(dir: string, bridge: Bridge, registries: string[]): void {
  const p = paths(dir)
  for (const sub of [p.root, p.runroot, p.tmp, p.networks]) mkdirSync(sub, {recursive: true})
  const quote = (value: string) => JSON.stringify(value)
  writeFileSync(
    p.containersConf,
    [
      '[containers]',
      // This machine refuses podman's default nofile/nproc rlimits: containers would not start.
      'default_ulimits = []',
      '[engine]',
      // File locks under tmp_dir: the default shm segment is shared by every podman on the machine.
      'lock_type = "file"',
      `tmp_dir = ${quote(p.tmp)}`,
      'cgroup_manager = "cgroupfs"',
      'events_logger = "file"',
      '[network]',
      'network_backend = "cni"',
      `network_config_dir = ${quote(p.networks)}`,
      '',
    ].join('\n'),
  )
  // Plain HTTP to the loopback registries (podman, unlike dockerd, does not assume it for 127.0.0.0/8).
  writeFileSync(
    p.registriesConf,
    [
      'unqualified-search-registries = []',
      ...registries.flatMap((address) => ['', '[[registry]]', `location = ${quote(address)}`, 'insecure = true']),
      '',
    ].join('\n'),
  )
  writeFileSync(
    p.storageConf,
    ['[storage]', 'driver = "vfs"', `graphroot = ${quote(p.root)}`, `runroot = ${quote(p.runroot)}`, ''].join('\n'),
  )
  // The default network on our own bridge and /24: no masquerade, host-local IPAM state kept here.
  writeFileSync(
    join(p.networks, 'podman.conflist'),
    JSON.stringify(
      {
        cniVersion: '0.4.0',
        name: 'podman',
        plugins: [
          {
            bridge: bridge.name,
            hairpinMode: true,
            ipMasq: false,
            isGateway: true,
            type: 'bridge',
            ipam: {
              dataDir: join(p.base, 'ipam'),
              ranges: [[{gateway: bridge.gateway, subnet: bridge.subnet}]],
              routes: [{dst: '0.0.0.0/0'}],
              type: 'host-local',
            },
          },
          {capabilities: {portMappings: true}, type: 'portmap'},
        ],
      },
      null,
      2,
    ) + '\n',
  )
}

export interface StartedPodman {
  endpoint: PodmanEndpoint
  pid: number
}

/**
 * Starts `podman system service` for the environment in `dir`. `record` is called with the bridge
 * and then with the pid as soon as they exist, so a failed start can still be torn down.
 */
export async function startPodman(
  dir: string,
  registries: string[],
  log: string,
  record: (endpoint: PodmanEndpoint, pid?: number) => void,
): Promise<StartedPodman> {
  await ensurePackages(PODMAN_PACKAGES)
  const socket = join(dir, 'podman.sock')
  const endpoint: PodmanEndpoint = {
    bridge: createBridge(dir, 'podman'),
    dir: podmanDir(dir),
    dockerHost: `unix://${socket}`,
  }
  record(endpoint)
  writeConfig(dir, endpoint.bridge, registries)
  const pid = startBackground(
    BINARIES.podman,
    [...globalArgs(dir), 'system', 'service', '--time=0', endpoint.dockerHost],
    log,
    processEnv(dir),
  )
  record(endpoint, pid)
  const marker = `${dir}/`
  const up = await waitUntil(
    async () => !isOurProcess(pid, marker) || enginePing(endpoint.dockerHost, 1000),
    30_000,
    100,
  )
  if (!up || !isOurProcess(pid, marker)) {
    throw new EnvironmentError(
      `podman (${BINARIES.podman} system service) did not answer on ${endpoint.dockerHost}; see ${log}:\n${tail(log)}`,
    )
  }
  return {endpoint, pid}
}

/**
 * Removes podman's containers (so CNI takes down their netns and iptables rules), stops the
 * service, ends the conmon processes left behind (exec sessions linger for 5 min) and deletes the
 * bridge. Safe on a half-started podman.
 */
export async function stopPodman(dir: string, endpoint: PodmanEndpoint, pid: number | undefined): Promise<void> {
  const marker = `${podmanDir(dir)}/`
  if (pid !== undefined) await terminate(pid, `${dir}/`, 10_000)
  try {
    execFileSync(BINARIES.podman, [...globalArgs(dir), 'rm', '--all', '--force', '--time', '0'], {
      env: processEnv(dir),
      stdio: 'ignore',
      timeout: 60_000,
    })
  } catch {
    // Nothing was ever created, or the state is gone: the sweep below still runs.
  }
  await Promise.all(processesMentioning(marker).map((leftover) => terminate(leftover, marker, 5000)))
  if (endpoint.bridge?.name) deleteBridge(endpoint.bridge.name)
}
