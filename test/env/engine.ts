/** Minimal Docker Engine API calls over a unix socket (no client library: the env must start fast). */
import {request} from 'node:http'

export interface EngineResponse {
  status: number
  body: string
}

export function socketPathOf(dockerHost: string): string {
  if (!dockerHost.startsWith('unix://')) throw new Error(`the test engine listens on a unix socket, not ${dockerHost}`)
  return dockerHost.slice('unix://'.length)
}

export function engineRequest(dockerHost: string, method: string, path: string, timeoutMs = 5000): Promise<EngineResponse> {
  return new Promise((resolve, reject) => {
    const req = request({method, path, socketPath: socketPathOf(dockerHost), timeout: timeoutMs}, response => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => resolve({body: Buffer.concat(chunks).toString('utf8'), status: response.statusCode ?? 0}))
      response.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error(`engine ${dockerHost} did not answer ${method} ${path} within ${timeoutMs} ms`)))
    req.on('error', reject)
    req.end()
  })
}

/** True when the engine answers GET /_ping with OK. */
export async function enginePing(dockerHost: string, timeoutMs = 2000): Promise<boolean> {
  try {
    const response = await engineRequest(dockerHost, 'GET', '/_ping', timeoutMs)
    return response.status === 200 && response.body === 'OK'
  } catch {
    return false
  }
}
