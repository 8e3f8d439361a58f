import { renderVisit } from "./visit.js";

const page = document.getElementById("page");
renderVisit(page, Number(page.dataset.visitId));
