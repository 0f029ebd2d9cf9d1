// The staff console (/) as a person uses it: sign in, the shell, 大字模式, the language
// switch, sign out, an ended session, and accessibility.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  BASE,
  assertAccessible,
  assertClean,
  consoleLogin,
  fontSize,
  launch,
  me,
  open,
} from './lib.mjs'

let browser
before(async () => {
  browser = await launch()
})
after(async () => {
  await browser?.close()
})

describe('console', () => {
  test('the login page loads in Chinese even when the browser prefers English', async () => {
    const { context, page, problems } = await open(browser, { locale: 'en-US' })
    await page.goto(`${BASE}/`)
    await page.waitForURL(`${BASE}/login`)
    assert.equal(await page.title(), '幸福城区 · 党建引领基层治理平台')
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN')
    await page.getByRole('heading', { name: '账号登录' }).waitFor()
    await page.getByRole('button', { name: '登录' }).waitFor()
    await assertAccessible(page, 'console login')
    assertClean(problems)
    await context.close()
  })

  test('a wrong password gets the server\'s message', async () => {
    const { context, page, problems } = await open(browser, { allow401: ['/api/me', '/api/session'] })
    await page.goto(`${BASE}/login`)
    await page.getByLabel('用户名').fill('shequ')
    await page.getByLabel('密码', { exact: true }).fill('not-the-password')
    await page.getByRole('button', { name: '登录' }).click()
    await assert.doesNotReject(page.getByTestId('login-error').getByText('用户名或密码不正确').waitFor())
    assert.equal(new URL(page.url()).pathname, '/login')
    assertClean(problems)
    await context.close()
  })

  test('a community worker signs in and sees the shell', async () => {
    const { context, page, problems } = await open(browser)
    await consoleLogin(page, 'shequ')
    assert.equal(new URL(page.url()).pathname, '/')
    const menu = page.getByTestId('menu')
    await menu.getByText('工作台').waitFor()
    await menu.getByText('我的账号').waitFor()
    // 系统管理 holds only what a community official may use: the accounts in the community.
    await menu.getByText('系统管理').click()
    await menu.getByText('用户与授权').waitFor()
    for (const other of ['系统状态', 'API 令牌', '审计日志'])
      assert.equal(await menu.getByText(other).count(), 0, `no ${other} for a community official`)
    assert.match(await page.getByTestId('user-name').innerText(), /李红梅/)
    assert.match(await page.getByTestId('place').innerText(), /大智路社区/)
    assert.match(await page.getByTestId('greeting').innerText(), /李红梅/)
    assert.equal((await me(page)).body.user.role, 'community_official')
    assert.equal(await page.getByTestId('role').innerText(), '社区干部')
    assert.equal(await page.getByTestId('system-status').count(), 0)
    await assertAccessible(page, 'console shell')
    // A deep link the console does not have is its own page inside the shell.
    await page.goto(`${BASE}/no/such/page`)
    await page.getByText('页面不存在', { exact: true }).waitFor()
    await page.getByRole('button', { name: '返回工作台' }).click()
    await page.getByTestId('greeting').waitFor()
    // The admin page is not reachable by typing its address either.
    await page.goto(`${BASE}/system`)
    await page.getByTestId('greeting').waitFor()
    assert.equal(new URL(page.url()).pathname, '/')
    assertClean(problems)
    await context.close()
  })

  test('an administrator sees 系统管理 and the system status', async () => {
    const { context, page, problems } = await open(browser)
    await consoleLogin(page, 'admin')
    const status = page.getByTestId('system-status')
    await status.getByText('SQLite').waitFor()
    await status.getByText('0.1.0').waitFor()
    await page.getByTestId('menu').getByText('系统管理').click()
    await page.getByTestId('menu').getByText('系统状态').click()
    await page.waitForURL(`${BASE}/system`)
    await page.getByTestId('endpoints').getByText('/api/session', { exact: true }).first().waitFor()
    await page.getByTestId('system-status').getByText('提交次数').waitFor()
    await assertAccessible(page, 'console system page')
    assertClean(problems)
    await context.close()
  })

  test('大字模式 makes the text larger and is stored for the user', async () => {
    const { context, page, problems } = await open(browser)
    await consoleLogin(page, 'shequ2')
    const greeting = page.getByTestId('greeting')
    const menuItem = page.getByTestId('menu').getByText('工作台')
    const before = { greeting: await fontSize(greeting), menu: await fontSize(menuItem) }
    assert.equal((await me(page)).body.preferences.large_text ?? false, false)

    await page.getByRole('switch', { name: '大字模式' }).waitFor({ state: 'attached' })
    await page.getByTestId('large-text').click()
    await page.waitForFunction(() => document.documentElement.classList.contains('xf-large'))
    await page.waitForFunction(async () => {
      const r = await fetch('/api/me')
      return (await r.json()).preferences.large_text === true
    })
    const larger = { greeting: await fontSize(greeting), menu: await fontSize(menuItem) }
    assert.ok(larger.greeting > before.greeting, `greeting ${before.greeting} → ${larger.greeting}`)
    assert.ok(larger.menu >= before.menu + 3, `menu ${before.menu} → ${larger.menu}`)
    await assertAccessible(page, 'console shell in 大字模式')

    await page.reload()
    await greeting.waitFor()
    assert.equal(await fontSize(greeting), larger.greeting, 'still large after a reload')
    assert.equal(await page.getByRole('switch', { name: '大字模式' }).isChecked(), true)
    assertClean(problems)
    await context.close()

    // Another browser, same person: the server remembers.
    const second = await open(browser)
    await consoleLogin(second.page, 'shequ2')
    assert.equal(await fontSize(second.page.getByTestId('greeting')), larger.greeting)
    await second.page.getByTestId('large-text').click()
    await second.page.waitForFunction(() => !document.documentElement.classList.contains('xf-large'))
    await second.page.waitForFunction(async () => {
      const r = await fetch('/api/me')
      return (await r.json()).preferences.large_text === false
    })
    assertClean(second.problems)
    await second.context.close()
  })

  test('the language switch shows English and is remembered', async () => {
    const { context, page, problems } = await open(browser)
    await consoleLogin(page, 'shequ3')
    await page.getByRole('radiogroup', { name: '语言' }).getByText('English').click()
    await page.getByTestId('menu').getByText('Workbench').waitFor()
    assert.equal(await page.locator('html').getAttribute('lang'), 'en')
    assert.equal(await page.title(), 'Xingfu · Party-led community governance')
    assert.equal(await page.getByTestId('role').innerText(), 'Community official')
    await page.waitForFunction(async () => (await (await fetch('/api/me')).json()).preferences.lang === 'en')
    await page.reload()
    await page.getByTestId('menu').getByText('Workbench').waitFor()
    await page.getByRole('radiogroup', { name: 'Language' }).getByText('中文').click()
    await page.getByTestId('menu').getByText('工作台').waitFor()
    await page.waitForFunction(async () => (await (await fetch('/api/me')).json()).preferences.lang === 'zh-CN')
    assertClean(problems)
    await context.close()
  })

  test('signing out returns to the login page and ends the session', async () => {
    const { context, page, problems } = await open(browser)
    await consoleLogin(page, 'wangge')
    await page.getByTestId('user-menu').click()
    await page.getByTestId('logout').click()
    await page.waitForURL(`${BASE}/login`)
    await page.getByTestId('notice').getByText('已退出登录').waitFor()
    assert.equal((await me(page)).status, 401)
    await page.goto(`${BASE}/`)
    await page.waitForURL(`${BASE}/login`)
    assertClean(problems)
    await context.close()
  })

  test('a forged or expired session sends the person to login with a clear message', async () => {
    // Arriving with a session cookie the server does not know.
    const first = await open(browser)
    await first.context.addCookies([{ name: 'xf_session', value: 'forged-token-0123456789', url: BASE }])
    await first.page.goto(`${BASE}/system`)
    await first.page.waitForURL(/\/login\?redirect=/)
    await first.page.getByTestId('notice').getByText('登录已过期，请重新登录').waitFor()
    assertClean(first.problems)
    await first.context.close()

    // The session ends while the page is open: the next call gets 401 session_expired.
    const { context, page, problems } = await open(browser, {
      allow401: ['/api/me', '/api/me/preferences'],
    })
    await consoleLogin(page, 'jiedao')
    await context.addCookies([{ name: 'xf_session', value: 'ended-session-token', url: BASE }])
    await page.getByTestId('large-text').click()
    await page.waitForURL(/\/login/)
    await page.getByTestId('notice').getByText('登录已过期，请重新登录').waitFor()
    assert.equal(await page.locator('html').evaluate((h) => h.classList.contains('xf-large')), false)
    // Signing in again carries on.
    await consoleLogin(page, 'jiedao')
    assert.match(await page.getByTestId('place').innerText(), /澄月街道/)
    assertClean(problems)
    await context.close()
  })
})
