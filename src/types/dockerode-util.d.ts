/** dockerode's build-context packer (untyped by @types/dockerode): tars `src` of `context`, filtered by its .dockerignore, gzipped. */
declare module 'dockerode/lib/util.js' {
  import type {Readable} from 'node:stream'

  export function prepareBuildContext(file: {context: string; src: string[]}, next: (context: Readable) => void): void
}
