import {expect} from 'chai'

import type {UpdateCheckReport} from '../../../src/lib/image/check.js'
import {
  automaticCheckLine,
  clearedSummary,
  describeCheck,
  describeDrift,
  describeImageState,
  NO_RECORD,
  pullingLine,
} from '../../../src/lib/ui/image-messages.js'

const now = new Date('2026-01-25T14:00:00Z')

describe('image messages', () => {
  it('describes a pulled record in one line', () => {
    const state = {
      acquired_at: '2026-01-25T12:00:00.000Z',
      digest: `sha256:abc123${'0'.repeat(58)}`,
      registry: 'ghcr.io',
      source: 'prebuilt',
      version: '25.1.3',
    } as const
    expect(describeImageState(state, now)).to.equal(
      'v25.1.3 — prebuilt from ghcr.io, acquired 2 hours ago (sha256:abc123000000…)',
    )
  })

  it("describes the original tool's record and a build", () => {
    expect(
      describeImageState(
        {acquired_at: '2026-01-24T14:00:00Z', registry: 'docker.io', source: 'prebuilt', version: '25.0.0'},
        now,
      ),
    ).to.equal('v25.0.0 — prebuilt from docker.io, acquired yesterday')
    expect(describeImageState({acquired_at: 'sometime', source: 'build', version: 'dev'}, now)).to.equal(
      'dev — built from source, acquired sometime',
    )
  })

  it('words each engine status', () => {
    expect(describeDrift({endpoint: 'unix:///s', status: 'ok'})).to.match(/^Engine unix:\/\/\/s: ok/)
    expect(describeDrift({endpoint: 'unix:///s', status: 'missing'})).to.match(
      /^Warning: .*no longer on the engine.*occ image pull/,
    )
    expect(describeDrift({current_image_id: 'sha256:ffffffffffffffff', endpoint: 'e', status: 'moved'})).to.include(
      'another image (sha256:ffffffffffff…)',
    )
    expect(
      describeDrift({
        endpoint: 'e',
        message: 'Cannot reach the Docker engine at e: no such socket.',
        status: 'unreachable',
      }),
    ).to.match(/^Warning: could not check the engine \(Cannot reach/)
    expect(NO_RECORD).to.include('occ image pull')
  })

  it('says what it pulls and from where', () => {
    expect(pullingLine('25.1.3', '127.0.0.1:5001/prizz/opencode-cloud-sandbox:25.1.3')).to.equal(
      'Pulling sandbox image 25.1.3 from 127.0.0.1:5001/prizz/opencode-cloud-sandbox',
    )
  })

  it('summarises a clear', () => {
    expect(clearedSummary({record: null})).to.equal('No image record to remove.')
    expect(
      clearedSummary({
        images: {deleted: ['sha256:0123456789abcdef'], untagged: ['opencode-cloud-sandbox:current']},
        record: null,
      }),
    ).to.equal(
      [
        'No image record to remove.',
        'Untagged: opencode-cloud-sandbox:current.',
        'Deleted images: sha256:0123456789ab….',
      ].join('\n'),
    )
  })
})

describe('update check messages', () => {
  const remote = (version: string | undefined, tag = '25.1.3') => ({
    digest: `sha256:def456${'0'.repeat(58)}`,
    reference: `ghcr.io/prizz/x:${tag}`,
    repository: 'ghcr.io/prizz/x',
    ...(version === undefined ? {} : {version}),
  })
  const report = (mine: string | undefined, theirs: string | undefined, tag = '25.1.3'): UpdateCheckReport => ({
    checked_at: '2026-01-25T14:00:00.000Z',
    local: {digests: [], source: 'prebuilt', ...(mine === undefined ? {} : {version: mine})},
    remote: remote(theirs, tag),
    result: 'update-available',
    tag,
  })

  it('says newer only for a newer version, and names the command for the tag checked', () => {
    expect(describeCheck(report('25.1.3', '25.1.4'))).to.equal(
      'Update available: ghcr.io/prizz/x:25.1.3 now serves v25.1.4 (you have v25.1.3). ' +
        'Run "occ image update" to get it.',
    )
    expect(describeCheck(report('25.1.3', '25.0.0', '25.0.0'))).to.equal(
      'ghcr.io/prizz/x:25.0.0 serves v25.0.0, older than yours (v25.1.3). ' +
        'Run "occ image pull --tag 25.0.0" to switch to it.',
    )
    expect(describeCheck(report('25.1.3', '25.1.3'))).to.equal(
      'Changed: ghcr.io/prizz/x:25.1.3 now serves another image of v25.1.3 than yours (sha256:def456000000…). ' +
        'Run "occ image update" to get it.',
    )
    expect(describeCheck(report(undefined, '25.2.0', 'latest'))).to.equal(
      'Changed: ghcr.io/prizz/x:latest now serves another image (v25.2.0). ' +
        'Run "occ image pull --tag latest" to get it.',
    )
  })

  it('keeps "newer" out of the automatic line unless the version is newer', () => {
    expect(automaticCheckLine(report('25.1.3', '25.1.4'))).to.equal(
      'A newer sandbox image is available (v25.1.4 from ghcr.io/prizz/x): run "occ image update".',
    )
    expect(automaticCheckLine(report('25.1.3', '25.1.3'))).to.equal(
      'The sandbox image v25.1.3 was published again (sha256:def456000000… from ghcr.io/prizz/x): ' +
        'run "occ image update" to get it.',
    )
    expect(automaticCheckLine(report('25.1.3', undefined))).to.equal(
      'Another sandbox image is available (sha256:def456000000… from ghcr.io/prizz/x): ' +
        'run "occ image update" to get it.',
    )
  })
})
