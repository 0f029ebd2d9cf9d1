// Names of place kinds, organisation kinds and the other codes the registry pages show. A code
// the UI does not know shows itself (organisations carry the server's kind_label anyway).
type T = (key: string) => string

export const PLACE_KINDS = ['city', 'district', 'street', 'community', 'grid', 'building', 'household']

export function placeKind(t: T, kind: string): string {
  return PLACE_KINDS.includes(kind) ? t(`registry.placeKind.${kind}`) : kind
}

// An item of a coverage list: a place, an organisation or a person.
export function kindLabel(t: T, type: string, kind: string): string {
  if (type === 'place') return placeKind(t, kind)
  if (type === 'org') return t('registry.type.org')
  if (type === 'person') return t('registry.type.person')
  return kind || type
}

export function genderLabel(t: T, g: string | null | undefined): string {
  if (g === 'M') return t('registry.gender.M')
  if (g === 'F') return t('registry.gender.F')
  return t('common.none')
}
