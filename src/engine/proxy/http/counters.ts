/** HTTP counters of frontends, backends and servers (show stat's req_tot and hrsp_* columns). */

export class HttpCounters {
  reqTot = 0
  /** hrsp_1xx .. hrsp_5xx, then hrsp_other. */
  readonly hrsp: [number, number, number, number, number, number] = [0, 0, 0, 0, 0, 0]

  count(status: number): void {
    const klass = (status / 100) | 0
    const i = klass >= 1 && klass <= 5 ? klass - 1 : 5
    this.hrsp[i] = this.hrsp[i]! + 1
  }
}

const table = new WeakMap<object, HttpCounters>()

/** The runtime objects carry theirs (`http`); anything else gets one on first use. */
export function httpCounters(owner: object): HttpCounters {
  const own = (owner as {http?: unknown}).http
  if (own instanceof HttpCounters) return own
  let counters = table.get(owner)
  if (!counters) {
    counters = new HttpCounters()
    table.set(owner, counters)
  }
  return counters
}
