/**
 * /v3/domains/{domain_id}/config[/{group}[/{option}]] and
 * /v3/domains/config/{group}[/{option}]/default (keystone/api/domains.py DomainConfig*): policy
 * first; GET reads the configuration before it reports an unknown domain (Keystone's order, so
 * domain existence does not leak past policy); PUT answers 201 for a first configuration and 200
 * when it replaces one; bodies are `request_body_json.get('config', {})`. Keystone's
 * `security_compliance` group (readable password_regex) is not served: Baton has no such options.
 * @module
 */
import type { FastifyRequest } from 'fastify'
import {
  createDomainConfig,
  defaultDomainConfig,
  deleteDomainConfig,
  getDomainConfig,
  hasDomainConfig,
  updateDomainConfig,
} from '../../core/resources/domain_config.ts'
import type { ApiContext } from '../context.ts'
import { created, noContent, ok, type Router } from '../router.ts'
import { authorize, bodyMember, param, pathParams } from './route_kit.ts'

const CONFIG = '/v3/domains/:domain_id/config'

export function registerDomainConfigRoutes(router: Router, ctx: ApiContext): void {
  const { store } = ctx
  const where = (req: FastifyRequest) => {
    const params = pathParams(req)
    return {
      domainId: param(req, 'domain_id'),
      group: params.group === undefined ? undefined : param(req, 'group'),
      option: params.option === undefined ? undefined : param(req, 'option'),
    }
  }
  const domain = (domainId: string) => store.resource.getDomain(domainId)

  for (const path of [CONFIG, `${CONFIG}/:group`, `${CONFIG}/:group/:option`]) {
    router.route('GET', path, async (req) => {
      await authorize(ctx, req, 'identity:get_domain_config')
      const { domainId, group, option } = where(req)
      const config = await getDomainConfig(store, domainId, group, option)
      await domain(domainId)
      return ok({ config })
    })
    router.route('PATCH', path, async (req) => {
      await authorize(ctx, req, 'identity:update_domain_config')
      const { domainId, group, option } = where(req)
      await domain(domainId)
      const body = bodyMember(req, 'config')
      const config = await store.transaction((s) =>
        updateDomainConfig(s, domainId, body, group, option),
      )
      return ok({ config })
    })
    router.route('DELETE', path, async (req) => {
      await authorize(ctx, req, 'identity:delete_domain_config')
      const { domainId, group, option } = where(req)
      await domain(domainId)
      await store.transaction((s) => deleteDomainConfig(s, domainId, group, option))
      return noContent()
    })
  }
  router.route('PUT', CONFIG, async (req) => {
    await authorize(ctx, req, 'identity:create_domain_config')
    const domainId = param(req, 'domain_id')
    await domain(domainId)
    const body = bodyMember(req, 'config')
    const { existed, config } = await store.transaction(async (s) => ({
      existed: await hasDomainConfig(s, domainId),
      config: await createDomainConfig(s, domainId, body),
    }))
    return existed ? ok({ config }) : created({ config })
  })

  const defaults = ['/v3/domains/config/default', '/v3/domains/config/:group/default']
  defaults.push('/v3/domains/config/:group/:option/default')
  for (const path of defaults) {
    router.route('GET', path, async (req) => {
      await authorize(ctx, req, 'identity:get_domain_config_default')
      const { group, option } = where(req)
      return ok({ config: defaultDomainConfig(group, option) })
    })
  }
}
