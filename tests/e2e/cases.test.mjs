// 民情诉求 in the browser: a resident reports a problem from a phone (with a photo), a
// community worker accepts and answers it in the console, the resident rates it and sees it
// closed; a resident has no console queue; an action the case's state no longer allows shows
// the server's reason in Chinese; the delegate studio's queue; batch entry with an error on its
// row; the rates with their counts. Each page checked with axe-core.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  BASE,
  DESKTOP,
  PHONE,
  assertAccessible,
  assertClean,
  consoleLogin,
  launch,
  mobileLogin,
  open,
  pickOption,
} from './lib.mjs'
import { apiAs, hasPhotoRoute, streetPhoto } from './cases-lib.mjs'

let browser
before(async () => {
  browser = await launch()
})
after(async () => {
  await browser?.close()
})

async function noSideways(page, width) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth)
  assert.ok(w <= width, `page is ${w}px wide on a ${width}px screen`)
}

async function casesMenu(page, label) {
  const menu = page.getByTestId('menu')
  if (!(await menu.getByText(label, { exact: true }).isVisible())) await menu.getByText('民情诉求').click()
  await menu.getByText(label, { exact: true }).click()
}

const unique = () => String(Date.now()).slice(-5)

describe('cases', () => {
  test('a resident addresses a case to the delegates\' studio from her phone', async () => {
    const title = `楼道加装扶手 ${unique()}`
    const m = await open(browser, { viewport: PHONE, mobile: true })
    await mobileLogin(m.page, 'jumin')
    await m.page.goto(`${BASE}/m/cases/new`)
    await m.page.getByTestId('category-tiles').getByText('为老服务', { exact: true }).click()
    await m.page.getByTestId('case-description').locator('textarea').fill('单元楼梯没有扶手，老人上下楼不安全。')
    await m.page.getByTestId('case-title').locator('input').fill(title)
    const studio = m.page.getByTestId('case-studio')
    await studio.getByText('大智路社区党代表工作室').waitFor()
    await studio.getByText('进驻党代表：周明（市党代表）').waitFor()
    await studio.getByText('大智路社区党代表工作室').click()
    await noSideways(m.page, PHONE.width)
    await assertAccessible(m.page, 'mobile report form with a studio')
    await m.page.getByTestId('case-submit').click()
    await m.page.waitForURL(/\/m\/cases\/\d+\?sent=1/)
    const id = Number(/\/m\/cases\/(\d+)/.exec(m.page.url())[1])
    // The studio has it: its delegate sees it in the studio queue.
    const daibiao = await apiAs('daibiao')
    const q = await daibiao.call('GET', '/api/cases?studio=1')
    assert.ok(q.body.items.some((c) => c.id === id), 'the case is in the studio queue')
    const detail = await daibiao.call('GET', `/api/cases/${id}`)
    assert.equal(detail.body.studio.name, '大智路社区党代表工作室')
    assertClean(m.problems)
    await m.context.close()
  })

  test('a resident reports from a phone, a worker answers, the resident rates it and sees it closed', async () => {
    const title = `3 栋门口路灯不亮 ${unique()}`
    const photo = await hasPhotoRoute()
    if (!photo) console.log('# no photo route on this server: the report is sent without a photo')

    // The resident, on a phone in WeChat.
    const m = await open(browser, { viewport: PHONE, mobile: true })
    await mobileLogin(m.page, 'jumin')
    await m.page.getByTestId('tabbar').getByText('我要反映').click()
    await m.page.waitForURL(`${BASE}/m/cases`)
    await m.page.getByTestId('report-button').click()
    await m.page.waitForURL(`${BASE}/m/cases/new`)
    const tiles = m.page.getByTestId('category-tiles')
    await tiles.getByText('道路与路灯', { exact: true }).waitFor()
    // Nothing chosen: the form says what is missing, in plain words, and sends nothing.
    await m.page.getByTestId('case-submit').click()
    await m.page.getByText('请先选一下是哪方面的问题').waitFor()
    await tiles.getByText('道路与路灯', { exact: true }).click()
    await m.page.getByTestId('case-description').locator('textarea').fill('3 栋门口的路灯坏了一个星期，晚上看不清路，老人出门怕摔。')
    await m.page.getByTestId('case-title').locator('input').fill(title)
    if (photo)
      await m.page
        .getByTestId('case-photo-input')
        .setInputFiles({ name: 'light.png', mimeType: 'image/png', buffer: streetPhoto() })
    // Big targets for older hands: every category tile and the button at least 48 px tall.
    for (const box of [await tiles.locator('label').first().boundingBox(), await m.page.getByTestId('case-submit').boundingBox()])
      assert.ok(box.height >= 48, `a tap target is ${box.height}px tall`)
    await noSideways(m.page, PHONE.width)
    await assertAccessible(m.page, 'mobile report form')
    await m.page.getByTestId('case-submit').click()
    await m.page.waitForURL(/\/m\/cases\/\d+\?sent=1/)
    const id = Number(/\/m\/cases\/(\d+)/.exec(m.page.url())[1])
    await m.page.getByTestId('case-sent').waitFor()
    assert.equal(await m.page.getByTestId('case-status').innerText(), '待受理')
    assert.equal(await m.page.getByTestId('case-title').innerText(), title)
    if (photo) {
      const img = m.page.getByTestId('case-photos').locator('img')
      await img.first().waitFor()
      await m.page.waitForFunction(() => {
        const i = document.querySelector('[data-testid="case-photos"] img')
        return i && i.complete && i.naturalWidth > 0
      })
      assert.equal(await img.count(), 1)
    }
    await assertAccessible(m.page, 'mobile case just reported')

    // The community worker, in the console.
    const c = await open(browser, { viewport: DESKTOP })
    await consoleLogin(c.page, 'shequ')
    await casesMenu(c.page, '诉求办理')
    await c.page.waitForURL(`${BASE}/cases`)
    const row = c.page.getByTestId('cases-table').locator('tr', { hasText: title })
    await row.waitFor()
    assert.equal(await row.getByTestId('row-status').innerText(), '待受理')
    assert.match(await row.getByTestId('row-sla').innerText(), /^剩 \d+ 天/)
    await assertAccessible(c.page, 'case queue')
    await row.getByText(title).click()
    const drawer = c.page.getByTestId('case-drawer')
    await drawer.getByTestId('case-title').getByText(title).waitFor()
    assert.equal(new URL(c.page.url()).searchParams.get('case'), String(id))
    await drawer.getByTestId('case-timeline').getByText('提交').waitFor()
    await drawer.getByTestId('case-facts').getByText('手机反映').waitFor()
    if (photo) await drawer.getByTestId('case-photos').locator('img').first().waitFor()
    // Only what the state allows: no answer before it is accepted.
    assert.equal(await drawer.getByTestId('case-do-reply').count(), 0)
    await assertAccessible(c.page, 'case drawer')
    await drawer.getByTestId('case-do-accept').click()
    await drawer.getByTestId('case-status').getByText('已受理').waitFor()
    await drawer.getByTestId('case-do-reply').click()
    const dialog = c.page.getByTestId('case-action-dialog')
    await dialog.getByTestId('case-action-submit').click()
    await dialog.getByText('请至少写两个字').waitFor() // an empty answer is not sent
    await dialog.getByTestId('case-action-text').fill('已联系供电所更换灯泡，今晚起路灯恢复照明。')
    await dialog.getByTestId('case-action-submit').click()
    await drawer.getByTestId('case-status').getByText('已答复').waitFor()
    const timeline = drawer.getByTestId('case-timeline')
    await timeline.getByText('已联系供电所更换灯泡').waitFor()
    assert.match(await timeline.innerText(), /受理[\s\S]*李红梅[\s\S]*答复/)
    // The row shows it too, without a reload.
    assert.equal(await row.getByTestId('row-status').innerText(), '已答复')

    // The resident sees the answer and rates it.
    await m.page.reload()
    await m.page.getByTestId('case-reply').getByText('已联系供电所更换灯泡').waitFor()
    const rate = m.page.getByTestId('case-rate')
    await rate.waitFor()
    await assertAccessible(m.page, 'mobile rating')
    await rate.getByText('满意', { exact: true }).click()
    await m.page.getByTestId('rate-submit').click()
    await m.page.getByTestId('case-status').getByText('已办结').waitFor()
    await m.page.getByTestId('case-rated').getByText('满意').waitFor()
    assert.equal(await m.page.getByTestId('case-rate').count(), 0, 'rated once a round')
    await m.page.getByText('我的反映', { exact: true }).first().click()
    await m.page.waitForURL(`${BASE}/m/cases`)
    assert.match(await m.page.getByTestId(`my-case-${id}`).innerText(), /已办结/)
    await noSideways(m.page, PHONE.width)

    // And the worker's drawer, read again, says closed and satisfied.
    await c.page.reload()
    await drawer.getByTestId('case-status').getByText('已办结').waitFor()
    await drawer.getByTestId('case-facts').getByText('满意', { exact: true }).waitFor()
    assertClean(m.problems)
    assertClean(c.problems)
    await m.context.close()
    await c.context.close()
  })

  test('the countdown turns amber in the last fifth of the time and red once overdue', async () => {
    // The demo's clock does not move, so the list is answered as the server would answer it
    // later: the first open case with a tenth of its window left, the second past its deadline.
    const jumin = await apiAs('jumin')
    for (const title of ['楼道灯不亮', '单元门关不上', '井盖松动'])
      await jumin.call('POST', '/api/cases', { category: 'road_light', title: `${title} ${unique()}`, description: `${title}，请来看看。` })
    const { context, page, problems } = await open(browser)
    await page.route(/\/api\/cases\?.*status=open/, async (route) => {
      const res = await route.fetch()
      const body = await res.json()
      const cats = await (await route.fetch({ url: `${BASE}/api/case-categories` })).json()
      const open = body.items.filter((c) => c.status !== 'replied' && c.status !== 'closed')
      if (open.length < 3) return route.fulfill({ response: res, json: body })
      const window = cats.items.find((k) => k.code === open[0].category).feedback_s
      Object.assign(open[0], { seconds_left: Math.floor(window / 10), overdue: false })
      Object.assign(open[1], { seconds_left: -3 * 3600 - 600, overdue: true })
      await route.fulfill({ response: res, json: body })
    })
    await consoleLogin(page, 'shequ')
    await page.goto(`${BASE}/cases?status=open`)
    const sla = page.getByTestId('cases-table').getByTestId('row-sla')
    await sla.first().waitFor()
    const near = page.locator('[data-sla="near"]').first()
    const over = page.locator('[data-sla="over"]').first()
    assert.match(await near.innerText(), /^剩 /)
    assert.equal(await over.innerText(), '超期 3 小时 10 分钟')
    const color = (l) => l.evaluate((el) => getComputedStyle(el).color)
    assert.equal(await color(over), 'rgb(192, 40, 31)') // --el-color-danger
    assert.equal(await color(near), 'rgb(143, 90, 0)') // --el-color-warning
    assert.equal(await page.locator('[data-sla="ok"]').first().evaluate((el) => getComputedStyle(el).fontWeight), '400')
    assertClean(problems)
    await context.close()
  })

  test('a resident has no case queue in the console', async () => {
    const { context, page, problems } = await open(browser)
    await consoleLogin(page, 'jumin')
    assert.equal(await page.getByTestId('menu').getByText('民情诉求').count(), 0)
    assert.equal(await page.getByTestId('cases-todo').count(), 0)
    await page.goto(`${BASE}/cases`)
    await page.getByTestId('greeting').waitFor()
    assert.equal(new URL(page.url()).pathname, '/')
    assert.equal(await page.getByTestId('cases-page').count(), 0)
    await page.goto(`${BASE}/cases/rates`)
    await page.getByTestId('greeting').waitFor()
    assert.equal(new URL(page.url()).pathname, '/')
    assertClean(problems)
    await context.close()
  })

  test('an action the case has moved past shows the reason in Chinese', async () => {
    const jumin = await apiAs('jumin')
    const made = await jumin.call('POST', '/api/cases', {
      category: 'sanitation',
      title: `垃圾桶满了没人清 ${unique()}`,
      description: '菜场门口的垃圾桶两天没清运了。',
    })
    assert.equal(made.status, 201)
    const id = made.body.id
    const { context, page, problems } = await open(browser)
    await consoleLogin(page, 'shequ')
    await page.goto(`${BASE}/cases?case=${id}`)
    const drawer = page.getByTestId('case-drawer')
    await drawer.getByTestId('case-do-accept').waitFor()
    // Meanwhile a colleague accepts it.
    const other = await apiAs('shequ')
    assert.equal((await other.call('POST', `/api/cases/${id}/accept`, {})).status, 200)
    await drawer.getByTestId('case-do-accept').click()
    await drawer.getByTestId('case-error').getByText('诉求当前状态为“已受理”，不能受理').waitFor()
    // The case is read again: its real state, and the buttons that go with it.
    await drawer.getByTestId('case-status').getByText('已受理').waitFor()
    await drawer.getByTestId('case-do-reply').waitFor()
    assert.equal(await drawer.getByTestId('case-do-accept').count(), 0)
    await assertAccessible(page, 'case drawer with a refusal')
    // The browser logs the refused request itself; that one was expected.
    assertClean(problems.filter((p) => !/status of 409 .*\/api\/cases\/\d+\/accept\)/.test(p)))
    await context.close()
  })

  test("a delegate handles the cases addressed to the studio", async () => {
    const jumin = await apiAs('jumin')
    const me = (await jumin.call('GET', '/api/me')).body.user
    const place = (await jumin.call('GET', `/api/places/${me.place_id}`)).body
    const community = place.ancestors.find((a) => a.kind === 'community') ?? place
    const lines = (await jumin.call('GET', `/api/places/${community.id}/lines`)).body
    const studio = lines.organisations.find((o) => o.kind === 'delegate_studio')
    assert.ok(studio, 'the community has a 党代表工作室')
    const title = `加装电梯想听听代表意见 ${unique()}`
    const made = await jumin.call('POST', '/api/cases', {
      category: 'old_estate',
      title,
      description: '我们楼想加装电梯，一楼住户不同意，希望党代表帮忙协调。',
      studio_id: studio.id,
    })
    assert.equal(made.status, 201)

    const { context, page, problems } = await open(browser)
    await consoleLogin(page, 'daibiao')
    await page.getByTestId('cases-todo').getByTestId('todo-studio').waitFor()
    await casesMenu(page, '工作室诉求')
    await page.waitForURL(`${BASE}/cases/studio`)
    const row = page.getByTestId('cases-table').locator('tr', { hasText: title })
    await row.waitFor()
    await assertAccessible(page, 'studio queue')
    await row.getByText(title).click()
    const drawer = page.getByTestId('case-drawer')
    await drawer.getByTestId('case-facts').getByText(studio.name).waitFor()
    await drawer.getByTestId('case-do-accept').click()
    await drawer.getByTestId('case-status').getByText('已受理').waitFor()
    await drawer.getByTestId('case-do-reply').click()
    await page.getByTestId('case-action-text').fill('已约一楼住户和楼栋长周六在党代表工作室面谈。')
    await page.getByTestId('case-action-submit').click()
    await drawer.getByTestId('case-status').getByText('已答复').waitFor()
    await drawer.getByTestId('case-timeline').getByText('周明').first().waitFor()
    // The delegate has no area queue.
    assert.equal(await page.getByTestId('menu').getByText('诉求办理', { exact: true }).count(), 0)
    assertClean(problems)
    await context.close()
  })

  test('batch entry from a 民情收集站: a bad row is marked, then all are saved at once', async () => {
    const { context, page, problems } = await open(browser)
    await consoleLogin(page, 'shequ')
    await casesMenu(page, '批量录入')
    await page.waitForURL(`${BASE}/cases/batch`)
    const tag = unique()
    const r1 = page.getByTestId('batch-row-1')
    const r2 = page.getByTestId('batch-row-2')
    await pickOption(page, r1.getByTestId('batch-category'), '环境卫生')
    await r1.getByTestId('batch-title').fill(`绿化带垃圾 ${tag}`)
    await r1.getByTestId('batch-description').fill('收集站留言：小区绿化带里垃圾多，没人清理。')
    await r2.getByTestId('batch-title').fill(`夜间施工噪音 ${tag}`)
    await r2.getByTestId('batch-description').fill('意见登记：工地夜里十二点还在施工。')
    await page.getByTestId('batch-submit').click()
    await r2.getByTestId('batch-row-error').getByText('请选择分类').waitFor()
    await page.getByTestId('batch-error').waitFor()
    assert.equal(await r1.getByTestId('batch-row-error').count(), 0)
    await assertAccessible(page, 'batch entry with a row error')
    const shequ = await apiAs('shequ')
    const before = (await shequ.call('GET', '/api/cases?limit=5')).body.items
    assert.ok(!before.some((c) => c.title.endsWith(tag)), 'nothing saved while a row is wrong')
    await pickOption(page, r2.getByTestId('batch-category'), '邻里纠纷')
    await page.getByTestId('batch-submit').click()
    await page.getByTestId('batch-saved').getByText('已录入 2 件诉求').waitFor()
    const after = (await shequ.call('GET', '/api/cases?limit=5')).body.items.filter((c) => c.title.endsWith(tag))
    assert.equal(after.length, 2)
    assert.ok(after.every((c) => c.channel === 'station'))
    assertClean(problems)
    await context.close()
  })

  test('the rates show each rate with its counts, a chart and the handlers', async () => {
    // One case answered by the community's worker, so the handlers' table has her.
    const jumin = await apiAs('jumin')
    const shequ = await apiAs('shequ')
    const made = await jumin.call('POST', '/api/cases', {
      category: 'property',
      title: `门禁坏了 ${unique()}`,
      description: '5 栋单元门门禁刷卡没反应。',
    })
    assert.equal((await shequ.call('POST', `/api/cases/${made.body.id}/accept`, {})).status, 200)
    assert.equal((await shequ.call('POST', `/api/cases/${made.body.id}/reply`, { text: '已通知物业修好门禁。' })).status, 200)
    const { context, page, problems } = await open(browser)
    await consoleLogin(page, 'jiedao')
    await casesMenu(page, '办理三率')
    await page.waitForURL(`${BASE}/cases/rates`)
    const cards = page.getByTestId('rates-cards')
    await cards.waitFor()
    for (const k of ['response', 'solve', 'satisfaction'])
      assert.match(await page.getByTestId(`rate-${k}`).innerText(), /(\d+(\.\d)?%|—)\s*（\d+\/\d+）/)
    await page.locator('canvas').first().waitFor()
    const handlers = page.getByTestId('rates-handlers')
    await handlers.getByText('李红梅', { exact: false }).first().waitFor()
    await assertAccessible(page, 'rates')
    assertClean(problems)
    await context.close()
  })
})
