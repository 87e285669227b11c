import {basename} from 'node:path'

export type ConfigType = 'haproxy' | 'keepalived' | 'inventory'

const haproxySection = /^[ \t]*(global|defaults|frontend|backend|listen|userlist|peers|resolvers|mailers|program|http-errors|ring|cache)(?=[ \t#!]|$)/gm
const keepalivedBlock =
  /^[ \t]*(global_defs|vrrp_instance|vrrp_script|vrrp_sync_group|virtual_server|virtual_server_group|static_ipaddress|static_routes|static_rules|include|vrrp_track_file|track_file|garp_group|net_namespace)(?=[ \t{#!]|$)/gm

/** Tells haproxy.cfg from keepalived.conf by content, with the file name as the tie-break. */
export function detectConfigType(path: string, text: string): ConfigType | undefined {
  const name = basename(path)
  if (/^lbctl\.ya?ml$/.test(name)) return 'inventory'
  // A keyword must start its line (after blanks), so comments cannot hold one: `#`/`!` only end a keyword.
  const haproxy = text.match(haproxySection)?.length ?? 0
  const keepalived = text.match(keepalivedBlock)?.length ?? 0
  if (haproxy > keepalived) return 'haproxy'
  if (keepalived > haproxy) return 'keepalived'
  if (/haproxy|\.cfg$/i.test(name)) return 'haproxy'
  if (/keepalived/i.test(name)) return 'keepalived'
  return undefined
}
