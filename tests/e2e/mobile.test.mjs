// The mobile H5 site (/m/) as a resident uses it in WeChat's browser: sign in, 我的,
// 大字模式, language, sign out, an ended session, 360 px screens, and accessibility.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  BASE,
  PHONE,
  SMALL_PHONE,
  assertAccessible,
  assertClean,
  fontSize,
  launch,
  me,
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

async function noSideways(page, width) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth)
  assert.ok(w <= width, `page is ${w}px wide on a ${width}px screen`)
}

describe('mobile', () => {
  test('the login page loads at 390×844 in WeChat, in Chinese', async () => {
    const { context, page, problems } = await open(browser, { viewport: PHONE, mobile: true })
    await page.goto(`${BASE}/m/`)
    await page.waitForURL(`${BASE}/m/login`)
    assert.equal(await page.title(), '幸福城区')
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN')
    await page.getByRole('heading', { name: '账号登录' }).waitFor()
    await noSideways(page, PHONE.width)
    await assertAccessible(page, 'mobile login')
    assertClean(problems)
    await context.close()
  })

  test('a resident signs in and sees 我的', async () => {
    const { context, page, problems } = await open(browser, { viewport: PHONE, mobile: true })
    await mobileLogin(page, 'jumin')
    assert.equal(new URL(page.url()).pathname, '/m/me')
    assert.match(await page.getByTestId('user-name').innerText(), /孙秀英/)
    assert.equal(await page.getByTestId('role').innerText(), '居民')
    await page.getByTestId('tabbar').getByText('我的').waitFor()
    await page.getByText('jumin', { exact: true }).waitFor()
    await noSideways(page, PHONE.width)
    await assertAccessible(page, 'mobile 我的')
    assertClean(problems)
    await context.close()
  })

  test('everything fits a 360 px screen', async () => {
    const { context, page, problems } = await open(browser, { viewport: SMALL_PHONE, mobile: true })
    await page.goto(`${BASE}/m/login`)
    await page.getByRole('heading', { name: '账号登录' }).waitFor()
    await noSideways(page, SMALL_PHONE.width)
    await mobileLogin(page, 'shangdian')
    await noSideways(page, SMALL_PHONE.width)
    assertClean(problems)
    await context.close()
  })

  test('大字模式 makes the text larger and survives a reload', async () => {
    const { context, page, problems } = await open(browser, { viewport: PHONE, mobile: true })
    await mobileLogin(page, 'dangyuan')
    const name = page.getByTestId('user-name')
    const cellTitle = page.getByText('用户名', { exact: true })
    const before = { name: await fontSize(name), cell: await fontSize(cellTitle) }

    await page.getByRole('switch', { name: '大字模式' }).click()
    await page.waitForFunction(() => document.documentElement.classList.contains('xf-large'))
    await page.waitForFunction(async () => (await (await fetch('/api/me')).json()).preferences.large_text === true)
    const larger = { name: await fontSize(name), cell: await fontSize(cellTitle) }
    assert.ok(larger.name > before.name, `name ${before.name} → ${larger.name}`)
    assert.ok(larger.cell >= 18, `cell text ${before.cell} → ${larger.cell}`)
    await assertAccessible(page, 'mobile 我的 in 大字模式')

    await page.reload()
    await name.waitFor()
    assert.equal(await fontSize(cellTitle), larger.cell, 'still large after a reload')
    assert.equal((await me(page)).body.preferences.large_text, true)
    await noSideways(page, PHONE.width)
    assertClean(problems)
    await context.close()
  })

  test('大字模式 chosen on the login page is saved to the account that signs in', async () => {
    const { context, page, problems } = await open(browser, { viewport: PHONE, mobile: true })
    await page.goto(`${BASE}/m/login`)
    const title = page.getByRole('heading', { name: '账号登录' })
    const before = await fontSize(title)
    await page.getByRole('switch', { name: '大字模式' }).click()
    await page.waitForFunction(() => document.documentElement.classList.contains('xf-large'))
    assert.ok((await fontSize(title)) > before, 'the login page itself gets larger')
    await mobileLogin(page, 'shenji', { navigate: false })
    assert.equal((await me(page)).body.preferences.large_text, true)
    assert.equal(await page.locator('html').evaluate((h) => h.classList.contains('xf-large')), true)
    assertClean(problems)
    await context.close()
  })

  test('the language switch shows English', async () => {
    const { context, page, problems } = await open(browser, { viewport: PHONE, mobile: true })
    await mobileLogin(page, 'daibiao')
    await page.getByRole('button', { name: 'English' }).click()
    await page.getByTestId('tabbar').getByText('Me').waitFor()
    await page.getByRole('button', { name: 'Sign out' }).waitFor()
    assert.equal(await page.locator('html').getAttribute('lang'), 'en')
    await page.getByRole('button', { name: '中文' }).click()
    await page.getByTestId('tabbar').getByText('我的').waitFor()
    await page.waitForFunction(async () => (await (await fetch('/api/me')).json()).preferences.lang === 'zh-CN')
    assertClean(problems)
    await context.close()
  })

  test('signing out returns to the login page', async () => {
    const { context, page, problems } = await open(browser, { viewport: PHONE, mobile: true })
    await mobileLogin(page, 'wuye')
    await page.getByTestId('logout').click()
    await page.waitForURL(`${BASE}/m/login`)
    await page.getByTestId('notice').getByText('已退出登录').waitFor()
    assert.equal((await me(page)).status, 401)
    assertClean(problems)
    await context.close()
  })

  test('an ended session sends the person to login with a clear message', async () => {
    const { context, page, problems } = await open(browser, {
      viewport: PHONE,
      mobile: true,
      allow401: ['/api/me', '/api/me/preferences'],
    })
    await context.addCookies([{ name: 'xf_session', value: 'forged-token-abcdef', url: BASE }])
    await page.goto(`${BASE}/m/me`)
    await page.waitForURL(/\/m\/login/)
    await page.getByTestId('notice').getByText('登录已过期，请重新登录').waitFor()

    await mobileLogin(page, 'danwei')
    await context.addCookies([{ name: 'xf_session', value: 'ended-session-token', url: BASE }])
    await page.getByRole('switch', { name: '大字模式' }).click()
    await page.waitForURL(/\/m\/login/)
    await page.getByTestId('notice').getByText('登录已过期，请重新登录').waitFor()
    assertClean(problems)
    await context.close()
  })
})
