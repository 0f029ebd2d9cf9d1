// 组织体系 in the console: coverage with its charts and drill-down, 百日攻坚 campaigns started
// from the coverage page, the two lines of a place, people filtered by place and name, exports,
// a person card and the audited 查看完整信息, and importing a file (a good one and a bad one),
// each page checked with axe-core.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, describe, test } from 'node:test'
import { BASE, PASSWORD, assertAccessible, assertClean, consoleLogin, field, launch, open } from './lib.mjs'

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

let browser
before(async () => {
  browser = await launch()
})
after(async () => {
  await browser?.close()
})

async function menuTo(page, label) {
  const menu = page.getByTestId('menu')
  if (!(await menu.getByText(label, { exact: true }).isVisible())) await menu.getByText('组织体系').click()
  await menu.getByText(label, { exact: true }).click()
}

// Choose 导出 ▸ Excel or CSV from the menu with this test id; answers the downloaded file, its
// address, and the content type the server gives that address (asked again with the page's
// cookies: the download event carries no headers).
async function exportAs(page, testid, fmt) {
  await page.getByTestId(testid).click()
  const item = page.getByTestId(`${testid}-${fmt}`)
  await item.waitFor()
  const [dl] = await Promise.all([page.waitForEvent('download'), item.click()])
  await page.getByTestId(`${testid}-menu`).waitFor({ state: 'hidden' })
  const body = readFileSync(await dl.path())
  const again = await page.context().request.get(dl.url())
  assert.equal(again.status(), 200)
  return { url: new URL(dl.url()), name: dl.suggestedFilename(), body, type: again.headers()['content-type'] }
}

// Every item of a list API (all pages), fetched with the page's session.
async function allItems(page, path) {
  return page.evaluate(async (p) => {
    const out = []
    let cursor = null
    do {
      const sep = p.includes('?') ? '&' : '?'
      const r = await fetch(`${p}${sep}limit=200${cursor ? `&cursor=${cursor}` : ''}`)
      const j = await r.json()
      out.push(...j.items)
      cursor = j.next
    } while (cursor)
    return out
  }, path)
}

// The rows of a CSV export (header first; quoted cells with commas are not used by these lists).
function csvRows(buf) {
  return buf
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter(Boolean)
    .map((l) => l.split(','))
}

describe('registry', () => {
  test('coverage: the figures, a chart, the records and a drill-down into a grid', async () => {
    const { context, page, problems } = await open(browser)
    await consoleLogin(page, 'shequ')
    await menuTo(page, '覆盖情况')
    await page.waitForURL(`${BASE}/registry/coverage`)
    const cards = page.getByTestId('coverage-cards')
    await cards.getByText('无楼栋党小组的楼栋').waitFor()
    assert.equal(await cards.locator('button').count(), 7)
    assert.match(await page.getByTestId('figure-buildings_without_party_group').innerText(), /\d+\s*\/\s*\d+ 栋/)
    await page.locator('canvas').first().waitFor()
    assert.ok((await page.locator('canvas').count()) >= 7, 'a chart per figure')
    await page.getByTestId('crumbs').getByText('澄月街道').waitFor()
    await assertAccessible(page, 'coverage')
    // The records behind a figure, with downloads.
    await page.getByTestId('figure-buildings_without_party_group').click()
    const drawer = page.getByTestId('coverage-items')
    await drawer.getByText('1 栋', { exact: true }).waitFor()
    const xlsx = await exportAs(page, 'coverage-items-export', 'xlsx')
    assert.match(xlsx.url.search, /metric=buildings_without_party_group.*format=xlsx/)
    assert.equal(xlsx.type, XLSX_TYPE)
    assert.equal(xlsx.body.subarray(0, 2).toString(), 'PK', 'an XLSX file is a zip')
    assert.match(xlsx.name, /\.xlsx$/)
    const csv = await exportAs(page, 'coverage-items-export', 'csv')
    assert.match(csv.type, /^text\/csv/)
    const rows = csvRows(csv.body)
    assert.deepEqual(rows[0], ['对象', '编号', '名称', '类型'])
    const shown = await drawer.locator('tbody tr').count()
    assert.equal(rows.length - 1, shown, 'the file holds the records the drawer lists')
    await page.keyboard.press('Escape')
    await drawer.waitFor({ state: 'hidden' })
    // Drill down: a grid of the community.
    await page.getByTestId('coverage-children').getByRole('link', { name: '第一网格' }).click()
    await page.waitForURL(/\/registry\/coverage\?place=\d+/)
    await page.getByTestId('crumbs').getByText('第一网格').waitFor()
    await page.getByTestId('crumbs').getByRole('link', { name: '大智路社区' }).waitFor()
    assertClean(problems)
    await context.close()
  })

  test('places and organisations: the two lines side by side and an organisation card', async () => {
    const { context, page, problems } = await open(browser)
    await consoleLogin(page, 'shequ')
    await menuTo(page, '地点与组织')
    await page.getByTestId('line-party').getByText('大智路社区党委').waitFor()
    await page.getByTestId('line-governance').getByText('大智路社区居委会').waitFor()
    await page.getByTestId('place-list').getByText('第一网格').waitFor()
    await assertAccessible(page, 'places and lines')
    // The children export: every grid of the community.
    const kids = await exportAs(page, 'places-export', 'csv')
    assert.match(kids.url.pathname, /^\/api\/places\/\d+\/children$/)
    assert.match(kids.type, /^text\/csv/)
    const grids = csvRows(kids.body).slice(1).map((r) => r.join(','))
    for (const g of ['第一网格', '第二网格', '第三网格']) assert.ok(grids.some((r) => r.includes(g)), `${g} exported`)
    await page.getByTestId('line-party').getByText('大智路社区党委').click()
    const card = page.getByTestId('org-drawer')
    await card.getByText('澄月街道党工委').waitFor()
    await card.getByText('成员单位').waitFor()
    await page.keyboard.press('Escape')
    // Search by name.
    // Search by the start of a code.
    await page.getByTestId('place-search').fill('420203009002002')
    await page.getByRole('button', { name: '搜索' }).click()
    await page.getByText(/找到 \d+ 个地点/).waitFor()
    // The search results export as found.
    const hits = await exportAs(page, 'places-export', 'xlsx')
    assert.equal(hits.url.pathname, '/api/places')
    assert.equal(hits.url.searchParams.get('q'), '420203009002002')
    assert.equal(hits.type, XLSX_TYPE)
    await page.getByTestId('place-list').getByRole('button', { name: /^第二网格/ }).click()
    await page.waitForURL(/\/registry\/places\?place=\d+/)
    await page.getByTestId('crumbs').getByText('第二网格').waitFor()
    assertClean(problems)
    await context.close()
  })

  test('楼栋一张图: the groups, the eight posts and the households of a building', async () => {
    const { context, page, problems } = await open(browser)
    await consoleLogin(page, 'shequ')
    await menuTo(page, '地点与组织')
    await page.getByTestId('place-list').getByRole('button', { name: /^第一网格/ }).click()
    await page.getByTestId('crumbs').getByText('第一网格').waitFor()
    // The first building under the grid: open it, then its card.
    const building = page.getByTestId('place-list').locator('li', { hasText: '楼栋' }).first()
    await building.waitFor()
    await building.locator('button.place').click()
    await page.waitForURL(/\/registry\/places\?place=\d+/)
    await page.getByTestId('building-card').click()
    const drawer = page.getByTestId('building-drawer')
    const posts = drawer.getByTestId('building-posts')
    await posts.getByText('楼栋长', { exact: true }).waitFor()
    assert.equal(await posts.locator('li').count(), 8)
    for (const label of ['楼栋党小组长', '楼栋长', '卫生委员', '治安委员', '文体委员', '物业房管员', '网格管理员', '党员中心户'])
      await posts.getByText(label, { exact: true }).waitFor()
    const households = drawer.getByTestId('building-households')
    await households.locator('tbody tr').first().waitFor()
    assert.ok((await households.locator('tbody tr').count()) >= 1, 'at least one household')
    const text = await drawer.innerText()
    assert.doesNotMatch(text, /1\d{10}/, 'no unmasked phone number')
    await assertAccessible(page, 'building card')
    assertClean(problems)
    await context.close()
  })

  test('people: masked list, downloads and a person card', async () => {
    const { context, page, problems } = await open(browser)
    await consoleLogin(page, 'shequ')
    await menuTo(page, '人员')
    const table = page.getByTestId('people-table')
    await table.locator('tbody tr').first().waitFor()
    assert.match(await table.locator('tbody').innerText(), /\d{3}\*{4}\d{4}/)
    await assertAccessible(page, 'people')
    const xlsx = await exportAs(page, 'people-export', 'xlsx')
    assert.equal(xlsx.url.pathname, '/api/people')
    assert.equal(xlsx.type, XLSX_TYPE)
    assert.equal(xlsx.body.subarray(0, 2).toString(), 'PK', 'an XLSX file is a zip')
    await table.locator('tbody tr').first().click()
    await page.getByTestId('person-drawer').getByText('任职情况（含交叉任职）').waitFor()
    assertClean(problems)
    await context.close()
  })

  test('people: a place narrows the list, kept in the address; the export is that list', async () => {
    const { context, page, problems } = await open(browser)
    await consoleLogin(page, 'shequ')
    await menuTo(page, '人员')
    const table = page.getByTestId('people-table')
    const names = async () => (await table.locator('tbody tr td:first-child').allInnerTexts()).map((x) => x.trim())
    await table.locator('tbody tr').first().waitFor()
    const whole = await names()
    // 地点 ▸ 大智路社区 ▸ 第二网格 (the tree opens at my community).
    await page.getByTestId('people-place').click()
    const tree = page.locator('.xf-place-picker').filter({ visible: true })
    await tree.getByText('第二网格', { exact: true }).click()
    await page.waitForURL(/\/registry\/people\?place=\d+$/)
    const place = new URL(page.url()).searchParams.get('place')
    const expected = (await allItems(page, `/api/people?place=${place}`)).map((p) => p.name)
    assert.ok(expected.length > 0, 'people live in 第二网格')
    await page.waitForFunction(
      ([first]) => document.querySelector('[data-testid="people-table"] tbody tr td')?.textContent?.trim() === first,
      [expected[0]],
    )
    const inGrid = await names()
    assert.deepEqual(inGrid, expected.slice(0, inGrid.length), 'the table lists the people of 第二网格')
    assert.notDeepEqual(inGrid, whole.slice(0, inGrid.length), 'the list changed')
    await page.getByTestId('people-place').getByText('第二网格').waitFor()
    // A name as well: both filters in the address.
    const surname = inGrid[0].slice(0, 1)
    await page.getByTestId('people-search').fill(surname)
    await page.getByTestId('people-search').press('Enter')
    await page.waitForURL((u) => u.searchParams.get('q') === surname && u.searchParams.get('place') === place)
    const both = (await allItems(page, `/api/people?place=${place}&q=${encodeURIComponent(surname)}`)).map((p) => p.name)
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="people-table"] tbody tr').length === n,
      Math.min(both.length, 50),
    )
    for (const n of await names()) assert.ok(n.includes(surname), `${n} matches ${surname}`)
    // The export is the list as filtered, all of it.
    const csv = await exportAs(page, 'people-export', 'csv')
    assert.match(csv.type, /^text\/csv/)
    assert.equal(csv.url.searchParams.get('place'), place)
    assert.equal(csv.url.searchParams.get('q'), surname)
    const rows = csvRows(csv.body)
    assert.equal(rows[0][1], '姓名')
    assert.deepEqual(rows.slice(1).map((r) => r[1]), both)
    // A reload keeps both; back goes to the place alone, then to everyone.
    await page.reload()
    await table.locator('tbody tr').first().waitFor()
    assert.equal(await page.getByTestId('people-search').inputValue(), surname)
    await page.getByTestId('people-place').getByText('第二网格').waitFor()
    await page.goBack()
    await page.waitForURL(/\/registry\/people\?place=\d+$/)
    await page.waitForFunction(() => !document.querySelector('[data-testid="people-search"]')?.value)
    await page.goBack()
    await page.waitForURL(`${BASE}/registry/people`)
    await page.waitForFunction(
      ([first]) => document.querySelector('[data-testid="people-table"] tbody tr td')?.textContent?.trim() === first,
      [whole[0]],
    )
    assert.equal(await page.getByTestId('people-place').getByText('第二网格').count(), 0)
    assertClean(problems)
    await context.close()
  })

  test('person card: 查看完整信息 asks the purpose, shows the full number, is audited and hides', async () => {
    const { context, page, problems } = await open(browser)
    await page.clock.install() // time runs as usual until the test moves it on
    await consoleLogin(page, 'shequ')
    await menuTo(page, '人员')
    const table = page.getByTestId('people-table')
    await table.locator('tbody tr').first().click()
    const drawer = page.getByTestId('person-drawer')
    const phone = drawer.getByTestId('person-phone')
    await phone.waitFor()
    assert.match(await phone.innerText(), /^\d{3}\*{4}\d{4}$/)
    const personName = (await table.locator('tbody tr td:first-child').first().innerText()).trim()
    // The purpose is required.
    await drawer.getByTestId('reveal-open').click()
    const dialog = page.getByTestId('reveal-dialog')
    await dialog.getByText(`将显示${personName}完整的手机号`).waitFor()
    await dialog.getByTestId('reveal-submit').click()
    await dialog.getByText('请填写查看目的（至少 5 个字）').waitFor()
    await assertAccessible(page, 'reveal purpose dialog')
    await dialog.getByRole('button', { name: '入户走访，核实联系方式' }).click()
    assert.equal(await dialog.getByTestId('reveal-purpose').inputValue(), '入户走访，核实联系方式')
    await dialog.getByTestId('reveal-submit').click()
    await dialog.waitFor({ state: 'hidden' })
    const note = drawer.getByTestId('reveal-note')
    await note.getByText(/已记入审计日志/).waitFor()
    assert.match(await phone.innerText(), /^1\d{10}$/, 'the full phone number')
    assert.match(await drawer.getByTestId('person-id-number').innerText(), /^\d{17}[\dX]$/, 'the full ID number')
    await assertAccessible(page, 'revealed person card')
    // The auditor sees the reveal with its purpose.
    const auditor = await browser.newContext()
    const login = await auditor.request.post(`${BASE}/api/session`, { data: { username: 'shenji', password: PASSWORD } })
    assert.equal(login.status(), 200)
    let row = null
    for (let i = 0; i < 50 && !row; i++) {
      const a = await (await auditor.request.get(`${BASE}/api/audit?action=people.reveal`)).json()
      row = a.items.find((x) => x.detail === '入户走访，核实联系方式')
      if (!row) await new Promise((r) => setTimeout(r, 100))
    }
    await auditor.close()
    assert.ok(row, 'an audit row with the purpose')
    assert.match(row.object, /^people\/\d+$/)
    // Sixty seconds later the card is masked again.
    await page.clock.fastForward(61_000)
    await note.waitFor({ state: 'hidden' })
    assert.match(await phone.innerText(), /^\d{3}\*{4}\d{4}$/)
    // Closing the card hides it too.
    await drawer.getByTestId('reveal-open').click()
    await dialog.getByTestId('reveal-purpose').fill('办理居民诉求，需要联系本人')
    await dialog.getByTestId('reveal-submit').click()
    await note.waitFor()
    await page.keyboard.press('Escape')
    await drawer.waitFor({ state: 'hidden' })
    await table.locator('tbody tr').first().click()
    await phone.waitFor()
    assert.match(await phone.innerText(), /^\d{3}\*{4}\d{4}$/)
    assert.equal(await note.count(), 0)
    assertClean(problems)
    await context.close()
  })

  test('person card: what the person is, as tags, and an in-service member\'s employer', async () => {
    const { context, page, problems } = await open(browser)
    await consoleLogin(page, 'shequ')
    // Straight from an address with a search in it.
    await page.goto(`${BASE}/registry/people?q=${encodeURIComponent('赵卫东')}`)
    const table = page.getByTestId('people-table')
    await table.locator('tbody tr', { hasText: '赵卫东' }).first().click()
    const drawer = page.getByTestId('person-drawer')
    const roles = drawer.getByTestId('person-roles')
    await roles.getByText('党员', { exact: true }).waitFor()
    assert.equal(await drawer.getByTestId('person-employer').innerText(), '黄石公交集团党委')
    await drawer.getByText(/· 在职$/).waitFor()
    await assertAccessible(page, 'person card with roles')
    await page.keyboard.press('Escape')
    await drawer.waitFor({ state: 'hidden' })
    await page.getByTestId('people-search').fill('周明')
    await page.getByTestId('people-search').press('Enter')
    await table.locator('tbody tr', { hasText: '周明' }).first().click()
    await roles.getByText('党代表', { exact: true }).waitFor()
    assert.equal(await drawer.getByTestId('person-employer').count(), 0)
    assertClean(problems)
    await context.close()
  })

  test('coverage: a campaign started through the dialog is listed with its progress', async () => {
    const { context, page, problems } = await open(browser)
    await consoleLogin(page, 'shequ')
    await menuTo(page, '覆盖情况')
    await page.getByTestId('coverage-cards').getByText('无楼栋党小组的楼栋').waitFor()
    await page.getByTestId('campaign-create').click()
    const dialog = page.getByTestId('campaign-dialog')
    assert.equal(await dialog.getByTestId('campaign-place').innerText(), '大智路社区')
    // Nothing chosen: the form says what is missing.
    await dialog.getByTestId('campaign-submit').click()
    await dialog.getByText('请选择攻坚指标').waitFor()
    await dialog.getByTestId('campaign-metric').click()
    await page.getByRole('option', { name: /^“两长五员一户”不齐的楼栋/ }).filter({ visible: true }).click()
    assert.equal(await field(dialog, 'campaign-name').inputValue(), '“两长五员一户”不齐的楼栋百日攻坚')
    await field(dialog, 'campaign-name').fill('楼栋八大员百日补齐')
    await field(dialog, 'campaign-target').fill('1')
    await assertAccessible(page, 'campaign dialog')
    // The server's answer to a field is shown on that field (here a refusal of the dates).
    await page.route(
      '**/api/coverage-campaigns',
      (route) =>
        route.request().method() === 'POST'
          ? route.fulfill({
              status: 400,
              contentType: 'application/json',
              body: JSON.stringify({
                error: { code: 'validation_failed', message: '结束时间应晚于开始时间', field: 'ends_at' },
              }),
            })
          : route.fallback(),
      { times: 1 },
    )
    await dialog.getByTestId('campaign-submit').click()
    await dialog.locator('.el-form-item', { hasText: '起止日期' }).getByText('结束时间应晚于开始时间').waitFor()
    await page.unrouteAll()
    // Sent for real: listed, marked new, with a progress bar and a line chart.
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/coverage-campaigns') && r.request().method() === 'POST')
    await dialog.getByTestId('campaign-submit').click()
    const created = await answer
    assert.equal(created.status(), 201)
    const { id } = await created.json()
    await dialog.waitFor({ state: 'hidden' })
    const card = page.getByTestId(`campaign-${id}`)
    await card.getByText('楼栋八大员百日补齐').waitFor()
    await card.getByText('新发起').waitFor()
    await card.getByText(/目标降至 1/).waitFor()
    await card.getByRole('progressbar').waitFor()
    await card.locator('canvas').waitFor()
    const list = await page.evaluate(async () => (await (await fetch('/api/coverage-campaigns')).json()).items)
    const c = list.find((x) => x.id === id)
    assert.equal(c.metric, 'building_groups_missing_posts')
    assert.equal(c.target, 1)
    assert.equal(c.place_name, '大智路社区')
    assert.equal(c.ends_at - c.starts_at, 100 * 86400, '百日: 100 days by default')
    assert.ok(c.running, 'it starts today')
    assert.ok(c.series.length >= 1, 'a first point of progress')
    // The campaigns export, the new one in it.
    const file = await exportAs(page, 'campaigns-export', 'csv')
    assert.equal(file.url.pathname, '/api/coverage-campaigns')
    assert.match(file.type, /^text\/csv/)
    assert.ok(csvRows(file.body).some((r) => r[0] === String(id) && r[1] === '楼栋八大员百日补齐'), 'the campaign is in the file')
    await assertAccessible(page, 'coverage with a new campaign')
    // The browser logs the staged 400 as a failed resource.
    assertClean(problems.filter((p) => !/status of 400 .*\/api\/coverage-campaigns/.test(p)))
    await context.close()
  })

  test('a grid worker reads people but gets no 查看完整信息 and starts no campaign', async () => {
    const { context, page, problems } = await open(browser)
    await consoleLogin(page, 'wangge')
    await menuTo(page, '人员')
    const table = page.getByTestId('people-table')
    await table.locator('tbody tr').first().click()
    const drawer = page.getByTestId('person-drawer')
    await drawer.getByTestId('person-phone').waitFor()
    await drawer.getByText('任职情况（含交叉任职）').waitFor()
    assert.equal(await drawer.getByTestId('reveal-open').count(), 0)
    assert.equal(await drawer.getByText('查看完整信息').count(), 0)
    // The server refuses it too.
    const status = await page.evaluate(async () => {
      const me = await (await fetch('/api/me')).json()
      const list = await (await fetch('/api/people?limit=1')).json()
      const r = await fetch(`/api/people/${list.items[0].id}/reveal`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf },
        body: JSON.stringify({ purpose: '入户走访，核实联系方式' }),
      })
      return r.status
    })
    assert.equal(status, 403)
    await page.keyboard.press('Escape')
    await menuTo(page, '覆盖情况')
    await page.getByTestId('campaigns').waitFor()
    assert.equal(await page.getByTestId('campaign-create').count(), 0)
    assertClean(problems.filter((p) => !/status of 403 .*\/reveal/.test(p)))
    await context.close()
  })

  test('import: a good file adds a place, a bad file shows its rows', async () => {
    const { context, page, problems } = await open(browser)
    await consoleLogin(page, 'shequ')
    await menuTo(page, '数据导入')
    await page.getByTestId('import-page').waitFor()
    await assertAccessible(page, 'import')
    const good = 'code,name,kind,parent_code\n420203009002980,测试网格,grid,420203009002\n'
    await page.getByTestId('import-file').setInputFiles({ name: 'places.csv', mimeType: 'text/csv', buffer: Buffer.from(good) })
    await page.getByTestId('import-file-name').getByText('places.csv').waitFor()
    await page.getByTestId('import-send').click()
    await page.getByTestId('import-result').getByText(/新增 1 条/).waitFor()
    const bad = 'code,name,kind,parent_code\n420203009002981,坏网格,nonsense,420203009002\n'
    await page.getByTestId('import-file').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) })
    await page.getByTestId('import-send').click()
    const errors = page.getByTestId('import-errors')
    await errors.getByText('第 2 行').waitFor()
    await errors.getByText('nonsense').waitFor()
    await page.getByText(/本次未导入任何数据/).waitFor()
    await assertAccessible(page, 'import errors')
    // The browser logs the expected 422 as a failed resource.
    assertClean(problems.filter((p) => !/status of 422 .*\/api\/import\/places/.test(p)))
    await context.close()
  })

  test('the menu follows the role: a grid worker reads, the auditor has no 组织体系', async () => {
    const { context, page, problems } = await open(browser)
    await consoleLogin(page, 'wangge')
    const menu = page.getByTestId('menu')
    await menu.getByText('组织体系').click()
    for (const label of ['覆盖情况', '地点与组织', '人员']) await menu.getByText(label, { exact: true }).waitFor()
    assert.equal(await menu.getByText('数据导入').count(), 0)
    await page.goto(`${BASE}/registry/import`)
    await page.getByTestId('greeting').waitFor()
    await context.close()
    const second = await open(browser)
    await consoleLogin(second.page, 'shenji')
    assert.equal(await second.page.getByTestId('menu').getByText('组织体系').count(), 0)
    await second.context.close()
    assertClean(problems)
    assertClean(second.problems)
  })
})
