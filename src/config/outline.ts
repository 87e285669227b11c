/**
 * The semantic outline of a config: what `diff` compares. Both parsers reduce their model to it,
 * so one diff algorithm serves haproxy.cfg and keepalived.conf.
 */
export interface OutlineDirective {
  /** Identity used to pair directives across two configs, e.g. `server web1`, `timeout connect`, `bind :80`. */
  key: string
  /** The keyword as written, e.g. `timeout connect`. */
  keyword: string
  /** Normalised argument words (quotes removed, escapes resolved). */
  args: string[]
  file: string
  line: number
  /**
   * Directives whose relative order changes behaviour (acl evaluation, use_backend, http-request rules...)
   * share an orderGroup; a reordering within a group is reported as a change.
   */
  orderGroup?: string
  /** Arguments that are secrets (auth_pass, stats auth passwords) by index: never printed. */
  secretArgs?: number[]
}

export interface OutlineSection {
  /** Identity, e.g. `backend app`, `vrrp_instance VI_1`, `virtual_server 198.18.0.1 80`. */
  key: string
  kind: string
  name: string
  file: string
  line: number
  directives: OutlineDirective[]
  /** Nested blocks (keepalived: real_server inside virtual_server, TCP_CHECK inside real_server...). */
  children: OutlineSection[]
}
