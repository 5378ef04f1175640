import {expect} from 'chai'
import {readFileSync} from 'node:fs'

import {README, withGeneratedSections} from '../../scripts/readme.js'

describe('README generated sections', () => {
  it('match the manifest, the config schema and the exit codes (run "npm run readme" after changing them)', () => {
    const readme = readFileSync(README, 'utf8')
    expect(readme).to.equal(withGeneratedSections(readme))
  })
})
