/**
 * Keystone 22's default policy, part 2: domains, projects and project tags
 * (keystone/common/policies/domain.py, project.py). Targets, as keystone/api builds them:
 * `target.domain` / `target.project` is the stored entity of the URL, `target.domain_id` on lists
 * is the caller's domain (domain-scoped tokens only), creates get the request body's entity.
 * @module
 */
import {
  ADMIN_REQUIRED,
  adminOnly,
  adminOrSystemReader,
  anyOf,
  entry,
  type PolicyDefault,
  SYSTEM_DOMAIN_PROJECT,
  SYSTEM_PROJECT,
} from './defaults_base.ts'

const SDP = SYSTEM_DOMAIN_PROJECT
const OWN_PROJECT = 'project_id:%(target.project.id)s'
const PROJECT_DOMAIN_READER = '(role:reader and domain_id:%(target.project.domain_id)s)'

export const DOMAIN_RULES: readonly PolicyDefault[] = [
  // Any token scoped to the domain, or to a project in it, may read the domain.
  entry(
    'identity:get_domain',
    `${ADMIN_REQUIRED} or (role:reader and system_scope:all) or ` +
      'token.domain.id:%(target.domain.id)s or token.project.domain.id:%(target.domain.id)s',
    SDP,
    'rule:admin_required or token.project.domain.id:%(target.domain.id)s',
  ),
  adminOrSystemReader('identity:list_domains'),
  adminOnly('identity:create_domain', SYSTEM_PROJECT),
  adminOnly('identity:update_domain', SYSTEM_PROJECT),
  adminOnly('identity:delete_domain', SYSTEM_PROJECT),
]

export const PROJECT_RULES: readonly PolicyDefault[] = [
  // The only new default without `rule:admin_required`: it comes back through the deprecated OR.
  entry(
    'identity:get_project',
    `(role:reader and system_scope:all) or ${PROJECT_DOMAIN_READER} or ${OWN_PROJECT}`,
    SDP,
    `rule:admin_required or ${OWN_PROJECT}`,
  ),
  entry(
    'identity:list_projects',
    anyOf('(role:reader and domain_id:%(target.domain_id)s)'),
    SDP,
    ADMIN_REQUIRED,
  ),
  entry(
    'identity:list_user_projects',
    anyOf('(role:reader and domain_id:%(target.user.domain_id)s)', 'user_id:%(target.user.id)s'),
    SDP,
    'rule:admin_or_owner',
  ),
  adminOnly('identity:create_project', SDP),
  adminOnly('identity:update_project', SDP),
  adminOnly('identity:delete_project', SDP),
]

const tagReader = (name: string): PolicyDefault =>
  entry(
    name,
    anyOf(PROJECT_DOMAIN_READER, OWN_PROJECT),
    SDP,
    `rule:admin_required or ${OWN_PROJECT}`,
  )

export const PROJECT_TAG_RULES: readonly PolicyDefault[] = [
  tagReader('identity:list_project_tags'),
  tagReader('identity:get_project_tag'),
  adminOnly('identity:update_project_tags', SDP),
  adminOnly('identity:create_project_tag', SDP),
  adminOnly('identity:delete_project_tags', SDP),
  adminOnly('identity:delete_project_tag', SDP),
]
