/**
 * The Swift account area (`/v1/AUTH_<project>`): the container listing; the account itself cannot
 * be created, changed or deleted through the API.
 * @module
 */

import { type LevelApi, listLimits, type SwiftDeps } from './levels.ts'
import { accountListing } from './listing.ts'
import { methodNotAllowed } from './swift_http.ts'

export function accountApi({ store, limits }: SwiftDeps): LevelApi {
  const list = listLimits(limits)
  const read: LevelApi['GET'] = async (request, reply, t) =>
    accountListing(store, list, t.account, request, reply)
  return {
    GET: read,
    HEAD: read,
    PUT: async () => {
      throw methodNotAllowed('Account PUT is not allowed')
    },
    POST: async () => {
      throw methodNotAllowed('Account POST is not supported')
    },
    DELETE: async () => {
      throw methodNotAllowed('Account DELETE is not allowed')
    },
  }
}
