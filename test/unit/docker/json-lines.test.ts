import {expect} from 'chai'

import {readJsonLines, streamError} from '../../../src/lib/docker/json-lines.js'

async function* chunks(...parts: Buffer[]): AsyncGenerator<Buffer> {
  for (const part of parts) yield part
}

async function read(...parts: Buffer[]) {
  const lines = []
  for await (const line of readJsonLines(chunks(...parts))) lines.push(line)
  return lines
}

describe('readJsonLines', () => {
  it('reads objects whatever the chunking, a character of several bytes split between chunks included', async () => {
    const text = Buffer.from('{"status":"Téléchargé ✓"}\n{"status":"b"}')
    const split = text.indexOf(Buffer.from('✓')) + 1
    expect(await read(text.subarray(0, split), text.subarray(split))).to.deep.equal([
      {object: {status: 'Téléchargé ✓'}},
      {object: {status: 'b'}},
    ])
  })

  it('keeps what is not a JSON object as text, and skips blank lines', async () => {
    expect(await read(Buffer.from('\n[1]\nnot json\n\n'))).to.deep.equal([
      {unreadable: '[1]'},
      {unreadable: 'not json'},
    ])
  })

  it('finds the error of an object, errorDetail first', () => {
    expect(streamError({error: 'e', errorDetail: {code: 404, message: 'manifest unknown'}})).to.deep.equal({
      code: 404,
      message: 'manifest unknown',
    })
    expect(streamError({error: 'plain'})).to.deep.equal({message: 'plain'})
    expect(streamError({})).to.equal(undefined)
  })
})
