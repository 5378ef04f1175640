import {expect} from 'chai'

import {clearedSummary, describeEngineCheck, describeImageState, NO_RECORD, pullingLine} from '../../../src/lib/ui/image-messages.js'

const now = new Date('2026-01-25T14:00:00Z')

describe('image messages', () => {
  it('describes a pulled record in one line', () => {
    const state = {acquired_at: '2026-01-25T12:00:00.000Z', digest: `sha256:abc123${'0'.repeat(58)}`, registry: 'ghcr.io', source: 'prebuilt', version: '1.4.0'} as const
    expect(describeImageState(state, now)).to.equal('v1.4.0 — prebuilt from ghcr.io, acquired 2 hours ago (sha256:abc123000000…)')
  })

  it("describes the original tool's record and a build", () => {
    expect(describeImageState({acquired_at: '2026-01-24T14:00:00Z', registry: 'docker.io', source: 'prebuilt', version: '1.3.0'}, now)).to.equal(
      'v1.3.0 — prebuilt from docker.io, acquired yesterday',
    )
    expect(describeImageState({acquired_at: 'sometime', source: 'build', version: 'dev'}, now)).to.equal('dev — built from source, acquired sometime')
  })

  it('words each engine status', () => {
    expect(describeEngineCheck({endpoint: 'unix:///s', status: 'ok'})).to.match(/^Engine unix:\/\/\/s: ok/)
    expect(describeEngineCheck({endpoint: 'unix:///s', status: 'missing'})).to.match(/^Warning: .*no longer on the engine.*occ image:pull/)
    expect(describeEngineCheck({current_image_id: 'sha256:ffffffffffffffff', endpoint: 'e', status: 'moved'})).to.include('another image (sha256:ffffffffffff…)')
    expect(describeEngineCheck({endpoint: 'e', message: 'Cannot reach the Docker engine at e: no such socket.', status: 'unreachable'})).to.match(/^Warning: could not check the engine \(Cannot reach/)
    expect(NO_RECORD).to.include('occ image:pull')
  })

  it('says what it pulls and from where', () => {
    expect(pullingLine('1.4.0', '127.0.0.1:5001/prizz/opencode-cloud-sandbox:1.4.0')).to.equal('Pulling sandbox image 1.4.0 from 127.0.0.1:5001/prizz/opencode-cloud-sandbox')
  })

  it('summarises a clear', () => {
    expect(clearedSummary({record: null})).to.equal('No image record to remove.')
    expect(clearedSummary({images: {deleted: ['sha256:0123456789abcdef'], untagged: ['opencode-cloud-sandbox:current']}, record: null})).to.equal(
      ['No image record to remove.', 'Untagged: opencode-cloud-sandbox:current.', 'Deleted images: sha256:0123456789ab….'].join('\n'),
    )
  })
})
