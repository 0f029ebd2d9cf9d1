// Screenshots of the pages as people see them, for docs/screenshots/ (not a test):
//   tests/e2e/run.sh build/xingfu web tests/e2e/screenshots.mjs docs/screenshots
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import {
  BASE,
  DESKTOP,
  PASSWORD,
  PHONE,
  SMALL_PHONE,
  consoleLogin,
  field,
  launch,
  mobileLogin,
  open,
  pickOption,
} from './lib.mjs'

const out = process.argv[2]
const only = process.argv[3] // optional: only the shots whose name starts with this
if (!out) throw new Error('usage: screenshots.mjs OUT_DIR [NAME_PREFIX]')
mkdirSync(out, { recursive: true })

const browser = await launch()
async function shot(name, { viewport, mobile = false, allow401 }, steps) {
  if (only && !name.startsWith(only)) return
  const { context, page, problems } = await open(browser, { viewport, mobile, allow401 })
  try {
    await steps(page)
  } catch (e) {
    await page.screenshot({ path: join(out, `${name}.failed.png`) })
    throw e
  }
  await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => null))))
  await page.screenshot({ path: join(out, `${name}.png`) })
  if (problems.length) console.error(`${name}:\n  ${problems.join('\n  ')}`)
  await context.close()
  console.log(`${name}.png`)
}
async function largeText(page) {
  await page.getByTestId('large-text').click()
  await page.waitForFunction(() => document.documentElement.classList.contains('xf-large'))
  await page.waitForFunction(async () => (await (await fetch('/api/me')).json()).preferences.large_text === true)
}

await shot('console-login-1366', { viewport: DESKTOP }, async (page) => {
  await page.goto(`${BASE}/`)
  await page.getByRole('heading', { name: '账号登录' }).waitFor()
})
await shot('console-workbench-1366', { viewport: DESKTOP }, (page) => consoleLogin(page, 'shequ'))
await shot('console-admin-1366', { viewport: DESKTOP }, async (page) => {
  await consoleLogin(page, 'admin')
  await page.getByTestId('system-status').getByText('SQLite').waitFor()
})
await shot('console-large-text-1366', { viewport: DESKTOP }, async (page) => {
  await consoleLogin(page, 'shequ3')
  await largeText(page)
})
await shot('console-english-1366', { viewport: DESKTOP }, async (page) => {
  await consoleLogin(page, 'jiedao')
  await page.getByRole('radiogroup', { name: '语言' }).getByText('English').click()
  await page.getByTestId('menu').getByText('Workbench').waitFor()
})
// Identity: accounts, tokens, the audit log, my account. The accounts made here exist only in
// this run's throw-away demo city.
async function menuTo(page, label) {
  const menu = page.getByTestId('menu')
  if (!(await menu.getByText(label).isVisible())) await menu.getByText('系统管理').click()
  await menu.getByText(label).click()
}
async function createUser(page, username, name, role) {
  await menuTo(page, '用户与授权')
  await page.getByTestId('user-create').click()
  const form = page.getByTestId('user-form')
  await form.getByLabel('用户名').fill(username)
  await form.getByLabel('姓名').fill(name)
  await pickOption(page, page.getByTestId('role-select'), role)
  await page.getByTestId('user-submit').click()
  return field(page.getByTestId('secret-dialog'), 'secret-value').inputValue()
}
let oneTime = ''
await shot('console-users-1366', { viewport: DESKTOP }, async (page) => {
  await consoleLogin(page, 'admin')
  await menuTo(page, '用户与授权')
  await page.getByTestId('users-table').getByText('jiedao', { exact: true }).waitFor()
})
await shot('console-user-created-1366', { viewport: DESKTOP }, async (page) => {
  await consoleLogin(page, 'admin')
  oneTime = await createUser(page, 'zhangwei', '张伟（大智路社区网格员）', '网格员')
})
await shot('console-user-drawer-1366', { viewport: DESKTOP }, async (page) => {
  await consoleLogin(page, 'admin')
  await menuTo(page, '用户与授权')
  await page.getByTestId('users-table').getByText('zhangwei', { exact: true }).click()
  const drawer = page.getByTestId('user-drawer')
  // No place directory yet: 大智路社区's number, as its official's session reports it.
  const r = await fetch(`${BASE}/api/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'shequ', password: PASSWORD }),
  })
  const place = (await r.json()).user.place_id
  await pickOption(page, drawer.getByTestId('grant-role'), '楼栋服务小组成员')
  await field(drawer, 'place-input').fill(String(place))
  await drawer.getByTestId('grant-add').click()
  await drawer.getByTestId('added-grants').scrollIntoViewIfNeeded()
  await page.waitForTimeout(3500) // the "added" message fades
})
await shot('console-account-password-due-1366', { viewport: DESKTOP }, async (page) => {
  await page.goto(`${BASE}/login`)
  await page.getByLabel('用户名').fill('zhangwei')
  await page.getByLabel('密码', { exact: true }).fill(oneTime)
  await page.getByRole('button', { name: '登录' }).click()
  await page.getByTestId('account-due').waitFor()
})
await shot('console-grant-switch-1366', { viewport: DESKTOP }, async (page) => {
  await page.goto(`${BASE}/login`)
  await page.getByLabel('用户名').fill('zhangwei')
  await page.getByLabel('密码', { exact: true }).fill(oneTime)
  await page.getByRole('button', { name: '登录' }).click()
  await page.getByTestId('account-due').waitFor()
  await page.getByLabel('原密码').fill(oneTime)
  await page.getByLabel('新密码', { exact: true }).fill(PASSWORD)
  await page.getByLabel('确认新密码').fill(PASSWORD)
  await page.getByRole('button', { name: '修改密码' }).click()
  await page.getByTestId('greeting').waitFor()
  await page.waitForTimeout(3500) // the "password changed" message fades
  await page.getByTestId('grant-switch').click()
  await page.getByTestId('grant-menu').waitFor()
})
await shot('console-account-totp-1366', { viewport: DESKTOP }, async (page) => {
  await consoleLogin(page, 'wangge')
  await page.goto(`${BASE}/account?tab=totp`)
  await page.getByTestId('totp-start').click()
  await page.getByTestId('totp-qr').waitFor()
})
await shot('console-account-sessions-1366', { viewport: DESKTOP }, async (page) => {
  await consoleLogin(page, 'wangge')
  await page.goto(`${BASE}/account?tab=sessions`)
  await page.getByTestId('my-sessions').getByText('本设备').waitFor()
})
await shot('console-token-created-1366', { viewport: DESKTOP }, async (page) => {
  await consoleLogin(page, 'admin')
  await menuTo(page, 'API 令牌')
  await page.getByTestId('token-create').click()
  await page.getByTestId('token-form').getByLabel('名称').fill('12345 市民服务热线平台')
  await page.getByTestId('token-submit').click()
  await page.getByTestId('secret-dialog').waitFor()
})
await shot('console-tokens-1366', { viewport: DESKTOP }, async (page) => {
  await consoleLogin(page, 'admin')
  await menuTo(page, 'API 令牌')
  await page.getByTestId('tokens-table').getByText('12345 市民服务热线平台').waitFor()
})
await shot('console-audit-1366', { viewport: DESKTOP }, async (page) => {
  await consoleLogin(page, 'shenji')
  await menuTo(page, '审计日志')
  await page.getByTestId('audit-table').getByText('users.create').first().waitFor()
})
await shot('console-audit-large-text-1366', { viewport: DESKTOP }, async (page) => {
  await consoleLogin(page, 'shenji')
  await largeText(page)
  await menuTo(page, '审计日志')
  await pickOption(page, page.getByTestId('audit-action'), '账号管理（users.）')
  await page.getByTestId('audit-search').click()
  await page.getByTestId('audit-table').getByText('users.create').first().waitFor()
})
await shot('console-login-otp-1366', { viewport: DESKTOP, allow401: ['/api/me', '/api/session'] }, async (page) => {
  // shenji enrols a second factor first (computed here as an authenticator app would).
  const { totp } = await import('./lib.mjs')
  await consoleLogin(page, 'shenji')
  await page.goto(`${BASE}/account?tab=totp`)
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/me/totp'))
  await page.getByTestId('totp-start').click()
  const { secret } = await (await answer).json()
  await field(page, 'totp-code').fill(totp(secret))
  await page.getByTestId('totp-confirm').click()
  await page.getByTestId('totp-enabled').waitFor()
  await page.waitForTimeout(3500)
  await page.getByTestId('user-menu').click()
  await page.getByTestId('logout').click()
  await page.waitForURL(`${BASE}/login`)
  await page.getByLabel('用户名').fill('shenji')
  await page.getByLabel('密码', { exact: true }).fill(PASSWORD)
  await page.getByRole('button', { name: '登录' }).click()
  await page.getByTestId('otp-hint').waitFor()
})
await shot('mobile-login-390', { viewport: PHONE, mobile: true }, async (page) => {
  await page.goto(`${BASE}/m/`)
  await page.getByRole('heading', { name: '账号登录' }).waitFor()
})
await shot('mobile-login-sms-390', { viewport: PHONE, mobile: true }, async (page) => {
  await page.goto(`${BASE}/m/login`)
  await page.getByLabel('手机号').fill('17000000001')
  await page.getByTestId('send-code').click()
  await page.getByTestId('code-sent').getByText('验证码已发送').waitFor()
})
await shot('mobile-login-password-390', { viewport: PHONE, mobile: true }, async (page) => {
  await page.goto(`${BASE}/m/login`)
  await page.getByRole('tab', { name: '密码登录' }).click()
  await page.getByLabel('用户名').waitFor()
})
await shot('mobile-me-390', { viewport: PHONE, mobile: true }, (page) => mobileLogin(page, 'jumin'))
await shot('mobile-password-due-390', { viewport: PHONE, mobile: true }, async (page) => {
  // A resident account made by the administrator signs in with its one-time password.
  const admin = await open(browser)
  await consoleLogin(admin.page, 'admin')
  const pw = await createUser(admin.page, 'liuyang', '刘洋（居民）', '居民')
  await admin.context.close()
  await page.goto(`${BASE}/m/login`)
  await page.getByRole('tab', { name: '密码登录' }).click()
  await page.getByLabel('用户名').fill('liuyang')
  await page.getByLabel('密码', { exact: true }).fill(pw)
  await page.getByRole('button', { name: '登录', exact: true }).click()
  await page.getByTestId('account-due').waitFor()
})
await shot('mobile-login-360', { viewport: SMALL_PHONE, mobile: true }, async (page) => {
  await page.goto(`${BASE}/m/`)
  await page.getByRole('heading', { name: '账号登录' }).waitFor()
})
await shot('mobile-me-large-text-360', { viewport: SMALL_PHONE, mobile: true }, async (page) => {
  await mobileLogin(page, 'dangyuan')
  await largeText(page)
})
async function registryMenu(page, label) {
  await page.getByTestId('menu').getByText('组织体系').click()
  await page.getByTestId('menu').getByText(label, { exact: true }).click()
}
await shot('console-registry-coverage-1366', { viewport: DESKTOP }, async (page) => {
  await consoleLogin(page, 'shequ')
  await registryMenu(page, '覆盖情况')
  await page.locator('canvas').first().waitFor()
})
await shot('console-registry-coverage-street-1366', { viewport: DESKTOP }, async (page) => {
  await consoleLogin(page, 'jiedao')
  await registryMenu(page, '覆盖情况')
  await page.locator('canvas').first().waitFor()
})
await shot('console-registry-lines-1366', { viewport: DESKTOP }, async (page) => {
  await consoleLogin(page, 'shequ')
  await registryMenu(page, '地点与组织')
  await page.getByTestId('line-party').getByText('大智路社区党委').waitFor()
})
await shot('console-registry-org-1366', { viewport: DESKTOP }, async (page) => {
  await consoleLogin(page, 'shequ')
  await registryMenu(page, '地点与组织')
  await page.getByTestId('line-party').getByText('大智路社区党委').click()
  await page.getByTestId('org-drawer').getByText('成员单位').waitFor()
})
await shot('console-registry-people-1366', { viewport: DESKTOP }, async (page) => {
  await consoleLogin(page, 'shequ')
  await registryMenu(page, '人员')
  await page.getByTestId('people-table').locator('tbody tr').first().waitFor()
})
await shot('console-registry-people-place-1366', { viewport: DESKTOP }, async (page) => {
  await consoleLogin(page, 'shequ')
  await registryMenu(page, '人员')
  await page.getByTestId('people-table').locator('tbody tr').first().waitFor()
  await page.getByTestId('people-place').click()
  await page.locator('.xf-place-picker').filter({ visible: true }).getByText('第二网格', { exact: true }).waitFor()
  await page.waitForTimeout(300) // the drop-down finishes opening
})
await shot('console-registry-campaign-dialog-1366', { viewport: DESKTOP }, async (page) => {
  await consoleLogin(page, 'shequ')
  await registryMenu(page, '覆盖情况')
  await page.locator('canvas').first().waitFor()
  await page.getByTestId('campaign-create').click()
  const dialog = page.getByTestId('campaign-dialog')
  await dialog.getByTestId('campaign-metric').click()
  await page.getByRole('option', { name: /^“两长五员一户”不齐的楼栋/ }).filter({ visible: true }).click()
  await field(dialog, 'campaign-target').fill('1')
  await dialog.getByText('到期时要降到多少').waitFor()
})
await shot('console-registry-campaign-1366', { viewport: DESKTOP }, async (page) => {
  await consoleLogin(page, 'shequ')
  await registryMenu(page, '覆盖情况')
  await page.locator('canvas').first().waitFor()
  await page.getByTestId('campaign-create').click()
  const dialog = page.getByTestId('campaign-dialog')
  await dialog.getByTestId('campaign-metric').click()
  await page.getByRole('option', { name: /^无楼栋党小组的楼栋/ }).filter({ visible: true }).click()
  await field(dialog, 'campaign-name').fill('楼栋党小组百日攻坚（大智路社区）')
  await dialog.getByTestId('campaign-submit').click()
  await page.getByTestId('campaign-list').getByText('楼栋党小组百日攻坚（大智路社区）').waitFor()
  await page.waitForTimeout(3500) // the "started" message fades
  await page.getByTestId('campaigns').scrollIntoViewIfNeeded()
})
await shot('console-registry-person-revealed-1366', { viewport: DESKTOP }, async (page) => {
  await consoleLogin(page, 'shequ')
  await page.goto(`${BASE}/registry/people?q=${encodeURIComponent('赵卫东')}`)
  await page.getByTestId('people-table').locator('tbody tr', { hasText: '赵卫东' }).first().click()
  const drawer = page.getByTestId('person-drawer')
  await drawer.getByTestId('reveal-open').click()
  const dialog = page.getByTestId('reveal-dialog')
  await dialog.getByRole('button', { name: '入户走访，核实联系方式' }).click()
  await dialog.getByTestId('reveal-submit').click()
  await drawer.getByTestId('reveal-note').waitFor()
  await dialog.waitFor({ state: 'hidden' })
})
await shot('console-registry-person-reveal-large-text-1366', { viewport: DESKTOP }, async (page) => {
  await consoleLogin(page, 'shequ3')
  await largeText(page)
  await registryMenu(page, '人员')
  await page.getByTestId('people-table').locator('tbody tr').first().click()
  await page.getByTestId('person-drawer').getByTestId('reveal-open').click()
  await page.getByTestId('reveal-dialog').getByTestId('reveal-purpose').fill('入户走访，核实联系方式')
})
await shot('console-registry-import-1366', { viewport: DESKTOP }, async (page) => {
  await consoleLogin(page, 'shequ')
  await registryMenu(page, '数据导入')
  const bad = 'code,name,kind,parent_code\n420203009002981,坏网格,nonsense,420203009002\n420203009002982,,grid,420203009002\n'
  await page.getByTestId('import-file').setInputFiles({ name: '网格.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) })
  await page.getByTestId('import-send').click()
  await page.getByTestId('import-errors').getByText('第 2 行').waitFor()
})
await browser.close()
