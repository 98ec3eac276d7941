// Transparency, proven by difference: each request shape is sent by a real client once direct
// to a recording upstream and once through hopwatch in front of it; what the upstream received
// (method, target bytes, header lines in order with casing and repeats, body sha256) and what
// the client got (status, body sha256) must be the same, except the set the README documents.
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startRecordingUpstream, type Recorded } from '../helpers/recording-upstream.js'
import { startHopwatch } from '../helpers/hopwatch.js'
import { shapes, type Files } from './differential/shapes.js'
import { differences } from './differential/compare.js'

t.test('every request shape reaches the upstream and the client as it would direct', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'hopwatch-diff-'))
  const files: Files = { dir, big: join(dir, 'big.bin'), small: join(dir, 'small.bin') }
  await writeFile(files.big, randomBytes(2 * 1024 * 1024))
  await writeFile(files.small, randomBytes(10 * 1024))
  const up = await startRecordingUpstream()
  const hw = await startHopwatch(up.url)
  t.teardown(async () => { await hw.close(); await up.close(); await rm(dir, { recursive: true, force: true }) })

  const list = shapes(files)
  t.ok(list.length >= 60, `${list.length} shapes`)
  const take = (): Recorded[] => up.recorded.splice(0, up.recorded.length)
  for (const shape of list) {
    take()
    const direct = await shape.send(up.url)
    const atDirect = take()
    const through = await shape.send(hw.trafficUrl)
    const atThrough = take()
    if (shape.refused !== undefined) {
      t.equal(through.status, shape.refused, `${shape.name}: hopwatch answers ${shape.refused} itself`)
      t.equal(atThrough.length, 0, `${shape.name}: nothing reached the upstream`)
      t.not(direct.status, 0, `${shape.name}: direct, the upstream answered (${direct.status})`)
      continue
    }
    t.not(direct.status, 0, `${shape.name}: direct, the client got an answer`)
    t.same(differences(atDirect, atThrough, direct, through), [], shape.name)
  }
  t.equal(hw.auditor.failures, 0, 'no audit failure')
})
