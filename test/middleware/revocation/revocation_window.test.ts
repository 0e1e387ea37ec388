/**
 * The window of heard revocation events: a validation is checked against all events on its first
 * use, then only against events heard since; fresh answers count as checked up to the events heard
 * before the request; events older than the retention are dropped, and a validation last checked
 * before them is sent back to identity.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  eventFactsOf,
  type RevocationEventFacts,
  tokenFactsOf,
} from '../../../packages/middleware/src/revocation/revocation_match.ts'
import { RevocationWindow } from '../../../packages/middleware/src/revocation/revocation_window.ts'

function tokenBody(audit: string) {
  return {
    token: {
      audit_ids: [audit],
      issued_at: '2030-01-01T00:00:00.000000Z',
      user: { id: 'u1', domain: { id: 'd' } },
    },
  }
}
type Validation = { body: ReturnType<typeof tokenBody> }
const facts = (v: object) => tokenFactsOf((v as Validation).body)
function revoked(audit: string): RevocationEventFacts {
  const e = eventFactsOf({ audit_id: audit, issued_before: '2030-01-01T00:01:00.000000Z' })
  assert.ok(e)
  return e
}

describe('RevocationWindow', () => {
  it('checks a validation on first use, then only against events heard after its check', () => {
    let now = 0
    const window = new RevocationWindow({ clock: { now: () => now }, retentionMs: 10_000 })
    const a: Validation = { body: tokenBody('A') }
    const b: Validation = { body: tokenBody('B') }
    window.add([revoked('A')])
    assert.equal(window.revokes(a, facts), true, 'heard before its first use')
    assert.equal(window.revokes(b, facts), false)
    window.add([revoked('A')])
    assert.equal(window.size, 1, 'the same event heard twice is kept once')
    now += 1000
    window.add([revoked('B')])
    assert.equal(window.revokes(b, facts), true, 'heard after its last check')
  })

  it('a fresh answer is checked from the head taken before the request', () => {
    const window = new RevocationWindow({ clock: { now: () => 0 }, retentionMs: 10_000 })
    const before = window.head
    window.add([revoked('C')]) // heard while the request was in flight
    const fresh: Validation = { body: tokenBody('C') }
    window.markChecked(fresh, before)
    assert.equal(window.revokes(fresh, facts), true)
    const later: Validation = { body: tokenBody('C') }
    window.markChecked(later, window.head)
    assert.equal(window.revokes(later, facts), false, 'identity answered after the event')
  })

  it('events leave after the retention; a validation not checked against them revalidates', () => {
    let now = 0
    const window = new RevocationWindow({ clock: { now: () => now }, retentionMs: 5000 })
    const v: Validation = { body: tokenBody('D') }
    window.markChecked(v, window.head)
    window.add([revoked('X')])
    now = 6000
    window.add([revoked('Y')]) // prunes X
    assert.equal(window.size, 1)
    assert.equal(window.revokes(v, facts), true, 'X was never checked against it: ask identity')
    const fresh: Validation = { body: tokenBody('D') }
    assert.equal(window.revokes(fresh, facts), false)
  })
})
