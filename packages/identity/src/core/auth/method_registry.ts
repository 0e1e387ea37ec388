/**
 * The auth methods Baton implements, by name (keystone's `keystone.auth.<method>` entry points).
 * `loadAuthMethods` builds those `[auth] methods` enables, as keystone `load_auth_methods` does;
 * a method enabled but not implemented here (external, mapped...) answers the generic 401
 * when used, as before. To add a method: write its file, add its line below.
 * @module
 */

import { Unauthorized } from '../../errors.ts'
import { applicationCredentialMethod } from './application_credential_method.ts'
import type { AuthMethod, AuthMethodDeps, AuthMethodFactory } from './auth_method.ts'
import { oauth1Method } from './oauth1_method.ts'
import { passwordMethod } from './password_method.ts'
import { tokenMethod } from './token_method.ts'
import { totpMethod } from './totp_method.ts'

export const BUILTIN_AUTH_METHODS: Readonly<Record<string, AuthMethodFactory>> = {
  password: passwordMethod,
  token: tokenMethod,
  application_credential: applicationCredentialMethod,
  totp: totpMethod,
  oauth1: oauth1Method,
}

function notImplemented(name: string): AuthMethod {
  return {
    name,
    async authenticate() {
      throw new Unauthorized(undefined, { cause: new Error(`method ${name} not implemented`) })
    },
  }
}

/** Every method in `[auth] methods`, built once; the map is what authenticate.ts dispatches on. */
export function loadAuthMethods(
  deps: AuthMethodDeps,
  registry: Readonly<Record<string, AuthMethodFactory>> = BUILTIN_AUTH_METHODS,
): ReadonlyMap<string, AuthMethod> {
  const methods = new Map<string, AuthMethod>()
  for (const name of deps.settings.methods) {
    const factory = Object.hasOwn(registry, name) ? registry[name] : undefined
    methods.set(name, factory === undefined ? notImplemented(name) : factory(deps))
  }
  return methods
}
