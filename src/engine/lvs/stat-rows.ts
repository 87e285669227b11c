/**
 * The virtual servers as `show stat` objects in HAProxy 2.6's columns: each virtual server a
 * backend (pxname `[address]:tcp:port`, algo the IPVS scheduler) with its real servers as server
 * rows, so CSV readers such as `lbctl top` list them next to the proxy's own.
 */
import type {Row, StatObject} from '../proxy/runtime-api/stat.js'
import type {VirtualService} from './service.js'

const secs = (ms: number) => Math.max(0, Math.floor(ms / 1000))

/** Proxy ids continue after the proxy's own (`firstId`), one per virtual server. */
export function lvsStatObjects(services: readonly VirtualService[], now: number, firstId: number): StatObject[] {
  const out: StatObject[] = []
  for (const [index, vs] of services.entries()) {
    const iid = firstId + index
    const status = vs.status()
    let active = 0
    for (const s of vs.servers) {
      active += s.served
      const row: Row = {
        pxname: vs.name, svname: s.name, qcur: 0, qmax: 0, scur: s.served, smax: undefined, stot: s.total, bin: s.bytesIn, bout: s.bytesOut,
        status: s.running ? (s.weight > 0 ? 'UP' : 'DRAIN') : 'DOWN', weight: s.weight, act: 1, bck: 0, chkdown: s.downs, lastchg: secs(now - s.lastChange),
        pid: 1, iid, sid: s.id, lbtot: s.total, type: 2, addr: `${s.plan.address}:${s.plan.port}`, mode: 'tcp', uweight: s.weight,
        ...(s.plan.checks.length > 0 ? {check_status: s.running ? 'L4OK' : 'L4CON'} : {}),
      }
      out.push({type: 'S', proxyId: iid, id: s.id, row})
    }
    const up = vs.servers.filter((s) => s.running)
    out.push({
      type: 'B',
      proxyId: iid,
      id: 0,
      row: {
        pxname: vs.name, svname: 'BACKEND', qcur: 0, qmax: 0, scur: active, stot: vs.total, status: status.quorum ? 'UP' : 'DOWN',
        weight: up.reduce((n, s) => n + s.weight, 0), act: up.length, bck: 0, lastchg: secs(now - vs.lastChange), pid: 1, iid, sid: 0, lbtot: vs.total,
        type: 1, mode: 'tcp', algo: vs.plan.algorithm,
      },
    })
  }
  return out
}
