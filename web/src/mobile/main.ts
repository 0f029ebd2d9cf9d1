// The mobile H5 site (/m/): Vant, for residents, party members and shop counters; works in
// WeChat's browser and at 360 px wide.
import { createApp } from 'vue'
import { Locale } from 'vant'
import zhCN from 'vant/es/locale/lang/zh-CN'
import enUS from 'vant/es/locale/lang/en-US'
import 'vant/lib/index.css'
import '../styles/base.css'
import '../styles/mobile.css'
import App from './App.vue'
import { router } from './router'
import { applyLang, i18n } from '../shared/i18n'
import { onAccountRequired, onSessionExpired } from '../shared/api'
import { clearSession, noteAccountDue, setTitleKey } from '../shared/session'
import { watch } from 'vue'

setTitleKey('app.mobileTitle')
applyLang('zh-CN', 'app.mobileTitle')
watch(
  i18n.global.locale,
  (lang) => (lang === 'en' ? Locale.use('en-US', enUS) : Locale.use('zh-CN', zhCN)),
  { immediate: true },
)

onSessionExpired(() => {
  clearSession('expired')
  const here = router.currentRoute.value
  if (here.meta.auth) router.replace({ name: 'login', query: { redirect: here.fullPath } })
})

// Refused until the password is changed (or a second factor enrolled): 我的 or 修改密码 say so.
onAccountRequired((e) => {
  noteAccountDue(e.code)
  const to = e.code === 'password_change_required' ? 'password' : 'me'
  if (router.currentRoute.value.name !== to) router.replace({ name: to })
})

createApp(App).use(i18n).use(router).mount('#app')
