// Identity in the console as people use it: an administrator creates an account and hands over
// its one-time password; the new person must change it before anything else, then switches
// between grants; API tokens are shown once; TOTP enrolment and the one-time-code step at
// sign-in; the auditor reads and filters the audit log, which the administrator cannot see.
// The tests run in order and share the accounts they create.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  BASE,
  PASSWORD,
  assertAccessible,
  assertClean,
  consoleLogin,
  field,
  launch,
  me,
  open,
  pickOption,
  totp,
} from './lib.mjs'

const NEW_USER = 'e2e_wang'
const NEW_NAME = '王小明（测试社区干部）'
const NEW_PASSWORD = 'wang-xiaoming-2026'

let browser
let admin // the administrator's page, signed in once for the whole file
let created = { id: 0, oneTime: '' }
let dazhi = { id: 0, name: '' } // 大智路社区, where the second grant goes
let newcomer // the new person's page

before(async () => {
  browser = await launch()
  admin = await open(browser)
  await admin.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE })
  await consoleLogin(admin.page, 'admin')
  // The console has no place directory yet: learn 大智路社区's number from its official.
  const r = await fetch(`${BASE}/api/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'shequ', password: PASSWORD }),
  })
  const { user } = await r.json()
  dazhi = { id: user.place_id, name: user.place_name }
})
after(async () => {
  await newcomer?.context.close()
  await admin?.context.close()
  await browser?.close()
})

async function openSystemPage(page, label) {
  const menu = page.getByTestId('menu')
  if (!(await menu.getByText(label).isVisible())) await menu.getByText('系统管理').click()
  await menu.getByText(label).click()
}

// A request the test provokes on purpose is refused: the browser logs that, nothing else.
function except(problems, status, path) {
  return problems.filter((p) => !(p.includes(`status of ${status}`) && p.includes(path)))
}

describe('identity', () => {
  test('an administrator creates an account and sees its one-time password once', async () => {
    const { page, problems } = admin
    await openSystemPage(page, '用户与授权')
    await page.waitForURL(`${BASE}/system/users`)
    const table = page.getByTestId('users-table')
    await table.getByText('jiedao', { exact: true }).waitFor()
    await assertAccessible(page, 'users list')

    await page.getByTestId('user-create').click()
    const form = page.getByTestId('user-form')
    await form.getByLabel('用户名').fill(NEW_USER)
    await form.getByLabel('姓名').fill(NEW_NAME)
    await pickOption(page, page.getByTestId('role-select'), '社区干部')
    // The place is pre-filled with the administrator's own (黄石市) and offered by name.
    assert.equal(await field(form, 'place-input').inputValue(), '1')
    await form.getByRole('button', { name: '黄石市（1）' }).waitFor()
    await assertAccessible(page, 'new account dialog')
    await page.getByTestId('user-submit').click()

    const dialog = page.getByTestId('secret-dialog')
    await dialog.getByText(`账号 ${NEW_USER} 已创建`).waitFor()
    await dialog.getByText('只显示这一次').waitFor()
    created.oneTime = await field(dialog, 'secret-value').inputValue()
    assert.match(created.oneTime, /^\S{10,}$/, 'a one-time password is shown')
    await dialog.getByTestId('secret-copy').click()
    await page.getByTestId('secret-copy').getByText('已复制').waitFor()
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), created.oneTime)
    await page.getByTestId('secret-close').click()
    await dialog.waitFor({ state: 'hidden' })
    assert.equal((await page.content()).includes(created.oneTime), false, 'the password is gone')

    // The list shows the account; its drawer adds a second grant, in 大智路社区.
    await table.getByText(NEW_USER, { exact: true }).click()
    const drawer = page.getByTestId('user-drawer')
    await drawer.getByText(NEW_NAME).first().waitFor()
    await drawer.getByText('社区干部 · 黄石市').waitFor()
    await pickOption(page, drawer.getByTestId('grant-role'), '网格员')
    await field(drawer, 'place-input').fill(String(dazhi.id))
    await drawer.getByTestId('grant-add').click()
    await drawer.getByTestId('added-grants').getByText('网格员').waitFor()
    await assertAccessible(page, 'account drawer')
    created.id = (await page.evaluate(async (u) => {
      const r = await fetch(`/api/users?q=${u}`)
      return (await r.json()).items[0].id
    }, NEW_USER))
    assert.ok(created.id > 0)
    await page.keyboard.press('Escape')
    await drawer.waitFor({ state: 'hidden' })
    assertClean(problems)
  })

  test('the new account must change its password first, then sees the shell', async () => {
    newcomer = await open(browser, { allow401: ['/api/me', '/api/session'] })
    const { page, problems } = newcomer
    await page.goto(`${BASE}/login`)
    // A wrong password first (the auditor finds it later).
    await page.getByLabel('用户名').fill(NEW_USER)
    await page.getByLabel('密码', { exact: true }).fill('not-the-password')
    await page.getByRole('button', { name: '登录' }).click()
    await page.getByTestId('login-error').getByText('用户名或密码不正确').waitFor()

    await page.getByLabel('密码', { exact: true }).fill(created.oneTime)
    await page.getByRole('button', { name: '登录' }).click()
    await page.waitForURL(/\/account/)
    await page.getByTestId('account-due').getByText('请先修改初始密码').waitFor()
    const menu = page.getByTestId('menu')
    assert.equal(await menu.getByText('工作台').count(), 0, 'only 我的账号 until the password is changed')
    await menu.getByText('我的账号').waitFor()
    // The server refuses everything else, and typed addresses lead back here.
    const refused = await page.evaluate(async () => {
      const r = await fetch('/api/users')
      return { status: r.status, code: (await r.json()).error.code }
    })
    assert.deepEqual(refused, { status: 403, code: 'password_change_required' })
    await page.goto(`${BASE}/system/users`)
    await page.getByTestId('account-due').waitFor()
    assert.equal(new URL(page.url()).pathname, '/account')
    await assertAccessible(page, 'account page, password due')

    await page.getByLabel('原密码').fill(created.oneTime)
    await page.getByLabel('新密码', { exact: true }).fill(NEW_PASSWORD)
    await page.getByLabel('确认新密码').fill(NEW_PASSWORD)
    await page.getByRole('button', { name: '修改密码' }).click()
    await page.getByTestId('greeting').waitFor()
    assert.equal(new URL(page.url()).pathname, '/')
    await menu.getByText('工作台').waitFor()
    await menu.getByText('系统管理').waitFor()
    assert.equal((await me(page)).body.user.must_change_password, false)

    // Two grants: the header switches between them.
    const place = page.getByTestId('place')
    assert.match(await place.innerText(), /黄石市/)
    await page.getByTestId('grant-switch').click()
    await page.getByTestId('grant-menu').getByText(`网格员 · ${dazhi.name}`).click()
    await page.waitForFunction((n) => document.querySelector('[data-testid=place]')?.textContent?.includes(n), dazhi.name)
    assert.equal((await me(page)).body.user.role, 'grid_worker')
    await page.getByTestId('role').getByText('网格员').waitFor()
    assert.equal(await menu.getByText('系统管理').count(), 0, 'a grid worker has no 系统管理')
    assertClean(except(problems, 403, '/api/users'))
    problems.length = 0 // checked: later tests on this page start clean
  })

  test('an administrator creates an API token and sees it only once', async () => {
    const { page, problems } = admin
    await openSystemPage(page, 'API 令牌')
    await page.waitForURL(`${BASE}/system/tokens`)
    await page.getByTestId('tokens-table').waitFor()
    await page.getByTestId('token-create').click()
    const form = page.getByTestId('token-form')
    await form.getByLabel('名称').fill('12345 热线平台（测试）')
    await form.getByText('12345 热线对接').click()
    await page.getByTestId('token-submit').click()

    const dialog = page.getByTestId('secret-dialog')
    await dialog.getByText('只显示这一次').waitFor()
    const token = await field(dialog, 'secret-value').inputValue()
    assert.match(token, /^xf_[A-Za-z0-9_-]{20,}$/)
    await dialog.getByTestId('secret-copy').click()
    await page.getByTestId('secret-copy').getByText('已复制').waitFor()
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), token)
    await page.getByTestId('secret-close').click()
    await dialog.waitFor({ state: 'hidden' })

    const row = page.getByTestId('tokens-table').locator('tr', { hasText: '12345 热线平台（测试）' })
    await row.getByText('有效').waitFor()
    await row.getByText('12345 热线对接').waitFor()
    assert.equal((await page.content()).includes(token), false, 'the token is not on the page')
    await page.reload()
    await row.waitFor()
    assert.equal((await page.content()).includes(token), false, 'nor after a reload')
    await assertAccessible(page, 'API tokens')

    // The token works for its scope, until it is revoked.
    const call = () => fetch(`${BASE}/api/me`, { headers: { Authorization: `Bearer ${token}` } })
    assert.equal((await call()).status, 200)
    await row.getByRole('button', { name: '吊销' }).click()
    await page.getByRole('dialog').getByRole('button', { name: '吊销' }).click()
    await row.getByText('已吊销').waitFor()
    assert.equal((await call()).status, 401)
    assertClean(problems)
  })

  test('the administrator does not see 审计日志', async () => {
    const { page, problems } = admin
    await page.goto(`${BASE}/`)
    await page.getByTestId('greeting').waitFor()
    const menu = page.getByTestId('menu')
    await menu.getByText('系统管理').click()
    await menu.getByText('用户与授权').waitFor()
    await menu.getByText('API 令牌').waitFor()
    assert.equal(await menu.getByText('审计日志').count(), 0)
    await page.goto(`${BASE}/system/audit`)
    await page.getByTestId('greeting').waitFor()
    assert.equal(new URL(page.url()).pathname, '/')
    const status = await page.evaluate(async () => (await fetch('/api/audit')).status)
    assert.equal(status, 403)
    assertClean(except(problems, 403, '/api/audit'))
    problems.length = 0
  })

  test('the auditor sees the audit log and filters it', async () => {
    const { context, page, problems } = await open(browser)
    await consoleLogin(page, 'shenji')
    await openSystemPage(page, '审计日志')
    await page.waitForURL(`${BASE}/system/audit`)
    const table = page.getByTestId('audit-table')
    await table.getByText('session.create').first().waitFor()
    await assertAccessible(page, 'audit log')

    // Account changes only: the account created above is there, nothing else.
    await pickOption(page, page.getByTestId('audit-action'), '账号管理（users.）')
    await page.getByTestId('audit-search').click()
    await table.getByText('users.create').waitFor()
    const codes = await table.locator('tbody tr td:nth-child(5) .code').allInnerTexts()
    assert.ok(codes.length > 0 && codes.every((c) => c.startsWith('users.')), codes.join(', '))
    await table.getByText(`users/${created.id}`).first().waitFor()

    // The new person's failed sign-in: by account and outcome.
    await page.getByRole('button', { name: '重置' }).click()
    await field(page, 'audit-user').fill(String(created.id))
    await pickOption(page, page.getByTestId('audit-outcome'), '失败')
    await page.getByTestId('audit-search').click()
    await table.getByText('密码或动态口令错误').first().waitFor()
    const users = await table.locator('tbody tr td:nth-child(3)').allInnerTexts()
    assert.ok(users.length > 0 && users.every((u) => u.includes(`#${created.id}`)), users.join(', '))

    // Refused requests are audited too: 25 calls without a session make sure the refusals
    // fill more than one page of twenty.
    for (let i = 0; i < 25; i++) assert.equal((await fetch(`${BASE}/api/me`)).status, 401)
    await page.waitForFunction(async () => {
      const r = await (await fetch('/api/audit?outcome=denied&limit=100')).json()
      return r.items.length >= 25
    })
    // Twenty at a time, then the next twenty with the cursor: newest first, no repeats.
    await page.getByRole('button', { name: '重置' }).click()
    await table.getByText('session.create').first().waitFor()
    await pickOption(page, page.getByTestId('audit-outcome'), '拒绝')
    await pickOption(page, page.getByTestId('audit-size'), '20 条')
    await page.getByTestId('audit-search').click()
    await page.getByTestId('audit-count').getByText('已加载 20 条').waitFor()
    await page.getByTestId('audit-more').click()
    await page.waitForFunction(() => !/已加载 20 条/.test(document.querySelector('[data-testid=audit-count]').textContent))
    const ids = (await table.locator('tbody tr td:nth-child(1)').allInnerTexts()).map(Number)
    assert.ok(ids.length > 20 && ids.length <= 40, `${ids.length} rows after loading more`)
    assert.ok(ids.every((id, i) => i === 0 || id < ids[i - 1]), `newest first, no repeats: ${ids}`)
    const outcomes = await table.locator('tbody tr td:nth-child(7)').allInnerTexts()
    assert.ok(outcomes.every((o) => o === '拒绝'), outcomes.join(', '))

    // A row's drawer holds every field.
    await table.locator('tbody tr').first().click()
    const drawer = page.getByTestId('audit-drawer')
    await drawer.getByText('记录编号').waitFor()
    await drawer.getByText('动作代码').waitFor()
    assertClean(problems)
    await context.close()
  })

  test('TOTP enrolment shows a QR code, and the next sign-in asks for the code', async () => {
    const { page, problems } = newcomer
    await page.getByTestId('user-menu').click()
    await page.getByTestId('account-link').click()
    await page.waitForURL(/\/account/)
    await page.getByRole('tab', { name: '动态口令' }).click()
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/me/totp') && r.request().method() === 'POST')
    await page.getByTestId('totp-start').click()
    const { secret } = await (await answer).json()
    const qr = page.getByTestId('totp-qr')
    await qr.waitFor()
    assert.match(await qr.getAttribute('src'), /^data:image\/svg\+xml/)
    assert.ok((await qr.evaluate((img) => img.naturalWidth)) > 0, 'the QR image renders')
    assert.match(await page.getByTestId('totp-key').innerText(), /^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/)
    await assertAccessible(page, 'TOTP enrolment')
    await field(page, 'totp-code').fill(totp(secret))
    await page.getByTestId('totp-confirm').click()
    await page.getByTestId('totp-enabled').getByText('已绑定动态口令').waitFor()
    assert.equal((await me(page)).body.user.totp_enabled, true)

    // Signing in again: password, then the one-time code.
    await page.getByTestId('user-menu').click()
    await page.getByTestId('logout').click()
    await page.waitForURL(`${BASE}/login`)
    await page.getByLabel('用户名').fill(NEW_USER)
    await page.getByLabel('密码', { exact: true }).fill(NEW_PASSWORD)
    await page.getByRole('button', { name: '登录' }).click()
    await page.getByTestId('otp-hint').waitFor()
    await assertAccessible(page, 'login, one-time code step')
    await field(page, 'otp').fill(totp(secret))
    await page.getByRole('button', { name: '登录' }).click()
    await page.getByTestId('greeting').waitFor()
    assert.match(await page.getByTestId('greeting').innerText(), /王小明/)
    assertClean(problems)
  })

  test('five wrong passwords lock the account, and the page says until when', async () => {
    const { context, page, problems } = await open(browser, { allow401: ['/api/me', '/api/session'] })
    await page.goto(`${BASE}/login`)
    await page.getByLabel('用户名').fill(NEW_USER)
    for (let i = 0; i < 5; i++) {
      await page.getByLabel('密码', { exact: true }).fill(`wrong-${i}-password`)
      await page.getByRole('button', { name: '登录' }).click()
      await page.getByTestId('login-error').waitFor()
    }
    await page.getByLabel('密码', { exact: true }).fill(NEW_PASSWORD)
    await page.getByRole('button', { name: '登录' }).click()
    const error = page.getByTestId('login-error')
    await error.getByText('账号已锁定').waitFor()
    await error.getByText(/请于 .+ 之后再试；/).waitFor()
    assert.equal(new URL(page.url()).pathname, '/login')
    // The browser logs the 429s as failed loads; nothing else may go wrong.
    assertClean(except(problems, 429, '/api/session'))
    await context.close()
  })
})
