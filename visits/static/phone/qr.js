// A QR code as SVG built with DOM calls (no markup strings, no inline styles).

import qrcode from "../vendor/qrcode-generator-2.0.4/qrcode.mjs";

const SVG = "http://www.w3.org/2000/svg";

export function qrSvg(text, { label } = {}) {
  const code = qrcode(0, "M");
  code.addData(text);
  code.make();
  const count = code.getModuleCount();
  const margin = 4;
  const size = count + margin * 2;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${size} ${size}`);
  svg.setAttribute("class", "qr");
  svg.setAttribute("role", "img");
  if (label) svg.setAttribute("aria-label", label);
  const background = document.createElementNS(SVG, "rect");
  background.setAttribute("width", size);
  background.setAttribute("height", size);
  background.setAttribute("fill", "#fff");
  svg.append(background);
  // One path for all dark modules keeps the SVG small.
  let d = "";
  for (let row = 0; row < count; row += 1) {
    for (let column = 0; column < count; column += 1) {
      if (code.isDark(row, column)) d += `M${column + margin} ${row + margin}h1v1h-1z`;
    }
  }
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", d);
  path.setAttribute("fill", "#000");
  svg.append(path);
  return svg;
}
