// 双报到 in the browser: on a phone, the party member (赵卫东, dangyuan) claims 孙秀英's
// approved wish, reports it done, she confirms and rates it on her phone, and his points rise
// by the wish rule's amount; a second claim from a stale page gets the server's Chinese
// refusal; on the activity page he signs up, and a forged arrival code is refused while the
// organiser's real code checks him in. The console shows the co-building agreement with the
// bus-driver story and the roster with his arrival.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { BASE, DESKTOP, PASSWORD, PHONE, assertAccessible, assertClean, consoleLogin, launch, mobileLogin, open } from './lib.mjs'

let browser
before(async () => {
  browser = await launch()
})
after(async () => {
  await browser?.close()
})

// The API as one of the demo accounts (cookie session with its CSRF token).
async function as(username) {
  const r = await fetch(`${BASE}/api/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  })
  assert.equal(r.status, 200, `${username} signs in`)
  const { csrf } = await r.json()
  const cookie = r.headers.get('set-cookie').split(';')[0]
  return async (method, path, body) => {
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
}

async function points(api) {
  const r = await api('GET', '/api/points/accounts?owner=me')
  assert.equal(r.status, 200)
  const a = r.body.items.find((x) => x.kind === 'person')
  return { balance: a.balance, score: a.score }
}

// Failed requests the test provokes on purpose show up as console errors.
function except(problems, status, pathRe) {
  return problems.filter((p) => !(p.includes(`status of ${status}`) && pathRe.test(p)))
}

describe('双报到 and co-building', () => {
  test('on a phone a member claims a wish, the resident confirms it, and his points rise by the rule', async () => {
    const member = await as('dangyuan')
    // The rule's amount for one fulfilled wish, capped per outcome.
    const rules = (await member('GET', '/api/points/rules')).body.items
    const rule = rules.find((r) => r.code === 'wish_fulfilled')
    assert.ok(rule?.enabled, 'the wish rule is on')
    const amount = rule.cap_per_outcome ? Math.min(rule.points_per_unit, rule.cap_per_outcome) : rule.points_per_unit
    assert.ok(amount > 0)
    const before = await points(member)

    // 赵卫东 on his phone: 服务 › 认领微心愿 › 孙秀英's wish.
    const m = await open(browser, { viewport: PHONE, mobile: true })
    await mobileLogin(m.page, 'dangyuan')
    await m.page.getByTestId('tabbar').getByText('服务').click()
    await m.page.getByTestId('tile-wishes').click()
    const card = m.page.getByTestId('claimable-wishes').getByRole('link', { name: /想请人帮忙换灯泡/ })
    await card.click()
    await m.page.getByTestId('wish-title').getByText('想请人帮忙换灯泡').waitFor()
    const wishUrl = m.page.url()
    await assertAccessible(m.page, 'mobile wish to claim')

    // A second tab of the same list, left open (it will be stale).
    const stale = await m.context.newPage()
    await stale.goto(wishUrl)
    await stale.getByTestId('wish-claim').waitFor()

    await m.page.getByTestId('wish-claim').click()
    await m.page.getByRole('button', { name: '确认' }).click()
    await m.page.getByTestId('wish-status').getByText('已认领').waitFor()
    await m.page.getByTestId('wish-claimed-by').getByText(/赵卫东/).waitFor()

    // The stale tab tries again: the server says no, in Chinese, and the page catches up.
    await stale.getByTestId('wish-claim').click()
    await stale.getByRole('button', { name: '确认' }).click()
    await stale.getByTestId('wish-error').getByText('这个微心愿已经有人认领了').waitFor()
    await stale.getByTestId('wish-status').getByText('已认领').waitFor()
    await stale.close()

    // He reports it done.
    await m.page.getByTestId('wish-fulfil-note').locator('textarea').fill('周六上午上门换好了客厅吊灯的灯泡')
    await m.page.getByTestId('wish-fulfil').click()
    await m.page.getByTestId('wish-status').getByText('待确认').waitFor()
    const nothingYet = await points(member)
    assert.deepEqual(nothingYet, before, 'no points before the resident confirms')

    // 孙秀英 on her phone: 微心愿 › the wish says it waits for her; she rates it 满意.
    const r = await open(browser, { viewport: PHONE, mobile: true })
    await mobileLogin(r.page, 'jumin')
    await r.page.getByTestId('tabbar').getByText('微心愿').click()
    const mine = r.page.getByTestId('my-wishes').getByRole('link', { name: /想请人帮忙换灯泡/ })
    await mine.getByText('已完成，请您确认').waitFor()
    await mine.click()
    await r.page.getByTestId('wish-confirm-card').getByText('周六上午上门换好了客厅吊灯的灯泡').waitFor()
    await assertAccessible(r.page, 'mobile wish to confirm')
    await r.page.getByTestId('wish-confirm-card').getByText('满意', { exact: true }).click()
    await r.page.getByTestId('wish-confirm').click()
    await r.page.getByTestId('wish-rated').getByText('您的评价：满意').waitFor()
    await r.page.getByTestId('wish-status').getByText('已完成').waitFor()

    // His points rose by the rule's amount, balance and score alike.
    const after = await points(member)
    assert.equal(after.balance - before.balance, amount, 'balance rises by the rule amount')
    assert.equal(after.score - before.score, amount, 'score rises by the rule amount')

    // And his 我的服务 page shows the new balance.
    await m.page.goto(`${BASE}/m/service/mine`)
    await m.page.getByTestId('mine-points').getByText(String(after.balance), { exact: true }).waitFor()
    assert.ok((await m.page.evaluate(() => document.documentElement.scrollWidth)) <= PHONE.width)

    assertClean(except(m.problems, 409, /\/api\/wishes\/\d+\/claim/))
    assertClean(r.problems)
    await m.context.close()
    await r.context.close()
  })

  test('a member signs up, a forged arrival code is refused and the real one checks him in', async () => {
    const staff = await as('shequ')
    const me = (await (await as('dangyuan'))('GET', '/api/me')).body
    assert.ok(me.user)
    // An 80365 service in 大智路 that started ten minutes ago.
    const now = Math.floor(Date.now() / 1000)
    const made = await staff('POST', '/api/activities', {
      place_id: me.user.place_id,
      kind: '80365',
      title: '80365 家电义修（测试）',
      starts_at: now - 600,
      ends_at: now + 2 * 3600,
      capacity: 10,
    })
    assert.equal(made.status, 201, JSON.stringify(made.body))
    const id = made.body.id

    const m = await open(browser, { viewport: PHONE, mobile: true })
    await mobileLogin(m.page, 'dangyuan')
    await m.page.goto(`${BASE}/m/service/activities`)
    await m.page.getByTestId(`activity-signup-${id}`).click()
    await m.page.getByTestId(`activity-${id}`).getByTestId('my-status').getByText('已报名').waitFor()
    // Vant's toast (报名成功) is a nameless dialog while it shows: let it go before axe looks.
    await m.page.locator('.van-toast').waitFor({ state: 'hidden' })
    await m.page.getByTestId(`activity-scan-${id}`).click()
    await m.page.getByTestId('scan-code').waitFor()
    await assertAccessible(m.page, 'mobile scan')

    // Forged: the right shape and activity, a made-up signature.
    const input = m.page.getByTestId('scan-code').locator('input')
    await input.fill(`XF-A${id}-${Math.floor(now / 300)}-0123456789`)
    await m.page.getByTestId('scan-submit').click()
    await m.page.getByTestId('scan-error').getByText('签到码无效').waitFor()
    // Not a code at all.
    await input.fill('随便写的')
    await m.page.getByTestId('scan-submit').click()
    await m.page.getByTestId('scan-error').getByText('这不是本系统的签到码').waitFor()

    // The organiser's current code, typed in.
    const code = await staff('GET', `/api/activities/${id}/code`)
    assert.equal(code.status, 200)
    await input.fill(code.body.code)
    await m.page.getByTestId('scan-submit').click()
    await m.page.getByTestId('scan-ok').getByText('签到成功！80365 家电义修（测试）').waitFor()
    assertClean(except(m.problems, 400, new RegExp(`/api/activities/${id}/arrive`)))
    await m.context.close()

    // The organiser's roster marks him as arrived by code; the QR page shows the count.
    const c = await open(browser, { viewport: DESKTOP })
    await consoleLogin(c.page, 'shequ')
    await c.page.goto(`${BASE}/coop/activities?activity=${id}`)
    const drawer = c.page.getByTestId('activity-drawer')
    await drawer.getByTestId('roster-table').getByText(/赵卫东/).waitFor()
    await drawer.getByText(/扫码签到/).waitFor()
    await c.page.goto(`${BASE}/coop/activities/${id}/code`)
    await c.page.getByTestId('code-qr').locator('svg').waitFor()
    await c.page.getByTestId('code-count').getByText('已签到 1 人 / 已报名 1 人').waitFor()
    assert.match(await c.page.getByTestId('code-text').innerText(), new RegExp(`^XF-A${id}-\\d+-[0-9a-f]{10}$`))
    assertClean(c.problems)
    await c.context.close()
  })

  test('a unit contact reports an enterprise to the street; 黄石公交集团 shows as already reported', async () => {
    const contact = await as('danwei')
    const place = (await contact('GET', '/api/me')).body.user.place_id
    const lines = (await contact('GET', `/api/places/${place}/lines`)).body
    const orgs = [...lines.organisations, ...lines.party]
    const bus = orgs.find((o) => o.name === '黄石公交集团')
    assert.ok(bus, '黄石公交集团 is among the organisations of the contact\'s community')
    // The contact sees the unit registrations of their community (the demo's, approved).
    const regs = (await contact('GET', '/api/registrations')).body.items
    const busReg = regs.find((r) => r.org_id === bus.id)
    assert.equal(busReg?.status, 'approved', '黄石公交集团 reported long ago')
    const reported = new Set(regs.map((r) => r.org_id))
    const ent = orgs.find((o) => o.kind === 'enterprise' && !reported.has(o.id))
    assert.ok(ent, 'an enterprise of 大智路 that has not reported')

    const c = await open(browser, { viewport: DESKTOP })
    await consoleLogin(c.page, 'danwei')
    const menu = c.page.getByTestId('menu')
    await menu.getByText('双报到').click()
    await menu.getByText('单位报到').click()
    const page = c.page.getByTestId('coop-unit-report-page')
    await page.getByTestId('unit-report-where').getByText(/大智路社区/).waitFor()
    await page.getByTestId(`unit-state-${bus.id}`).getByText('已报到').waitFor()
    assert.equal(await page.getByTestId(`unit-report-${bus.id}`).count(), 0, 'no second 报到 for 黄石公交集团')
    await page.getByTestId('unit-report-mine').getByText('黄石公交集团').waitFor()

    // The enterprise: found by name, reported, and now waiting for the street.
    await page.getByTestId('unit-report-search').fill(ent.name)
    await page.getByTestId(`unit-state-${ent.id}`).getByText('未报到').waitFor()
    await page.getByTestId(`unit-report-${ent.id}`).click()
    const dialog = c.page.getByTestId('unit-report-dialog')
    await dialog.getByText(`确认以「${ent.name}」的名义向澄月街道报到吗？`).waitFor()
    await assertAccessible(c.page, 'console unit report dialog')
    await dialog.getByTestId('unit-report-submit').click()
    await page.getByTestId(`unit-state-${ent.id}`).getByText('街道审核中').waitFor()
    await page.getByTestId('unit-report-mine').getByText(ent.name).waitFor()
    assert.equal(await page.getByTestId(`unit-report-${ent.id}`).count(), 0)
    await assertAccessible(c.page, 'console unit report')

    // The server agrees: the enterprise waits at the street; a second report of either is refused.
    const after = (await contact('GET', '/api/registrations')).body.items
    assert.equal(after.find((r) => r.org_id === ent.id)?.status, 'pending')
    const again = await contact('POST', '/api/registrations', { kind: 'unit', org_id: bus.id })
    assert.equal(again.status, 409)
    assert.equal(again.body.error.code, 'already_registered')

    // The contact also reaches the agreements (共建共享 › 共建协议).
    await menu.getByText('共建共享').click()
    await menu.getByText('共建协议').click()
    await c.page.getByTestId('agreement-table').getByText('黄石公交集团').first().waitFor()
    assertClean(c.problems)
    await c.context.close()
  })

  test('community staff enter a wish for a resident and the list marks it 代登记', async () => {
    const c = await open(browser, { viewport: DESKTOP })
    await consoleLogin(c.page, 'shequ')
    await c.page.getByTestId('menu').getByText('双报到').click()
    await c.page.getByTestId('menu').getByText('微心愿').click()
    await c.page.getByTestId('wish-enter').click()
    const dialog = c.page.getByTestId('wish-enter-dialog')
    // Nothing filled: the form says what is missing, and nothing is sent.
    await dialog.getByTestId('wish-enter-submit').click()
    await dialog.getByText('请选择居民').waitFor()
    await dialog.getByLabel('居民').fill('孙秀英')
    await c.page.getByRole('option', { name: /孙秀英/ }).filter({ visible: true }).first().click()
    const title = `想请人帮忙修水龙头 ${Date.now() % 100000}`
    await dialog.getByTestId('wish-enter-title').fill(title)
    await dialog.getByTestId('wish-enter-description').fill('厨房水龙头一直滴水，老人腿脚不便，周末上午在家')
    await assertAccessible(c.page, 'console wish entry dialog')
    await dialog.getByTestId('wish-enter-submit').click()
    const row = c.page.getByTestId('wish-table').locator('.el-table__row', { hasText: title })
    await row.getByText('孙秀英').waitFor()
    await row.getByTestId('wish-on-behalf').getByText('代登记').waitFor()
    await row.getByText('待审核').waitFor()

    // As stored: 孙秀英's wish, entered on her behalf, waiting for review.
    const staff = await as('shequ')
    const w = (await staff('GET', '/api/wishes?status=posted')).body.items.find((x) => x.title === title)
    assert.ok(w?.entered_on_behalf, 'stored as entered on her behalf')
    assert.match(w.resident, /^孙秀英/)
    assertClean(c.problems)
    await c.context.close()
  })

  test('the console shows 黄石公交集团 2026 agreement with its lists and the five drivers hired', async () => {
    const c = await open(browser, { viewport: DESKTOP })
    await consoleLogin(c.page, 'jiedao')
    await c.page.getByTestId('menu').getByText('共建共享').click()
    await c.page.getByTestId('menu').getByText('共建协议').click()
    const row = c.page.getByTestId('agreement-table').locator('.el-table__row', { hasText: '黄石公交集团' })
    await row.click()
    await c.page.getByTestId('agreement-title').getByText('2026 年度区域化党建共建协议').waitFor()
    for (const l of ['need', 'resource', 'service']) await c.page.getByTestId(`list-${l}`).waitFor()
    const need = c.page.getByTestId('list-need').locator('article', { hasText: '招聘公交驾驶员' })
    await need.getByText('5 / 5').waitFor()
    await need.getByText('已完成').waitFor()
    await assertAccessible(c.page, 'console agreement')
    await need.getByRole('button', { name: '匹配' }).click()
    const drawer = c.page.getByTestId('match-drawer')
    await drawer.getByTestId('match-progress').getByText('已录用 5 / 需要 5').waitFor()
    assert.equal(await drawer.getByTestId('match-table').getByText('已录用', { exact: true }).count(), 5)
    assertClean(c.problems)
    await c.context.close()
  })
})
