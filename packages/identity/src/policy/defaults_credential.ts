/**
 * Keystone 22's default policy for credentials, EC2 credentials and the EC2/S3 token endpoints
 * (keystone/common/policies/credential.py, ec2_credential.py, ec2tokens.py, s3tokens.py).
 * Targets: `target.credential` is the stored credential (or the request's body on create); the
 * OS-EC2 routes have the path's `user_id` at the top level, which the deprecated
 * `rule:admin_or_owner` reads.
 * @module
 */

import type { ScopeType } from './credentials.ts'
import { ADMIN_REQUIRED, entry, type PolicyDefault, SYSTEM_PROJECT } from './defaults_base.ts'

const SYSTEM_DOMAIN_PROJECT: readonly ScopeType[] = ['system', 'domain', 'project']
const OWNER = 'user_id:%(target.credential.user_id)s'
const ADMIN_OR_SYSTEM_READER_OR_CRED_OWNER = `(${ADMIN_REQUIRED}) or (role:reader and system_scope:all) or ${OWNER}`
const ADMIN_OR_CRED_OWNER = `(${ADMIN_REQUIRED}) or ${OWNER}`
const ADMIN_OR_MEMBER_AND_CRED_OWNER = `(${ADMIN_REQUIRED}) or (role:member and ${OWNER})`
const ADMIN_OR_CREDENTIAL_OWNER = `${ADMIN_REQUIRED} or (rule:owner and ${OWNER})`

export const CREDENTIAL_RULES: readonly PolicyDefault[] = [
  entry(
    'identity:get_credential',
    ADMIN_OR_SYSTEM_READER_OR_CRED_OWNER,
    SYSTEM_PROJECT,
    ADMIN_REQUIRED,
  ),
  entry(
    'identity:list_credentials',
    ADMIN_OR_SYSTEM_READER_OR_CRED_OWNER,
    SYSTEM_PROJECT,
    ADMIN_REQUIRED,
  ),
  entry('identity:create_credential', ADMIN_OR_CRED_OWNER, SYSTEM_PROJECT, ADMIN_REQUIRED),
  entry('identity:update_credential', ADMIN_OR_CRED_OWNER, SYSTEM_PROJECT, ADMIN_REQUIRED),
  entry('identity:delete_credential', ADMIN_OR_CRED_OWNER, SYSTEM_PROJECT, ADMIN_REQUIRED),
]

export const EC2_CREDENTIAL_RULES: readonly PolicyDefault[] = [
  entry(
    'identity:ec2_get_credential',
    ADMIN_OR_SYSTEM_READER_OR_CRED_OWNER,
    SYSTEM_PROJECT,
    ADMIN_OR_CREDENTIAL_OWNER,
  ),
  entry(
    'identity:ec2_list_credentials',
    ADMIN_OR_MEMBER_AND_CRED_OWNER,
    SYSTEM_PROJECT,
    'rule:admin_or_owner',
  ),
  entry(
    'identity:ec2_create_credential',
    ADMIN_OR_MEMBER_AND_CRED_OWNER,
    SYSTEM_PROJECT,
    'rule:admin_or_owner',
  ),
  entry(
    'identity:ec2_delete_credential',
    ADMIN_OR_CRED_OWNER,
    SYSTEM_PROJECT,
    ADMIN_OR_CREDENTIAL_OWNER,
  ),
]

/** Only services (Swift's s3token, RGW) and admins may trade a signature for a token. */
export const EC2_S3_TOKEN_RULES: readonly PolicyDefault[] = [
  entry('identity:ec2tokens_validate', 'rule:service_or_admin', SYSTEM_DOMAIN_PROJECT),
  entry('identity:s3tokens_validate', 'rule:service_or_admin', SYSTEM_DOMAIN_PROJECT),
]
