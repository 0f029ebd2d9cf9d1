// The mobile H5 site (/m/) as a resident uses it in WeChat's browser: sign in, 我的,
// 大字模式, language, sign out, an ended session, 360 px screens, and accessibility.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  BASE,
  PASSWORD,
  PHONE,
  SMALL_PHONE,
  assertAccessible,
  assertClean,
  fontSize,
  launch,
  me,
  mobileLogin,
  open,
  outboxLines,
  smsCode,
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

  test('a resident signs in with a phone number and an SMS code', async () => {
    const { context, page, problems } = await open(browser, { viewport: PHONE, mobile: true })
    await page.goto(`${BASE}/m/login`)
    // The code tab is the first one: residents sign in by phone.
    await page.getByRole('tab', { name: '验证码登录', selected: true }).waitFor()
    await page.getByLabel('手机号').fill('17000000001')
    const before = outboxLines().length
    const send = page.getByTestId('send-code')
    await send.click()
    await send.getByText(/^\d+ 秒后重发$/).waitFor()
    await page.getByTestId('code-sent').getByText('验证码已发送，5 分钟内有效').waitFor()
    assert.equal(await send.isDisabled(), true, 'no second code within the minute')
    await assertAccessible(page, 'mobile login, SMS code')
    const code = await smsCode(before)
    await page.getByLabel('验证码', { exact: true }).fill(code)
    await page.getByRole('button', { name: '登录', exact: true }).click()
    await page.getByTestId('user-name').waitFor()
    assert.equal(new URL(page.url()).pathname, '/m/me')
    assert.match(await page.getByTestId('user-name').innerText(), /孙秀英/)
    const { user } = (await me(page)).body
    assert.equal(user.username, 'jumin')
    // The message went to the account, not to a number.
    assert.ok(outboxLines().slice(before).some((m) => m.to === `user:${user.id}`))
    await noSideways(page, PHONE.width)
    assertClean(problems)
    await context.close()
  })

  test('a resident account made with a one-time password changes it first', async () => {
    // The administrator makes the account (the console's page for that has its own test).
    const r = await fetch(`${BASE}/api/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: PASSWORD }),
    })
    const { csrf } = await r.json()
    const cookie = r.headers.get('set-cookie').split(';')[0]
    const made = await fetch(`${BASE}/api/users`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf, Cookie: cookie },
      body: JSON.stringify({ username: 'e2e_liu', display_name: '刘洋（测试居民）', role: 'resident', place_id: 1 }),
    })
    assert.equal(made.status, 201)
    const { one_time_password: oneTime } = await made.json()

    const { context, page, problems } = await open(browser, { viewport: PHONE, mobile: true })
    await page.goto(`${BASE}/m/login`)
    await page.getByRole('tab', { name: '密码登录' }).click()
    await page.getByLabel('用户名').fill('e2e_liu')
    await page.getByLabel('密码', { exact: true }).fill(oneTime)
    await page.getByRole('button', { name: '登录', exact: true }).click()
    await page.getByTestId('account-due').getByText('请先修改初始密码').waitFor()
    assert.equal(new URL(page.url()).pathname, '/m/password')
    // 我的 is not reachable until then.
    await page.goto(`${BASE}/m/me`)
    await page.getByTestId('account-due').waitFor()
    assert.equal(new URL(page.url()).pathname, '/m/password')
    await assertAccessible(page, 'mobile password change')
    await page.getByLabel('原密码').fill(oneTime)
    await page.getByLabel('新密码', { exact: true }).fill('liu-yang-new-2026')
    await page.getByLabel('确认新密码').fill('liu-yang-new-2026')
    await page.getByRole('button', { name: '修改密码' }).click()
    await page.getByTestId('notice').getByText('密码已修改').waitFor()
    assert.equal(new URL(page.url()).pathname, '/m/me')
    assert.match(await page.getByTestId('user-name').innerText(), /刘洋/)
    assert.equal((await me(page)).body.user.must_change_password, false)
    await noSideways(page, PHONE.width)
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
    await page.getByTestId('tabbar').getByText('Me', { exact: true }).waitFor()
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
