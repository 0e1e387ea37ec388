/**
 * `[identity]`, `[resource]`, `[assignment]`, `[oslo_policy]` and the project tree: users,
 * projects, role assignments and their policy.
 * Keystone's group and option names and defaults; part of `identityOptionGroups` (../options.ts).
 * @module
 */
import { defineGroup, opt } from '@baton/config'
import { PASSWORD_HASH_ALGORITHMS } from '../passwords/index.ts'

export const identityOptions = defineGroup(
  'identity',
  {
    default_domain_id: opt.str({
      default: 'default',
      help: 'The ID of the default domain (the domain of users and projects given without one).',
    }),
    password_hash_algorithm: opt.str({
      default: 'bcrypt',
      choices: [...PASSWORD_HASH_ALGORITHMS],
      help: 'The password hashing algorithm to use for passwords stored within keystone.',
    }),
    password_hash_rounds: opt.int({
      help:
        'This option represents a trade off between security and performance. Higher values ' +
        'lead to slower performance, but higher security. Defaults per algorithm: bcrypt 12, ' +
        'scrypt 16 (log2 N), pbkdf2_sha512 25000.',
    }),
    salt_bytesize: opt.int({
      min: 0,
      max: 96,
      help: 'Number of bytes to use in scrypt and pbkfd2_sha512 hashing salt (default 16).',
    }),
    max_password_length: opt.int({
      default: 4096,
      min: 1,
      max: 4096,
      help:
        'Maximum allowed length for user passwords (bytes). bcrypt only uses the first 72 ' +
        'bytes; longer passwords are truncated unless [DEFAULT] strict_password_check is set.',
    }),
  },
  { help: 'Identity backend options.' },
)

export const resourceOptions = defineGroup(
  'resource',
  {
    admin_project_domain_name: opt.str({
      help:
        'Name of the domain that owns the `admin_project_name`. If left unset, then there is ' +
        'no admin project. `[resource] admin_project_name` must also be set to use this option.',
    }),
    admin_project_name: opt.str({
      help:
        'This is a special project which represents cloud-level administrator privileges ' +
        'across services. Tokens scoped to this project will contain a true ' +
        '`is_admin_project` attribute to indicate to policy systems that the role ' +
        'assignments on that specific project should apply equally across every project. If ' +
        'left unset, then there is no admin project. `[resource] admin_project_domain_name` ' +
        'must also be set to use this option.',
    }),
  },
  { help: 'Projects and domains.' },
)

/*
 * The resource API (api/v3, core/resources): projects, roles and role implications.
 */

export const projectTreeOptions = defineGroup('DEFAULT', {
  max_project_tree_depth: opt.int({
    default: 5,
    help:
      'Maximum depth of the project hierarchy, excluding the project acting as a domain at the ' +
      'top of the hierarchy. WARNING: Setting it to a large value may adversely impact ' +
      'performance.',
  }),
})

export const assignmentOptions = defineGroup(
  'assignment',
  {
    prohibited_implied_role: opt.list({
      default: ['admin'],
      help: 'A list of role names which are prohibited from being an implied role.',
    }),
  },
  { help: 'Roles and role assignments.' },
)

export const policyOptions = defineGroup(
  'oslo_policy',
  {
    enforce_scope: opt.bool({
      default: false,
      help:
        'This option controls whether or not to enforce scope when evaluating policies. If ' +
        '``True``, the scope of the token used in the request is compared to the ' +
        '``scope_types`` of the policy being enforced. If the scopes do not match, the request ' +
        'is refused (403). If ``False``, scope is not checked.',
    }),
    enforce_new_defaults: opt.bool({
      default: false,
      help:
        'This option controls whether or not to use old deprecated defaults when evaluating ' +
        'policies. If ``True``, the old deprecated defaults are not going to be evaluated. ' +
        'It is encouraged to enable this flag along with the ``enforce_scope`` flag. If ' +
        "``False``, the deprecated policy check string is logically OR'd with the new policy " +
        'check string (the Keystone 22 behaviour).',
    }),
    policy_file: opt.str({
      default: 'policy.yaml',
      help:
        'The relative or absolute path of a file that maps roles to permissions (overrides of ' +
        'the default rules). A relative path is searched in the directories of the config ' +
        'files, then ~/.keystone, ~, /etc/keystone and /etc; when left at its default and no ' +
        'policy.yaml exists, a policy.json there is used. No file means the defaults. Baton ' +
        'reads JSON and YAML as oslo.policy does (PyYAML), and refuses a rule whose value is not ' +
        'a string (a number, boolean, null or list) with its line.',
      deprecatedNames: [{ group: 'DEFAULT', name: 'policy_file' }],
    }),
    policy_default_rule: opt.str({
      default: 'default',
      help:
        'Default rule. Enforced when a requested rule is not found (only if the policy file ' +
        'defines it; otherwise such requests are refused).',
      deprecatedNames: [{ group: 'DEFAULT', name: 'policy_default_rule' }],
    }),
  },
  { help: 'Policy (RBAC) enforcement, as oslo.policy reads it.' },
)
