/** Docker Hub's names: the one occ writes, the ones docker accepts for it, and where its API answers. */

/** How occ (and docker) names Docker Hub: references without a registry host resolve here. */
export const DOCKER_HUB = 'docker.io'

/** Every host name docker takes for Docker Hub. */
export const DOCKER_HUB_HOSTS: ReadonlySet<string> = new Set([DOCKER_HUB, 'index.docker.io', 'registry-1.docker.io'])

/** The host Docker Hub's registry API (v2) answers on. */
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io'

/** Docker Hub's key in config.json and credential stores, as `docker login` writes it. */
export const DOCKER_HUB_SERVER_ADDRESS = 'https://index.docker.io/v1/'
