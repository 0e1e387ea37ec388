/**
 * The four project tag filters exactly as Keystone's SQL driver combines them
 * (keystone/resource/backends/sql.py list_projects_by_tags), quirks included: each value is a
 * comma-separated list; `tags-any` narrows `tags`; `not-tags` and `not-tags-any` start from every
 * project when nothing was selected before; and `not-tags` with `not-tags-any` *adds* the second
 * blacklist instead of removing it.
 * @module
 */
import type { Store } from '../../store/index.ts'

export type TagFilterArgs = {
  readonly tags?: string | undefined
  readonly tagsAny?: string | undefined
  readonly notTags?: string | undefined
  readonly notTagsAny?: string | undefined
}

/** The project IDs the tag filters select, or undefined when no tag filter is given. */
export async function projectIdsByTags(
  store: Store,
  args: TagFilterArgs,
): Promise<Set<string> | undefined> {
  const { tags, tagsAny, notTags, notTagsAny } = args
  if ([tags, tagsAny, notTags, notTagsAny].every((v) => v === undefined)) return undefined
  const ids = async (filter: { tags?: string[]; tagsAny?: string[] }) =>
    (await store.resource.listProjects(filter)).map((p) => p.id)
  let filtered: string[] = []
  if (tags !== undefined) filtered = await ids({ tags: tags.split(',') })
  if (tagsAny !== undefined) {
    let anyTagged = await ids({ tagsAny: tagsAny.split(',') })
    if (tags !== undefined) anyTagged = anyTagged.filter((id) => filtered.includes(id))
    filtered = anyTagged
  }
  if (notTags !== undefined) {
    const blacklist = await ids({ tags: notTags.split(',') })
    filtered = await filterNot(store, filtered, blacklist)
  }
  if (notTagsAny !== undefined) {
    const blacklist = await ids({ tagsAny: notTagsAny.split(',') })
    if (notTags !== undefined) filtered = [...filtered, ...blacklist]
    else filtered = await filterNot(store, filtered, blacklist)
  }
  return new Set(filtered)
}

/** `_filter_not_tags`: every project outside the blacklist, narrowed to `filtered` if any. */
async function filterNot(store: Store, filtered: string[], blacklist: string[]) {
  const all = (await store.resource.listProjects()).map((p) => p.id)
  const valid = all.filter((id) => !blacklist.includes(id))
  return filtered.length > 0 ? valid.filter((id) => filtered.includes(id)) : valid
}
