/** HTTP counters of frontends, backends and servers (show stat's req_tot and hrsp_* columns). */

export interface HttpCounters {
  reqTot: number
  /** hrsp_1xx .. hrsp_5xx, then hrsp_other. */
  hrsp: [number, number, number, number, number, number]
}

const table = new WeakMap<object, HttpCounters>()

export function httpCounters(owner: object): HttpCounters {
  let counters = table.get(owner)
  if (!counters) {
    counters = {reqTot: 0, hrsp: [0, 0, 0, 0, 0, 0]}
    table.set(owner, counters)
  }
  return counters
}

export function countStatus(owner: object, status: number): void {
  const klass = Math.floor(status / 100)
  const hrsp = httpCounters(owner).hrsp
  const i = klass >= 1 && klass <= 5 ? klass - 1 : 5
  hrsp[i] = (hrsp[i] ?? 0) + 1
}
