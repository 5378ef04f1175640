import type {RegistryCredentials} from './types.js'
import type {CredentialSource, RegistryAuthLocator} from './locator.js'

import {runCredentialHelper} from './credential-helper.js'
import {credentialServerAddress, keyFor} from './server-address.js'

/** The helper config.json names for this registry (`credHelpers`), e.g. docker-credential-gcr for gcr.io. */
export class CredHelpersLocator implements RegistryAuthLocator {
  async find(registry: string, {config, env, origin}: CredentialSource): Promise<RegistryCredentials | undefined> {
    const key = keyFor(config.credHelpers, registry)
    const helper = key === undefined ? undefined : config.credHelpers?.[key]
    if (helper === undefined) return undefined
    const credentials = await runCredentialHelper(helper, credentialServerAddress(registry), env)
    return credentials && {...credentials, from: `docker-credential-${helper} (credHelpers of ${origin})`}
  }
}
