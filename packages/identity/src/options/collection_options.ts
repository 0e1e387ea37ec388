/**
 * `[endpoint_filter]`, `[unified_limit]` and every group's `list_limit`: what catalogs and
 * collections answer.
 * Keystone's group and option names and defaults; part of `identityOptionGroups` (../options.ts).
 * @module
 */
import { defineGroup, opt } from '@baton/config'

export const endpointFilterOptions = defineGroup(
  'endpoint_filter',
  {
    return_all_endpoints_if_no_filter: opt.bool({
      default: true,
      help:
        "This controls keystone's behavior if the configured endpoint filters do not result in " +
        'any endpoints for a user + project pair (and therefore a potentially empty service ' +
        'catalog). If set to true, keystone will return the entire service catalog. If set to ' +
        'false, keystone will return an empty service catalog.',
    }),
  },
  { help: 'OS-EP-FILTER: the catalog of project-scoped tokens.' },
)

export const unifiedLimitOptions = defineGroup(
  'unified_limit',
  {
    enforcement_model: opt.str({
      default: 'flat',
      choices: [
        ['flat', 'Limits are checked without the project hierarchy.'],
        [
          'strict_two_level',
          'Domains and their projects only; a project limit may not exceed its domain limit.',
        ],
      ],
      help:
        'The enforcement model to use when validating limits associated to projects. ' +
        'Enforcement models will behave differently depending on the existing limits, which ' +
        'may result in backwards incompatible changes if a model is switched in a running ' +
        'deployment.',
    }),
  },
  { help: 'Unified limits (/v3/registered_limits, /v3/limits).' },
)

/*
 * `list_limit` (keystone/conf/{default,identity,resource,role,catalog,policy,unified_limit}.py):
 * the longest list a collection answers before it says `"truncated": true`. A group's own value
 * wins over `[DEFAULT] list_limit`; unset or 0 means no limit.
 */

const listLimit = (what: string) =>
  opt.int({
    min: 0,
    help:
      `Maximum number of entities that will be returned in ${what} collection. ` +
      'Unset, the `[DEFAULT] list_limit` applies.',
  })

export const defaultListLimitOptions = defineGroup('DEFAULT', {
  list_limit: opt.int({
    min: 0,
    help:
      'The maximum number of entities that will be returned in a collection. This global ' +
      'limit may be then overridden for a specific driver, by specifying a list_limit in the ' +
      'appropriate section (for example, `[identity]`). No limit is set by default.',
  }),
})

export const listLimitOptions = {
  identity: defineGroup('identity', { list_limit: listLimit('an identity (user and group)') }),
  resource: defineGroup('resource', { list_limit: listLimit('a resource (project and domain)') }),
  role: defineGroup('role', { list_limit: listLimit('a role') }),
  catalog: defineGroup('catalog', {
    list_limit: listLimit('a catalog (service, endpoint, region)'),
  }),
  policy: defineGroup('policy', { list_limit: listLimit('a policy') }),
  unified_limit: defineGroup('unified_limit', { list_limit: listLimit('a unified limit') }),
} as const
