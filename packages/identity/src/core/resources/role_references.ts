// Keystone's `_normalize_role_list`, shared by trusts, application credentials and OAuth1's
// authorize: a role reference (`{"id"}` or `{"name"}`, as `parameter_types.roleReferences`
// admits) becomes a role ID. An ID is taken as is (the caller checks it is held); a name must
// name exactly one role among those `among` selects (every role unless said otherwise). The
// roles are listed once per request, not once per named reference.
import { RoleNotFound, ValidationError } from '../../errors.ts'
import type { Role, RoleFilter, Store } from '../../store/index.ts'
import { isObject } from '../py_values.ts'

export async function roleIdsOf(
  store: Store,
  references: readonly unknown[],
  among: RoleFilter = {},
): Promise<string[]> {
  let roles: readonly Role[] | undefined
  const ids: string[] = []
  for (const item of references) {
    const entry = isObject(item) ? item : {}
    if (typeof entry.id === 'string' && entry.id !== '') {
      ids.push(entry.id)
      continue
    }
    const name = String(entry.name)
    roles ??= await store.assignment.listRoles(among)
    const found = roles.filter((r) => r.name === name)
    const [role] = found
    if (role === undefined) throw new RoleNotFound(`Role ${name} is not defined`)
    if (found.length > 1) {
      throw new ValidationError(
        `There are multiple role entities named '${name}'. Please use ID instead of names to ` +
          'resolve the ambiguity.',
      )
    }
    ids.push(role.id)
  }
  return ids
}
