/**
 * /v3/OS-OAUTH1/consumers (keystone/api/os_oauth1.py ConsumerResource): the consumers that may
 * ask users for delegated OAuth1 access. The server picks the id and the secret (a uuid4 hex
 * each, whatever the body says); the secret is shown once, in the create response, and never
 * again. PATCH changes the description and extra attributes, never the secret or the id.
 * Deleting a consumer records Keystone's `consumer_id` revocation event in the same transaction.
 * @module
 */
import { pyRepr } from '@baton/config'
import type { FastifyRequest } from 'fastify'
import {
  checkLength,
  extrasOf,
  newId,
  normalizeDict,
  type Rendered,
} from '../../core/resources/entities.ts'
import { type Schema, validate } from '../../core/resources/schema_validator.ts'
import { ValidationError } from '../../errors.ts'
import type { Consumer } from '../../store/index.ts'
import type { ApiContext } from '../context.ts'
import { created, noContent, ok, type Router } from '../router.ts'
import { authorize, bodyMember, param, wrapCollection, wrapMember } from './route_kit.ts'

const COLLECTION = 'OS-OAUTH1/consumers'
const ATTRIBUTES = ['id', 'description', 'secret']
/** keystone/oauth1/schema.py: `description` is a nullable string; anything else is an extra. */
const DESCRIPTION: Schema = { type: ['string', 'null'] }
const consumerCreate: Schema = {
  type: 'object',
  properties: { description: DESCRIPTION },
  additionalProperties: true,
}
const consumerUpdate: Schema = {
  type: 'object',
  properties: { description: DESCRIPTION },
  minProperties: 1,
  additionalProperties: true,
}

/** The model's `to_dict`: extras, then every attribute (`description` may be null). */
function renderConsumer(c: Consumer, withSecret: boolean): Rendered {
  const out: Rendered = { ...c.extra, id: c.id, description: c.description }
  if (withSecret) out.secret = c.secret
  return out
}

function descriptionOf(body: Record<string, unknown>): string | null {
  const value = body.description
  checkLength(value, 'description', 64)
  return typeof value === 'string' ? value : null
}

/**
 * consumer_update's `'not': {'required': ['secret']}`, checked where jsonschema checks it
 * (after `properties`, before `minProperties`), with jsonschema 4's message.
 */
function refuseSecret(body: Record<string, unknown>): void {
  if (!Object.hasOwn(body, 'secret')) return
  throw new ValidationError(`${pyRepr(body)} should not be valid under {'required': ['secret']}`)
}

export function registerConsumerRoutes(router: Router, ctx: ApiContext): void {
  const member = (req: FastifyRequest, c: Consumer, withSecret = false) =>
    wrapMember(ctx, req, 'consumer', COLLECTION, renderConsumer(c, withSecret))

  router.route('GET', '/v3/OS-OAUTH1/consumers', async (req) => {
    await authorize(ctx, req, 'identity:list_consumers')
    const refs = (await ctx.store.consumers.list()).map((c) => renderConsumer(c, false))
    return ok(wrapCollection(ctx, req, 'consumers', COLLECTION, refs))
  })
  router.route('POST', '/v3/OS-OAUTH1/consumers', async (req) => {
    await authorize(ctx, req, 'identity:create_consumer')
    const raw = bodyMember(req, 'consumer', {})
    validate({ type: 'object' }, raw)
    const body = normalizeDict(raw as Record<string, unknown>)
    validate(consumerCreate, body)
    const description = descriptionOf(body)
    const consumer = await ctx.store.transaction((s) =>
      s.consumers.create({
        id: newId(),
        description,
        secret: newId(),
        extra: extrasOf(body, ATTRIBUTES),
      }),
    )
    return created(member(req, consumer, true))
  })
  const path = '/v3/OS-OAUTH1/consumers/:consumer_id'
  router.route('GET', path, async (req) => {
    await authorize(ctx, req, 'identity:get_consumer')
    return ok(member(req, await ctx.store.consumers.get(param(req, 'consumer_id'))))
  })
  router.route('PATCH', path, async (req) => {
    await authorize(ctx, req, 'identity:update_consumer')
    const raw = bodyMember(req, 'consumer', {})
    validate({ type: 'object', properties: { description: DESCRIPTION } }, raw)
    refuseSecret(raw as Record<string, unknown>)
    validate(consumerUpdate, raw)
    const patch = normalizeDict(raw as Record<string, unknown>)
    const id = param(req, 'consumer_id')
    if (patch.id !== undefined && patch.id !== null && patch.id !== id) {
      throw new ValidationError('Cannot change ID')
    }
    const consumer = await ctx.store.transaction(async (s) => {
      const merged = { ...renderConsumer(await s.consumers.get(id), false), ...patch }
      return s.consumers.update(id, {
        description: descriptionOf(merged),
        extra: extrasOf(merged, ATTRIBUTES),
      })
    })
    return ok(member(req, consumer))
  })
  router.route('DELETE', path, async (req) => {
    await authorize(ctx, req, 'identity:delete_consumer')
    const id = param(req, 'consumer_id')
    await ctx.store.transaction(async (s) => {
      await s.consumers.delete(id)
      await s.revocation.record({ consumerId: id })
    })
    return noContent()
  })
}
