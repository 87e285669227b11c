import {createRequire} from 'node:module'
import {basename} from 'node:path'

export type ConfigType = 'haproxy' | 'keepalived' | 'inventory'

// One scan for both formats (a big config is 1.6 MB): a line starts a haproxy section (group 1) or a
// keepalived block (group 2); no keyword is in both lists, so a line counts for one side at most.
const sectionOrBlock =
  /^[ \t]*(?:(global|defaults|frontend|backend|listen|userlist|peers|resolvers|mailers|program|http-errors|ring|cache)(?=[ \t#!]|$)|(global_defs|vrrp_instance|vrrp_script|vrrp_sync_group|virtual_server|virtual_server_group|static_ipaddress|static_routes|static_rules|include|vrrp_track_file|track_file|garp_group|net_namespace)(?=[ \t{#!]|$))/gm

// lbctl.yaml's top-level keys (src/deploy/inventory.ts), as block-style YAML writes them: at column 0, then a colon.
const inventoryKey = /^["']?(version|vips|haproxy|keepalived|nodes|sysctl)["']?[ \t]*:(?=[ \t]|$)/gm

/** Tells haproxy.cfg from keepalived.conf (and an lbctl inventory) by content, with the file name as the tie-break. */
export function detectConfigType(path: string, text: string): ConfigType | undefined {
  const name = basename(path)
  if (/^lbctl\.ya?ml$/.test(name) || looksLikeInventory(text)) return 'inventory'
  // A keyword must start its line (after blanks), so comments cannot hold one: `#`/`!` only end a keyword.
  let haproxy = 0
  let keepalived = 0
  for (const m of text.matchAll(sectionOrBlock)) {
    if (m[1] !== undefined) haproxy++
    else keepalived++
  }
  // A haproxy.cfg or keepalived.conf has sections or blocks, whatever else its lines hold; an inventory has neither.
  if (haproxy === 0 && keepalived === 0 && looksLikeFlowInventory(text)) return 'inventory'
  if (haproxy > keepalived) return 'haproxy'
  if (keepalived > haproxy) return 'keepalived'
  if (/haproxy|\.cfg$/i.test(name)) return 'haproxy'
  if (/keepalived/i.test(name)) return 'keepalived'
  return undefined
}

/**
 * An inventory under any name (`deploy --inventory prod.yaml`): a mapping with `nodes` and a `haproxy` or
 * `keepalived` section. Neither config format has `word:` at the start of a line, and other YAML lacks the pair.
 */
function looksLikeInventory(text: string): boolean {
  if (!text.includes('nodes')) return false // the scan below needs the key; most configs lack the word
  return hasInventoryKeys(new Set([...text.matchAll(inventoryKey)].map((m) => m[1])))
}

/** The same keys in a flow-style mapping (`{nodes: [...], haproxy: {...}}`, which JSON is too): they can be anywhere on a line, so it is parsed. */
function looksLikeFlowInventory(text: string): boolean {
  return text.includes('nodes') && flowMappingStart.test(text) && hasInventoryKeys(flowMappingKeys(text))
}

function hasInventoryKeys(keys: Set<unknown>): boolean {
  return keys.has('nodes') && (keys.has('haproxy') || keys.has('keepalived'))
}

// Before the `{`: a BOM, blank/comment lines, directives (%YAML) and a `---` document start, possibly on the same line.
const flowMappingStart = /^\uFEFF?(?:[ \t]*(?:#[^\n]*|%[^\n]*|---(?:[ \t][^\n]*)?)?\r?\n)*[ \t]*(?:---[ \t]+)?\{/

/** The top-level keys of a flow mapping; the parser recovers from syntax errors, so a broken inventory still counts. */
function flowMappingKeys(text: string): Set<unknown> {
  // Loaded here, synchronously, so the haproxy/keepalived path of every command does not pay ~40 ms for the yaml package.
  const {isMap, isScalar, parseDocument} = createRequire(import.meta.url)('yaml') as typeof import('yaml')
  const root = parseDocument(text, {uniqueKeys: false}).contents
  if (!isMap(root)) return new Set()
  return new Set(root.items.map((pair) => (isScalar(pair.key) ? pair.key.value : undefined)))
}
