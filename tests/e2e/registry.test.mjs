// 组织体系 in the console: coverage with its charts and drill-down, the two lines of a place,
// people, and importing a file (a good one and a bad one), each page checked with axe-core.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { BASE, assertAccessible, assertClean, consoleLogin, launch, open } from './lib.mjs'

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
    const href = await drawer.getByRole('link', { name: '导出 Excel' }).getAttribute('href')
    assert.match(href, /metric=buildings_without_party_group.*format=xlsx/)
    const xlsx = await page.evaluate(async (u) => (await fetch(u)).status, href)
    assert.equal(xlsx, 200)
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
    const href = await page.getByTestId('people-xlsx').getAttribute('href')
    assert.equal(await page.evaluate(async (u) => (await fetch(u)).status, href), 200)
    await assertAccessible(page, 'people')
    await table.locator('tbody tr').first().click()
    await page.getByTestId('person-drawer').getByText('任职情况（含交叉任职）').waitFor()
    assertClean(problems)
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
