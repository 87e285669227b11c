/** What an ACL can look at in one HTTP request: the head, the connection's addresses, backend states. */
export interface AclHeaders {
  readonly length: number
  name(i: number): string
  value(i: number): string
}

export interface AclRequest {
  method: string
  /** The request target as received (origin-form `/p?q`, absolute-form, or `*`). */
  target: string
  version: string
  headers: AclHeaders
  /** The client's address as HAProxy shows it (`1.2.3.4`, `::1`). */
  src: string
  /** The local port the connection arrived on. */
  dstPort: number
  /** Usable servers of a backend, as `nbsrv(BACKEND)` counts them; undefined when it does not exist. */
  nbsrv(backend: string): number
}
