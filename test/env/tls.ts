/**
 * Certificates for the engine's TLS listener, made with the openssl CLI: a CA, a server
 * certificate for 127.0.0.1 and a client certificate, laid out as the docker CLI expects them
 * (DOCKER_CERT_PATH holds ca.pem, cert.pem and key.pem).
 */
import {execFileSync} from 'node:child_process'
import {copyFileSync, mkdirSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {BINARIES, EnvironmentError} from './system.js'

export interface CertificateSet {
  /** ca.pem, cert.pem, key.pem for a client: what DOCKER_CERT_PATH points at. */
  clientDir: string
  /** ca.pem, cert.pem, key.pem for dockerd's --tlscacert/--tlscert/--tlskey. */
  serverDir: string
}

function openssl(args: string[]): void {
  try {
    execFileSync(BINARIES.openssl, args, {stdio: ['ignore', 'ignore', 'pipe']})
  } catch (error) {
    const stderr = (error as {stderr?: Buffer}).stderr?.toString().trim()
    throw new EnvironmentError(`openssl ${args[0]} failed: ${stderr || (error as Error).message}`)
  }
}

/** A P-256 key and a certificate signed by the CA in `dir`, with the given extensions. */
function issue(dir: string, name: string, subject: string, extensions: string[]): void {
  const key = join(dir, `${name}-key.pem`)
  const request = join(dir, `${name}.csr`)
  const extfile = join(dir, `${name}.ext`)
  writeFileSync(extfile, extensions.join('\n') + '\n')
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', key])
  openssl(['req', '-new', '-key', key, '-subj', subject, '-out', request])
  openssl([
    'x509',
    '-req',
    '-in',
    request,
    '-CA',
    join(dir, 'ca.pem'),
    '-CAkey',
    join(dir, 'ca-key.pem'),
    '-CAcreateserial',
    '-days',
    '30',
    '-sha256',
    '-extfile',
    extfile,
    '-out',
    join(dir, `${name}.pem`),
  ])
}

/** A fresh CA with one server certificate (SAN IP:127.0.0.1) and one client certificate, under `dir`. */
export function makeCertificates(dir: string, name = 'occ-test'): CertificateSet {
  rmSync(dir, {force: true, recursive: true})
  const work = join(dir, 'ca')
  mkdirSync(work, {recursive: true})
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', join(work, 'ca-key.pem')])
  openssl([
    'req',
    '-x509',
    '-new',
    '-key',
    join(work, 'ca-key.pem'),
    '-subj',
    `/CN=${name} CA`,
    '-days',
    '30',
    '-sha256',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
    '-out',
    join(work, 'ca.pem'),
  ])
  issue(work, 'server', '/CN=127.0.0.1', [
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
    'extendedKeyUsage=serverAuth',
    'keyUsage=critical,digitalSignature',
  ])
  issue(work, 'client', `/CN=${name} client`, ['extendedKeyUsage=clientAuth', 'keyUsage=critical,digitalSignature'])
  const serverDir = join(dir, 'server')
  const clientDir = join(dir, 'client')
  for (const [target, side] of [
    [serverDir, 'server'],
    [clientDir, 'client'],
  ] as const) {
    mkdirSync(target, {recursive: true})
    copyFileSync(join(work, 'ca.pem'), join(target, 'ca.pem'))
    copyFileSync(join(work, `${side}.pem`), join(target, 'cert.pem'))
    copyFileSync(join(work, `${side}-key.pem`), join(target, 'key.pem'))
  }
  return {clientDir, serverDir}
}
