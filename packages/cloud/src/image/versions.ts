/**
 * Glance's version discovery documents: `GET /` answers 300 Multiple Choices and `GET /versions`
 * 200, both listing the v2 minor versions with a self link to `<endpoint>/v2/`.
 * @module
 */
const CURRENT = 9

export function versionsDocument(base: string): { versions: Record<string, unknown>[] } {
  const versions: Record<string, unknown>[] = []
  for (let minor = CURRENT; minor >= 0; minor--) {
    versions.push({
      id: `v2.${minor}`,
      status: minor === CURRENT ? 'CURRENT' : 'SUPPORTED',
      links: [{ rel: 'self', href: `${base}/v2/` }],
    })
  }
  return { versions }
}
