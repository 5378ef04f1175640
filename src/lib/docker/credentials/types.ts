/**
 * A user's credentials for one registry host: a user name and password, or an identity token
 * (an OAuth refresh token from `docker login`). `from` says where they were found, for
 * messages; it never holds a secret.
 */
export type RegistryCredentials = ({identityToken: string} | {password: string; username: string}) & {from?: string}

/**
 * Finds the credentials for a registry host as occ names it ("ghcr.io", "127.0.0.1:5000",
 * "docker.io"). Without any, occ asks anonymously.
 */
export type CredentialsProvider = (registry: string) => Promise<RegistryCredentials | undefined>
