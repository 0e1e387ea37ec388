/**
 * `[auth]`, `[totp]`, `[credential]` and `[trust]`: the auth methods and what they authenticate
 * with (credential blobs, trusts).
 * Keystone's group and option names and defaults; part of `identityOptionGroups` (../options.ts).
 * @module
 */
import { defineGroup, opt } from '@baton/config'
import { DEFAULT_AUTH_METHODS } from '../token/methods.ts'

export const authOptions = defineGroup(
  'auth',
  {
    methods: opt.list({
      default: [...DEFAULT_AUTH_METHODS],
      help:
        'Allowed authentication methods. The order defines the methods bitmask inside Fernet ' +
        'tokens: every node sharing a key repository must list the same methods in the same order.',
    }),
  },
  { help: 'Authentication methods.' },
)

export const authPrimaryMethodOptions = defineGroup('auth', {
  additional_primary_auth_methods: opt.list({
    default: [],
    help:
      "Auth method names, beyond keystone's own built-in primary methods (password, totp, " +
      'mapped, saml2, openid, external, kerberos, x509, token), that authenticate a user ' +
      'directly rather than via a delegated credential. Tokens from any other method (an ' +
      'application credential, for one) cannot be exchanged for another token.',
  }),
})

export const totpOptions = defineGroup(
  'totp',
  {
    included_previous_windows: opt.int({
      default: 1,
      min: 0,
      max: 10,
      help: 'The number of previous windows to check when processing TOTP passcodes.',
    }),
  },
  { help: 'The totp auth method.' },
)

export const credentialOptions = defineGroup(
  'credential',
  {
    key_repository: opt.str({
      default: '/etc/keystone/credential-keys/',
      help:
        'Directory containing the Fernet keys that encrypt and decrypt credential blobs. They ' +
        'have no relationship to the token keys: never share this repository with ' +
        '[fernet_tokens] key_repository. Manage it with `baton credential setup|rotate|migrate`.',
    }),
    auth_ttl: opt.int({
      default: 15,
      min: 0,
      help:
        'The length of time in minutes for which a signed EC2 or S3 token request is valid from ' +
        'the timestamp contained in the token request.',
    }),
    user_limit: opt.int({
      default: -1,
      min: -1,
      help:
        'Maximum number of credentials a user is permitted to create. A value of -1 means ' +
        'unlimited.',
    }),
  },
  { help: 'Credentials: their encryption keys, EC2/S3 signature lifetime and per-user limit.' },
)

/*
 * Trusts (api/v3/trusts.ts, core/resources/trusts.ts).
 */

export const trustOptions = defineGroup(
  'trust',
  {
    allow_redelegation: opt.bool({
      default: false,
      help:
        'Allows authorization to be redelegated from one user to another, effectively chaining ' +
        'trusts together. When disabled, the `remaining_uses` attribute of a trust is ' +
        "constrained to be zero. (Keystone 22 declares it but reads it nowhere: a trust's own " +
        '`allow_redelegation` decides; so does Baton.)',
    }),
    max_redelegation_count: opt.int({
      default: 3,
      help:
        'Maximum number of times that authorization can be redelegated from one user to ' +
        'another in a chain of trusts. This number may be reduced further for a specific trust.',
    }),
  },
  { help: 'Trusts (OS-TRUST): delegation of roles from a trustor to a trustee.' },
)

export const trustEscalationOptions = defineGroup('security_compliance', {
  allow_insecure_application_credential_trust_escalation: opt.bool({
    default: false,
    help:
      'Deprecated for removal (Keystone 2026.1). Lets tokens issued from an application ' +
      'credential create and manage trusts, which delegate every role the user holds on the ' +
      "project rather than only the credential's. Tokens from other delegated methods are " +
      'refused whatever this says.',
  }),
})
