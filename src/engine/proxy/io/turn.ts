/**
 * Work held until the event loop has run every I/O callback of its turn, then done in one go: setImmediate runs
 * right after the poll phase. HAProxy works the same way (it sends and connects after its poll loop). On
 * loopback, waking a sleeping peer costs more than a request's whole user-space work; a burst of sends or
 * connects done together wakes the peer once instead of once per request.
 */
export interface EndOfTurn {
  endOfTurn(): void
}

let held: EndOfTurn[] = []

export function atEndOfTurn(task: EndOfTurn): void {
  if (held.push(task) === 1) setImmediate(runHeld)
}

function runHeld(): void {
  const tasks = held
  held = []
  let i = 0
  try {
    for (; i < tasks.length; i++) tasks[i]!.endOfTurn()
  } finally {
    // A task that threw (a 'close' listener's bug) must not leave the others' writes and closes undone.
    for (i++; i < tasks.length; i++) atEndOfTurn(tasks[i]!)
  }
}
