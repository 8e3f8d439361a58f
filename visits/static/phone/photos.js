// Photos are made small on the phone before they are queued: a 12-megapixel
// camera JPEG (4–5 MB) becomes a JPEG of at most PHOTO_UPLOAD_MAX_SIDE_PIXELS
// on the long side (1600 px by default, the size of the display copy the server
// keeps, so nothing stored is lost) at quality 0.8, some 250–400 KB: it uploads
// in seconds on a slow mobile uplink, sits small in the outbox, and the server
// decodes a small image instead of a large one. The server still turns it
// upright, re-encodes it and drops its metadata, and still accepts an original
// (up to its own limits) when this browser cannot decode or draw the photo.

const QUALITY = 0.8;

/** The longest side the server wants uploads to have; 0 means "send as taken". */
export function maxSide() {
  const value = Number.parseInt(document.body.dataset.photoMaxSide ?? "", 10);
  return Number.isFinite(value) && value >= 0 ? value : 1600;
}

/** A JPEG Blob of `file`, upright (EXIF orientation applied), long side ≤ maxSide();
 * or `file` itself when it is small enough already or cannot be made smaller here. */
export async function downscale(file, longSide = maxSide()) {
  if (!longSide || typeof createImageBitmap !== "function") return file;
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch {
    return file; // not decodable here: let the server judge it
  }
  try {
    const scale = longSide / Math.max(bitmap.width, bitmap.height);
    // Within the bound already: a second lossy encoding would only lose detail.
    if (scale >= 1 && file.type === "image/jpeg") return file;
    const width = Math.max(1, Math.round(bitmap.width * Math.min(1, scale)));
    const height = Math.max(1, Math.round(bitmap.height * Math.min(1, scale)));
    const blob = await encode(bitmap, width, height);
    return blob || file;
  } catch {
    return file;
  } finally {
    bitmap.close();
  }
}

async function encode(bitmap, width, height) {
  if (typeof OffscreenCanvas === "function") {
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext("2d");
    if (context && typeof canvas.convertToBlob === "function") {
      context.imageSmoothingQuality = "high";
      context.drawImage(bitmap, 0, 0, width, height);
      return canvas.convertToBlob({ type: "image/jpeg", quality: QUALITY });
    }
  }
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext("2d");
  if (!context) return null;
  context.imageSmoothingQuality = "high";
  context.drawImage(bitmap, 0, 0, width, height);
  return new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", QUALITY));
}
