/** `balance first`: the first server by id with a free slot (its maxconn), so the others can be switched off. */
import {type Balancer, type BalancerOptions, isUsable, type LbServer, type PickContext, saturated} from './types.js'

export class First implements Balancer {
  constructor(
    private readonly servers: readonly LbServer[],
    private readonly options: BalancerOptions,
  ) {}

  pick(context: PickContext): LbServer | undefined {
    const byId = [...this.servers].sort((a, b) => a.id - b.id)
    let candidates = byId.filter((s) => !s.backup && isUsable(s))
    if (candidates.length === 0) {
      const backups = byId.filter((s) => s.backup && isUsable(s))
      if (!this.options.allBackups) return backups[0]
      candidates = backups
    }
    let avoided: LbServer | undefined
    for (const s of candidates) {
      if (saturated(s)) continue
      if (s !== context.avoid) return s
      avoided ??= s
    }
    return avoided
  }

  serverUp(): void {}
  serverDown(): void {}
  weightChanged(): void {}
  connTaken(): void {}
  connReleased(): void {}
}
