import {expect} from 'chai'
import {existsSync, readFileSync} from 'node:fs'

import {precompiledValidatorSource} from '../../../scripts/validator-source.js'
import {PRECOMPILED_VALIDATOR} from '../../../src/lib/config/validator.js'

describe('precompiled config validator', () => {
  const built = new URL(`../../../dist/lib/config/${PRECOMPILED_VALIDATOR}`, import.meta.url)

  it('is built and matches the schema (run "npm run build" after changing it)', () => {
    expect(existsSync(built), `${built.pathname} is missing: run "npm run build"`).to.equal(true)
    expect(readFileSync(built, 'utf8')).to.equal(precompiledValidatorSource())
  })
})
