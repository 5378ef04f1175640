import {http} from '../http.js'

const PROBE_TIMEOUT_MS = 2000

/** True when something answers HTTP at host:port (any status): the web UI of an image without a health check is up. */
export function answersHttp(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = http.request({host, method: 'GET', path: '/', port, timeout: PROBE_TIMEOUT_MS}, (response) => {
      response.resume()
      resolve(true)
    })
    probe.on('timeout', () => probe.destroy())
    probe.on('error', () => resolve(false))
    probe.end()
  })
}
