/**
 * Update check: `occ image check` on an up-to-date image against `docker pull` of the same
 * up-to-date image (what a user would run to find out), with the registry requests each made,
 * counted from the registry's access log.
 */
import {alternate, type Comparison, type Side, spread} from './lib/alternate.js'
import {type Command, measure, type Sample} from './lib/measure.js'
import {DOCKER, occ, occHome} from './lib/occ.js'
import {registryRequests, REPOSITORY, type TestEnvironment, WANTED_VERSION} from '../test/env/index.js'

export interface CheckComparison extends Comparison {
  /** Median registry requests per run. */
  requests: {a: number; b: number}
}

export async function check(env: TestEnvironment, options: {pairs: number}): Promise<CheckComparison> {
  const home = occHome({
    DOCKER_HOST: env.dockerHost,
    OCC_IMAGE_REPOSITORIES: `${env.registries.primary}/${REPOSITORY}`,
    OCC_UPDATE_CHECK: 'never',
  })
  const reference = `${env.registries.primary}/${REPOSITORY}:${WANTED_VERSION}`
  const counted = (command: Command, into: number[]) => async (): Promise<Sample> => {
    const before = registryRequests('primary', env).length
    const sample = await measure(command)
    into.push(registryRequests('primary', env).length - before)
    return sample
  }

  try {
    await measure(occ(home, 'image:pull', '--quiet'))
    await measure({argv: [DOCKER, 'pull', '--quiet', reference], env: {DOCKER_HOST: env.dockerHost}})
    const requests = {a: [] as number[], b: [] as number[]}
    const ours: Side = {
      label: '`occ image check` (up to date)',
      run: counted(occ(home, 'image:check', '--json'), requests.a),
    }
    const theirs: Side = {
      label: '`docker pull`, same up-to-date image',
      run: counted({argv: [DOCKER, 'pull', '--quiet', reference], env: {DOCKER_HOST: env.dockerHost}}, requests.b),
    }
    const result = await alternate(ours, theirs, options)
    return {...result, requests: {a: spread(requests.a).median, b: spread(requests.b).median}}
  } finally {
    home.remove()
  }
}
