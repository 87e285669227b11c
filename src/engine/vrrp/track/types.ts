/** What the tracked objects of keepalived (vrrp_script, track_interface, track_file) look like to the engine. */

/** What a tracked object says right now. */
export type TrackedStatus =
  /** `init`: the script has not finished a run yet (keepalived SCRIPT_INIT_STATE_INIT). */
  | {kind: 'script'; state: 'init' | 'ok' | 'failed'; detail: string}
  | {kind: 'interface'; up: boolean; detail: string}
  /** The integer read from the file (clamped to −254..254; 0 when missing or unreadable). */
  | {kind: 'file'; value: number; detail: string}

export interface Tracker {
  /** Unique among trackers: `script chk_haproxy`, `interface eth0`, `file f1`. */
  readonly key: string
  /** The name users wrote (`chk_haproxy`). */
  readonly name: string
  status(): TrackedStatus
  /** Starts watching; `onChange` is called on every change of status after that. */
  start(onChange: (status: TrackedStatus) => void): void
  /** Stops watching; resolves when nothing it started is still running. */
  stop(): Promise<void>
}

/** One instance's use of a tracked object (`track_script { chk weight -20 }`). */
export interface TrackRef {
  key: string
  name: string
  /** The weight that applies for this instance (the track_* override, else the object's own). */
  weight: number
  /** `weight N reverse`. */
  reverse: boolean
}
