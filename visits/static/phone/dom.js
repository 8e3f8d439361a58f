// Building the screens with DOM calls (no innerHTML with data, no inline styles:
// the app runs under a strict Content-Security-Policy).

/**
 * h("button", {class: "primary", type: "button", onclick: go}, "Arrive")
 * Props starting with "on" become listeners; `hidden`/`disabled`/… booleans are
 * set as properties; everything else as attributes.
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2), value);
    } else if (name in PROPERTIES) {
      element[PROPERTIES[name]] = value;
    } else {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(element, children);
  return element;
}

const PROPERTIES = { value: "value", checked: "checked", text: "textContent" };

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces the content of `element` with `children`. */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}
