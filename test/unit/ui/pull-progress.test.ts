import {expect} from 'chai'
import {PassThrough} from 'node:stream'

import type {PullEvent} from '../../../src/lib/image/pull-events.js'

import {progressMode} from '../../../src/lib/ui/progress.js'
import {createPullProgress, layerChangeLine, layerLine} from '../../../src/lib/ui/pull-progress.js'

const layer = (
  id: string,
  phase: Extract<PullEvent, {type: 'layer'}>['phase'],
  current?: number,
  total?: number,
): PullEvent => ({
  id,
  phase,
  type: 'layer',
  ...(current === undefined ? {} : {current}),
  ...(total === undefined ? {} : {total}),
})

describe('pull progress', () => {
  it('chooses bars on a terminal, plain lines elsewhere, nothing for --json/--quiet', () => {
    expect(progressMode({chatty: true, isTTY: true})).to.equal('tty')
    expect(progressMode({chatty: true, isTTY: false})).to.equal('plain')
    expect(progressMode({chatty: false, isTTY: true})).to.equal('silent')
  })

  it('draws a bar with bytes and total when the total is known', () => {
    expect(
      layerLine({current: 5_000_000, id: 'abc', phase: 'downloading', size: 10_000_000, total: 10_000_000}),
    ).to.equal(`abc  Downloading    [${'='.repeat(12)}${' '.repeat(12)}] 5.0 MB / 10.0 MB`)
  })

  it('shows bytes alone when no total came, and the size once a phase is over', () => {
    expect(layerLine({current: 2048, id: 'abc', phase: 'downloading'})).to.equal('abc  Downloading    2.0 kB')
    expect(layerLine({current: 0, id: 'abc', phase: 'waiting'})).to.equal('abc  Waiting')
    expect(layerLine({current: 0, id: 'abc', phase: 'complete', size: 3_000_000})).to.equal(
      'abc  Pull complete  3.0 MB',
    )
  })

  it('writes one plain line per layer state change, not per byte', async () => {
    const out = new PassThrough()
    let text = ''
    out.on('data', (chunk: Buffer) => (text += chunk.toString()))
    const progress = await createPullProgress('plain', out as unknown as NodeJS.WriteStream)
    for (const event of [
      layer('a', 'queued'),
      layer('a', 'downloading', 1, 9_000_000),
      layer('a', 'downloading', 5, 9_000_000),
      layer('a', 'downloading', 9, 9_000_000),
      layer('b', 'downloading', 100),
      layer('b', 'downloading', 200),
      layer('a', 'complete'),
      {message: 'Status: Downloaded newer image', type: 'status'} satisfies PullEvent,
    ]) {
      progress.event(event)
    }

    progress.log('a note')
    progress.stop()
    expect(text).to.equal(
      ['a: Queued', 'a: Downloading (9.0 MB)', 'b: Downloading', 'a: Pull complete (9.0 MB)', 'a note', ''].join('\n'),
    )
  })

  it('prints nothing when silent', async () => {
    const out = new PassThrough()
    const written: string[] = []
    out.on('data', (chunk: Buffer) => written.push(chunk.toString()))
    const progress = await createPullProgress('silent', out as unknown as NodeJS.WriteStream)
    progress.event(layer('a', 'queued'))
    progress.event(layer('a', 'downloading', 5, 9_000_000))
    progress.event(layer('a', 'complete'))
    progress.log('x')
    progress.stop()
    expect(written).to.deep.equal([])
  })

  it('describes a phase change with the known size', () => {
    expect(layerChangeLine({current: 0, id: 'z', phase: 'exists'})).to.equal('z: Already exists')
  })
})
