import {expect} from 'chai'

import {isRecord, parseJson} from '../../src/lib/json.js'

describe('json helpers', () => {
  it('takes only objects for records: not null, arrays or scalars', () => {
    expect(isRecord({a: 1})).to.equal(true)
    expect(isRecord(Object.create(null))).to.equal(true)
    for (const value of [null, undefined, [], 'text', 3, true]) expect(isRecord(value), String(value)).to.equal(false)
  })

  it('keeps JSON null as a value and answers undefined for text that is not JSON', () => {
    expect(parseJson('null')).to.deep.equal({value: null})
    expect(parseJson('{"a":[1]}')).to.deep.equal({value: {a: [1]}})
    expect(parseJson('{a:1}')).to.equal(undefined)
    expect(parseJson('')).to.equal(undefined)
  })
})
