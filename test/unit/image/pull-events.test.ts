import {expect} from 'chai'
import {Readable} from 'node:stream'

import {LayerBoard, type PullEvent, readPullEvents, toPullEvent} from '../../../src/lib/image/pull-events.js'

async function collect(chunks: string[]): Promise<PullEvent[]> {
  const events: PullEvent[] = []
  for await (const event of readPullEvents(Readable.from(chunks.map((chunk) => Buffer.from(chunk))))) events.push(event)
  return events
}

describe('pull stream events', () => {
  it('maps layer statuses to phases with bytes', () => {
    expect(toPullEvent({id: 'abc', progressDetail: {current: 10, total: 100}, status: 'Downloading'})).to.deep.equal({
      current: 10,
      id: 'abc',
      phase: 'downloading',
      total: 100,
      type: 'layer',
    })
    expect(toPullEvent({id: 'abc', progressDetail: {}, status: 'Pull complete'})).to.deep.equal({
      id: 'abc',
      phase: 'complete',
      type: 'layer',
    })
    expect(toPullEvent({id: 'abc', status: 'Already exists'})).to.deep.include({phase: 'exists'})
    expect(toPullEvent({id: 'abc', status: 'Retrying in 5 seconds'})).to.deep.include({phase: 'retrying'})
  })

  it('accepts progress without a total (or a zero one)', () => {
    expect(toPullEvent({id: 'abc', progressDetail: {current: 4096}, status: 'Downloading'})).to.deep.equal({
      current: 4096,
      id: 'abc',
      phase: 'downloading',
      type: 'layer',
    })
    expect(toPullEvent({id: 'abc', progressDetail: {current: 1, total: 0}, status: 'Extracting'})).to.not.have.property(
      'total',
    )
    expect(toPullEvent({id: 'abc', progressDetail: {current: 'x', total: -1}, status: 'Extracting'})).to.deep.equal({
      id: 'abc',
      phase: 'extracting',
      type: 'layer',
    })
  })

  it('treats error and errorDetail as failures, even mixed with a status', () => {
    expect(toPullEvent({error: 'boom'})).to.deep.equal({message: 'boom', type: 'error'})
    expect(toPullEvent({error: 'short', errorDetail: {code: 500, message: 'long story'}})).to.deep.equal({
      code: 500,
      message: 'long story',
      type: 'error',
    })
    expect(toPullEvent({errorDetail: {}, status: 'Downloading'})).to.deep.include({type: 'error'})
  })

  it('picks out the digest and keeps other statuses as text', () => {
    const digest = `sha256:${'0123456789abcdef'.repeat(4)}`
    expect(toPullEvent({status: `Digest: ${digest}`})).to.deep.equal({digest, type: 'digest'})
    expect(toPullEvent({id: '25.1.3', status: 'Pulling from prizz/x'})).to.deep.equal({
      message: '25.1.3: Pulling from prizz/x',
      type: 'status',
    })
    expect(toPullEvent({status: 'Status: Image is up to date for x'})).to.deep.equal({
      message: 'Status: Image is up to date for x',
      type: 'status',
    })
  })

  it('decodes JSON lines whatever the chunking, including a last line without newline', async () => {
    const lines = [
      '{"status":"Pulling fs layer","id":"a"}',
      '{"status":"Downloading","id":"a","progressDetail":{"current":5,"total":9}}',
      '{"error":"gone"}',
    ]
    const text = lines.join('\r\n')
    const chunks = [text.slice(0, 7), text.slice(7, 50), text.slice(50, 51), text.slice(51)]
    const events = await collect(chunks)
    expect(events.map((event) => event.type)).to.deep.equal(['layer', 'layer', 'error'])
  })

  it('reports an unreadable line as an error event', async () => {
    const [event] = await collect(['{"status":\n'])
    expect(event).to.deep.include({type: 'error'})
  })
})

describe('LayerBoard', () => {
  it('tracks bytes within a phase and reports phase changes', () => {
    const board = new LayerBoard()
    expect(board.apply({id: 'a', phase: 'queued', type: 'layer'}).phaseChanged).to.equal(true)
    expect(board.apply({current: 10, id: 'a', phase: 'downloading', total: 100, type: 'layer'})).to.deep.equal({
      layer: {current: 10, id: 'a', phase: 'downloading', size: 100, total: 100},
      phaseChanged: true,
    })
    expect(board.apply({current: 60, id: 'a', phase: 'downloading', total: 100, type: 'layer'}).phaseChanged).to.equal(
      false,
    )
    const done = board.apply({id: 'a', phase: 'downloaded', type: 'layer'})
    expect(done).to.deep.equal({layer: {current: 0, id: 'a', phase: 'downloaded', size: 100}, phaseChanged: true})
  })

  it('keeps a total seen earlier in the phase when later events omit it', () => {
    const board = new LayerBoard()
    board.apply({current: 1, id: 'b', phase: 'extracting', total: 50, type: 'layer'})
    expect(board.apply({current: 20, id: 'b', phase: 'extracting', type: 'layer'}).layer).to.deep.equal({
      current: 20,
      id: 'b',
      phase: 'extracting',
      total: 50,
    })
  })

  it('copes with a layer that never says its size', () => {
    const board = new LayerBoard()
    const {layer} = board.apply({current: 2048, id: 'c', phase: 'downloading', type: 'layer'})
    expect(layer).to.deep.equal({current: 2048, id: 'c', phase: 'downloading'})
    expect(board.apply({id: 'c', phase: 'downloading', type: 'layer'}).layer.current).to.equal(2048)
  })
})
