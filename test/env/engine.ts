/** Minimal Docker Engine API calls over a unix socket (no client library: the env must start fast). */
import {request} from 'node:http'
import {request as tlsRequest} from 'node:https'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

export interface EngineResponse {
  status: number
  body: string
}

export function socketPathOf(dockerHost: string): string {
  if (!dockerHost.startsWith('unix://')) throw new Error(`the test engine listens on a unix socket, not ${dockerHost}`)
  return dockerHost.slice('unix://'.length)
}

export function engineRequest(
  dockerHost: string,
  method: string,
  path: string,
  timeoutMs = 5000,
): Promise<EngineResponse> {
  return new Promise((resolve, reject) => {
    const req = request({method, path, socketPath: socketPathOf(dockerHost), timeout: timeoutMs}, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () =>
        resolve({body: Buffer.concat(chunks).toString('utf8'), status: response.statusCode ?? 0}),
      )
      response.on('error', reject)
    })
    req.on('timeout', () =>
      req.destroy(new Error(`engine ${dockerHost} did not answer ${method} ${path} within ${timeoutMs} ms`)),
    )
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

/**
 * True when the engine's TLS listener (`tcp://127.0.0.1:P`) answers /_ping to a client holding
 * the certificates in `certDir`.
 */
export function engineTlsPing(tlsHost: string, certDir: string, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    let pem
    try {
      pem = {
        ca: readFileSync(join(certDir, 'ca.pem')),
        cert: readFileSync(join(certDir, 'cert.pem')),
        key: readFileSync(join(certDir, 'key.pem')),
      }
    } catch {
      resolve(false)
      return
    }
    const url = new URL(tlsHost.replace(/^tcp:/, 'https:'))
    const req = tlsRequest(
      {...pem, host: url.hostname, method: 'GET', path: '/_ping', port: Number(url.port), timeout: timeoutMs},
      (response) => {
        let body = ''
        response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk))
        response.on('end', () => resolve(response.statusCode === 200 && body === 'OK'))
        response.on('error', () => resolve(false))
      },
    )
    req.on('timeout', () => req.destroy())
    req.on('error', () => resolve(false))
    req.end()
  })
}
