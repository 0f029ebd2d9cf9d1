// The server's role list (GET /api/roles), fetched once per page load, for the role pickers.
import { ref } from 'vue'
import { api } from '../shared/api'

export interface RoleInfo {
  code: string
  label: string
  staff: boolean
}

const roles = ref<RoleInfo[]>([])
let loading: Promise<RoleInfo[]> | null = null

export function useRoles() {
  if (!loading)
    loading = api<{ items: RoleInfo[] }>('GET', '/api/roles')
      .then((r) => (roles.value = r.items))
      .catch((e) => {
        loading = null // try again next time
        throw e
      })
  return { roles, ready: loading }
}
