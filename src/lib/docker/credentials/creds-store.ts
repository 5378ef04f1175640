import type {RegistryCredentials} from './types.js'
import type {CredentialSource, RegistryAuthLocator} from './locator.js'

import {runCredentialHelper} from './credential-helper.js'
import {credentialServerAddress} from './server-address.js'

/** The one helper that holds every registry's credentials (`credsStore`), e.g. docker-credential-desktop. */
export class CredsStoreLocator implements RegistryAuthLocator {
  async find(registry: string, {config, env, origin}: CredentialSource): Promise<RegistryCredentials | undefined> {
    if (config.credsStore === undefined) return undefined
    const credentials = await runCredentialHelper(config.credsStore, credentialServerAddress(registry), env)
    return credentials && {...credentials, from: `docker-credential-${config.credsStore} (credsStore of ${origin})`}
  }
}
