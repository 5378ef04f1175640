/**
 * The sandbox (issue 13): `occ start` of a stopped sandbox until it is healthy, against
 * `docker start` and waiting for the engine to report the same health; the same start with
 * `update_check: always` against a registry 50 ms away vs `never`; `occ status` against
 * `docker inspect`. The image is a healthy stand-in (test/env: busybox serving /global/health).
 */
import {alternate, type Comparison, type Side} from './lib/alternate.js'
import {startLatencyProxy} from './lib/latency-proxy.js'
import {type Command, measure} from './lib/measure.js'
import {DOCKER, occ, occHome, type OccHome} from './lib/occ.js'
import {pushSandbox, type TestEnvironment, WANTED_VERSION} from '../test/env/index.js'

const CONTAINER = 'opencode-cloud-sandbox'
const REPOSITORY = 'bench/opencode-cloud-sandbox'

export async function sandbox(env: TestEnvironment, options: {pairs: number}): Promise<Comparison[]> {
  await pushSandbox('primary', REPOSITORY, WANTED_VERSION, {variant: 'healthy', version: WANTED_VERSION})
  const proxy = await startLatencyProxy(env.registries.primary, 50)
  const docker = (...args: string[]): Command => ({argv: [DOCKER, ...args], env: {DOCKER_HOST: env.dockerHost}})
  const home = (registry: string, updateCheck: string) =>
    occHome({
      DOCKER_HOST: env.dockerHost,
      OCC_IMAGE_REPOSITORIES: `${registry}/${REPOSITORY}`,
      OCC_MOUNTS: '[]',
      OCC_OPENCODE_WEB_PORT: '3999',
      OCC_UPDATE_CHECK: updateCheck,
    })
  const never = home(env.registries.primary, 'never')
  const always = home(proxy.address, 'always')
  const stopped = {before: async () => void (await measure(docker('stop', '-t', '1', CONTAINER)))}
  try {
    // The stand-in becomes current (the engine may hold another image as current), recorded in both homes.
    await measure(occ(always, 'image:pull', '--quiet'))
    await measure(occ(never, 'image:pull', '--quiet'))
    await measure(occ(never, 'start', '--quiet'))
    const waitHealthy =
      `${DOCKER} start ${CONTAINER} >/dev/null && ` +
      `until [ "$(${DOCKER} inspect -f '{{.State.Health.Status}}' ${CONTAINER})" = healthy ]; do sleep 0.05; done`
    const startVsDocker = await alternate(
      {...stopped, label: '`occ start` (stopped → healthy)', run: () => measure(occ(never, 'start', '--quiet'))},
      {
        ...stopped,
        label: '`docker start` + wait for `healthy`',
        run: () => measure({argv: ['sh', '-c', waitHealthy], env: {DOCKER_HOST: env.dockerHost}}),
      },
      options,
    )
    const checkCost = await alternate(
      {
        ...stopped,
        label: '`occ start`, update_check always, registry 50 ms away',
        run: () => measure(occ(always, 'start', '--quiet')),
      },
      {...stopped, label: '`occ start`, update_check never', run: () => measure(occ(never, 'start', '--quiet'))},
      options,
    )
    const status: [Side, Side] = [
      {label: '`occ status --json`', run: () => measure(occ(never, 'status', '--json'))},
      {label: '`docker inspect opencode-cloud-sandbox`', run: () => measure(docker('inspect', CONTAINER))},
    ]
    return [startVsDocker, checkCost, await alternate(...status, options)]
  } finally {
    await measure(occ(never, 'stop', '--remove', '--quiet')).catch(() => undefined)
    for (const used of [never, always] as OccHome[]) used.remove()
    await proxy.close()
  }
}
