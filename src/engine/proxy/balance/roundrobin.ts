/**
 * `balance roundrobin`: HAProxy's fast weighted round robin (lb_fwrr), reproduced so the pick
 * sequence is the same as real HAProxy's for the same weights (e.g. weights 3,1 → s1 s1 s1 s2).
 *
 * Each group (active, backup) has three queues: `init` (servers not placed yet, heaviest first),
 * `curr` (servers placed at a position in the current window, sorted by position) and `next`
 * (servers pushed past the window). Positions advance by total weight / server weight.
 */
import {type Balancer, type BalancerOptions, EWEIGHT_MAX, isUsable, KeyedQueue, type LbServer, type PickContext, saturated, UWEIGHT_RANGE, WEIGHT_SCALE} from './types.js'

type Tree = 'init' | 'next' | 'curr' | undefined

interface Place {
  eweight: number
  npos: number
  lpos: number
  rweight: number
  tree: Tree
  usable: boolean
}

class Group {
  currPos = 0
  currWeight = 0
  nextWeight = 0
  curr = new KeyedQueue<LbServer>()
  // Swapped at each window's end (switchTrees): two fields, no object made per swap.
  init = new KeyedQueue<LbServer>()
  next = new KeyedQueue<LbServer>()
}

export class RoundRobin implements Balancer {
  private readonly places = new Map<LbServer, Place>()
  private readonly act = new Group()
  private readonly bck = new Group()

  constructor(
    private readonly servers: readonly LbServer[],
    private readonly options: BalancerOptions,
  ) {
    for (const s of servers) this.places.set(s, {eweight: s.weight * WEIGHT_SCALE, npos: 0, lpos: 0, rweight: 0, tree: undefined, usable: isUsable(s)})
    for (const group of [this.act, this.bck]) {
      const total = this.sum(group)
      group.currPos = group.currWeight = group.nextWeight = total
    }
    for (const s of servers) if (this.place(s).usable) this.queueByWeight(this.group(s), 'init', s)
  }

  private place(s: LbServer): Place {
    const place = this.places.get(s)
    if (!place) throw new Error(`server ${s.name} is not known to this balancer`)
    return place
  }

  private group(s: LbServer): Group {
    return s.backup ? this.bck : this.act
  }

  private sum(group: Group): number {
    let total = 0
    for (const s of this.servers) if (this.group(s) === group && this.place(s).usable) total += this.place(s).eweight
    return total
  }

  private queueByWeight(group: Group, tree: 'init' | 'next', s: LbServer): void {
    const place = this.place(s)
    // Named reads, not trees[tree]: a keyed read with changing names goes megamorphic on this hot path.
    ;(tree === 'init' ? group.init : group.next).insert(EWEIGHT_MAX - place.eweight, s)
    place.tree = tree
  }

  private dequeue(group: Group, s: LbServer, place = this.place(s)): void {
    const tree = place.tree
    if (tree === 'curr') group.curr.remove(s)
    else if (tree === 'init') group.init.remove(s)
    else if (tree === 'next') group.next.remove(s)
  }

  /** Places a server in the current window, or in `next` when its position falls beyond it. */
  private queue(group: Group, s: LbServer): void {
    const place = this.place(s)
    if (!place.usable) {
      place.tree = undefined
    } else if (place.eweight <= 0 || place.npos >= 2 * group.currWeight || place.npos >= group.currWeight + group.nextWeight) {
      place.npos -= group.currWeight
      this.queueByWeight(group, 'next', s)
    } else {
      const key = UWEIGHT_RANGE * place.npos + Math.floor((EWEIGHT_MAX + place.rweight - place.eweight) / WEIGHT_SCALE)
      group.curr.insert(key, s)
      place.tree = 'curr'
    }
  }

  /** Prepares a server taken out of its queue (HAProxy's fwrr_get_srv). */
  private take(group: Group, s: LbServer): void {
    const place = this.place(s)
    if (place.tree === 'init') place.npos = place.rweight = 0
    else if (place.tree === 'next') place.npos += group.currWeight
    else if (place.tree === undefined) place.npos = group.currPos
  }

  private fromGroup(group: Group): LbServer | undefined {
    const head = group.curr.first()
    if (head && this.place(head).npos <= group.currPos) return head
    const fresh = group.init.first()
    // A hole in the window with nobody waiting to be placed: the head still serves.
    if (!fresh) return head
    const place = this.place(fresh)
    place.npos = place.rweight = 0
    return place.eweight === 0 ? undefined : fresh
  }

  private switchTrees(group: Group): void {
    const init = group.next
    const next = group.init
    group.init = init
    group.next = next
    for (let i = 0; i < init.size; i++) this.place(init.valueAt(i)!).tree = 'init'
    for (let i = 0; i < next.size; i++) this.place(next.valueAt(i)!).tree = 'next'
    group.currWeight = group.nextWeight
    group.currPos = group.currWeight
  }

  private advance(group: Group, place: Place): void {
    if (place.npos === 0) place.lpos = group.currPos
    else place.lpos = place.npos
    place.npos = (place.npos === 0 ? group.currPos : place.npos) + Math.floor(group.nextWeight / place.eweight)
    place.rweight += group.nextWeight % place.eweight
    if (place.rweight >= place.eweight) {
      place.rweight -= place.eweight
      place.npos++
    }
  }

  pick(context: PickContext): LbServer | undefined {
    let activeUp = false
    for (const s of this.servers) {
      if (!s.backup && this.place(s).usable) {
        activeUp = true
        break
      }
    }
    let group: Group
    if (activeUp) group = this.act
    else {
      const usableBackups = this.servers.filter((s) => s.backup && this.place(s).usable)
      if (usableBackups.length === 0) return undefined
      if (!this.options.allBackups) return usableBackups[0]
      group = this.bck
    }
    let switched = false
    let avoided: LbServer | undefined
    let full: LbServer[] | undefined
    let chosen: LbServer | undefined
    for (;;) {
      if (group.currWeight === 0) group.currPos = group.currWeight = group.nextWeight
      let s: LbServer | undefined
      for (;;) {
        s = this.fromGroup(group)
        if (s) break
        if (switched) break
        switched = true
        this.switchTrees(group)
      }
      if (!s) {
        chosen = avoided
        break
      }
      const place = this.place(s)
      this.advance(group, place)
      this.dequeue(group, s, place)
      place.tree = undefined
      group.currPos++
      if (!saturated(s)) {
        if (s !== context.avoid || avoided) {
          chosen = s
          break
        }
        avoided = s
      }
      ;(full ??= []).push(s)
    }
    if (chosen) this.queue(group, chosen)
    if (full) {
      for (const s of full) {
        if (s === chosen) continue
        if (switched) this.queueByWeight(group, 'init', s)
        else this.queue(group, s)
      }
    }
    return chosen
  }

  serverUp(s: LbServer): void {
    this.refresh(s)
  }

  serverDown(s: LbServer): void {
    this.refresh(s)
  }

  weightChanged(s: LbServer): void {
    this.refresh(s)
  }

  /** Applies a state or weight change the way fwrr_set_server_status_up/down and fwrr_update_server_weight do. */
  private refresh(s: LbServer): void {
    const place = this.place(s)
    const group = this.group(s)
    const wasUsable = place.usable
    const oldWeight = place.eweight
    const usable = isUsable(s)
    const eweight = s.weight * WEIGHT_SCALE
    if (wasUsable === usable && oldWeight === eweight) return
    if (!wasUsable && !usable) {
      place.eweight = eweight
      return
    }
    if (wasUsable && !usable) {
      group.nextWeight -= oldWeight
      this.dequeue(group, s)
      place.tree = undefined
      place.usable = false
      place.eweight = eweight
      return
    }
    if (!wasUsable && usable) {
      place.usable = true
      place.eweight = eweight
      group.nextWeight += eweight
      this.dequeue(group, s)
      place.tree = undefined
      this.take(group, s)
      place.npos = group.currPos + Math.floor((group.nextWeight + group.currWeight - group.currPos) / eweight)
      this.queue(group, s)
      return
    }
    // Still usable, new weight.
    group.nextWeight = group.nextWeight - oldWeight + eweight
    place.eweight = eweight
    if (place.tree === 'init') {
      this.dequeue(group, s)
      this.queueByWeight(group, 'init', s)
      return
    }
    this.take(group, s)
    const previousNext = place.npos
    const step = Math.floor(group.nextWeight / eweight)
    place.npos = place.lpos + step
    place.rweight = 0
    if (place.npos > previousNext) place.npos = previousNext
    if (place.npos < group.currPos + 2) place.npos = group.currPos + step
    this.dequeue(group, s)
    place.tree = undefined
    this.queue(group, s)
  }

  connTaken(): void {}

  connReleased(): void {}
}
