import type {RuleContext} from './context.js'

/** vrrp_track_file with init_file: keepalived writes the initial value, which only works on a regular file. */
export function checkTrackFiles(ctx: RuleContext): void {
  for (const track of ctx.model.trackFiles) {
    if (!track.initFile || track.file === undefined) continue
    if (ctx.env.fileKind(track.file) !== 'other') continue
    ctx.reportEnv('keepalived/track-file-not-regular', track.initFile.at, `Cannot initialise track file ${track.name} - it is not a regular file`, [
      `point \`file\` at a regular file (${track.file} is not one), or remove init_file`,
    ])
  }
}
