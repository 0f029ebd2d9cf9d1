// 数据驾驶舱 in the browser: the street official (jiedao) opens 数据驾驶舱 › 驾驶舱 and sees her
// street's key figures (the same numbers the API computes); drills down to a community from
// the 下级对比 table; opens a figure and reads the records it counts; goes back up by the
// path; generates a report pack and downloads the workbook; reads the case-study table; and
// opens the large-screen mode. The community secretary (shequ) sees only her community.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { BASE, PASSWORD, assertAccessible, assertClean, consoleLogin, launch, open } from './lib.mjs'

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
  assert.equal(r.status, 200)
  const { user } = await r.json()
  const cookie = r.headers.get('set-cookie').split(';')[0]
  const get = async (path) => {
    const res = await fetch(`${BASE}${path}`, { headers: { Accept: 'application/json', Cookie: cookie } })
    return { status: res.status, body: await res.json() }
  }
  get.user = user
  return get
}

function figure(dash, code) {
  for (const s of dash.sections) for (const f of s.figures) if (f.code === code) return f
  return null
}

function shown(v) {
  return v === null ? '—' : v.toLocaleString('zh-CN', { maximumFractionDigits: 2 })
}

describe('数据驾驶舱', () => {
  test('a street drills down to a community, reads the records behind a figure, and packs a report', async () => {
    const api = await as('jiedao')
    const street = (await api('/api/dashboard')).body
    assert.equal(street.place.kind, 'street')
    const target = street.children.find((c) => c.kind === 'community' && c.figures.cases_received > 0) ?? street.children[0]
    const community = (await api(`/api/dashboard?place=${target.id}`)).body

    const j = await open(browser)
    await consoleLogin(j.page, 'jiedao')
    await j.page.getByTestId('menu-dash').click()
    await j.page.getByTestId('menu-dash').getByRole('menuitem', { name: '驾驶舱', exact: true }).click()
    const keys = j.page.getByTestId('dash-keys')
    await keys.waitFor()
    // the key figures are the server's
    const received = figure(street, 'cases_received')
    const value = keys.locator('[data-figure="cases_received"] .dash__key-value')
    await value.waitFor()
    assert.equal((await value.innerText()).replace(/\s+/g, ''), `${shown(received.value)}${received.unit}`)
    await j.page.getByRole('heading', { name: `${street.place.name} · 驾驶舱` }).waitFor()
    await assertAccessible(j.page, 'street dashboard')

    // drill down: the community's row in 下级对比
    await j.page.getByTestId('dash-children').getByRole('link', { name: target.name, exact: true }).click()
    await j.page.getByRole('heading', { name: `${target.name} · 驾驶舱` }).waitFor()
    assert.match(j.page.url(), new RegExp(`place=${target.id}`))
    const trail = j.page.getByTestId('dash-trail')
    await trail.getByText(street.place.name).waitFor()
    await trail.getByText(target.name).waitFor()
    const pop = figure(community, 'population')
    await j.page.locator('[data-section="volunteer"] [data-figure="population"]').getByText(shown(pop.value)).waitFor()

    // the records behind 人口: as many as the figure says
    await j.page.locator('[data-section="volunteer"] [data-figure="population"]').click()
    const drawer = j.page.getByTestId('dash-records')
    await drawer.getByText(`共 ${pop.records} 条`, { exact: false }).waitFor()
    await assertAccessible(j.page, 'records drawer')
    await j.page.keyboard.press('Escape')

    // back up by the path
    await trail.getByText(street.place.name).click()
    await j.page.getByRole('heading', { name: `${street.place.name} · 驾驶舱` }).waitFor()

    // the report pack: 202, progress, then the workbook
    await j.page.getByTestId('pack-open').click()
    await j.page.getByTestId('pack-start').click()
    const link = j.page.getByTestId('pack-xlsx')
    await link.waitFor({ timeout: 20000 })
    const href = await link.getAttribute('href')
    const cookie = (await j.context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ')
    const file = await fetch(`${BASE}${href}`, { headers: { Cookie: cookie } })
    assert.equal(file.status, 200)
    const bytes = Buffer.from(await file.arrayBuffer())
    assert.equal(bytes.subarray(0, 2).toString(), 'PK')
    await j.page.keyboard.press('Escape')

    // the case-study table: every row names what the case study says, beside the value here
    await j.page.goto(`${BASE}/dash/seed`)
    const table = j.page.getByTestId('dash-seed')
    await table.getByText('私营企业党组织').waitFor()
    await table.getByText('1844 个').waitFor()
    await assertAccessible(j.page, 'case-study figures')

    // the large screen
    await j.page.goto(`${BASE}/dash/screen`)
    const screen = j.page.getByTestId('dash-screen')
    await screen.getByText(`${street.place.name} · 党建引领基层治理`).waitFor()
    await assertAccessible(j.page, 'large screen')
    assertClean(j.problems)
    await j.context.close()
  })

  test('a community secretary sees her community, not the street', async () => {
    const api = await as('shequ')
    const mine = (await api('/api/dashboard')).body
    assert.equal(mine.place.kind, 'community')
    const s = await open(browser)
    await consoleLogin(s.page, 'shequ')
    await s.page.goto(`${BASE}/dash`)
    await s.page.getByRole('heading', { name: `${mine.place.name} · 驾驶舱` }).waitFor()
    // the pay figures are not for her role
    assert.equal(await s.page.locator('[data-figure="cadre_pay_avg"]').count(), 0)
    assertClean(s.problems)
    await s.context.close()
  })
})
