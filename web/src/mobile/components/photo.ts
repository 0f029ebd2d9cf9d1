// A phone photo made fit to send: at most 1600 px on its longer side, re-encoded as JPEG. A
// camera picture of 4–10 MB becomes a few hundred KB (a slow connection in an old block still
// gets it through), and the re-encoding drops the EXIF block with its GPS position (the server
// strips it too). Anything the browser cannot decode is sent as it is, for the server to judge.
const MAX_SIDE = 1600

export async function shrinkPhoto(file: File): Promise<File> {
  if (!file.type.startsWith('image/')) return file // (an iPhone's HEIC decodes too, and leaves as JPEG)
  try {
    // The picture upright, as the camera held it (EXIF orientation applied).
    const bmp = await createImageBitmap(file, { imageOrientation: 'from-image' })
    const scale = Math.min(1, MAX_SIDE / Math.max(bmp.width, bmp.height))
    const w = Math.max(1, Math.round(bmp.width * scale))
    const h = Math.max(1, Math.round(bmp.height * scale))
    const canvas = document.createElement('canvas')
    canvas.width = w
    canvas.height = h
    const ctx = canvas.getContext('2d')
    if (!ctx) return file
    ctx.fillStyle = '#fff' // a transparent PNG turns white, not black
    ctx.fillRect(0, 0, w, h)
    ctx.drawImage(bmp, 0, 0, w, h)
    bmp.close()
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85))
    return blob ? new File([blob], 'photo.jpg', { type: 'image/jpeg' }) : file
  } catch {
    return file
  }
}
