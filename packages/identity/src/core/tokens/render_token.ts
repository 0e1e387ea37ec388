/**
 * The token body of `POST`/`GET /v3/auth/tokens`, field for field as keystone 22's
 * `render_token_response_from_model` (keystone/common/render_token.py) builds it.
 *
 * Deliberate differences, all invisible to clients that parse the body:
 * - `methods` always come in the payload's decoding order (highest bit first), at issue too;
 *   Keystone's issue response lists them in Python `set` order, so POST and GET may differ there.
 * - An application-credential token clamped to the credential's expiry shows the expiry as
 *   validation reports it (whole seconds, `.000000Z`), at issue too; Keystone's issue response
 *   shows the credential's `isoformat()` instead.
 * - `roles` are sorted by ID and never repeated; Keystone's order is arbitrary and a system role
 *   held both directly and through a group is listed twice.
 * - `service_providers` (federation) is never present.
 * - A trust-scoped token's `roles` are Keystone's full role references (`role_api.get_role`:
 *   id, name, domain_id, description, options and extras), as Keystone renders them.
 * @module
 */

import { formatEntityTime, type JsonValue, type User } from '../../store/index.ts'
import { renderRole } from '../resources/entities.ts'
import type { CatalogService } from './catalog.ts'
import { renderDelegation } from './render_delegation.ts'
import { auditIdsOf, type TokenModel } from './token_model.ts'
import { keystoneTime } from './token_time.ts'

export type RenderedRole = { readonly id: string; readonly name: string }

export interface TokenBody {
  readonly token: Readonly<Record<string, JsonValue>>
}

export interface RenderOptions {
  /** `[resource] admin_project_name` and `admin_project_domain_name`, when both are set. */
  readonly adminProject?: { readonly name: string; readonly domainName: string } | undefined
  /** The catalog to embed; omitted for `?nocatalog` and for unscoped tokens. */
  readonly catalog?: readonly CatalogService[] | undefined
}

/** The domain and project names that make `is_admin_project` true, or none configured. */
export function isAdminProject(
  model: TokenModel,
  adminProject: RenderOptions['adminProject'],
): boolean | undefined {
  const { scope } = model
  if ((scope.kind !== 'project' && scope.kind !== 'delegation') || adminProject === undefined) {
    return undefined
  }
  return (
    scope.project.name === adminProject.name && scope.projectDomain.name === adminProject.domainName
  )
}

export function renderToken(model: TokenModel, options: RenderOptions = {}): TokenBody {
  const roles = (): RenderedRole[] => model.roles.map((role) => ({ id: role.id, name: role.name }))
  const renderUser = (user: User, domain: { id: string; name: string }) => ({
    domain: { id: domain.id, name: domain.name },
    id: user.id,
    name: user.name,
    password_expires_at:
      user.passwordExpiresAt === null ? null : formatEntityTime(user.passwordExpiresAt),
  })
  const token: Record<string, JsonValue> = {
    methods: [...model.methods],
    user: renderUser(model.user, model.userDomain),
    audit_ids: auditIdsOf(model),
    expires_at: keystoneTime(model.expiresAt),
    issued_at: keystoneTime(model.issuedAt),
  }
  const { scope } = model
  if (scope.kind === 'system') {
    token.roles = roles()
    token.system = { all: true }
  } else if (scope.kind === 'domain') {
    token.domain = { id: scope.domain.id, name: scope.domain.name }
    token.roles = roles()
  } else if (scope.kind === 'project' || scope.kind === 'delegation') {
    token.project = {
      domain: { id: scope.projectDomain.id, name: scope.projectDomain.name },
      id: scope.project.id,
      name: scope.project.name,
    }
    token.is_domain = scope.project.isDomain
    token.roles = roles()
    const adminProject = isAdminProject(model, options.adminProject)
    if (adminProject !== undefined) token.is_admin_project = adminProject
    if (model.delegation) token['OS-BATON:delegation'] = renderDelegation(model.delegation)
  } else if (scope.kind === 'trust' && model.trust) {
    const { trust, trustor, trustee, trustorDomain } = model.trust
    token['OS-TRUST:trust'] = {
      id: trust.id,
      trustor_user: { id: trustor.id },
      trustee_user: { id: trustee.id },
      impersonation: trust.impersonation,
    }
    token.project = {
      domain: { id: scope.projectDomain.id, name: scope.projectDomain.name },
      id: scope.project.id,
      name: scope.project.name,
    }
    if (trust.impersonation) token.user = renderUser(trustor, trustorDomain)
    token.roles = model.trust.roles.map((role) => renderRole(role) as JsonValue)
  }
  if (options.catalog !== undefined && scope.kind !== 'unscoped') {
    token.catalog = options.catalog.map((service) => ({
      endpoints: service.endpoints.map((endpoint) => ({ ...endpoint })),
      id: service.id,
      type: service.type,
      name: service.name,
    }))
  }
  const accessToken = model.accessToken
  if (accessToken) {
    token['OS-OAUTH1'] = { access_token_id: accessToken.id, consumer_id: accessToken.consumerId }
  }
  const credential = model.applicationCredential
  if (credential !== null) {
    token.application_credential = {
      id: credential.id,
      name: credential.name,
      restricted: !credential.unrestricted,
      // render_token: only when the credential has access rules
      ...(credential.accessRules.length === 0
        ? {}
        : { access_rules: credential.accessRules.map((r) => ({ ...r })) }),
    }
  }
  return { token }
}
