// 书记工程 and delegates in the browser: the street official (jiedao) opens 三张清单, sees the
// counts of every level below (the same numbers the API computes), goes down to 大智路 and back;
// the community secretary (shequ) adds an item, follows it up and closes it, and the street's
// counts move by one; a joint meeting is recorded with a decision that appears as a task; a
// red-line violation is recorded and handled; on the 党代表履职 page she scores the delegate's
// waiting 述职. The delegate (daibiao) on a 390×844 phone opens 我的工作室, sees the studio's
// cases, records a visit and sends the half-yearly report — and is told in Chinese when he tries
// to send it twice.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { BASE, PASSWORD, PHONE, assertAccessible, assertClean, consoleLogin, launch, mobileLogin, open, pickOption } from './lib.mjs'

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

function except(problems, status, pathRe) {
  return problems.filter((p) => !(p.includes(`status of ${status}`) && pathRe.test(p)))
}

const ITEM = `清理 7 栋楼道堆物 ${process.pid}`

describe('书记工程: the three lists roll up, meetings and red lines are followed up', () => {
  test('the street sees every level below; the community closes an item and the counts move', async () => {
    const jiedao = await as('jiedao')
    const before = (await jiedao('GET', '/api/duty-lists')).body
    assert.ok(before.levels.community, 'the street sees its communities’ items')

    const j = await open(browser)
    await consoleLogin(j.page, 'jiedao')
    await j.page.getByTestId('menu-duty').click()
    await j.page.getByRole('menuitem', { name: '三张清单' }).click()
    const below = j.page.getByTestId('duty-below')
    await below.getByText(`已超期 ${before.below.overdue}`).waitFor()
    await below.getByText(`已办结 ${before.below.done}`).waitFor()
    await assertAccessible(j.page, 'duty lists')
    // Down to 大智路社区 and back up.
    await j.page.getByTestId('duty-children').getByText('大智路社区').click()
    await j.page.getByRole('heading', { name: /大智路社区/ }).waitFor()
    await j.page.getByTestId('duty-up').click()
    await j.page.getByRole('heading', { name: /澄月街道/ }).waitFor()

    // The secretary adds an item, follows it up and closes it.
    const s = await open(browser)
    await consoleLogin(s.page, 'shequ')
    await s.page.getByTestId('menu-duty').click()
    await s.page.getByRole('menuitem', { name: '三张清单' }).click()
    await s.page.getByTestId('duty-new').click()
    const dialog = s.page.getByTestId('duty-new-dialog')
    await dialog.getByTestId('duty-new-title').fill(ITEM)
    await dialog.getByTestId('duty-new-owner').fill('第一网格党支部')
    const due = new Date(Date.now() + 20 * 86400 * 1000).toISOString().slice(0, 10)
    await dialog.getByTestId('duty-new-due').locator('input').fill(due)
    await dialog.getByTestId('duty-new-due').locator('input').press('Enter')
    await dialog.getByTestId('duty-new-save').click()
    await s.page.getByTestId('duty-items').getByText(ITEM).click()
    const drawer = s.page.getByTestId('duty-item-drawer')
    await drawer.getByTestId('duty-note').fill('网格员已组织清理，住户确认')
    await drawer.getByText('同时办结').click()
    await drawer.getByTestId('duty-follow').click()
    await drawer.getByText('网格员已组织清理，住户确认').waitFor()
    await drawer.locator('.el-tag').getByText('已办结').first().waitFor()
    await assertAccessible(s.page, 'duty item drawer')

    const after = (await jiedao('GET', '/api/duty-lists')).body
    assert.equal(after.levels.community.done, before.levels.community.done + 1, 'one more done below the street')
    assert.equal(after.below.open + after.below.overdue, before.below.open + before.below.overdue)
    await j.page.reload()
    await j.page.getByTestId('duty-below').getByText(`已办结 ${after.below.done}`).waitFor()

    assertClean(j.problems)
    assertClean(s.problems)
  })

  test('a meeting’s decision becomes a task; a red-line violation is recorded and handled', async () => {
    const s = await open(browser)
    await consoleLogin(s.page, 'shequ')
    await s.page.getByTestId('menu-duty').click()
    await s.page.getByRole('menuitem', { name: '联席会议' }).click()
    await s.page.getByTestId('duty-meeting-new').click()
    const d = s.page.getByTestId('duty-meeting-dialog')
    const title = `社区大党委联席会议 ${process.pid}`
    await d.getByTestId('duty-meeting-title').fill(title)
    const today = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10)
    await d.getByTestId('duty-meeting-held').locator('input').fill(today)
    await d.getByTestId('duty-meeting-held').locator('input').press('Enter')
    await d.getByTestId('duty-meeting-agenda').fill('加装电梯意见征集')
    await d.getByTestId('duty-item-title-0').fill(`完成 5 栋意见征集 ${process.pid}`)
    await d.getByTestId('duty-item-owner-0').fill('社区居委会')
    const due = new Date(Date.now() + 30 * 86400 * 1000).toISOString().slice(0, 10)
    await d.getByTestId('duty-item-due-0').locator('input').fill(due)
    await d.getByTestId('duty-item-due-0').locator('input').press('Enter')
    await d.getByTestId('duty-meeting-save').click()
    await s.page.getByTestId('duty-meetings-table').getByText(title).click()
    await s.page.getByTestId('duty-meeting-drawer').getByText(`完成 5 栋意见征集 ${process.pid}`).waitFor()
    // the drawer slides in over the closing dialog: judge its colours once both have settled
    await s.page.waitForTimeout(600)
    await assertAccessible(s.page, 'meeting drawer')
    const shequ = await as('shequ')
    const tasks = (await shequ('GET', '/api/duty-lists?kind=task')).body.items
    assert.ok(tasks.some((i) => i.title === `完成 5 栋意见征集 ${process.pid}` && i.meeting_id), 'the decision is a task')

    // 负面清单: 40+ lines; a violation recorded and handled.
    await s.page.goto(`${BASE}/duty/red-lines`)
    await s.page.getByTestId('redlines-table').getByText('不得截留、挪用、挤占服务群众专项经费').waitFor()
    const lines = (await shequ('GET', '/api/red-lines')).body.items
    assert.ok(lines.length >= 40, '40+ red lines')
    await s.page.getByTestId('violation-new').click()
    await pickOption(s.page, s.page.getByTestId('violation-line'), `${lines[20].ord}. ${lines[20].text}`)
    const who = `某楼栋长 ${process.pid}`
    await s.page.getByTestId('violation-subject').fill(who)
    await s.page.getByTestId('violation-description').fill('居民诉求只签收未办理')
    await s.page.getByTestId('violation-save').click()
    const row = s.page.getByTestId('violations-table').locator('tr', { hasText: who })
    await row.getByTestId('violation-handle').click()
    await s.page.getByTestId('violation-handling').fill('约谈提醒，诉求已重新分派')
    await s.page.getByTestId('violation-handle-save').click()
    await row.getByText('约谈提醒，诉求已重新分派').waitFor()
    await assertAccessible(s.page, 'red lines')
    assertClean(s.problems)
  })
})

describe('党代表: the studio on the delegate’s phone, the review on the console', () => {
  test('the delegate records a visit and reports once; the community scores the waiting report', async () => {
    const p = await open(browser, { viewport: PHONE, mobile: true })
    await mobileLogin(p.page, 'daibiao')
    await p.page.goto(`${BASE}/m/studio`)
    await p.page.getByTestId('duty-studio').getByText('周明（市党代表）').first().waitFor()
    assert.ok((await p.page.getByTestId('studio-case').count()) > 0, 'the studio’s cases are listed')
    const topic = `走访 9 栋独居老人 ${process.pid}`
    await p.page.getByTestId('visit-topic').locator('input').fill(topic)
    await p.page.getByTestId('visit-save').click()
    await p.page.getByTestId('my-visits').getByText(topic).waitFor()
    await p.page.getByTestId('report-text').locator('textarea').fill('本半年走访群众 15 次，接待来访 9 人次，督办加装电梯和路灯维修。')
    await p.page.getByTestId('report-send').click()
    await p.page.getByText('待评议').first().waitFor()
    await assertAccessible(p.page, 'mobile studio')
    // Sending twice (another tab) is refused with the reason in Chinese.
    const daibiao = await as('daibiao')
    const mine = (await daibiao('GET', '/api/delegates')).body.items[0]
    const bj = new Date(Date.now() + 8 * 3600 * 1000)
    const again = await daibiao('POST', `/api/studios/${mine.studio_id}/reviews`, {
      year: bj.getUTCFullYear(),
      half: bj.getUTCMonth() < 6 ? 1 : 2,
      report: '重复提交的述职报告内容',
    })
    assert.equal(again.status, 409)
    assert.equal(again.body.error.message, '这个半年已经述职过了')

    // The secretary scores it on 党代表履职.
    const s = await open(browser)
    await consoleLogin(s.page, 'shequ')
    await s.page.goto(`${BASE}/duty/delegates`)
    await s.page.getByTestId('delegates-table').getByText('周明（市党代表）').click()
    const drawer = s.page.getByTestId('studio-drawer')
    await drawer.getByRole('tab', { name: '述职评议' }).click()
    const review = drawer.getByTestId('studio-review').filter({ hasText: '本半年走访群众 15 次' })
    await review.getByTestId('review-score').locator('input').fill('92')
    await review.getByTestId('review-score-save').click()
    await review.getByText('92 · 优秀').waitFor()
    await assertAccessible(s.page, 'studio drawer')
    await p.page.reload()
    await p.page.getByText('92 · 优秀').waitFor()
    assertClean(p.problems)
    assertClean(except(s.problems, 409, /\/reviews/))
  })
})
