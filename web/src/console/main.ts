// The staff console (/): Element Plus, left menu by capability, header with the place in
// scope, the user, 大字模式 and the language switch.
import { createApp } from 'vue'
import 'element-plus/dist/index.css'
import '../styles/base.css'
import '../styles/console.css'
import App from './App.vue'
import { router } from './router'
import { applyLang, i18n } from '../shared/i18n'
import { onAccountRequired, onSessionExpired } from '../shared/api'
import { clearSession, noteAccountDue, setTitleKey } from '../shared/session'

setTitleKey('app.title')
applyLang('zh-CN')

// Any call that finds the session over sends the person to the login page, which says why.
onSessionExpired(() => {
  clearSession('expired')
  const here = router.currentRoute.value
  if (here.meta.auth) router.replace({ name: 'login', query: { redirect: here.fullPath } })
})

// A call refused because the account must first change its password or enrol a second factor
// takes the person to 我的账号, which says what to do.
onAccountRequired((e) => {
  noteAccountDue(e.code)
  if (router.currentRoute.value.name !== 'account') router.replace({ name: 'account' })
})

createApp(App).use(i18n).use(router).mount('#app')
