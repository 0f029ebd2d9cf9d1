// 党员积分 as people use it: a party member on a phone makes a one-time redemption code, the
// shop's cashier (another phone) types it, picks an item and confirms; the member's balance
// falls by exactly the price, the item's stock by one, and the evaluation score does not move.
// The same code a second time is refused in Chinese, and so is a gift over the balance. On
// the console: rules read-only for staff, an award proposed by the community and approved by
// a second person, and the issuer reconciliation with its total row and chart.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  BASE,
  PASSWORD,
  PHONE,
  assertAccessible,
  assertClean,
  consoleLogin,
  launch,
  mobileLogin,
  open,
} from './lib.mjs'

let browser
before(async () => {
  browser = await launch()
})
after(async () => {
  await browser?.close()
})

// The signed-in person's account as the server has it (same cookies as the page).
async function myAccount(page) {
  return page.evaluate(async () => {
    const get = async (p) => (await fetch(p, { headers: { Accept: 'application/json' } })).json()
    const list = await get('/api/points/accounts?owner=me')
    const a = list.items.find((x) => x.kind === 'person')
    return get(`/api/points/accounts/${a.id}`)
  })
}

// Lines of an account's history newer than `seq` (to allow for points earned meanwhile by
// other suites running at the same time).
async function since(page, account, seq) {
  return page.evaluate(
    async ({ account, seq }) => {
      const r = await (await fetch(`/api/points/accounts/${account}/transfers?limit=200`)).json()
      return r.items.filter((x) => x.seq > seq)
    },
    { account, seq },
  )
}

async function lastSeq(page, account) {
  return page.evaluate(async (account) => {
    const r = await (await fetch(`/api/points/accounts/${account}/transfers?limit=1`)).json()
    return r.items[0]?.seq ?? 0
  }, account)
}

async function catalogue(page, shopId) {
  return page.evaluate(async (id) => (await (await fetch(`/api/points/shops/${id}`)).json()).catalogue, shopId)
}

// A session for plain API calls from the test itself.
async function apiLogin(username) {
  const r = await fetch(`${BASE}/api/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  })
  assert.equal(r.status, 200)
  const { csrf } = await r.json()
  const cookie = r.headers.get('set-cookie').split(';')[0]
  return async (method, path, body) => {
    const res = await fetch(`${BASE}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf, Cookie: cookie },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    return { status: res.status, body: await res.json() }
  }
}

// The browser logs a refused request (409, 422) as a console error; those the test provokes
// on purpose are expected, anything else is still a problem.
function except(problems, ...expected) {
  return problems.filter((p) => !expected.some((re) => re.test(p)))
}

const noSideways = async (page) => {
  const w = await page.evaluate(() => document.documentElement.scrollWidth)
  assert.ok(w <= PHONE.width, `page is ${w}px wide on a ${PHONE.width}px screen`)
}

describe('points', () => {
  test('a member redeems at the counter with a one-time code: balance down by the price, stock by one, score unchanged', async () => {
    const member = await open(browser, { viewport: PHONE, mobile: true })
    const mp = member.page
    await mobileLogin(mp, 'dangyuan')
    await mp.getByTestId('my-points-link').click()
    await mp.getByTestId('points-balance').waitFor()
    const before = await myAccount(mp)
    assert.ok(before.balance >= 8, `the demo member has points to spend (has ${before.balance})`)
    assert.equal(await mp.getByTestId('points-balance').innerText(), String(before.balance))
    assert.equal(await mp.getByTestId('points-score').innerText(), String(before.score))
    await mp.getByText('兑换和转赠都不会减少').first().waitFor()
    await mp.getByTestId('points-history').getByText('获得积分').first().waitFor()
    const seq0 = await lastSeq(mp, before.id)
    await noSideways(mp)
    await assertAccessible(mp, 'member points')

    // 兑换码 for the community's 积分超市 (listed first), up to the whole balance.
    await mp.getByTestId('points-code-link').click()
    await mp.getByTestId('code-shop-1').getByText('大智路社区积分超市').waitFor()
    await assertAccessible(mp, 'redemption code form')
    await mp.getByTestId('code-generate').click()
    await mp.getByTestId('code-qr').waitFor()
    const digits = (await mp.getByTestId('code-digits').innerText()).replace(/\s/g, '')
    assert.match(digits, /^\d{10}$/)
    await mp.getByTestId('code-countdown').getByText(/^[45]:\d\d 后失效$/).waitFor()
    const qr = await mp.getByTestId('code-qr').boundingBox()
    assert.ok(qr.width >= 240, `the QR code is big (${qr.width}px)`)
    await noSideways(mp)
    await assertAccessible(mp, 'redemption code')

    // The cashier, on another phone: 收银 → the code → the cheapest item the member can afford.
    const shop = await open(browser, { viewport: PHONE, mobile: true })
    const sp = shop.page
    await mobileLogin(sp, 'shangdian')
    await sp.getByTestId('tabbar').getByText('收银').click()
    await sp.getByTestId('counter-code').locator('input').waitFor()
    const items = await catalogue(sp, 1)
    const item = items
      .filter((i) => i.active && i.stock > 0 && i.price <= before.available)
      .sort((a, b) => a.price - b.price)[0]
    assert.ok(item, 'an item the member can afford')
    await sp.getByTestId(`counter-stock-${item.id}`).getByText(`库存 ${item.stock}`).waitFor()
    await assertAccessible(sp, 'shop counter')
    await sp.getByTestId('counter-code').locator('input').fill(digits)
    await sp.getByTestId(`counter-add-${item.id}`).click()
    await sp.getByTestId('counter-total').getByText(`${item.price} 积分`).waitFor()
    await sp.getByTestId('counter-submit').click()
    await sp.getByTestId('counter-pending').waitFor()
    assert.match(await sp.getByTestId('pending-member').innerText(), /^赵\*\*$/) // masked for the shop
    assert.equal(await sp.getByTestId('pending-amount').innerText(), String(item.price))
    // The member's phone sees the reservation, then the confirmation.
    await mp.getByTestId('code-status').getByText(`收银员已扣减 ${item.price} 积分，等待确认。`).waitFor()
    await sp.getByTestId('counter-confirm').click()
    await sp.getByTestId('counter-done').getByText(/^兑换完成：赵\*\*/).waitFor()
    await mp.getByTestId('code-status').getByText(`兑换成功：用了 ${item.price} 积分`).waitFor()

    const after = await myAccount(mp)
    const meanwhile = (await since(mp, before.id, seq0)).filter((x) => x.code === 'earn' && x.direction === 'credit')
    const earned = meanwhile.reduce((s, x) => s + x.amount, 0)
    assert.equal(after.balance, before.balance - item.price + earned, 'the balance fell by exactly the price')
    assert.equal(after.score, before.score + earned, 'spending does not lower the score')
    assert.equal(after.pending, 0)
    const stockAfter = (await catalogue(sp, 1)).find((i) => i.id === item.id).stock
    assert.equal(stockAfter, item.stock - 1, 'the stock fell by one')
    await sp.getByTestId('counter-next').click()
    await sp.getByTestId(`counter-stock-${item.id}`).getByText(`库存 ${item.stock - 1}`).waitFor()

    // The same code again: refused in Chinese, nothing moves.
    await sp.getByTestId('counter-code').locator('input').fill(digits)
    await sp.getByTestId(`counter-add-${item.id}`).click()
    await sp.getByTestId('counter-submit').click()
    await sp.getByTestId('counter-error').getByText('这个兑换码已经用过了，请对方重新生成').waitFor()
    assert.equal((await myAccount(mp)).balance, after.balance)
    assert.equal((await catalogue(sp, 1)).find((i) => i.id === item.id).stock, item.stock - 1)
    // A code that was never issued.
    await sp.getByTestId('counter-code').locator('input').fill('0000000000')
    await sp.getByTestId('counter-submit').click()
    await sp.getByTestId('counter-error').getByText('兑换码不对，或者不是本店的兑换码，请核对').waitFor()
    await noSideways(sp)

    // The member's history says where the points went.
    await mp.getByTestId('code-done').click()
    await mp.getByTestId('points-history').getByText('在大智路社区积分超市兑换').first().waitFor()
    assert.equal(await mp.getByTestId('points-balance').innerText(), String(after.balance))
    assert.equal(await mp.getByTestId('points-score').innerText(), String(after.score))

    // The cashier's records list the confirmed redemption.
    await sp.getByTestId('tabbar').getByText('记录').click()
    await sp.getByTestId('records-list').getByText('已完成').first().waitFor()
    await assertAccessible(sp, 'shop records')

    assertClean(member.problems)
    assertClean(except(shop.problems, /status of 422/))
    await member.context.close()
    await shop.context.close()
  })

  test('a gift over the balance is refused in Chinese; a small one moves the balance, not the score', async () => {
    const jm = await apiLogin('jumin')
    const jmAccount = (await jm('GET', '/api/points/accounts?owner=me')).body.items.find((a) => a.kind === 'person')
    assert.ok(jmAccount)

    const { context, page, problems } = await open(browser, { viewport: PHONE, mobile: true })
    await mobileLogin(page, 'dangyuan')
    await page.goto(`${BASE}/m/points`)
    await page.getByTestId('points-gift-link').click()
    await page.getByTestId('gift-limits').getByText(/^您现在可用 \d+ 积分；每人每天最多转赠 \d+ 积分。$/).waitFor()
    const before = await myAccount(page)
    const seq0 = await lastSeq(page, before.id)
    await assertAccessible(page, 'gift form')

    await page.getByTestId('gift-to').locator('input').fill(String(jmAccount.id))
    await page.getByTestId('gift-amount').locator('input').fill(String(before.available + 1))
    await page.getByTestId('gift-submit').click()
    await page.getByRole('dialog').getByText(`确认把 ${before.available + 1} 积分转赠给积分账号 ${jmAccount.id} 吗？`).waitFor()
    await page.getByRole('dialog').getByRole('button', { name: '转赠' }).click()
    await page.getByTestId('gift-error').getByText(`积分余额不足：您现在只有 ${before.available} 积分可用`).waitFor()
    assert.equal((await myAccount(page)).balance, before.balance, 'a refused gift changes nothing')

    // To oneself: said before anything is sent.
    await page.getByTestId('gift-to').locator('input').fill(String(before.id))
    await page.getByTestId('gift-amount').locator('input').fill('1')
    await page.getByTestId('gift-submit').click()
    await page.getByText('不能转赠给自己').waitFor()

    // One point to the neighbour, with a message.
    await page.getByTestId('gift-to').locator('input').fill(String(jmAccount.id))
    await page.getByTestId('gift-message').locator('input').fill('谢谢帮忙')
    await page.getByTestId('gift-submit').click()
    await page.getByRole('dialog').getByRole('button', { name: '转赠' }).click()
    await page.getByTestId('gift-done').getByText(`已把 1 积分转赠给积分账号 ${jmAccount.id}。`).waitFor()
    const after = await myAccount(page)
    const earned = (await since(page, before.id, seq0))
      .filter((x) => x.code === 'earn' && x.direction === 'credit')
      .reduce((s, x) => s + x.amount, 0)
    assert.equal(after.balance, before.balance - 1 + earned)
    assert.equal(after.score, before.score + earned, 'a gift does not lower the score')
    // The giver's history names the receiver, masked.
    await page.goto(`${BASE}/m/points`)
    await page.getByTestId('points-history').getByText('转赠给 孙**').first().waitFor()
    await page.getByTestId('points-history').getByText('留言：谢谢帮忙').first().waitFor()

    assertClean(problems)
    await context.close()
  })

  test('the cashier puts a new item on sale and changes its stock', async () => {
    const { context, page, problems } = await open(browser, { viewport: PHONE, mobile: true })
    await mobileLogin(page, 'shangdian')
    await page.getByTestId('tabbar').getByText('商品').click()
    await page.getByTestId('items-list').waitFor()
    await assertAccessible(page, 'shop items')
    const name = `e2e 毛巾 ${Date.now() % 100000}`
    await page.getByTestId('item-add').click()
    const form = page.getByTestId('item-form')
    // Nothing typed: each field says what it needs.
    await page.getByTestId('item-save').click()
    await form.getByText('请填写商品名称').waitFor()
    await page.getByTestId('item-name').locator('input').fill(name)
    await page.getByTestId('item-price').locator('input').fill('15')
    await page.getByTestId('item-stock').locator('input').fill('10')
    await page.getByTestId('item-save').click()
    const line = page.getByTestId('items-list').locator('li', { hasText: name })
    await line.getByText('15 积分 · 库存 10').waitFor()
    await line.getByRole('button').click()
    await page.getByTestId('item-stock').locator('input').fill('12')
    await page.getByTestId('item-save').click()
    await line.getByText('15 积分 · 库存 12').waitFor()
    // The counter offers it with its stock.
    await page.getByTestId('tabbar').getByText('收银').click()
    await page.getByTestId('counter-page').getByText(name).waitFor()
    assertClean(problems)
    await context.close()
  })

  test('console: rules are read-only for staff, an award needs a second person, the issuer report adds up', async () => {
    // The community secretary: reads the rules, proposes an award for the party member.
    const staff = await open(browser)
    const p = staff.page
    await consoleLogin(p, 'shequ')
    const menu = p.getByTestId('menu')
    await menu.getByText('积分管理').click()
    await menu.getByText('积分规则').click()
    await p.getByTestId('rules-table').getByText('志愿服务时长').waitFor()
    await p.getByTestId('rules-readonly').waitFor()
    assert.equal(await p.getByTestId('rule-edit-service_hours').count(), 0, 'no edit buttons for staff')
    await assertAccessible(p, 'points rules (read-only)')

    await menu.getByText('奖励与审批').click()
    await p.getByTestId('award-propose').click()
    const dialog = p.getByTestId('award-dialog')
    await dialog.getByLabel('奖励对象').fill('赵卫东')
    await p.getByRole('option', { name: /赵卫东/ }).filter({ visible: true }).first().click()
    await p.getByTestId('award-amount').locator('input').fill('3')
    const reason = `e2e 疫情期间值守卡点 ${Date.now()}`
    await p.getByTestId('award-reason').fill(reason)
    await p.getByTestId('award-submit').click()
    await p.getByTestId('awards-table').getByText(reason).waitFor()
    // The proposer is no approver: no buttons to decide.
    assert.equal(await p.getByTestId('awards-table').getByRole('button', { name: '批准' }).count(), 0)
    await assertAccessible(p, 'points awards')

    // The approver approves it; the member's score and balance rise by 3.
    const dy = await apiLogin('dangyuan')
    const acct = (await dy('GET', '/api/points/accounts?owner=me')).body.items.find((a) => a.kind === 'person')
    const approver = await open(browser)
    const a = approver.page
    await consoleLogin(a, 'shenpi')
    await a.goto(`${BASE}/points/awards`)
    const row = a.getByTestId('awards-table').locator('tr', { hasText: reason })
    await row.getByRole('button', { name: '批准' }).click()
    await a.getByRole('dialog').getByRole('button', { name: '批准' }).click()
    await a.getByText('已批准，积分已记入').waitFor()
    await row.waitFor({ state: 'detached' })
    const after = (await dy('GET', `/api/points/accounts/${acct.id}`)).body
    assert.equal(after.score - acct.score, 3, 'the approved award counts in the score')
    assert.equal(after.balance - acct.balance, 3)

    // The issuer report (the administrator sees the whole city): a total row, a chart, and
    // every community reconciles.
    const admin = await open(browser)
    const r = admin.page
    await consoleLogin(r, 'admin')
    await r.goto(`${BASE}/points/issuers`)
    await r.getByTestId('issuers-ok').waitFor()
    const table = r.getByTestId('issuers-table')
    await table.getByText('大智路社区').first().waitFor()
    await table.locator('.el-table__footer').getByText('合计').waitFor()
    assert.equal(await r.locator('[data-testid="points-issuers-page"] canvas').count() > 0, true, 'a chart')
    const report = await r.evaluate(async () => (await fetch('/api/points/reports/issuers')).json())
    const footer = await table.locator('.el-table__footer td').allInnerTexts()
    assert.equal(footer[1].trim(), String(report.totals.issued))
    await assertAccessible(r, 'issuer reconciliation')

    assertClean(staff.problems)
    assertClean(approver.problems)
    assertClean(admin.problems)
    await staff.context.close()
    await approver.context.close()
    await admin.context.close()
  })
})
