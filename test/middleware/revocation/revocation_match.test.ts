/**
 * The matching of revocation events against cached token bodies: every kind of event Baton records
 * (token, audit chain, user, project) and delegations (root_audit_id), and the direction of doubt:
 * what the body cannot tell matches, nothing Keystone would revoke is let through.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  eventFactsOf,
  eventRevokes,
  type RevocationEventFacts,
  tokenFactsOf,
} from '../../../packages/middleware/src/revocation/revocation_match.ts'

const body = {
  token: {
    audit_ids: ['AUDIT-self', 'AUDIT-chain'],
    issued_at: '2030-01-01T00:00:10.123456Z',
    expires_at: '2030-01-01T01:00:10.000000Z',
    user: { id: 'u1', domain: { id: 'd-user' } },
    project: { id: 'p1', domain: { id: 'd-proj' } },
    roles: [{ id: 'r-member', name: 'member' }],
  },
}
const facts = tokenFactsOf(body)

function event(fields: Record<string, string>): RevocationEventFacts {
  const parsed = eventFactsOf({ issued_before: '2030-01-01T00:00:30.000000Z', ...fields })
  assert.ok(parsed)
  return parsed
}

describe('eventRevokes', () => {
  it('a token revocation (audit_id) matches either audit id, not another token', () => {
    assert.ok(eventRevokes(event({ audit_id: 'AUDIT-self' }), facts))
    assert.ok(eventRevokes(event({ audit_id: 'AUDIT-chain' }), facts))
    assert.ok(!eventRevokes(event({ audit_id: 'AUDIT-other' }), facts))
  })

  it('an audit chain revocation matches the chain and rescoped tokens of it', () => {
    assert.ok(eventRevokes(event({ audit_chain_id: 'AUDIT-chain' }), facts))
    assert.ok(!eventRevokes(event({ audit_chain_id: 'AUDIT-nope' }), facts))
  })

  it("a delegation matches by its root_audit_id (its root user token's revocation)", () => {
    const delegation = tokenFactsOf({
      token: {
        ...body.token,
        audit_ids: ['AUDIT-deleg'],
        'OS-BATON:delegation': { id: 'dl1', root_audit_id: 'AUDIT-root' },
      },
    })
    assert.ok(eventRevokes(event({ audit_id: 'AUDIT-root' }), delegation))
    assert.ok(eventRevokes(event({ audit_chain_id: 'AUDIT-root' }), delegation))
    assert.ok(eventRevokes(event({ audit_id: 'AUDIT-deleg' }), delegation))
    assert.ok(!eventRevokes(event({ audit_id: 'AUDIT-self' }), delegation))
  })

  it('a user event revokes tokens issued up to issued_before (same second included), not later', () => {
    assert.ok(eventRevokes(event({ user_id: 'u1' }), facts))
    assert.ok(!eventRevokes(event({ user_id: 'u2' }), facts))
    const sameSecond = event({ user_id: 'u1', issued_before: '2030-01-01T00:00:10.000000Z' })
    assert.ok(eventRevokes(sameSecond, facts), 'issued_before is whole seconds: doubt revokes')
    const before = event({ user_id: 'u1', issued_before: '2030-01-01T00:00:09.000000Z' })
    assert.ok(!eventRevokes(before, facts), 'a token issued after the event is not revoked')
  })

  it('a trust token is revoked by events on its trustor or trustee and on the trust', () => {
    const trust = tokenFactsOf({
      token: {
        ...body.token,
        user: { id: 'trustee', domain: { id: 'd' } },
        'OS-TRUST:trust': {
          id: 't1',
          trustor_user: { id: 'trustor' },
          trustee_user: { id: 'trustee' },
        },
      },
    })
    assert.ok(eventRevokes(event({ user_id: 'trustor' }), trust))
    assert.ok(eventRevokes(event({ user_id: 'trustee' }), trust))
    assert.ok(eventRevokes(event({ 'OS-TRUST:trust_id': 't1' }), trust))
    assert.ok(!eventRevokes(event({ 'OS-TRUST:trust_id': 't2' }), trust))
  })

  it('project, domain and role events; every field of an event must match', () => {
    assert.ok(eventRevokes(event({ project_id: 'p1' }), facts))
    assert.ok(!eventRevokes(event({ project_id: 'p2' }), facts))
    assert.ok(eventRevokes(event({ domain_id: 'd-user' }), facts))
    assert.ok(eventRevokes(event({ domain_id: 'd-proj' }), facts))
    assert.ok(!eventRevokes(event({ domain_id: 'd-x' }), facts))
    assert.ok(eventRevokes(event({ role_id: 'r-member' }), facts))
    assert.ok(eventRevokes(event({ user_id: 'u1', project_id: 'p1' }), facts))
    assert.ok(!eventRevokes(event({ user_id: 'u1', project_id: 'p2' }), facts))
  })

  it('OAuth1 events match only tokens whose OS-OAUTH1 names that consumer or access token', () => {
    assert.ok(!eventRevokes(event({ 'OS-OAUTH1:consumer_id': 'c1' }), facts))
    const oauth = tokenFactsOf({
      token: { ...body.token, 'OS-OAUTH1': { consumer_id: 'c1', access_token_id: 'at1' } },
    })
    assert.ok(eventRevokes(event({ 'OS-OAUTH1:consumer_id': 'c1' }), oauth))
    assert.ok(eventRevokes(event({ 'OS-OAUTH1:access_token_id': 'at1' }), oauth))
    assert.ok(!eventRevokes(event({ 'OS-OAUTH1:consumer_id': 'c2' }), oauth))
  })

  it('what the body cannot tell counts as a match (an unreadable issued_before, no issued_at)', () => {
    assert.ok(eventRevokes(event({ user_id: 'u1', issued_before: 'not a time' }), facts))
    const noIssuedAt = tokenFactsOf({ token: { ...body.token, issued_at: undefined } })
    const early = event({ user_id: 'u1', issued_before: '2000-01-01T00:00:00.000000Z' })
    assert.ok(eventRevokes(early, noIssuedAt))
  })

  it('eventFactsOf refuses what is not an object', () => {
    assert.equal(eventFactsOf('x'), undefined)
    assert.equal(eventFactsOf([]), undefined)
    assert.equal(eventFactsOf(null), undefined)
  })
})
