// The shop a counter phone works for, shared by the 收银, 商品 and 记录 tabs: the shops the
// signed-in cashier operates (usually one), the chosen one remembered for the page's life.
import { ref } from 'vue'
import { api } from '../../../shared/api'
import { myShops, type Account, type ShopDetail } from '../../../shared/points'
import { session } from '../../../shared/session'

const shops = ref<Account[]>([])
const chosen = ref<number | null>(null)
let loading: Promise<void> | null = null
let forUser = 0

export function useShop() {
  // Another person signed in on this phone: their shops, not the last person's.
  if (session.user?.id !== forUser) {
    forUser = session.user?.id ?? 0
    loading = null
    shops.value = []
    chosen.value = null
  }
  if (!loading)
    loading = myShops()
      .then((s) => {
        shops.value = s
        if (!chosen.value || !s.some((x) => x.shop_id === chosen.value)) chosen.value = s[0]?.shop_id ?? null
      })
      .catch((e) => {
        loading = null // try again on the next page
        throw e
      })
  return { shops, chosen, ready: loading }
}

export function shopDetail(id: number): Promise<ShopDetail> {
  return api<ShopDetail>('GET', `/api/points/shops/${id}`)
}
