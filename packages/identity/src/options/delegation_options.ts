/**
 * `[delegation]` (Baton only; Keystone has no such group): job-bound delegation tokens
 * (`/v3/OS-BATON/delegations`, issue 15, docs/delegation.md). A delegation lets a service keep
 * acting for a user past the user token's expiry, for one operation, at a named set of services,
 * until a deadline the operator bounds here; so `[token] allow_expired_window` can be 0.
 * Part of `identityOptionGroups` (../options.ts).
 * @module
 */
import { defineGroup, opt } from '@baton/config'

export const delegationOptions = defineGroup(
  'delegation',
  {
    enabled: opt.bool({
      default: true,
      help:
        'Baton only. Whether `POST /v3/OS-BATON/delegations` and `/v3/OS-BATON/token-exchange` ' +
        'issue delegation tokens. Existing delegation tokens still validate (until their ' +
        'deadline) when this is turned off; revoke them to end them.',
    }),
    actor_roles: opt.list({
      default: ['service'],
      help:
        'Baton only. The roles (any one suffices) the user of the `X-Service-Token` (the actor) ' +
        'must hold on its token scope to obtain or narrow a delegation, as keystonemiddleware ' +
        "`service_token_roles` names a service's roles.",
    }),
    max_lifetime: opt.int({
      default: 86400,
      min: 1,
      help:
        'Baton only. The longest a delegation may live, in seconds from its creation: the ' +
        "operator's bound on any job (default one day). A request's `expires_in` above it is " +
        "capped to it, as a narrowed delegation's is capped by its parent's deadline. Fernet keys " +
        'must outlive it as they outlive `expiration + allow_expired_window`.',
    }),
    max_audience: opt.int({
      default: 16,
      min: 1,
      max: 256,
      help:
        'Baton only. The most service types a delegation may name in its `audience`; a longer ' +
        'list is a 400.',
    }),
    max_actors: opt.int({
      default: 8,
      min: 1,
      max: 64,
      help:
        'Baton only. The longest actor chain: how many services may obtain or narrow a ' +
        'delegation in turn (the first actor included). A hop beyond it is a 403.',
    }),
    service_types: opt.dict({
      default: {},
      help:
        'Baton only. Which service types each service user serves, for identity-side audience ' +
        'enforcement: `user_name:type1+type2,user_name2:type3` (user names in the default ' +
        'domain, or `user_id` values). When a user listed here validates a delegation token ' +
        '(`GET`/`HEAD /v3/auth/tokens`) whose audience names none of its types, the token is ' +
        'refused as invalid (404), so services behind keystonemiddleware (which knows nothing ' +
        'of delegations) refuse it too. Users not listed are not restricted. `baton up` sets it ' +
        'for the reference services.',
    }),
  },
  { help: 'Baton only: job-bound delegation tokens (docs/delegation.md).' },
)
