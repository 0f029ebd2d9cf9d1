// 一核多元 in the browser: on a 360-px phone 孙秀英 (jumin) opens 我的 › 投票表决与提议, finds the open vote on
// the activity room's hours, votes 同意, confirms, and sees "您已投票" (a second attempt through
// the API is refused); she comments on a proposal and rates a finished decision. On the console
// the community secretary enters a paper ballot for a neighbour, cannot confirm it herself,
// and the street's official confirms it; the closed owners' vote shows passing by headcount and by
// area, with the statutory basis.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { BASE, DESKTOP, PASSWORD, SMALL_PHONE, assertAccessible, assertClean, consoleLogin, launch, mobileLogin, open } from './lib.mjs'

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

describe('一核多元 议事和表决', () => {
  test('on a phone the resident votes once, comments on a proposal and rates a decision', async () => {
    const jumin = await as('jumin')
    const open_ = (await jumin('GET', '/api/votes?status=open')).body.items.find((v) => v.eligible && !v.i_voted)
    assert.ok(open_, 'the demo has a vote open to 孙秀英')

    const m = await open(browser, { viewport: SMALL_PHONE, mobile: true })
    await mobileLogin(m.page, 'jumin')
    await m.page.getByTestId('tabbar').getByText('我的').click()
    await m.page.getByTestId('gov-link').click()
    await m.page.getByTestId('gov-home').getByText('等您投票').waitFor()
    await assertAccessible(m.page, 'mobile 议事')
    await m.page.getByTestId(`vote-${open_.id}`).first().click()
    await m.page.getByTestId('vote-form').waitFor()
    await m.page.getByText('一人一票').first().waitFor()
    await assertAccessible(m.page, 'mobile vote')
    // Nothing chosen: the button waits.
    assert.equal(await m.page.getByTestId('vote-submit').isDisabled(), true)
    await m.page.getByTestId('choice-yes').click()
    assert.equal(await m.page.getByTestId('choice-yes').getAttribute('aria-checked'), 'true')
    await m.page.getByTestId('vote-submit').click()
    await m.page.getByRole('dialog').getByText('您选择了：同意').waitFor()
    await m.page.getByRole('button', { name: '确认投票' }).click()
    await m.page.getByTestId('vote-done').getByText('您已投票').waitFor()
    await m.page.getByTestId('vote-done').getByText('无记名投票').waitFor()
    assert.equal(await m.page.getByTestId('vote-form').count(), 0)
    assert.ok((await m.page.evaluate(() => document.documentElement.scrollWidth)) <= SMALL_PHONE.width, 'no sideways scrolling at 360 px')

    // Again, through the API: refused, and nothing changes.
    const detail = (await jumin('GET', `/api/votes/${open_.id}`)).body
    assert.equal(detail.me.voted, true)
    const again = await jumin('POST', `/api/votes/${open_.id}/cast`, { options: [detail.options[1].id] })
    assert.equal(again.status, 409)
    assert.equal(again.body.error.code, 'already_voted')
    assert.equal((await jumin('GET', `/api/votes/${open_.id}`)).body.voted_units, detail.voted_units)

    // A comment on her own proposal.
    await m.page.goto(`${BASE}/m/gov`)
    await m.page.getByRole('tab', { name: '提议' }).click()
    await m.page.getByRole('link', { name: /社区活动室晚上多开放一小时/ }).click()
    await m.page.getByTestId('comment-body').fill('周末也希望开放到九点')
    await m.page.getByTestId('comment-submit').click()
    await m.page.getByTestId('comments').getByText('周末也希望开放到九点').waitFor()
    await m.page.getByTestId('comments').getByText(/孙\*\*/).first().waitFor()
    await assertAccessible(m.page, 'mobile proposal')

    // A decision carried out: she rates it once.
    const done = (await jumin('GET', '/api/decisions?status=done')).body.items[0]
    assert.ok(done, 'a finished decision in her community')
    await m.page.goto(`${BASE}/m/gov/decisions/${done.id}`)
    await m.page.getByTestId('rate-form').waitFor()
    await assertAccessible(m.page, 'mobile decision')
    await m.page.getByTestId('rate-satisfied').click()
    await m.page.getByTestId('rate-submit').click()
    await m.page.getByText('谢谢您的评价！').waitFor()
    assertClean(m.problems)
    await m.context.close()
  })

  test('on the console a paper ballot needs a second person; the owners’ vote shows both majorities', async () => {
    const staff = await as('shequ')
    const votes = (await staff('GET', '/api/votes')).body.items
    const open_ = votes.find((v) => v.status === 'open' && v.rule === 'person')
    assert.ok(open_)
    // A neighbour who has not voted yet, from the roll.
    const roll = (await staff('GET', `/api/votes/${open_.id}/roll?q=`)).body.items.find((r) => !r.voted)
    assert.ok(roll)

    const c = await open(browser, { viewport: DESKTOP })
    await consoleLogin(c.page, 'shequ')
    await c.page.getByTestId('menu-gov').click()
    await c.page.goto(`${BASE}/gov/votes/${open_.id}`)
    await c.page.getByTestId('paper').waitFor()
    await c.page.getByPlaceholder('姓名或房号').fill(roll.name)
    await c.page.getByTestId('paper').getByRole('button', { name: '查找' }).click()
    await c.page.getByTestId('paper').getByRole('cell', { name: roll.name }).first().click()
    await c.page.getByTestId('paper').getByText('反对', { exact: true }).click()
    await c.page.getByTestId('paper-enter').click()
    await c.page.getByTestId('paper-table').getByText('等待另一人确认').waitFor()
    await assertAccessible(c.page, 'console vote with paper ballots')
    const pending = (await staff('GET', `/api/votes/${open_.id}/paper`)).body.items.find((p) => p.status === 'pending')
    // The one who entered it cannot confirm it.
    const self = await staff('POST', `/api/paper-ballots/${pending.id}/confirm`)
    assert.equal(self.status, 409)
    assert.equal(self.body.error.code, 'second_person_required')
    assertClean(c.problems)
    await c.context.close()

    // The street's official confirms it on his console; it now counts.
    const before = (await staff('GET', `/api/votes/${open_.id}`)).body.voted_units
    const g = await open(browser, { viewport: DESKTOP })
    await consoleLogin(g.page, 'jiedao')
    await g.page.goto(`${BASE}/gov/votes/${open_.id}`)
    await g.page.getByTestId(`paper-confirm-${pending.id}`).click()
    await g.page.getByTestId('paper-table').getByText('已确认').first().waitFor()
    assert.equal((await staff('GET', `/api/votes/${open_.id}`)).body.voted_units, before + 1)

    // The owners' vote on the lift: passed by headcount and by area, on the statutory basis.
    const lift = votes.find((v) => v.rule === 'owners' && v.kind === 'ordinary' && v.status === 'closed')
    assert.ok(lift)
    await g.page.goto(`${BASE}/gov/votes/${lift.id}`)
    const result = g.page.getByTestId('vote-result')
    await result.getByText('表决通过').waitFor()
    await result.getByText('人数✓').first().waitFor()
    await result.getByText('面积✓').first().waitFor()
    await result.getByText(/法定默认/).waitFor()
    await assertAccessible(g.page, 'console owners vote')
    assertClean(g.problems)
    await g.context.close()
  })

  test('the console lists proposals, meetings and decisions with their detail', async () => {
    const c = await open(browser, { viewport: DESKTOP })
    await consoleLogin(c.page, 'shequ')
    await c.page.goto(`${BASE}/gov/proposals`)
    await c.page.getByTestId('proposals-table').getByText('清理楼道堆物').click()
    await c.page.getByRole('dialog').getByText('电动车充电太吓人了', { exact: false }).waitFor()
    await assertAccessible(c.page, 'console proposals')
    await c.page.goto(`${BASE}/gov/meetings`)
    await c.page.getByTestId('meetings-table').getByText('楼道堆物和电动车充电议事会').click()
    await c.page.getByRole('dialog').getByText('会议纪要').waitFor()
    await c.page.getByRole('dialog').getByText('社区党委（召集人） · 到会').waitFor()
    await assertAccessible(c.page, 'console meetings')
    await c.page.goto(`${BASE}/gov/decisions`)
    await c.page.getByTestId('decisions-table').getByText('一个月内清理楼道堆物，建电动车集中充电棚').click()
    await c.page.getByRole('dialog').getByText('满意', { exact: true }).first().waitFor()
    await assertAccessible(c.page, 'console decisions')
    await c.page.goto(`${BASE}/gov/votes`)
    await c.page.getByTestId('vote-new').click()
    await c.page.getByRole('dialog').getByText('业主共同决定（双过半）').click()
    await c.page.getByRole('dialog').getByText(/法定默认标准/).waitFor()
    await assertAccessible(c.page, 'console new vote')
    assertClean(c.problems)
    await c.context.close()
  })
})
