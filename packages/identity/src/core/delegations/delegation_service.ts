/**
 * Job-bound delegation (issue 15, docs/delegation.md): exchanging a user's token, vouched for by a
 * service's token, for a delegation token bound to one operation, a set of service types (the
 * audience), a subset of the user's roles on the project and a deadline; and exchanging such a
 * token again, at the next hop, for a narrower one. The rules, in the order they are checked
 * (each refusal writes nothing):
 *   1. the subject (X-Auth-Token) validates now, without any allow_expired window (else 401), and
 *      is a project-scoped user token or a delegation token (else 403);
 *   2. the actor (X-Service-Token) validates now (else 401), is not itself delegated (a trust or
 *      delegation token) nor the subject's user, and holds one of `[delegation] actor_roles`;
 *   3. the request (400 when malformed); then, from a user token: an operation is required, the
 *      roles must be the user's, the deadline is now + min(expires_in, max_lifetime); from a
 *      delegation: the operation unchanged, the audience and roles subsets of the parent's, the
 *      deadline now + expires_in capped at the parent's deadline and at max_lifetime (issue 15:
 *      a hop asks for its own lifetime and gets no more than is left), the actor chain under
 *      `max_actors`;
 *   4. the record is written, then its token issued (the record removed if issuing fails).
 * @module
 */
import type { Clock } from '@baton/config'
import {
  audienceWidened,
  DelegationRefused,
  KeystoneError,
  noTimeLeft,
  roleEscalation,
  Unauthorized,
  ValidationError,
} from '../../errors.ts'
import type { Delegation, NewDelegation, Store } from '../../store/index.ts'
import { newId } from '../resources/entities.ts'
import { randomAuditId } from '../tokens/audit_id.ts'
import type { IssuedToken, TokenModel, TokenService } from '../tokens/index.ts'
import { servedTypes } from './audience.ts'
import { type DelegationRequest, parseDelegationRequest } from './delegation_request.ts'
import type { DelegationSettings } from './delegation_settings.ts'

export interface DelegateInput {
  readonly subjectToken: string | undefined
  readonly actorToken: string | undefined
  /** The `delegation` member of the body (parsed after the tokens: 401 before 400). */
  readonly body: unknown
}

export interface DelegationService {
  readonly settings: DelegationSettings
  /** Issues a delegation token (from a user token) or a narrowed one (from a delegation token). */
  delegate(input: DelegateInput): Promise<IssuedToken>
  /**
   * Revokes the delegation and those narrowed from it, recording an audit-id revocation event per
   * delegation token ended; returns the delegations this call ended.
   */
  revoke(id: string): Promise<Delegation[]>
}

export interface DelegationServiceOptions {
  readonly store: Store
  readonly tokens: TokenService
  readonly clock: Clock
  readonly settings: DelegationSettings
}

/** Validates a token as a request credential: every validation failure is the 401. */
async function authenticateToken(
  tokens: TokenService,
  token: string | undefined,
  which: string,
): Promise<TokenModel> {
  if (token === undefined || token === '') {
    throw new Unauthorized(undefined, { cause: new Error(`no ${which}`) })
  }
  try {
    return await tokens.validate(token)
  } catch (error) {
    if (error instanceof KeystoneError && error.status < 500) {
      throw new Unauthorized(undefined, { cause: error })
    }
    throw error
  }
}

function missing(wanted: readonly string[], have: ReadonlySet<string>): string[] {
  return wanted.filter((w) => !have.has(w))
}

export function createDelegationService(options: DelegationServiceOptions): DelegationService {
  const { store, tokens, clock, settings } = options

  function checkActor(actor: TokenModel, subject: TokenModel): void {
    if (actor.scope.kind === 'delegation' || actor.scope.kind === 'trust') {
      throw new DelegationRefused('a delegated token cannot act as a service.')
    }
    if (actor.user.id === subject.user.id) {
      throw new DelegationRefused("the user's own token cannot act as the service.")
    }
    if (!actor.roles.some((r) => settings.actorRoles.has(r.name.toLowerCase()))) {
      throw new DelegationRefused('the service token holds none of the actor roles.')
    }
  }

  /** The subject must be a user's project token (no access-rule credential) or a delegation. */
  function checkSubject(subject: TokenModel): void {
    if (subject.scope.kind === 'delegation') return
    if (subject.scope.kind !== 'project') {
      throw new DelegationRefused('only project-scoped tokens and delegations can be delegated.')
    }
    if ((subject.applicationCredential?.accessRules.length ?? 0) > 0) {
      throw new DelegationRefused(
        'a token from an application credential with access rules cannot be delegated.',
      )
    }
  }

  async function delegate(input: DelegateInput): Promise<IssuedToken> {
    if (!settings.enabled) throw new DelegationRefused('delegation is disabled.')
    const subject = await authenticateToken(tokens, input.subjectToken, 'X-Auth-Token')
    checkSubject(subject)
    const actor = await authenticateToken(tokens, input.actorToken, 'X-Service-Token')
    checkActor(actor, subject)

    const now = clock.now()
    const nowWhole = Math.floor(now / 1000) * 1000
    const request: DelegationRequest = parseDelegationRequest(input.body, settings.maxAudience)
    const parent = subject.delegation?.delegation ?? null
    const heldRoles = new Map(subject.roles.map((r) => [r.name.toLowerCase(), r.id]))

    // roles: a subset of what the subject holds (a delegation's roles are the delegated ones)
    const wantedRoles = request.roles?.map((r) => r.toLowerCase())
    if (wantedRoles !== undefined) {
      const lacking = missing(wantedRoles, new Set(heldRoles.keys()))
      if (lacking.length > 0) throw roleEscalation(lacking)
      if (wantedRoles.length === 0) throw new ValidationError('roles may not be empty.')
    }
    const roleIds = (wantedRoles ?? [...heldRoles.keys()]).map((n) => heldRoles.get(n) as string)

    let operation: string
    let audience: readonly string[]
    let expiresAt: number
    const cap = nowWhole + settings.maxLifetimeSeconds * 1000
    if (parent === null) {
      if (request.operation === undefined) {
        throw new ValidationError("Invalid input for field 'operation': it is required.")
      }
      if (request.audience === undefined) {
        throw new ValidationError("Invalid input for field 'audience': it is required.")
      }
      operation = request.operation
      audience = request.audience
      const wanted = nowWhole + (request.expiresIn ?? settings.maxLifetimeSeconds) * 1000
      expiresAt = Math.min(wanted, cap)
    } else {
      if (request.operation !== undefined && request.operation !== parent.operation) {
        throw new DelegationRefused('a narrowed delegation keeps its operation.')
      }
      operation = parent.operation
      audience = request.audience ?? parent.audience
      const widened = missing(audience, new Set(parent.audience))
      if (widened.length > 0) throw audienceWidened(widened)
      // capped, not refused: a narrowing never outlives its parent, whatever it asked for
      const parentDeadline = Math.floor(parent.expiresAt / 1000)
      const wanted =
        request.expiresIn === undefined ? parentDeadline : nowWhole + request.expiresIn * 1000
      expiresAt = Math.min(wanted, parentDeadline, cap)
      if (parent.actors.length + 1 > settings.maxActors) {
        throw new DelegationRefused(`an actor chain is at most ${settings.maxActors} long.`)
      }
      // a hop narrows only what it was sent: when identity knows its types, one is in the audience
      const types = await servedTypes(store, settings, actor.user.id)
      if (types !== undefined && !types.some((t) => parent.audience.includes(t))) {
        throw new DelegationRefused(
          'the service is not in the delegation audience.',
          'invalid_target',
        )
      }
    }
    if (!(expiresAt > nowWhole)) throw noTimeLeft()

    const id = newId()
    const auditId = randomAuditId()
    const micros = (ms: number) => Math.floor(ms) * 1000
    const actorEntry = {
      userId: actor.user.id,
      userName: actor.user.name,
      projectId: actor.scope.kind === 'project' ? actor.scope.projectId : null,
      issuedAt: micros(nowWhole),
    }
    const record: NewDelegation = {
      id,
      userId: subject.user.id,
      projectId: subject.scope.kind === 'delegation' ? subject.scope.projectId : projectOf(subject),
      parentId: parent?.id ?? null,
      auditId,
      rootAuditId: parent?.rootAuditId ?? subject.auditId,
      rootAuditChainId: parent?.rootAuditChainId ?? subject.parentAuditId ?? subject.auditId,
      rootIssuedAt: parent?.rootIssuedAt ?? micros(subject.issuedAt),
      rootExpiresAt: parent?.rootExpiresAt ?? micros(subject.expiresAt),
      methods: parent?.methods ?? subject.methods,
      operation,
      audience: [...audience],
      roleIds,
      actors: [...(parent?.actors ?? []), actorEntry],
      createdAt: micros(now),
      expiresAt: micros(expiresAt),
    }
    await store.delegations.create(record)
    try {
      return await tokens.issue({
        userId: record.userId,
        methods: record.methods,
        scope: { kind: 'delegation', delegationId: id, projectId: record.projectId },
        expiresAt,
        parentAuditId: record.rootAuditChainId,
        auditId,
      })
    } catch (error) {
      await store.delegations.remove(id)
      throw error
    }
  }

  async function revoke(id: string): Promise<Delegation[]> {
    const revokedAt = Math.floor(clock.now()) * 1000
    return store.transaction(async (tx) => {
      const ended = await tx.delegations.revoke(id)
      for (const d of ended) await tx.revocation.record({ auditId: d.auditId, revokedAt })
      return ended
    })
  }

  return { settings, delegate, revoke }
}

function projectOf(model: TokenModel): string {
  if (model.scope.kind === 'project') return model.scope.projectId
  throw new DelegationRefused('only project-scoped tokens and delegations can be delegated.')
}
