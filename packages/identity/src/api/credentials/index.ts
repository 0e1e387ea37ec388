/**
 * The credentials API area: /v3/credentials, the OS-EC2 credentials under /v3/users/{id}, and the
 * EC2/S3 signature-to-token endpoints. Its services (the credential key repository, the token
 * service) arrive built from the composition root.
 * @module
 */
import { apiArea } from '../router.ts'
import type { CredentialApiContext } from './context.ts'
import { registerCredentialRoutes } from './credentials.ts'
import { registerEc2CredentialRoutes } from './ec2_credentials.ts'
import { registerSignatureTokenRoutes } from './signature_tokens.ts'

export type { CredentialApiContext } from './context.ts'

export const credentialApi = apiArea<CredentialApiContext>('credentials', [
  registerCredentialRoutes,
  registerEc2CredentialRoutes,
  registerSignatureTokenRoutes,
])
