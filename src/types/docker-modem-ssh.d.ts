/**
 * docker-modem's ssh tunnel (untyped by @types/docker-modem):
 * an http.Agent whose one connection runs `docker system dial-stdio` on the host.
 */
declare module 'docker-modem/lib/ssh.js' {
  import type {Agent} from 'node:http'
  import type {ConnectConfig} from 'ssh2'

  export default function sshAgent(options: ConnectConfig): Agent
}
