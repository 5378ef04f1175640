/**
 * Writes the generated sections of README.md — commands (from oclif.manifest.json), the config
 * key table (from the schema) and the exit codes (from src/lib/errors.ts) — between their
 * markers: `npm run readme`. A unit test fails when the README differs from what this generates.
 */
import {readFileSync, writeFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

import {aliasesOf, describeAllowed, keySchema, typeName} from '../src/lib/config/known-keys.js'
import {CONFIG_KEYS, type ConfigKey} from '../src/lib/config/schema.js'
import {EXIT_CODES} from '../src/lib/errors.js'

export const README = fileURLToPath(new URL('../README.md', import.meta.url))
const MANIFEST = fileURLToPath(new URL('../oclif.manifest.json', import.meta.url))

const cell = (text: string): string => text.replaceAll('|', String.raw`\|`)
const code = (text: string): string => `\`${text}\``
const table = (head: string[], rows: string[][]): string =>
  [head, head.map(() => '---'), ...rows.map((row) => row.map((text) => cell(text)))]
    .map((row) => `| ${row.join(' | ')} |`)
    .join('\n')

function defaultCell(key: ConfigKey): string {
  const value = keySchema(key).default
  if (!Array.isArray(value)) return code(JSON.stringify(value))
  return value.length === 0 ? code('[]') : value.map((item) => code(item)).join('<br>')
}

function descriptionCell(key: ConfigKey): string {
  const schema = keySchema(key)
  const notes = [
    schema['x-secret'] ? 'Secret: never printed.' : '',
    schema['x-deprecated'] ? `Deprecated: use ${code(schema['x-deprecated'])}.` : '',
  ]
  return [schema.description, ...notes].filter(Boolean).join(' ')
}

/** The Markdown table of every config key, from the schema. */
export function renderConfigTable(): string {
  return table(
    ['Key', 'Type', 'Default', 'Allowed', 'Description', 'Aliases'],
    CONFIG_KEYS.map((key) => [
      code(key),
      code(typeName(key)),
      defaultCell(key),
      describeAllowed(key),
      descriptionCell(key),
      aliasesOf(key)
        .map((alias) => code(alias))
        .join(', '),
    ]),
  )
}

export function renderExitCodes(): string {
  return table(
    ['Code', 'Name', 'Meaning'],
    Object.entries(EXIT_CODES).map(([name, {code: exit, meaning}]) => [String(exit), code(name), meaning]),
  )
}

interface ManifestFlag {
  char?: string
  description?: string
  hidden?: boolean
  name: string
  type: 'boolean' | 'option'
}

interface ManifestCommand {
  args: Record<string, {description?: string; required?: boolean}>
  description?: string
  examples?: string[]
  flags: Record<string, ManifestFlag>
  hidden?: boolean
  id: string
  summary?: string
}

/** The id as users type it: topics separated by spaces (`image pull`); the colon form works too. */
const typedId = (command: ManifestCommand): string => command.id.replaceAll(':', ' ')

const usageOf = (command: ManifestCommand): string =>
  [
    'occ',
    typedId(command),
    ...Object.entries(command.args).map(([name, arg]) =>
      arg.required ? name.toUpperCase() : `[${name.toUpperCase()}]`,
    ),
  ].join(' ')

/** A flag as users type it: `-t, --time TIME` for an option, `--json` for a boolean flag without a short form. */
const flagUsage = (flag: ManifestFlag): string =>
  `${flag.char ? `-${flag.char}, ` : ''}--${flag.name}${flag.type === 'option' ? ` ${flag.name.toUpperCase()}` : ''}`

function renderCommand(command: ManifestCommand): string {
  const flags = Object.values(command.flags)
    .filter((flag) => !flag.hidden)
    .map((flag) => `- ${code(flagUsage(flag))} ${flag.description ?? ''}`.trimEnd())
  const examples = (command.examples ?? []).map((example) =>
    example.replaceAll('<%= config.bin %>', 'occ').replaceAll('<%= command.id %>', typedId(command)),
  )
  return [
    `### \`${usageOf(command)}\``,
    '',
    command.summary ?? '',
    ...(command.description ? ['', command.description] : []),
    '',
    ...flags,
    ...(examples.length > 0 ? ['', '```sh', ...examples, '```'] : []),
  ].join('\n')
}

/** One section per visible occ command (plugins' commands are documented by their plugins). */
export function renderCommands(): string {
  const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as {commands: Record<string, ManifestCommand>}
  return Object.values(manifest.commands)
    .filter((command) => !command.hidden)
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((command) => renderCommand(command))
    .join('\n\n')
}

const SECTIONS: Record<string, () => string> = {
  commands: renderCommands,
  'config-table': renderConfigTable,
  'exit-codes': renderExitCodes,
}

/** README text with every generated section replaced. */
export function withGeneratedSections(readme: string): string {
  let text = readme
  for (const [name, render] of Object.entries(SECTIONS)) {
    const start = `<!-- ${name}:start -->`
    const end = `<!-- ${name}:end -->`
    const from = text.indexOf(start)
    const to = text.indexOf(end)
    if (from === -1 || to < from) throw new Error(`README.md has no ${start} ... ${end} markers`)
    text = `${text.slice(0, from + start.length)}\n${render()}\n${text.slice(to)}`
  }

  return text
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(README, withGeneratedSections(readFileSync(README, 'utf8')))
  console.log(`wrote the generated sections into ${README}`)
}
