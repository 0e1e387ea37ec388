/**
 * Keystone 22's default policy for OS-TRUST (keystone/common/policies/trust.py). Targets:
 * `target.trust` is the stored trust of the URL (get, delete, roles), the create body (create),
 * or `{trustor_user_id}` / `{trustee_user_id}` from the list filter.
 * @module
 */
import {
  ADMIN_OR_SYSTEM_READER,
  ADMIN_REQUIRED,
  entry,
  type PolicyDefault,
  PROJECT_ONLY,
  SYSTEM_PROJECT,
  SYSTEM_READER,
} from './defaults_base.ts'

const TRUSTOR = 'user_id:%(target.trust.trustor_user_id)s'
const TRUSTEE = 'user_id:%(target.trust.trustee_user_id)s'
/** trust.py builds these as `(admin) or (system reader or trustor [or trustee])`. */
const adminOr = (...checks: string[]) =>
  `(${ADMIN_REQUIRED}) or (${[SYSTEM_READER, ...checks].join(' or ')})`

export const TRUST_RULES: readonly PolicyDefault[] = [
  entry('identity:create_trust', TRUSTOR, PROJECT_ONLY),
  entry('identity:list_trusts', ADMIN_OR_SYSTEM_READER, SYSTEM_PROJECT, ADMIN_REQUIRED),
  entry('identity:list_trusts_for_trustor', adminOr(TRUSTOR), SYSTEM_PROJECT),
  entry('identity:list_trusts_for_trustee', adminOr(TRUSTEE), SYSTEM_PROJECT),
  entry(
    'identity:list_roles_for_trust',
    adminOr(TRUSTOR, TRUSTEE),
    SYSTEM_PROJECT,
    `${TRUSTOR} or ${TRUSTEE}`,
  ),
  entry(
    'identity:get_role_for_trust',
    adminOr(TRUSTOR, TRUSTEE),
    SYSTEM_PROJECT,
    `${TRUSTOR} or ${TRUSTEE}`,
  ),
  entry('identity:delete_trust', `${ADMIN_REQUIRED} or ${TRUSTOR}`, SYSTEM_PROJECT, TRUSTOR),
  entry(
    'identity:get_trust',
    adminOr(TRUSTOR, TRUSTEE),
    SYSTEM_PROJECT,
    `${TRUSTOR} or ${TRUSTEE}`,
  ),
]
