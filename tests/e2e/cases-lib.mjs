// 民情诉求 helpers for the browser tests and the screenshots: an API client signed in as a demo
// account (what another person does meanwhile, in another browser), and a small history of
// cases across 澄月街道's communities so the queue and the rates have something to show.
import { deflateSync } from 'node:zlib'
import { BASE, PASSWORD } from './lib.mjs'

// A signed-in account talking to the API directly: call(method, path, body) → {status, body}.
export async function apiAs(username) {
  const r = await fetch(`${BASE}/api/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  })
  if (r.status !== 200) throw new Error(`${username} cannot sign in: ${r.status}`)
  const { csrf, user } = await r.json()
  const cookie = r.headers.get('set-cookie').split(';')[0]
  async function call(method, path, body) {
    const res = await fetch(`${BASE}${path}`, {
      method,
      headers: {
        Accept: 'application/json',
        Cookie: cookie,
        ...(method === 'GET' ? {} : { 'X-CSRF-Token': csrf }),
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    return { status: res.status, body: text ? JSON.parse(text) : null }
  }
  // A raw body (a photo): {status, body}.
  async function send(path, buffer, type) {
    const res = await fetch(`${BASE}${path}`, {
      method: 'POST',
      headers: { Accept: 'application/json', Cookie: cookie, 'X-CSRF-Token': csrf, 'Content-Type': type },
      body: buffer,
    })
    const text = await res.text()
    return { status: res.status, body: text ? JSON.parse(text) : null }
  }
  return { user, call, send }
}

// Is the photo upload route there yet? (It arrives with its own change.)
export async function hasPhotoRoute() {
  const r = await fetch(`${BASE}/api/openapi.json`)
  if (r.status !== 200) return false
  const spec = await r.json()
  return Object.keys(spec.paths ?? {}).some((p) => /^\/api\/cases\/\{[^}]+\}\/photos$/.test(p))
}

// A few weeks' worth of cases in the communities of the street: entered by the street's
// official for 孙秀英 (jumin, who can then rate them), some accepted, some answered, some
// rated. Answers the ids.
export async function seedCases() {
  const jiedao = await apiAs('jiedao')
  const jumin = await apiAs('jumin')
  const me = (await jumin.call('GET', '/api/me')).body
  const home = (await jumin.call('GET', `/api/places/${me.user.place_id}`)).body
  const street = home.ancestors.find((a) => a.kind === 'street')
  const communities = (await jiedao.call('GET', `/api/places/${street.id}/children?limit=8`)).body.items
  // The resident's person id, from a case she reports herself.
  const own = await jumin.call('POST', '/api/cases', {
    category: 'sanitation',
    title: '楼道堆放杂物',
    description: '2 单元一楼楼道堆了很多纸箱和旧家具，影响通行，也有火灾隐患。',
  })
  const person = own.body.reporter.id
  const samples = [
    ['road_light', '小区路灯不亮', '小区东门到 5 栋之间的三盏路灯都不亮了，老人晚上出门不方便。'],
    ['property', '电梯经常停运', '6 栋电梯这个月停了三次，楼上住的都是老人，上下楼很困难。'],
    ['sanitation', '垃圾清运不及时', '菜市场旁边的垃圾桶满了两天没人清，气味很大。'],
    ['neighbour', '楼上噪音扰民', '楼上住户每天晚上十一点后还在装修，影响休息。'],
    ['elderly_care', '想申请助餐服务', '家里老人八十多岁，独自居住，想申请社区老年食堂送餐。'],
    ['public_order', '占道停车', '小区主干道两边长期停满车，消防车进不来。'],
  ]
  const ids = [own.body.id]
  let n = 0
  for (const [ci, c] of communities.slice(0, 6).entries()) {
    for (let k = 0; k < 2 + (ci % 3); k++) {
      const [category, title, description] = samples[(ci + k) % samples.length]
      const r = await jiedao.call('POST', '/api/cases', {
        category,
        title,
        description,
        place_id: c.id,
        on_behalf_of: person,
        channel: ['staff', 'station', 'mailbox'][n % 3],
      })
      if (r.status !== 201) throw new Error(`seed case: ${r.status} ${JSON.stringify(r.body)}`)
      ids.push(r.body.id)
      const id = r.body.id
      n++
      if (n % 5 === 0) continue // still waiting to be accepted
      await jiedao.call('POST', `/api/cases/${id}/accept`, {})
      if (n % 5 === 1) continue // accepted, being handled
      await jiedao.call('POST', `/api/cases/${id}/reply`, {
        text: '已联系相关单位现场处理，问题已解决，请您查看。',
      })
      if (n % 5 === 2) continue // answered, not yet rated
      await jumin.call('POST', `/api/cases/${id}/rate`, {
        rating: n % 7 === 3 ? 'unsatisfied' : n % 4 === 0 ? 'basically_satisfied' : 'satisfied',
      })
    }
  }
  return ids
}

// One case with a long history, for the detail: reported from the phone with a photo,
// accepted, sent to a colleague, answered, rated 不满意 (so it went round again), answered
// again. Answers its id.
export async function storyCase() {
  const jumin = await apiAs('jumin')
  const shequ = await apiAs('shequ')
  const made = await jumin.call('POST', '/api/cases', {
    category: 'road_light',
    title: '3 栋门口路灯不亮',
    description: '3 栋门口的路灯坏了一个星期，晚上看不清路，上周有老人在台阶上摔了一跤。',
  })
  const id = made.body.id
  if (await hasPhotoRoute()) await jumin.send(`/api/cases/${id}/photos`, streetPhoto(), 'image/png')
  await shequ.call('POST', `/api/cases/${id}/accept`, {})
  const people = (await shequ.call('GET', '/api/people?q=王&limit=1')).body.items
  if (people.length)
    await shequ.call('POST', `/api/cases/${id}/assign`, { person_id: people[0].id, note: '请网格员今天到现场看一下。' })
  await shequ.call('POST', `/api/cases/${id}/reply`, { text: '已报修，供电所说三天内来换灯。' })
  await jumin.call('POST', `/api/cases/${id}/rate`, { rating: 'unsatisfied', comment: '三天了还是不亮。' })
  await shequ.call('POST', `/api/cases/${id}/accept`, {})
  await shequ.call('POST', `/api/cases/${id}/reply`, { text: '供电所今天上午已更换灯泡，晚上已经亮了，请您查看。' })
  return id
}

// A w×h PNG drawn by fn(x, y) → [r, g, b] (a stand-in for a phone photo).
export function makePng(w, h, fn) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    return c >>> 0
  })
  const crc = (buf) => {
    let c = 0xffffffff
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8)
    return (c ^ 0xffffffff) >>> 0
  }
  const chunk = (type, data) => {
    const len = Buffer.alloc(4)
    len.writeUInt32BE(data.length)
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data])
    const c = Buffer.alloc(4)
    c.writeUInt32BE(crc(td))
    return Buffer.concat([len, td, c])
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(w, 0)
  ihdr.writeUInt32BE(h, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 2 // RGB
  const raw = Buffer.alloc((w * 3 + 1) * h)
  for (let y = 0; y < h; y++) {
    raw[y * (w * 3 + 1)] = 0
    for (let x = 0; x < w; x++) {
      const [r, g, b] = fn(x, y)
      const o = y * (w * 3 + 1) + 1 + x * 3
      raw[o] = r
      raw[o + 1] = g
      raw[o + 2] = b
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

// A dusk street with a dark lamp post: the photo a resident sends about a light that is out.
export function streetPhoto() {
  return makePng(320, 240, (x, y) => {
    if (x >= 150 && x < 158 && y > 60) return [60, 60, 70] // the post
    if (y >= 52 && y < 62 && x >= 140 && x < 190) return [90, 90, 100] // the lamp, unlit
    if (y > 190) return [70 + (x % 40 < 20 ? 10 : 0), 70, 75] // the road
    return [30 + Math.round(y / 6), 40 + Math.round(y / 5), 90 + Math.round(y / 4)] // the sky
  })
}
