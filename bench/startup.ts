/**
 * Startup: what a user waits for when a script asks occ one thing. Each occ command against a
 * bare oclif CLI with one command (fixtures/bare-oclif) and against `node -e 0`; then the
 * same bare CLI with occ's four plugins declared (fixtures/oclif-with-plugins), to show what
 * they cost before any occ code runs.
 */
import {alternate, type Comparison, type Side} from './lib/alternate.js'
import {measure} from './lib/measure.js'
import {BARE_OCLIF, occ, OCLIF_WITH_PLUGINS, type OccHome, occHome} from './lib/occ.js'
import {REPOSITORY, type TestEnvironment, WANTED_VERSION} from '../test/env/index.js'

function side(label: string, argv: string[], env: Record<string, string | undefined> = {}): Side {
  return {label, run: () => measure({argv, env})}
}

export async function startup(env: TestEnvironment, options: {pairs: number}): Promise<Comparison[]> {
  const home: OccHome = occHome({
    DOCKER_HOST: env.dockerHost,
    OCC_IMAGE_REPOSITORIES: `${env.registries.primary}/${REPOSITORY}`,
    OCC_UPDATE_CHECK: 'never',
  })
  try {
    // image:state compares a real record with the engine: acquire one first.
    await measure(occ(home, 'image:pull', '--tag', WANTED_VERSION, '--quiet'))
    const bare = side('bare oclif `hello`', [process.execPath, BARE_OCLIF, 'hello'])
    const node = side('`node -e 0`', [process.execPath, '-e', '0'])
    const commands: [string, string[]][] = [
      ['`occ config get image_source`', ['config:get', 'image_source']],
      ['`occ --version`', ['--version']],
      ['`occ image state --json` (update_check never)', ['image:state', '--json']],
    ]
    const results: Comparison[] = []
    const sides: Side[] = commands.map(([label, args]) => ({label, run: () => measure(occ(home, ...args))}))
    for (const ours of sides) results.push(await alternate(ours, bare, options), await alternate(ours, node, options))

    const withPlugins = side("oclif + occ's 4 plugins `hello`", [process.execPath, OCLIF_WITH_PLUGINS, 'hello'])
    results.push(
      await alternate(bare, node, options),
      await alternate(withPlugins, bare, options),
      await alternate(sides[0], withPlugins, options),
    )
    return results
  } finally {
    home.remove()
  }
}
