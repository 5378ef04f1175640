/**
 * Pull: `occ image pull` of an 8-layer image (200 MB by default) from the local registry
 * against `docker pull` of the same image on the same engine; the image is removed before
 * every run.
 */
import Docker from 'dockerode'

import {alternate, type Comparison, type Side} from './lib/alternate.js'
import {measure} from './lib/measure.js'
import {DOCKER, occ, occHome} from './lib/occ.js'
import {bigImage, REPOSITORY, type TestEnvironment} from '../test/env/index.js'

const LAYERS = 8

/** Removes every name of every image that carries `match` in a name, so the next pull downloads all layers. */
async function removeImages(docker: Docker, match: (name: string) => boolean): Promise<void> {
  for (const image of await docker.listImages()) {
    if ([...(image.RepoTags ?? []), ...(image.RepoDigests ?? [])].some(match))
      await docker.getImage(image.Id).remove({force: true})
  }
}

export async function pull(env: TestEnvironment, options: {pairs: number; sizeMb: number}): Promise<Comparison> {
  const pushed = await bigImage({layers: LAYERS, sizeMb: options.sizeMb})
  const tag = pushed.reference.split(':').at(-1)!
  const docker = new Docker({socketPath: new URL(env.dockerHost).pathname})
  const clean = () =>
    removeImages(
      docker,
      (name) => name.includes(pushed.reference.split(':')[0]) || name.startsWith('opencode-cloud-sandbox:'),
    )
  const home = occHome({
    DOCKER_HOST: env.dockerHost,
    OCC_IMAGE_REPOSITORIES: `${env.registries.primary}/${REPOSITORY}`,
    OCC_UPDATE_CHECK: 'never',
  })
  try {
    const ours: Side = {
      before: clean,
      label: `\`occ image pull\` (${options.sizeMb} MB, ${LAYERS} layers)`,
      run: () => measure(occ(home, 'image:pull', '--tag', tag)),
    }
    const theirs: Side = {
      before: clean,
      label: '`docker pull`, same image',
      run: () => measure({argv: [DOCKER, 'pull', '--quiet', pushed.reference], env: {DOCKER_HOST: env.dockerHost}}),
    }
    return await alternate(ours, theirs, options)
  } finally {
    await clean()
    home.remove()
  }
}
