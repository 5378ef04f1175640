import type Docker from 'dockerode'

export type AuthConfig = {password: string; serveraddress: string; username: string}

/** Pulls through the engine directly (no occ), failing on an error event as well as on a broken stream. */
export async function enginePull(docker: Docker, reference: string, authconfig?: AuthConfig): Promise<void> {
  const stream = await docker.pull(reference, authconfig ? {authconfig} : {})
  await new Promise<void>((resolve, reject) => {
    let failure: string | undefined
    docker.modem.followProgress(
      stream,
      (error) => {
        if (error) reject(error)
        else if (failure) reject(new Error(failure))
        else resolve()
      },
      (event: {error?: string; errorDetail?: {message?: string}}) => {
        if (event.error || event.errorDetail) failure = event.errorDetail?.message ?? event.error
      },
    )
  })
}
