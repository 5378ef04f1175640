import {fileURLToPath} from 'node:url'

import type {DockerCliConfig} from '../../../../src/lib/docker/cli-config.js'
import type {CredentialSource} from '../../../../src/lib/docker/credentials/locator.js'

/** The directory of the docker-credential-occtest fixture, for PATH. */
export const HELPER_DIR = fileURLToPath(new URL('../../../fixtures/credentials/', import.meta.url))

/** A source holding `config`, with the fixture helper on PATH answering for `server` only. */
export function sourceOf(
  config: DockerCliConfig,
  helper: {server?: string; username?: string; secret?: string; log?: string} = {},
): CredentialSource {
  return {
    config,
    env: {
      OCCTEST_HELPER_LOG: helper.log ?? '',
      OCCTEST_HELPER_SECRET: helper.secret ?? '',
      OCCTEST_HELPER_SERVER: helper.server ?? '',
      OCCTEST_HELPER_USERNAME: helper.username ?? '',
      PATH: `${HELPER_DIR}:${process.env.PATH}`,
    },
    origin: '/home/me/.docker/config.json',
  }
}
