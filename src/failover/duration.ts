/** `3s`, `1.5s`, `800ms`, `2m`, or a bare number of seconds → ms; undefined when unreadable. */
export function parseDurationMs(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(text)
  if (!match) return undefined
  const value = Number(match[1])
  const unit = match[2] ?? 's'
  return Math.round(unit === 'ms' ? value : unit === 'm' ? value * 60_000 : value * 1000)
}
