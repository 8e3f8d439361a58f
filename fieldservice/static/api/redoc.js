// Starts ReDoc on the API docs page (fieldservice/templates/drf_spectacular/redoc.html).
// ReDoc writes its styles into <style> elements: it is given this script's CSP
// nonce for them (the `nonce` property; the attribute is hidden from the DOM).
"use strict";

const container = document.getElementById("redoc-container");
Redoc.init(
  container.dataset.schemaUrl,
  { nonce: document.currentScript.nonce },
  container,
);
