import {expect} from 'chai'

import {localReference} from '../../../src/lib/image/sandbox.js'
import {planPromotion} from '../../../src/lib/image/tags.js'
import {FakeEngine} from '../helpers/fake-engine.js'

describe('planPromotion', () => {
  it('moves nothing until apply, then tags the new image current and the replaced one previous', async () => {
    const engine = new FakeEngine()
    const old = engine.addImage([localReference('current')])
    const fresh = engine.addImage(['example.org/sandbox:2'])
    const promotion = await planPromotion(engine, fresh)
    expect(promotion.replacedId).to.equal(old)
    expect(engine.calls).to.deep.equal([])
    await promotion.apply()
    expect(engine.imageId(localReference('current'))).to.equal(fresh)
    expect(engine.imageId(localReference('previous'))).to.equal(old)
  })

  it('tags only current when there is none yet, and replaces nothing', async () => {
    const engine = new FakeEngine()
    const fresh = engine.addImage()
    const promotion = await planPromotion(engine, fresh)
    expect(promotion.replacedId).to.equal(undefined)
    await promotion.apply()
    expect(engine.imageId(localReference('current'))).to.equal(fresh)
    expect(engine.imageId(localReference('previous'))).to.equal(undefined)
  })

  it('leaves previous alone when the image already is current', async () => {
    const engine = new FakeEngine()
    const older = engine.addImage([localReference('previous')])
    const same = engine.addImage([localReference('current')])
    const promotion = await planPromotion(engine, same)
    await promotion.apply()
    expect(promotion.replacedId).to.equal(undefined)
    expect(engine.calls).to.deep.equal([])
    expect(engine.imageId(localReference('previous'))).to.equal(older)
  })
})
