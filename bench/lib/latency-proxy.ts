/**
 * A TCP proxy on 127.0.0.1 that delays every chunk by half of `rttMs` in each direction, in
 * order: a registry that is `rttMs` away (round trip), for the update-check benchmark.
 */
import {type AddressInfo, connect, createServer, type Server, type Socket} from 'node:net'

function delayed(from: Socket, to: Socket, delayMs: number): void {
  let last = 0
  from.on('data', (chunk: Buffer) => {
    // Each chunk leaves delayMs after it came, and never before the one ahead of it.
    const at = Math.max(Date.now() + delayMs, last)
    last = at
    setTimeout(() => to.write(chunk), at - Date.now())
  })
  from.on('end', () => setTimeout(() => to.end(), Math.max(0, last - Date.now())))
  from.on('error', () => to.destroy())
}

export async function startLatencyProxy(
  target: string,
  rttMs: number,
): Promise<{address: string; close(): Promise<void>}> {
  const [host, port] = target.split(':')
  const sockets = new Set<Socket>()
  const server: Server = createServer((client) => {
    const upstream = connect(Number(port), host)
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
    }

    delayed(client, upstream, rttMs / 2)
    delayed(upstream, client, rttMs / 2)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
