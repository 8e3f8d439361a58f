// A finger signature on a canvas, shared by the phone app's sign-off screen and
// the customer's signing page. signature_pad draws smooth, pressure-like strokes;
// this module sizes the canvas for the screen's pixel density (sharp on a
// high-density phone) and keeps the drawing when the canvas is resized.
import SignaturePad from "../vendor/signature_pad-5.1.4/signature_pad.min.js";

/**
 * @param {HTMLCanvasElement} canvas  sized by CSS (width 100 %, a fixed height)
 * @param {{onChange?: (isEmpty: boolean) => void}} [options]
 * @returns {{isEmpty: () => boolean, toDataURL: () => string, clear: () => void, destroy: () => void}}
 */
export function mountSignature(canvas, { onChange } = {}) {
  const pad = new SignaturePad(canvas, {
    minWidth: 0.8,
    maxWidth: 2.8,
    penColor: "#111",
    backgroundColor: "rgb(255, 255, 255)",
  });
  const changed = () => onChange?.(pad.isEmpty());

  function fit() {
    const ratio = Math.max(window.devicePixelRatio || 1, 1);
    const box = canvas.getBoundingClientRect();
    if (!box.width || !box.height) return;
    const strokes = pad.toData();
    canvas.width = Math.round(box.width * ratio);
    canvas.height = Math.round(box.height * ratio);
    canvas.getContext("2d").scale(ratio, ratio);
    pad.clear(); // repaints the white background at the new size
    if (strokes.length) pad.fromData(strokes);
  }

  const observer = new ResizeObserver(fit);
  observer.observe(canvas);
  fit();
  pad.addEventListener("endStroke", changed);

  return {
    isEmpty: () => pad.isEmpty(),
    toDataURL: () => pad.toDataURL("image/png"),
    clear() {
      pad.clear();
      changed();
    },
    destroy() {
      observer.disconnect();
      pad.off();
    },
  };
}
