// The staff console (/): Element Plus, left menu by capability, header with the place in
// scope, the user, 大字模式 and the language switch.
import { createApp } from 'vue'
import 'element-plus/dist/index.css'
import '../styles/base.css'
import '../styles/console.css'
import App from './App.vue'
import { router } from './router'
import { applyLang, i18n } from '../shared/i18n'
import { onSessionExpired } from '../shared/api'
import { clearSession, setTitleKey } from '../shared/session'

setTitleKey('app.title')
applyLang('zh-CN')

// Any call that finds the session over sends the person to the login page, which says why.
onSessionExpired(() => {
  clearSession('expired')
  const here = router.currentRoute.value
  if (here.meta.auth) router.replace({ name: 'login', query: { redirect: here.fullPath } })
})

createApp(App).use(i18n).use(router).mount('#app')
