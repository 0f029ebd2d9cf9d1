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
// 民情诉求: a few weeks of cases across 澄月街道 (made once, when the first of these shots runs).
let casesSeeded = null
async function seedOnce() {
  if (!casesSeeded) {
    const { seedCases, storyCase } = await import('./cases-lib.mjs')
    casesSeeded = seedCases().then(async (ids) => ({ ids, story: await storyCase() }))
  }
  return casesSeeded
}
async function casesMenu(page, label) {
  await page.getByTestId('menu').getByText('民情诉求').click()
  await page.getByTestId('menu').getByText(label, { exact: true }).click()
}
await shot('console-cases-queue-1366', { viewport: DESKTOP }, async (page) => {
  await seedOnce()
  // Every case here is minutes old and the demo's clock cannot move, so two rows are shown as
  // the server would send them days later (one overdue, one in the last fifth of its time),
  // to show how the countdown warns.
  await page.route(/\/api\/cases\?/, async (route) => {
    const res = await route.fetch()
    const body = await res.json()
    const open = body.items.filter((c) => c.status !== 'replied' && c.status !== 'closed')
    if (open[1]) Object.assign(open[1], { overdue: true, seconds_left: -26 * 3600 })
    if (open[3]) Object.assign(open[3], { seconds_left: 20 * 3600 })
    await route.fulfill({ response: res, json: body })
  })
  await consoleLogin(page, 'jiedao')
  await casesMenu(page, '诉求办理')
  await page.getByTestId('cases-table').locator('[data-sla="over"]').first().waitFor()
})
await shot('console-cases-detail-1366', { viewport: DESKTOP }, async (page) => {
  const { story } = await seedOnce()
  await consoleLogin(page, 'shequ')
  await page.goto(`${BASE}/cases?case=${story}`)
  await page.getByTestId('case-timeline').getByText('供电所今天上午已更换灯泡').waitFor()
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="case-photos"] img')].every((i) => i.complete))
})
await shot('console-cases-detail-timeline-1366', { viewport: DESKTOP }, async (page) => {
  const { story } = await seedOnce()
  await consoleLogin(page, 'shequ')
  await page.goto(`${BASE}/cases?case=${story}`)
  const tl = page.getByTestId('case-timeline')
  await tl.getByText('供电所今天上午已更换灯泡').waitFor()
  await tl.scrollIntoViewIfNeeded()
  await tl.locator('.el-timeline-item').last().scrollIntoViewIfNeeded()
})
await shot('console-cases-batch-1366', { viewport: DESKTOP }, async (page) => {
  await consoleLogin(page, 'shequ')
  await casesMenu(page, '批量录入')
  const r1 = page.getByTestId('batch-row-1')
  await pickOption(page, r1.getByTestId('batch-category'), '环境卫生')
  await r1.getByTestId('batch-title').fill('绿化带垃圾多')
  await r1.getByTestId('batch-description').fill('收集站留言：小区绿化带里垃圾多，很久没人清理。')
  const r2 = page.getByTestId('batch-row-2')
  await r2.getByTestId('batch-title').fill('夜间施工噪音')
  await r2.getByTestId('batch-description').fill('工地夜里十二点还在施工，影响休息。')
  await page.getByTestId('batch-submit').click()
  await r2.getByTestId('batch-row-error').waitFor()
})
await shot('console-cases-rates-1366', { viewport: { width: 1366, height: 1250 } }, async (page) => {
  await seedOnce()
  await consoleLogin(page, 'jiedao')
  await casesMenu(page, '办理三率')
  await page.locator('canvas').first().waitFor()
  await page.waitForTimeout(800) // the bars grow in
})
await shot('console-cases-studio-1366', { viewport: DESKTOP }, async (page) => {
  const { apiAs } = await import('./cases-lib.mjs')
  const jumin = await apiAs('jumin')
  const place = (await jumin.call('GET', `/api/places/${jumin.user.place_id}`)).body
  const community = place.ancestors.find((a) => a.kind === 'community')
  const studio = (await jumin.call('GET', `/api/places/${community.id}/lines`)).body.organisations.find(
    (o) => o.kind === 'delegate_studio',
  )
  await jumin.call('POST', '/api/cases', {
    category: 'old_estate',
    title: '加装电梯想听听代表意见',
    description: '我们楼想加装电梯，一楼住户不同意，希望党代表帮忙协调。',
    studio_id: studio.id,
  })
  await consoleLogin(page, 'daibiao')
  await casesMenu(page, '工作室诉求')
  await page.getByTestId('cases-table').getByText('加装电梯想听听代表意见').waitFor()
})
await shot('mobile-case-report-390', { viewport: PHONE, mobile: true }, async (page) => {
  const { hasPhotoRoute, streetPhoto } = await import('./cases-lib.mjs')
  await mobileLogin(page, 'jumin')
  await page.getByTestId('tabbar').getByText('我要反映').click()
  await page.getByTestId('report-button').click()
  await page.getByTestId('category-tiles').getByText('道路与路灯', { exact: true }).click()
  await page.getByTestId('case-description').locator('textarea').fill('3 栋门口的路灯坏了一个星期，晚上看不清路。')
  if (await hasPhotoRoute())
    await page.getByTestId('case-photo-input').setInputFiles({ name: 'light.png', mimeType: 'image/png', buffer: streetPhoto() })
  // The lower half: what happened, the photo, the place and the button.
  await page.evaluate(() => {
    document.activeElement?.blur()
    window.scrollTo(0, document.documentElement.scrollHeight)
  })
})
await shot('mobile-case-report-top-390', { viewport: PHONE, mobile: true }, async (page) => {
  await mobileLogin(page, 'jumin')
  await page.goto(`${BASE}/m/cases/new`)
  await page.getByTestId('category-tiles').getByText('道路与路灯', { exact: true }).click()
  await page.evaluate(() => document.activeElement?.blur())
})
await shot('mobile-cases-390', { viewport: PHONE, mobile: true }, async (page) => {
  await seedOnce()
  await mobileLogin(page, 'jumin')
  await page.getByTestId('tabbar').getByText('我要反映').click()
  await page.getByTestId('my-cases').waitFor()
})
await shot('mobile-case-rate-390', { viewport: PHONE, mobile: true }, async (page) => {
  const { story } = await seedOnce()
  await mobileLogin(page, 'jumin')
  await page.goto(`${BASE}/m/cases/${story}`)
  await page.getByTestId('case-rate').getByText('满意', { exact: true }).click()
  await page.getByTestId('case-reply').scrollIntoViewIfNeeded()
})
await shot('mobile-case-rate-large-text-360', { viewport: SMALL_PHONE, mobile: true }, async (page) => {
  const { story } = await seedOnce()
  await mobileLogin(page, 'jumin')
  await largeText(page)
  await page.goto(`${BASE}/m/cases/${story}`)
  await page.getByTestId('case-rate').getByText('满意', { exact: true }).click()
  await page.getByTestId('case-rate').scrollIntoViewIfNeeded()
})
// 双报到 and co-building: the member's wishes on the phone, the agreement with its three lists
// (黄石公交集团's drivers), an activity's check-in QR code for the big screen.
await shot('mobile-coop-wishes-390', { viewport: PHONE, mobile: true }, async (page) => {
  await mobileLogin(page, 'dangyuan')
  await page.getByTestId('tabbar').getByText('服务').click()
  await page.getByTestId('tile-wishes').click()
  await page.getByTestId('claimable-wishes').getByText('想请人帮忙换灯泡').waitFor()
})
await shot('mobile-coop-service-large-text-360', { viewport: SMALL_PHONE, mobile: true }, async (page) => {
  await mobileLogin(page, 'dangyuan')
  await largeText(page)
  await page.getByTestId('tabbar').getByText('服务').click()
  await page.getByTestId('tile-mine').waitFor()
})
await shot('console-coop-agreement-1366', { viewport: DESKTOP }, async (page) => {
  await consoleLogin(page, 'jiedao')
  const { items } = await page.evaluate(async () => (await fetch('/api/agreements?year=2026')).json())
  await page.goto(`${BASE}/coop/agreements/${items.find((a) => a.unit_name === '黄石公交集团').id}`)
  await page.getByTestId('list-need').getByText('招聘公交驾驶员').waitFor()
})
await shot('console-coop-activity-code-1366', { viewport: DESKTOP }, async (page) => {
  await consoleLogin(page, 'shequ')
  const { items } = await page.evaluate(async () => (await fetch('/api/activities')).json())
  await page.goto(`${BASE}/coop/activities/${items[items.length - 1].id}/code`)
  await page.getByTestId('code-qr').locator('svg').waitFor()
})
// 单位报到 by 黄石公交集团's contact (the demo's report approved, the others still to report),
// and the wish-entry dialog of community staff (代居民登记心愿).
await shot('console-coop-unit-report-1366', { viewport: DESKTOP }, async (page) => {
  await consoleLogin(page, 'danwei')
  await page.goto(`${BASE}/coop/unit-report`)
  await page.getByTestId('unit-report-mine').getByText('黄石公交集团').waitFor()
  await page.getByTestId('unit-report-units').getByText('已报到').first().waitFor()
})
await shot('console-coop-wish-entry-1366', { viewport: DESKTOP }, async (page) => {
  await consoleLogin(page, 'shequ')
  await page.goto(`${BASE}/coop/wishes`)
  await page.getByTestId('wish-enter').click()
  const dialog = page.getByTestId('wish-enter-dialog')
  await dialog.getByLabel('居民').fill('孙秀英')
  await page.getByRole('option', { name: /孙秀英/ }).filter({ visible: true }).first().click()
  await dialog.getByTestId('wish-enter-title').fill('想请人帮忙修水龙头')
  await dialog.getByTestId('wish-enter-description').fill('厨房水龙头一直滴水，老人腿脚不便，周末上午在家')
  await dialog.getByTestId('wish-enter-description').blur()
  await page.evaluate(() => window.scrollTo(0, 0))
})
// 党员积分: the member's points and redemption code on the phone, the shop counter, and the
// console's rules, awards and issuer reconciliation.
async function redemptionCode(maxAmount) {
  const r = await fetch(`${BASE}/api/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'dangyuan', password: PASSWORD }),
  })
  const { csrf } = await r.json()
  const cookie = r.headers.get('set-cookie').split(';')[0]
  const c = await fetch(`${BASE}/api/points/redemption-codes`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf, Cookie: cookie },
    body: JSON.stringify({ shop_id: 1, max_amount: maxAmount }),
  })
  return (await c.json()).code
}
// An earlier shot left 大字模式 on for the member: these show the ordinary size first.
async function normalText(page) {
  await page.evaluate(async () => {
    const { csrf } = await (await fetch('/api/me')).json()
    await fetch('/api/me/preferences', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify({ large_text: false }),
    })
  })
  await page.reload()
  await page.waitForFunction(() => !document.documentElement.classList.contains('xf-large'))
}
await shot('mobile-points-390', { viewport: PHONE, mobile: true }, async (page) => {
  await mobileLogin(page, 'dangyuan')
  await normalText(page)
  await page.getByTestId('my-points-link').click()
  await page.getByTestId('points-history').waitFor()
})
await shot('mobile-points-code-390', { viewport: PHONE, mobile: true }, async (page) => {
  await mobileLogin(page, 'dangyuan')
  await page.goto(`${BASE}/m/points/code`)
  await page.getByTestId('code-generate').click()
  await page.getByTestId('code-qr').waitFor()
  await page.waitForFunction(() => document.querySelector('[data-testid="code-qr"]')?.complete)
})
await shot('mobile-points-gift-390', { viewport: PHONE, mobile: true }, async (page) => {
  await mobileLogin(page, 'dangyuan')
  await page.goto(`${BASE}/m/points/gift`)
  await page.getByTestId('gift-to').locator('input').fill('6')
  await page.getByTestId('gift-amount').locator('input').fill('5000')
  await page.getByTestId('gift-submit').click()
  await page.getByRole('dialog').getByRole('button', { name: '转赠' }).click()
  await page.getByTestId('gift-error').waitFor()
})
await shot('mobile-points-large-text-360', { viewport: SMALL_PHONE, mobile: true }, async (page) => {
  await mobileLogin(page, 'dangyuan')
  await largeText(page)
  await page.goto(`${BASE}/m/points`)
  await page.getByTestId('points-history').waitFor()
})
await shot('mobile-shop-counter-390', { viewport: PHONE, mobile: true }, async (page) => {
  const code = await redemptionCode(20)
  await mobileLogin(page, 'shangdian')
  await page.getByTestId('tabbar').getByText('收银').click()
  await page.getByTestId('counter-code').locator('input').fill(code.replace(/^(\d{5})/, '$1 '))
  await page.getByTestId('counter-add-6').click()
  await page.getByTestId('counter-add-6').click()
  await page.evaluate(() => document.activeElement?.blur())
})
await shot('mobile-shop-pending-390', { viewport: PHONE, mobile: true }, async (page) => {
  const code = await redemptionCode(20)
  await mobileLogin(page, 'shangdian')
  await page.getByTestId('tabbar').getByText('收银').click()
  await page.getByTestId('counter-code').locator('input').fill(code)
  await page.getByTestId('counter-add-6').click()
  await page.getByTestId('counter-submit').click()
  await page.getByTestId('counter-pending').waitFor()
})
// The redemption above is still waiting: the records offer to confirm or cancel it.
await shot('mobile-shop-records-390', { viewport: PHONE, mobile: true }, async (page) => {
  await mobileLogin(page, 'shangdian')
  await page.getByTestId('tabbar').getByText('记录').click()
  await page.getByTestId('records-list').getByText('待确认').first().waitFor()
})
await shot('console-points-rules-1366', { viewport: DESKTOP }, async (page) => {
  await consoleLogin(page, 'admin')
  await page.goto(`${BASE}/points/rules`)
  await page.getByTestId('rule-edit-service_hours').click()
})
await shot('console-points-awards-1366', { viewport: DESKTOP }, async (page) => {
  // The community secretary proposes two awards; the approver sees them waiting.
  await consoleLogin(page, 'shequ')
  for (const [amount, reason] of [
    [5, '连续三个月在卡点值守，群众反映好'],
    [3, '雨夜帮独居老人修好漏水的屋顶'],
  ])
    await page.evaluate(
      async ({ amount, reason }) => {
        const { csrf } = await (await fetch('/api/me')).json()
        const people = await (await fetch('/api/people?q=' + encodeURIComponent('赵卫东'))).json()
        await fetch('/api/points/awards', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
          body: JSON.stringify({ kind: 'award', person_id: people.items[0].id, amount, reason }),
        })
      },
      { amount, reason },
    )
  await page.context().clearCookies()
  await consoleLogin(page, 'shenpi')
  await page.goto(`${BASE}/points/awards`)
  await page.getByTestId('awards-table').getByText('雨夜帮独居老人').waitFor()
})
await shot('console-points-issuers-1366', { viewport: DESKTOP }, async (page) => {
  await consoleLogin(page, 'admin')
  await page.goto(`${BASE}/points/issuers`)
  await page.getByTestId('issuers-ok').waitFor()
  await page.locator('[data-testid="points-issuers-page"] canvas').waitFor()
  // The table with its total row in view, the chart above it.
  await page.getByTestId('issuers-table').locator('.el-table__footer-wrapper').evaluate((el) => el.scrollIntoView({ block: 'end' }))
})
// 重心下移: a fund against its budget, the approval drawer, the resident's 公示, the calendar.
await shot('console-funds-fund-1366', { viewport: DESKTOP }, async (page) => {
  await consoleLogin(page, 'shequ')
  await page.goto(`${BASE}/funds`)
  await page.getByTestId('funds-table').getByText('大智路社区').click()
  await page.getByTestId('fund-categories').getByText('小区小修小补').waitFor()
  await page.waitForTimeout(600) // the chart's entry animation
})
await shot('console-funds-approval-1366', { viewport: DESKTOP }, async (page) => {
  await consoleLogin(page, 'jiedao')
  await page.goto(`${BASE}/funds/approvals`)
  await page.getByTestId('approvals-table').getByText('健身器材更换').click()
  await page.getByTestId('exp-approve').waitFor()
})
await shot('mobile-funds-disclosure-390', { viewport: PHONE, mobile: true }, async (page) => {
  await mobileLogin(page, 'jumin')
  await page.getByTestId('tabbar').getByText('首页').click()
  await page.getByTestId('disclosure-item').first().waitFor()
})
await shot('mobile-funds-booking-390', { viewport: PHONE, mobile: true }, async (page) => {
  await mobileLogin(page, 'jumin')
  await page.goto(`${BASE}/m/venues`)
  await page.getByTestId('slots').locator('button').first().waitFor()
})
await shot('console-funds-venues-1366', { viewport: DESKTOP }, async (page) => {
  await consoleLogin(page, 'shequ')
  await page.goto(`${BASE}/funds/venues`)
  await page.getByTestId('booking-calendar').locator('.cal__cell--taken').first().waitFor()
})
// 数据驾驶舱: a street's dashboard, the case-study table, the large screen.
await shot('console-dash-street-1366', { viewport: DESKTOP }, async (page) => {
  await consoleLogin(page, 'jiedao')
  await page.goto(`${BASE}/dash`)
  await page.getByTestId('dash-keys').waitFor()
  await page.locator('[data-testid="dashboard"] canvas').first().waitFor()
  await page.waitForTimeout(800) // the charts' entry animation
})
await shot('console-dash-seed-1366', { viewport: DESKTOP }, async (page) => {
  await consoleLogin(page, 'admin')
  await page.goto(`${BASE}/dash/seed`)
  await page.getByTestId('dash-seed').getByText('私营企业党组织').waitFor()
})
await shot('console-dash-screen-1920', { viewport: { width: 1920, height: 1080 } }, async (page) => {
  await consoleLogin(page, 'admin')
  await page.goto(`${BASE}/dash/screen`)
  await page.locator('[data-testid="dash-screen"] canvas').first().waitFor()
  await page.waitForTimeout(800)
})
await browser.close()
