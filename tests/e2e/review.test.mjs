// 评议考核 in the browser: the street official (jiedao) opens a branch under 整顿 from 支部评星
// 定级, records the follow-up that closes its plan, and is told in Chinese why its score does not
// support 标准型; the approver (shenpi) approves the demo's waiting rating from the queue; the
// 大智路 secretary (shequ) evaluates 黄石公交集团 low and its contact (danwei) reads the result
// and the reasons on 本单位评议结果; the secretary records a member's 民主评议 rating and the
// sheet exports as XLSX; and the member (dangyuan) on a 390×844 phone reads a yearly sheet
// whose figures are the server's.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { BASE, PASSWORD, PHONE, assertAccessible, assertClean, consoleLogin, field, launch, mobileLogin, open, pickOption } from './lib.mjs'

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
    const type = res.headers.get('content-type') ?? ''
    return { status: res.status, type, body: type.includes('json') ? await res.json() : null }
  }
}

// Failed requests the test provokes on purpose show up as console errors.
function except(problems, status, pathRe) {
  return problems.filter((p) => !(p.includes(`status of ${status}`) && pathRe.test(p)))
}

const year = new Date(Date.now() + 8 * 3600 * 1000).getUTCFullYear()

describe('评议考核: ratings with evidence and an approver, unit evaluations, 民主评议', () => {
  test('the street closes a rectification plan, is refused a rating the score does not support, the approver approves', async () => {
    const jiedao = await as('jiedao')
    const branches = (await jiedao('GET', `/api/branches?year=${year}`)).body.items
    const under = branches.find((b) => b.rating === 'rectify' && b.open_plans > 0 && b.place_name === '第三网格')
    assert.ok(under, 'the demo has a branch under 整顿 with an open plan in 大智路')

    const s = await open(browser)
    await consoleLogin(s.page, 'jiedao')
    await s.page.getByTestId('menu-review').click()
    await s.page.getByRole('menuitem', { name: '支部评星定级' }).click()
    await s.page.getByTestId('branches-table').waitFor()
    await assertAccessible(s.page, 'branches')
    await s.page.getByTestId(`branch-open-${under.org_id}`).click()
    const drawer = s.page.getByTestId('review-sheet')
    await drawer.getByTestId('sheet-current').getByText('整顿').waitFor()
    await drawer.getByTestId('sheet-items').getByText('平台统计').first().waitFor()
    await assertAccessible(s.page, 'sheet drawer')

    // The street confirms the plan is carried out.
    await drawer.getByTestId('sheet-plan').getByRole('button', { name: '登记整改进展' }).click()
    await s.page.getByTestId('followup-note').fill('现场查看：支委已补选，党员谈心谈话全部完成')
    await s.page.getByTestId('followup-done').click()
    await s.page.getByTestId('followup-save').click()
    await drawer.getByTestId('sheet-plan').getByText('已完成', { exact: true }).waitFor()

    // 标准型 is more than its review score supports: refused, in Chinese, nothing stored.
    const before = (await jiedao('GET', `/api/branch-ratings?org_id=${under.org_id}`)).body.items.length
    await drawer.getByTestId('sheet-propose').click()
    await pickOption(s.page, s.page.getByTestId('propose-rating'), '标准型')
    await s.page.getByTestId('propose-reason').fill('整改完成，申请晋级')
    await s.page.getByTestId('propose-save').click()
    await s.page.getByText(/只够评为整顿/).waitFor()
    assert.equal((await jiedao('GET', `/api/branch-ratings?org_id=${under.org_id}`)).body.items.length, before)
    assertClean(except(s.problems, 400, /branch-ratings/))
    await s.context.close()

    // The approver (never the proposer) approves the waiting rating from the queue.
    const shenpi = await as('shenpi')
    const waiting = (await shenpi('GET', '/api/branch-ratings?status=proposed')).body.items[0]
    assert.ok(waiting, 'a rating waits for approval')
    const a = await open(browser)
    await consoleLogin(a.page, 'shenpi')
    await a.page.getByTestId('menu-review').click()
    await a.page.getByRole('menuitem', { name: '评定审批与历史' }).click()
    await a.page.getByTestId(`rating-approve-${waiting.id}`).click()
    await a.page.getByTestId('rating-note').fill('材料齐全，同意')
    await a.page.getByTestId('rating-decide').click()
    await a.page.getByText('已批准').first().waitFor()
    await assertAccessible(a.page, 'ratings queue')
    const now = (await shenpi('GET', `/api/branch-ratings?org_id=${waiting.org_id}`)).body.items[0]
    assert.equal(now.status, 'approved')
    assert.equal(now.current, true)
    assertClean(a.problems)
    await a.context.close()
  })

  test('the community evaluates a unit low and its contact reads the result and the reasons', async () => {
    const shequ = await as('shequ')
    const units = (await shequ('GET', `/api/unit-evaluations?year=${year}`)).body
    const bus = units.items.find((u) => u.unit_name === '黄石公交集团')
    assert.ok(bus && bus.status === 'eligible', '黄石公交集团 starts eligible')

    const s = await open(browser)
    await consoleLogin(s.page, 'shequ')
    await s.page.getByTestId('menu-review').click()
    await s.page.getByRole('menuitem', { name: '驻区单位评议' }).click()
    await s.page.getByTestId('units-summary').waitFor()
    await assertAccessible(s.page, 'units')
    await s.page.getByTestId(`unit-evaluate-${bus.unit_org_id}`).click()
    for (const k of ['duty', 'projects', 'service', 'civic']) {
      await field(s.page, `eval-${k}`).fill('8')
      await field(s.page, `eval-${k}`).blur()
    }
    await s.page.getByTestId('eval-total').getByText('32').waitFor()
    await s.page.getByTestId('eval-comment').fill('共建项目全年未落实，报到党员很少参加社区活动')
    await s.page.getByTestId('eval-save').click()
    await s.page.getByText('评议已保存').waitFor()
    const after = (await shequ('GET', `/api/unit-evaluations/${bus.unit_org_id}?year=${year}`)).body
    assert.equal(after.status, 'below')

    // The community's 卫生城市 campaign, whose unit scores feed that result, and the standards.
    await s.page.getByRole('menuitem', { name: '文明共创' }).click()
    await s.page.getByTestId('campaigns-table').getByText('大智路社区巩固国家卫生城市共建').waitFor()
    await assertAccessible(s.page, 'campaigns')
    await s.page.getByTestId('campaigns-table').getByRole('row', { name: /大智路社区巩固国家卫生城市共建/ }).getByRole('button').click()
    await s.page.getByTestId('campaign-units-table').getByText('黄石公交集团').waitFor()
    await s.page.keyboard.press('Escape')
    await s.page.getByRole('menuitem', { name: '规范化标准' }).click()
    await s.page.getByTestId('standards-table').getByText('楼栋“两长五员一户”配齐', { exact: true }).waitFor()
    await assertAccessible(s.page, 'standards')
    assertClean(s.problems)
    await s.context.close()

    const d = await open(browser)
    await consoleLogin(d.page, 'danwei')
    await d.page.getByTestId('menu-review').click()
    await d.page.getByRole('menuitem', { name: '本单位评议结果' }).click()
    const card = d.page.getByTestId(`my-unit-${bus.unit_org_id}`)
    await card.getByText('取消优胜评选资格').first().waitFor()
    await card.getByText(String(after.score)).first().waitFor()
    await card.getByText(/低于 \d+ 分的优胜评选线/).waitFor()
    await assertAccessible(d.page, 'my unit')
    await card.getByRole('button').click()
    await d.page.getByTestId('unit-forms').getByText('共建项目全年未落实').waitFor()
    assertClean(d.problems)
    await d.context.close()
  })

  test('the branch records a member rating, the sheet exports, the member reads the same figures on the phone', async () => {
    const shequ = await as('shequ')
    const dangyuan = await as('dangyuan')
    const mine = (await dangyuan('GET', `/api/member-reviews?mine=1&year=${year}`)).body.items[0]
    assert.ok(mine, 'dangyuan has a sheet')

    const s = await open(browser)
    await consoleLogin(s.page, 'shequ')
    await s.page.getByTestId('menu-review').click()
    await s.page.getByRole('menuitem', { name: '民主评议党员' }).click()
    await pickOption(s.page, s.page.getByTestId('members-branch'), mine.branch_name)
    await s.page.getByTestId(`member-rate-${mine.person_id}`).waitFor()
    await assertAccessible(s.page, 'members')
    await s.page.getByTestId(`member-rate-${mine.person_id}`).click()
    await s.page.getByTestId('member-rating').getByText('基本合格').click()
    await s.page.getByTestId('member-note').fill('年内参加活动偏少')
    await s.page.getByTestId('member-save').click()
    await s.page.getByText('已登记', { exact: true }).waitFor()
    const href = await s.page.getByTestId('members-export').getAttribute('href')
    const x = await shequ('GET', href)
    assert.equal(x.status, 200)
    assert.match(x.type, /spreadsheetml/)
    assertClean(s.problems)
    await s.context.close()

    const m = await open(browser, { viewport: PHONE, mobile: true })
    await mobileLogin(m.page, 'dangyuan')
    await m.page.getByTestId('review-sheet-link').click()
    const sheet = m.page.getByTestId('review-my-sheet')
    await sheet.getByTestId('sheet-rating').getByText('基本合格').waitFor()
    await sheet.getByTestId('sheet-points').getByText(String(mine.points)).waitFor()
    await sheet.getByTestId('sheet-activities').getByText(`${mine.activities} 次`).waitFor()
    await sheet.getByTestId('sheet-reported').getByText(mine.reported_label).waitFor()
    await assertAccessible(m.page, 'my sheet')
    assertClean(m.problems)
    await m.context.close()
  })
})
