// The service scorecard: a period and a team, the weekly trend and the ranking
// drawn as inline SVG (attributes only, no style attributes: the CSP holds),
// and the table of numbers behind them, sortable.

import { request } from "../console/api.js";
import { h } from "../console/dom.js";
import { t, language } from "../console/strings.js";

const SVG = "http://www.w3.org/2000/svg";
const page = document.getElementById("page");
const FIGURES = page.dataset.figures.split(" ");
const PERCENT = new Set(page.dataset.percent.split(" "));
const LOWER_IS_BETTER = new Set(page.dataset.lowerIsBetter.split(" "));
const TREND = ["on_time_rate", "satisfaction_mean", "complaints_per_hundred"];

const form = document.getElementById("score-controls");
const fromInput = document.getElementById("score-from");
const toInput = document.getElementById("score-to");
const teamSelect = document.getElementById("score-team");
const rankBy = document.getElementById("score-rank-by");
const csvLink = document.getElementById("score-csv");
const message = document.getElementById("score-message");

const state = { technicians: [], sort: { figure: "on_time_rate", descending: true } };

function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) {
    element.setAttribute(name, String(value));
  }
  for (const child of children) {
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

function isoDay(date) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

function monthPeriod(today, back) {
  const first = new Date(today.getFullYear(), today.getMonth() - back, 1);
  const next = new Date(first.getFullYear(), first.getMonth() + 1, 1);
  return [isoDay(first), isoDay(next)];
}

function setPeriod(choice) {
  const [year, month, day] = page.dataset.today.split("-").map(Number);
  const today = new Date(year, month - 1, day);
  if (choice === "custom") return;
  const [from, to] = monthPeriod(today, choice === "last-month" ? 1 : 0);
  fromInput.value = from;
  toInput.value = to;
}

// Digits as visits.scorecard.labels.shown gives them (the CSV and the PDF).
const COUNTS = new Set(["visits", "late_arrivals", "contested_items", "complaints"]);
const TWO_DIGITS = new Set(["satisfaction_mean", "contested_per_sign_off"]);

/** A figure for people: percentages and minutes with one decimal, "" for no value. */
function shown(figure, value) {
  if (value === null || value === undefined) return "";
  const number = PERCENT.has(figure) ? value * 100 : value;
  const digits = COUNTS.has(figure) ? 0 : TWO_DIGITS.has(figure) ? 2 : 1;
  return number.toLocaleString(language() === "en" ? "en" : "zh-CN", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
    useGrouping: false,
  });
}

function axisLabel(value) {
  return (Math.round(value * 10) / 10).toLocaleString(language() === "en" ? "en" : "zh-CN");
}

function query() {
  const params = new URLSearchParams({ from: fromInput.value, to: toInput.value });
  if (teamSelect.value) params.set("team", teamSelect.value);
  return params.toString();
}

function drawOverall(overall) {
  const list = document.getElementById("score-overall");
  list.replaceChildren(
    ...FIGURES.flatMap((figure) => [
      h("div", { class: "score-figure" },
        h("dt", {}, t(`figure_${figure}`)),
        h("dd", {}, shown(figure, overall[figure]) || "—")),
    ]),
  );
}

/** One small line chart per trend figure, each on its own scale from 0. */
function drawTrend(weeks) {
  const holder = document.getElementById("score-trend");
  const charts = TREND.map((figure) => {
    const width = 320;
    const height = 160;
    const left = 40;
    const bottom = 28;
    const top = 12;
    const values = weeks.map((week) => (week[figure] === null ? null : PERCENT.has(figure) ? week[figure] * 100 : week[figure]));
    const known = values.filter((value) => value !== null);
    const ceiling = figure === "satisfaction_mean" ? 5 : PERCENT.has(figure) ? 100 : Math.max(1, ...known) * 1.15;
    const x = (index) => left + (weeks.length === 1 ? (width - left) / 2 : (index * (width - left - 28)) / (weeks.length - 1));
    const y = (value) => top + (height - top - bottom) * (1 - value / ceiling);
    const title = t(`figure_${figure}`);
    const description = t("trend_chart", {
      figure: title,
      first: weeks.length ? weeks[0].week : "",
      last: weeks.length ? weeks[weeks.length - 1].week : "",
      values: weeks.map((week, index) => `${week.week} ${values[index] === null ? t("no_value") : shown(figure, week[figure])}`).join("; "),
    });
    const id = `trend-${figure}`;
    const chart = svg("svg", {
      viewBox: `0 0 ${width} ${height}`,
      role: "img",
      "aria-labelledby": `${id}-title ${id}-desc`,
      class: "score-chart",
      "data-figure": figure,
    },
    svg("title", { id: `${id}-title` }, title),
    svg("desc", { id: `${id}-desc` }, description));
    for (const mark of [0, ceiling / 2, ceiling]) {
      chart.append(
        svg("line", { x1: left, x2: width, y1: y(mark), y2: y(mark), class: "score-grid" }),
        svg("text", { x: left - 4, y: y(mark) + 4, "text-anchor": "end", class: "score-axis" }, axisLabel(mark)),
      );
    }
    let path = "";
    values.forEach((value, index) => {
      if (value === null) return;
      const command = index > 0 && values[index - 1] !== null ? "L" : "M";
      path += `${command}${x(index).toFixed(1)},${y(value).toFixed(1)} `;
    });
    if (path) chart.append(svg("path", { d: path.trim(), class: `score-line score-line-${figure}` }));
    values.forEach((value, index) => {
      if (value === null) return;
      chart.append(
        svg("circle", { cx: x(index), cy: y(value), r: 3.5, class: `score-dot score-line-${figure}` },
          svg("title", {}, `${t("week_of", { day: weeks[index].week })}: ${shown(figure, weeks[index][figure])}`)),
      );
    });
    weeks.forEach((week, index) => {
      if (weeks.length > 8 && index % 2) return;
      chart.append(svg("text", { x: x(index), y: height - 8, "text-anchor": "middle", class: "score-axis" }, week.week.slice(5)));
    });
    return h("figure", { class: "score-trend-chart" }, chart, h("figcaption", {}, title));
  });
  holder.replaceChildren(...charts);
}

function ranked(figure) {
  const lower = LOWER_IS_BETTER.has(figure);
  return state.technicians
    .filter((row) => row[figure] !== null)
    .sort((a, b) => (lower ? a[figure] - b[figure] : b[figure] - a[figure]) || a.name.localeCompare(b.name));
}

function drawRanking() {
  const figure = rankBy.value;
  const rows = ranked(figure);
  const holder = document.getElementById("score-ranking");
  if (!rows.length) {
    holder.replaceChildren(h("p", {}, t("no_data")));
    return;
  }
  const bar = 24;
  const labelWidth = 150;
  const width = 640;
  const height = rows.length * bar + 8;
  const largest = PERCENT.has(figure) ? 1 : figure === "satisfaction_mean" ? 5 : Math.max(...rows.map((row) => row[figure])) || 1;
  const title = `${t(`figure_${figure}`)} (${t("best_first")})`;
  const chart = svg("svg", {
    viewBox: `0 0 ${width} ${height}`,
    role: "img",
    "aria-labelledby": "ranking-title ranking-desc",
    class: "score-chart score-ranking-chart",
    "data-figure": figure,
  },
  svg("title", { id: "ranking-title" }, title),
  svg("desc", { id: "ranking-desc" }, t("ranking_chart", {
    figure: t(`figure_${figure}`),
    values: rows.map((row) => `${row.name} ${shown(figure, row[figure])}`).join("; "),
  })));
  rows.forEach((row, index) => {
    const y = index * bar + 4;
    const length = Math.max(1, ((width - labelWidth - 60) * row[figure]) / largest);
    chart.append(
      svg("text", { x: labelWidth - 6, y: y + bar / 2 + 4, "text-anchor": "end", class: "score-label" }, row.name),
      svg("rect", { x: labelWidth, y: y + 3, width: length.toFixed(1), height: bar - 8, class: "score-bar", "data-technician": row.technician }),
      svg("text", { x: labelWidth + length + 6, y: y + bar / 2 + 4, class: "score-value" }, shown(figure, row[figure])),
    );
  });
  holder.replaceChildren(chart);
}

function drawTable() {
  const { figure, descending } = state.sort;
  const rows = [...state.technicians].sort((a, b) => {
    const left = figure === "name" ? a.name : a[figure];
    const right = figure === "name" ? b.name : b[figure];
    if (left === null && right === null) return 0;
    if (left === null) return 1; // nothing to count: always last
    if (right === null) return -1;
    const order = typeof left === "string" ? left.localeCompare(right) : left - right;
    return descending ? -order : order;
  });
  const heading = (key, label, numeric) => {
    const sorted = figure === key ? (descending ? "descending" : "ascending") : null;
    return h("th", { scope: "col", class: numeric ? "number" : null, "aria-sort": sorted },
      h("button", {
        type: "button",
        class: "score-sort",
        "aria-label": t("sort_by", { figure: label }),
        onclick: () => {
          state.sort = { figure: key, descending: figure === key ? !descending : key !== "name" };
          drawTable();
        },
      }, label));
  };
  const table = h("table", { class: "data score-table" },
    h("caption", { class: "visually-hidden" }, document.getElementById("score-table-title").textContent),
    h("thead", {}, h("tr", {},
      heading("name", t("technician"), false),
      h("th", { scope: "col" }, t("team")),
      ...FIGURES.map((key) => heading(key, t(`figure_${key}`), true)))),
    h("tbody", {}, ...rows.map((row) => h("tr", { "data-technician": row.technician },
      h("th", { scope: "row" }, `${row.name} (${row.employee_number})`),
      h("td", {}, row.team_name || t("no_team")),
      ...FIGURES.map((key) => h("td", { class: "number", "data-figure": key }, shown(key, row[key])))))));
  document.getElementById("score-table").replaceChildren(table);
}

async function drawReviews() {
  const list = document.getElementById("score-reviews");
  const reviews = await request("scorecard/reviews/");
  if (!reviews.length) {
    list.replaceChildren(h("li", {}, t("reviews_none")));
    return;
  }
  list.replaceChildren(...reviews.map((review) => h("li", {},
    t("review_month", { month: review.month }), " ",
    review.download
      ? h("a", { href: review.download, download: true }, t("review_download"))
      : t("review_pending"))));
}

// Each load is numbered: an answer to an older one (the page's first load still
// on its way when the dispatcher picks another period) must not replace the
// newer one's figures.
let latestLoad = 0;

async function load() {
  const thisLoad = ++latestLoad;
  message.replaceChildren(t("loading"));
  csvLink.setAttribute("href", `/api/v1/scorecard/technicians.csv?${query()}`);
  try {
    const [technicians, trend, teams] = await Promise.all([
      request(`scorecard/technicians/?${query()}`),
      request(`scorecard/trend/?${query()}&by=week`),
      request(`scorecard/teams/?from=${fromInput.value}&to=${toInput.value}`),
    ]);
    if (thisLoad !== latestLoad) return;
    const chosen = teamSelect.value;
    teamSelect.replaceChildren(
      teamSelect.options[0],
      ...teams.teams.filter((team) => team.team !== null).map((team) =>
        h("option", { value: team.team, selected: String(team.team) === chosen }, team.name)),
    );
    state.technicians = technicians.technicians;
    drawOverall(technicians.overall);
    drawTrend(trend.weeks);
    drawRanking();
    drawTable();
    message.replaceChildren(technicians.overall.visits ? "" : t("no_data"));
  } catch (error) {
    if (thisLoad !== latestLoad) return;
    message.replaceChildren(h("p", { class: "refusal" }, t("failed", { detail: error.body?.detail || error.message })));
  }
}

for (const figure of FIGURES) {
  rankBy.append(h("option", { value: figure, selected: figure === "on_time_rate" }, t(`figure_${figure}`)));
}
rankBy.addEventListener("change", drawRanking);
form.addEventListener("change", (event) => {
  if (event.target.name === "period") setPeriod(event.target.value);
  if (event.target.type === "date") form.elements.period.value = "custom";
});
form.addEventListener("submit", (event) => {
  event.preventDefault();
  load();
});
teamSelect.addEventListener("change", load);
form.querySelectorAll("input[name=period]").forEach((radio) => radio.addEventListener("change", load));
document.getElementById("score-review-make").addEventListener("click", async () => {
  const month = fromInput.value.slice(0, 7);
  try {
    await request("scorecard/reviews/", { body: { month } });
    message.replaceChildren(h("p", { class: "notice" }, t("review_requested", { month })));
  } catch (error) {
    message.replaceChildren(h("p", { class: "refusal" }, error.body?.detail || error.message));
  }
  drawReviews();
});

setPeriod("this-month");
load();
drawReviews().catch(() => {});
