/**
 * Phone cameras take 12–50 MP photos (4–15 MB): too much for a weak link and more than an operator
 * needs to judge a site. A photo larger than either limit is redrawn as a JPEG of at most `MAX_EDGE`
 * pixels on its longer side; a small one is sent as taken.
 */
export const MAX_EDGE = 2048;
export const MAX_BYTES = 1_500_000;

export async function shrinkPhoto(file: Blob): Promise<Blob> {
  // `from-image` applies the EXIF orientation, so a portrait photo stays upright once re-encoded.
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' }).catch(() => null);
  if (!bitmap) return file; // not decodable here: the server checks the type by content and says so
  const { width, height } = bitmap;
  if (file.size <= MAX_BYTES && Math.max(width, height) <= MAX_EDGE) {
    bitmap.close();
    return file;
  }
  const scale = Math.min(1, MAX_EDGE / Math.max(width, height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85));
  return blob ?? file;
}
