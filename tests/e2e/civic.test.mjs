// 一核多元 (part B) in the browser: on her phone the resident (孙秀英, jumin) reads the newest
// community notice (its read count rises once), signs her estate's 院落自治公约 and rates the
// property company, in large type; in the console the community worker (李红梅, shequ) sees
// the 三方联动 commitments with the overdue ones flagged, follows one up to done, publishes a
// notice, and opens the 我爱我楼 call with its scored applications — each page under axe.
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

describe('一核多元: conventions, ratings, notices, 三方联动, 公益创投', () => {
  test('on her phone a resident reads a notice, signs her convention, rates the property company and applies to a call', async () => {
    const jumin = await as('jumin')
    const notices = (await jumin('GET', '/api/notices')).body.items
    const newest = notices.find((n) => !n.read_by_me)
    assert.ok(newest, 'the demo leaves her an unread notice')
    const conv = (await jumin('GET', '/api/conventions')).body.items.find((c) => !c.signed_by_me)
    assert.ok(conv, 'the demo leaves her a convention to sign')

    const m = await open(browser, { viewport: PHONE, mobile: true })
    await mobileLogin(m.page, 'jumin')
    await m.page.getByTestId('tabbar').getByText('议事', { exact: true }).click()
    await m.page.getByTestId('civic-home').waitFor()
    await assertAccessible(m.page, 'mobile 社区事务')

    // The notice: opening it marks it read, once.
    await m.page.getByTestId('m-notice').filter({ hasText: newest.title }).click()
    await m.page.getByTestId('notice-reads').getByText(`${newest.reads + 1} 人已读`).waitFor()
    await assertAccessible(m.page, 'mobile notice')
    await m.page.reload()
    await m.page.getByTestId('notice-reads').getByText(`${newest.reads + 1} 人已读`).waitFor()

    // The convention: she reads it and signs.
    await m.page.goto(`${BASE}/m/civic`)
    await m.page.getByTestId('m-convention').filter({ hasText: conv.title }).click()
    await m.page.getByTestId('sign').click()
    await m.page.getByTestId('signed-ok').getByText('已签署，谢谢您！').waitFor()
    await assertAccessible(m.page, 'mobile convention signed')
    const after = (await jumin('GET', `/api/conventions/${conv.id}`)).body
    assert.equal(after.signed_by_me, true)

    // The property company: four stars; the count shows one more rating.
    await m.page.goto(`${BASE}/m/civic/rate`)
    const company = m.page.getByTestId('m-company').first()
    await company.waitFor()
    const before = (await jumin('GET', '/api/tripartite/ratings')).body.items[0]
    await company.getByRole('button', { name: '4 星', exact: true }).click()
    await company.getByTestId('rate-submit').click()
    await m.page.getByTestId('rated-ok').waitFor()
    await company.getByText('我的评分：4 星').waitFor()
    const now = (await jumin('GET', '/api/tripartite/ratings')).body.items[0]
    assert.equal(now.ratings, before.ratings + (before.my_score ? 0 : 1))
    assert.equal(now.my_score, 4)
    await assertAccessible(m.page, 'mobile rating')

    // The open 我爱我楼 call: she applies for her building's group.
    const open2027 = (await jumin('GET', '/api/ventures')).body.items.find((v) => v.open)
    assert.ok(open2027, 'the demo has an open call')
    await m.page.goto(`${BASE}/m/civic`)
    const card = m.page.getByTestId('m-venture').filter({ hasText: open2027.title })
    await card.getByTestId('venture-apply').click()
    const form = card.locator('form')
    await form.locator('input').nth(0).fill('二网格楼栋议事会')
    await form.locator('input').nth(1).fill('楼道扶手')
    await form.locator('textarea').fill('为老楼加装楼道扶手，居民自己监督施工。')
    await form.locator('input').nth(2).fill('3000')
    await form.getByTestId('venture-submit').click()
    await m.page.getByText('申报已提交，截止后评审').waitFor()
    await assertAccessible(m.page, 'mobile venture applied')
    const call = (await (await as('shequ'))('GET', `/api/ventures/${open2027.id}`)).body
    assert.ok(call.applications.some((x) => x.title === '楼道扶手' && x.amount_fen === 300000))
    assert.ok((await m.page.evaluate(() => document.documentElement.scrollWidth)) <= PHONE.width)
    assertClean(m.problems)
    await m.context.close()
  })

  test('the community worker follows an overdue commitment to done and publishes a notice', async () => {
    const shequ = await as('shequ')
    const overdue = (await shequ('GET', '/api/tripartite/commitments?status=overdue')).body.items
    assert.ok(overdue.length > 0, 'the demo has overdue commitments')
    const c = overdue[0]

    const d = await open(browser, { viewport: DESKTOP })
    await consoleLogin(d.page, 'shequ')
    await d.page.goto(`${BASE}/tripartite/commitments`)
    const table = d.page.getByTestId('commitments-table')
    const row = table.locator('tr', { hasText: c.title })
    await row.getByText('已逾期').first().waitFor()
    await assertAccessible(d.page, 'console commitments')
    await row.getByRole('button', { name: '跟进' }).click()
    await d.page.getByTestId('follow-note').fill('已督促物业本周内完成，居民代表验收')
    await d.page.getByText('已办结', { exact: true }).last().click()
    await d.page.getByTestId('follow-save').click()
    await table.locator('tr', { hasText: c.title }).waitFor({ state: 'detached' })
    const done = (await shequ('GET', '/api/tripartite/commitments?status=done')).body.items
    assert.ok(done.some((x) => x.id === c.id && x.last_note.includes('居民代表验收')))

    // A meeting's drawer shows 交叉任职 derived from positions.
    await d.page.goto(`${BASE}/tripartite`)
    await d.page.getByTestId('meetings-table').locator('tbody tr').first().click()
    await d.page.getByTestId('cross-posts').locator('li').first().waitFor()
    await assertAccessible(d.page, 'console meeting drawer')

    // A notice to the community's residents.
    await d.page.goto(`${BASE}/civic/notices`)
    await d.page.getByTestId('notice-new').click()
    await d.page.getByTestId('notice-title').fill('楼道消防通道清理通知')
    await d.page.getByTestId('notice-body').fill('本周六上午清理楼道堆物，请居民配合。')
    await d.page.getByTestId('notice-publish').click()
    await d.page.getByTestId('notices-table').getByText('楼道消防通道清理通知').waitFor()
    const jumin = await as('jumin')
    assert.ok((await jumin('GET', '/api/notices')).body.items.some((n) => n.title === '楼道消防通道清理通知'))

    // The 我爱我楼 call with its scored applications.
    await d.page.goto(`${BASE}/civic/ventures`)
    await d.page.getByTestId('ventures-table').getByText('2026 年“我爱我楼”公益创投').click()
    await d.page.getByTestId('venture-apps').getByText('已资助').first().waitFor()
    await assertAccessible(d.page, 'console venture drawer')

    // Conventions with their signed share (the 1988 one revised this year), and the incubators
    // at four levels.
    await d.page.goto(`${BASE}/civic/conventions`)
    await d.page.getByTestId('conventions-table').getByText('版本 2').first().click()
    await d.page.getByTestId('behalf-person').waitFor()
    await assertAccessible(d.page, 'console convention drawer')
    await d.page.goto(`${BASE}/civic/incubators`)
    for (const level of ['市级', '区级', '街道级', '社区级']) {
      await d.page.getByTestId('incubators-table').getByText(level, { exact: true }).first().waitFor()
    }
    await assertAccessible(d.page, 'console incubators')
    assertClean(d.problems)
    await d.context.close()
  })
})
