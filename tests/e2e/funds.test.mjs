// 重心下移 in the browser: the 大智路 community secretary (shequ) asks to spend above the rule's
// cap and sees the rule named on the amount; asks a valid amount in yuan (stored as exact fen);
// the street official (jiedao) approves it from the queue with a note and the chain shows it;
// the secretary uploads a voucher and records the payment; the resident (jumin) on a 390×844
// phone opens 首页 › 经费公示 and reads the item and what it achieved, with nobody's name. And
// two residents on two phones tap the same free hour of a room at once: one books it, the other
// is told in Chinese that the slot is taken.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { BASE, PASSWORD, PHONE, assertAccessible, assertClean, consoleLogin, launch, mobileLogin, open, pickOption } from './lib.mjs'
import { streetPhoto } from './cases-lib.mjs'

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
  const { csrf, user } = await r.json()
  const cookie = r.headers.get('set-cookie').split(';')[0]
  const call = async (method, path, body) => {
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
  call.user = user
  return call
}

// Failed requests the test provokes on purpose show up as console errors.
function except(problems, status, pathRe) {
  return problems.filter((p) => !(p.includes(`status of ${status}`) && pathRe.test(p)))
}

const TITLE = `楼栋议事会场地布置 ${process.pid}`
const OUTCOME = '12 栋居民议定加装楼道扶手'

describe('重心下移: funds under published rules, the 公示, booking', () => {
  test('the secretary asks, the rule refuses by name, the street approves, she pays, residents see it without names', async () => {
    const shequ = await as('shequ')
    const jiedao = await as('jiedao')
    const fund = (await shequ('GET', '/api/funds')).body.items.find((f) => f.place_name === '大智路社区')
    assert.ok(fund, '大智路 has a fund')

    // The secretary on the console: 经费阵地 › 经费与支出 › her community's fund.
    const s = await open(browser)
    await consoleLogin(s.page, 'shequ')
    await s.page.getByTestId('menu-funds').click()
    await s.page.getByRole('menuitem', { name: '经费与支出' }).click()
    await s.page.getByTestId('funds-table').getByText('大智路社区').click()
    await s.page.getByTestId('fund-budget').waitFor()
    await assertAccessible(s.page, 'fund detail')

    // 25,000 yuan of 居民活动与志愿服务: above the rule's 20,000 cap; the rule is named on the field.
    await s.page.getByTestId('fund-request').click()
    const dialog = s.page.getByTestId('request-dialog')
    await pickOption(s.page, dialog.getByTestId('req-category'), '居民活动与志愿服务')
    await dialog.getByTestId('req-rule').getByText(/单笔上限 ¥20,000\.00/).waitFor()
    await dialog.getByTestId('req-title').fill(TITLE)
    await dialog.getByTestId('req-amount').fill('25000')
    await dialog.getByTestId('req-outcome').fill(OUTCOME)
    await dialog.getByTestId('req-submit').click()
    const refusal = dialog.locator('.el-form-item__error')
    await refusal.getByText(/“居民活动与志愿服务”每笔不得超过 20000\.00 元/).waitFor()
    assert.equal((await shequ('GET', `/api/expenditures?fund_id=${fund.id}`)).body.items.filter((x) => x.title === TITLE).length, 0)

    // 1,234.56 yuan: accepted, stored as exactly 123456 fen.
    await dialog.getByTestId('req-amount').fill('1,234.56')
    await dialog.getByTestId('req-submit').click()
    await s.page.getByTestId('fund-spending').getByText(TITLE).waitFor()
    const mine = (await shequ('GET', `/api/expenditures?fund_id=${fund.id}`)).body.items.find((x) => x.title === TITLE)
    assert.equal(mine.amount_fen, 123456)
    assert.equal(mine.status, 'pending')

    // The street official: 支出审批, the request, a note, 同意; the chain says who and as what.
    const j = await open(browser)
    await consoleLogin(j.page, 'jiedao')
    await j.page.goto(`${BASE}/funds/approvals`)
    await j.page.getByTestId('approvals-table').getByText(TITLE).click()
    const drawer = j.page.getByTestId('expenditure-drawer')
    await drawer.getByTestId('exp-amount').getByText('¥1,234.56').waitFor()
    await drawer.getByTestId('exp-note').fill('同意，注意节约')
    await drawer.getByTestId('exp-approve').click()
    await drawer.getByTestId('exp-status').getByText('已批准').waitFor()
    await drawer.getByTestId('exp-chain').getByText(/第 1 级：.*（街道干部）同意/).waitFor()
    await drawer.getByTestId('exp-chain').getByText('同意，注意节约').waitFor()
    await assertAccessible(j.page, 'approval drawer')

    // The secretary: 登记支付 without a voucher is refused; with one it goes through.
    await s.page.reload()
    await s.page.getByTestId('fund-spending').getByText(TITLE).click()
    const sd = s.page.getByTestId('expenditure-drawer')
    await sd.getByTestId('exp-status').getByText('已批准').waitFor()
    await sd.getByTestId('exp-pay').click()
    await sd.getByTestId('exp-action-error').getByText('请先上传凭证，再登记支付').waitFor()
    await sd.getByTestId('exp-voucher-input').setInputFiles({ name: 'invoice.png', mimeType: 'image/png', buffer: streetPhoto() })
    await sd.getByTestId('exp-vouchers').getByText('1').waitFor()
    await sd.getByTestId('exp-pay').click()
    await sd.getByTestId('exp-status').getByText('已支付').waitFor()
    assert.equal((await shequ('GET', `/api/expenditures/${mine.id}`)).body.status, 'paid')

    // The resident on her phone: 首页 is the 公示 — the item, what it achieved, nobody's name.
    const r = await open(browser, { viewport: PHONE, mobile: true })
    await mobileLogin(r.page, 'jumin')
    await r.page.getByTestId('tabbar').getByText('首页').click()
    const item = r.page.getByTestId('disclosure-item').filter({ hasText: TITLE })
    await item.waitFor()
    await item.getByText(`办成了：${OUTCOME}`).waitFor()
    await item.getByText('¥1,234.56').waitFor()
    const text = await r.page.getByTestId('funds-disclosure').innerText()
    for (const who of [shequ.user.display_name, jiedao.user.display_name, '李红梅'])
      assert.ok(!text.includes(who.replace(/（.*$/, '')), `the 公示 does not name ${who}`)
    assert.ok(!/申请人|审批人/.test(text))
    const width = await r.page.evaluate(() => document.documentElement.scrollWidth)
    assert.ok(width <= 390, `no sideways scrolling (${width}px)`)
    await assertAccessible(r.page, 'mobile 公示')

    assertClean(except(s.problems, 400, /\/api\/expenditures/).filter((p) => !(p.includes('status of 409') && /\/pay/.test(p))))
    assertClean(j.problems)
    assertClean(r.problems)
    await Promise.all([s.context.close(), j.context.close(), r.context.close()])
  })

  test('two phones tap the same free hour: one books it, the other is told it is taken', async () => {
    const jumin = await as('jumin')
    const venue = (await jumin('GET', '/api/venues')).body.items.find((v) => v.name === '党员活动室' && !v.needs_approval)
    assert.ok(venue, 'a room booked without approval')
    // Tomorrow in Beijing, the first hour nobody holds.
    const bj = 8 * 3600
    const now = Math.floor(Date.now() / 1000)
    const midnight = Math.floor((now + bj) / 86400 + 1) * 86400 - bj
    const day = new Date((midnight + bj) * 1000).toISOString().slice(0, 10)
    const taken = (await jumin('GET', `/api/bookings?venue_id=${venue.id}&from=${midnight}&to=${midnight + 86400}`)).body.items
    let start = 0
    for (let m = venue.opens_min; m + 60 <= venue.closes_min; m += 60) {
      const s = midnight + m * 60
      if (!taken.some((b) => b.starts_at < s + 3600 && b.ends_at > s)) {
        start = m
        break
      }
    }
    assert.ok(start, 'a free hour tomorrow')
    const hh = `${String(Math.floor(start / 60)).padStart(2, '0')}:${String(start % 60).padStart(2, '0')}`

    const phones = []
    for (const [who, purpose] of [
      ['jumin', '合唱队排练'],
      ['dangyuan', '党小组学习'],
    ]) {
      const p = await open(browser, { viewport: PHONE, mobile: true })
      await mobileLogin(p.page, who)
      await p.page.goto(`${BASE}/m/venues`)
      await p.page.getByTestId(`venue-${venue.id}`).click()
      await p.page.getByTestId(`day-${day}`).click()
      await p.page.getByTestId(`slot-${hh}`).click()
      await p.page.getByTestId('book-purpose').locator('input').fill(purpose)
      phones.push(p)
    }
    await assertAccessible(phones[0].page, 'mobile booking')
    // Both tap 确认预约 at once.
    const answers = await Promise.all(
      phones.map((p) =>
        Promise.all([
          p.page.waitForResponse((res) => res.url().endsWith('/api/bookings') && res.request().method() === 'POST'),
          p.page.getByTestId('book-submit').click(),
        ]).then(([res]) => res.status()),
      ),
    )
    assert.deepEqual([...answers].sort(), [201, 409], `one wins, one loses: ${answers}`)
    const loser = phones[answers.indexOf(409)]
    const winner = phones[answers.indexOf(201)]
    await loser.page.getByTestId('book-error').getByText('这个时段已经有人预约了').waitFor()
    // The winner sees it among her bookings with its arrival code.
    await winner.page.getByTestId('my-booking').filter({ hasText: `${day} ${hh}` }).getByTestId('show-code').click()
    await winner.page.getByTestId('booking-code').getByText(/^XF-B\d+-/).waitFor()
    await winner.page.locator('[data-testid="booking-qr"] svg').waitFor()

    assertClean(winner.problems)
    assertClean(except(loser.problems, 409, /\/api\/bookings/))
    await Promise.all(phones.map((p) => p.context.close()))
  })
})
