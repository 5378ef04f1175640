/**
 * Malformed config.json and image-state.json files, generated from a seed: truncated, wrong
 * types, binary, deeply nested, huge, in the wrong encoding, and odd but legal JSON.
 */
export interface GarbageFile {
  /** What was done to it, to name it in a failure. */
  name: string
  bytes: Buffer
}

type Json = boolean | Json[] | null | number | string | {[key: string]: Json}

export const VALID_CONFIG: Record<string, Json> = {
  auto_restart: true,
  bind_address: '127.0.0.1',
  image_repositories: ['ghcr.io/prizz/opencode-cloud-sandbox'],
  image_source: 'prebuilt',
  mounts: ['/srv/data:/data:ro'],
  opencode_web_port: 3000,
  update_check: 'never',
  users: ['alice'],
  version: 1,
}

export const VALID_STATE: Record<string, Json> = {
  acquired_at: '2026-01-24T23:15:28.000Z',
  cli_version: '0.1.0',
  digest: `sha256:${'ab'.repeat(32)}`,
  image: 'ghcr.io/prizz/opencode-cloud-sandbox:25.1.3',
  image_id: `sha256:${'cd'.repeat(32)}`,
  last_update_check: {checked_at: '2026-01-25T00:00:00.000Z', cli_version: '0.1.0', result: 'up-to-date'},
  registry: 'ghcr.io',
  source: 'prebuilt',
  version: '25.1.3',
}

/** Values of every JSON type and a few edge cases: each key gets the ones that are wrong for it. */
const ODD_VALUES: Json[] = [
  '',
  'x'.repeat(300),
  -1,
  0,
  3.5,
  1e308,
  65_536,
  true,
  null,
  [],
  ['a', 1, null],
  {},
  {nested: {deeper: [1]}},
  '\u0000\u0007',
  '../../etc/passwd',
  '🙂'.repeat(10),
]

const text = (value: string) => Buffer.from(value, 'utf8')
const json = (value: Json, indent = 2) => text(JSON.stringify(value, null, indent))

function utf16be(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf16le')
  for (let i = 0; i + 1 < bytes.length; i += 2) [bytes[i], bytes[i + 1]] = [bytes[i + 1], bytes[i]]
  return bytes
}

/** The same broken shapes for any valid document. */
function generate(valid: Record<string, Json>, random: () => number, truncations: number): GarbageFile[] {
  const files: GarbageFile[] = []
  const add = (name: string, bytes: Buffer) => files.push({bytes, name})
  const whole = JSON.stringify(valid, null, 2)

  for (let i = 0; i < truncations; i++) {
    const at = 1 + Math.floor(random() * (whole.length - 2))
    add(`truncated at byte ${at}`, text(whole.slice(0, at)))
  }

  for (const key of Object.keys(valid)) {
    const wrong = ODD_VALUES.filter(
      (value) => typeof value !== typeof valid[key] || Array.isArray(value) !== Array.isArray(valid[key]),
    )
    for (let i = 0; i < 3; i++) {
      const value = wrong[Math.floor(random() * wrong.length)]
      add(`${key} = ${JSON.stringify(value).slice(0, 40)}`, json({...valid, [key]: value}))
    }
  }

  for (let i = 0; i < 12; i++) {
    const length = 1 + Math.floor(random() ** 2 * 8192)
    add(`${length} random bytes`, Buffer.from(Array.from({length}, () => Math.floor(random() * 256))))
  }

  for (const depth of [1000, 100_000, 1_000_000]) {
    add(`arrays nested ${depth} deep`, text('['.repeat(depth) + ']'.repeat(depth)))
    add(
      `objects nested ${depth} deep in a key`,
      text(`{"version": 1, "users": ${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`),
    )
  }

  add('a 16 MB string value', json({...valid, bind: 'x'.repeat(16 * 2 ** 20)}, 0))
  add('a list of 500000 entries', json({...valid, users: Array.from({length: 500_000}, (_, i) => `user${i}`)}, 0))
  add('8 MB of whitespace then {}', text(`${' '.repeat(8 * 2 ** 20)}{}`))

  add('UTF-16LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(whole, 'utf16le')]))
  add('UTF-16BE with BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(whole)]))
  add('UTF-16LE without BOM', Buffer.from(whole, 'utf16le'))
  add('UTF-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), text(whole)]))
  add('UTF-32LE', Buffer.from(Array.from(whole).flatMap((char) => [char.charCodeAt(0), 0, 0, 0])))
  add(
    'Latin-1 é in a string',
    Buffer.from(whole.replace('"25.1.3"', '"25.1.3-é"').replace('"alice"', '"alicé"'), 'latin1'),
  )
  add(
    'invalid UTF-8 in a string',
    Buffer.concat([
      text(whole.slice(0, whole.length - 2)),
      text(', "bad": "'),
      Buffer.from([0xc3, 0x28, 0xa0, 0xa1]),
      text('"}'),
    ]),
  )
  add('NUL bytes between keys', text(whole.replaceAll(',\n', ',\u0000\n')))
  add('CRLF line ends', text(whole.replaceAll('\n', '\r\n')))

  for (const literal of [
    '',
    ' \n\t ',
    'null',
    'true',
    '0',
    '-1',
    '"config"',
    '[]',
    '[1, 2]',
    '{',
    '}',
    '{"version": 1',
    '{"version": 2}',
    '{"version": 99}',
    '{"version": "1"}',
    '{"version": 1.5}',
    '{"version": -1}',
    '{"version": 1,}',
    '// just a comment',
    '/* unterminated',
    '{"version": 1 /* ok */}',
    '{"version": 1, "version": "two"}',
    '{"__proto__": {"polluted": true}, "version": 1}',
    '{"constructor": {"prototype": {"x": 1}}}',
    `{"${'k'.repeat(100_000)}": 1}`,
    '{"version": 1}\n{"version": 1}',
    '{"version": 1} trailing',
    '\u001b[31m{}\u001b[0m',
    '{"version": NaN}',
    '{"version": Infinity}',
    "{'version': 1}",
    '{version: 1}',
  ]) {
    add(`literal ${JSON.stringify(literal.slice(0, 40))}`, text(literal))
  }

  return files
}

export function garbageConfigs(random: () => number): GarbageFile[] {
  return generate(VALID_CONFIG, random, 25)
}

export function garbageStates(random: () => number): GarbageFile[] {
  return generate(VALID_STATE, random, 15)
}
