/** Which requests the stats page answers, and the `;csv`/`;norefresh` options after its URI. */

export interface StatsRequest {
  format: 'html' | 'csv' | 'json'
  noRefresh: boolean
}

/** HAProxy serves the stats page for GET, HEAD and POST whose target starts with the stats URI. */
export function matchStatsRequest(method: string, target: string, uri: string): StatsRequest | undefined {
  if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') return undefined
  if (!target.startsWith(uri)) return undefined
  // Like HAProxy, the options are looked for anywhere after the URI (`/stats;norefresh;csv`).
  const rest = target.slice(uri.length)
  const has = (name: string) => rest.includes(`;${name}`)
  return {format: has('csv') ? 'csv' : has('json') ? 'json' : 'html', noRefresh: has('norefresh')}
}
