// Photos are made small on the phone before they are queued: a 12-megapixel
// camera JPEG (4–5 MB) becomes a JPEG of at most 1280 px on the long side at
// quality 0.7, some 150–250 KB, so that it uploads in a few seconds on a slow
// mobile uplink. The server re-encodes it again (display copy ≤ 1600 px, so
// nothing it keeps is lost) and drops its metadata.

const LONG_SIDE = 1280;
const QUALITY = 0.7;

/** A JPEG Blob of `file`, upright (EXIF orientation applied), long side ≤ 1280 px. */
export async function downscale(file) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch {
    return file; // not decodable here: let the server judge it
  }
  const scale = Math.min(1, LONG_SIDE / Math.max(bitmap.width, bitmap.height));
  const width = Math.round(bitmap.width * scale);
  const height = Math.round(bitmap.height * scale);
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  canvas.getContext("2d").drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  return new Promise((resolve) =>
    canvas.toBlob((blob) => resolve(blob || file), "image/jpeg", QUALITY),
  );
}
