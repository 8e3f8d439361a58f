// The booking assistant (visits/console/pages.py `booking`): find or create a
// customer, pick or open a work order, ask for the technicians free at a wished
// time, book one. Every write goes through the REST API; a refusal is shown in
// place with the server's words, and nothing typed is lost.

import { refusalText as apiRefusalText, request } from "./api.js";
import { h } from "./dom.js";
import { language, t } from "./strings.js";

const page = document.getElementById("page");
const ZONE = page.dataset.timeZone || "Asia/Shanghai";
const $ = (id) => document.getElementById(id);

const state = {
  customer: null, // {id, name, phone, address, work_orders: [...]}
  workOrderId: null,
  window: null, // {date, time, minutes, start}
};

// --- Helpers --------------------------------------------------------------------

function show(element, text) {
  element.textContent = text || "";
  element.hidden = !text;
}

function refusalText(error) {
  return apiRefusalText(error, { refused: t("refused"), network: t("network") });
}

/** Runs `action` with `button` disabled; a refusal is written into `where`. */
async function guarded(button, where, action) {
  show(where, "");
  if (button) button.disabled = true;
  try {
    return await action();
  } catch (error) {
    show(where, refusalText(error));
    return undefined;
  } finally {
    if (button) button.disabled = false;
  }
}

function formValues(form) {
  return Object.fromEntries(new FormData(form).entries());
}

/** The offset from UTC of `zone` at the wall-clock time y-m-d h:m, as "+08:00". */
function zoneOffset(date, time, zone) {
  const [year, month, day] = date.split("-").map(Number);
  const [hour, minute] = time.split(":").map(Number);
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const parts = (instant) => {
    const fields = {};
    for (const part of new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
    }).formatToParts(new Date(instant))) {
      fields[part.type] = part.value;
    }
    return Date.UTC(fields.year, fields.month - 1, fields.day, fields.hour, fields.minute);
  };
  // The wall time read in the zone at `wall` tells the offset; once more at the
  // corrected instant in case a change of offset lies between the two.
  let offset = parts(wall) - wall;
  offset = parts(wall - offset) - (wall - offset);
  const minutes = Math.round(offset / 60000);
  const sign = minutes < 0 ? "-" : "+";
  const absolute = Math.abs(minutes);
  const pad = (value) => String(value).padStart(2, "0");
  return `${sign}${pad(Math.floor(absolute / 60))}:${pad(absolute % 60)}`;
}

function clock(iso) {
  return new Intl.DateTimeFormat(language(), {
    timeZone: ZONE,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(new Date(iso));
}

// --- 1. The customer ------------------------------------------------------------

function chooseCustomer(customer, { workOrderId = null } = {}) {
  state.customer = customer;
  show(
    $("customer-chosen"),
    t("chosen_customer", { name: customer.name, phone: customer.phone, address: customer.address }),
  );
  $("customer-results").replaceChildren();
  renderWorkOrders(workOrderId);
}

function renderCustomers(customers) {
  const results = $("customer-results");
  if (!customers.length) {
    results.replaceChildren(h("p", { class: "booking-hint" }, t("no_customers")));
    return;
  }
  results.replaceChildren(
    ...customers.map((customer) =>
      h(
        "div",
        { class: "customer-match", dataset: { customer: customer.id } },
        h("span", {}, `${customer.name} · ${customer.phone} · ${customer.address}`),
        h(
          "button",
          {
            type: "button",
            class: "button secondary",
            "aria-label": `${t("choose")} ${customer.name}`,
            onclick: () => chooseCustomer(customer),
          },
          t("choose"),
        ),
      ),
    ),
  );
}

$("customer-search").addEventListener("submit", async (event) => {
  event.preventDefault();
  const query = $("customer-query").value.trim();
  const button = event.submitter;
  $("customer-results").replaceChildren(h("p", { class: "booking-hint" }, t("searching")));
  const answer = await guarded(button, $("customer-refusal"), () =>
    request(`console/customers/?q=${encodeURIComponent(query)}`),
  );
  if (answer) renderCustomers(answer.results);
  else $("customer-results").replaceChildren();
});

$("customer-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const created = await guarded(event.submitter, $("customer-refusal"), () =>
    request("customers/", { body: formValues(form) }),
  );
  if (!created) return; // the form keeps what was typed
  form.reset();
  $("customer-new").open = false;
  chooseCustomer({ ...created, work_orders: [] });
  show($("customer-chosen"), `${t("customer_created", { name: created.name })} ${$("customer-chosen").textContent}`);
});

// --- 2. The work order ---------------------------------------------------------

function renderWorkOrders(selectedId = null) {
  const fieldset = $("work-orders");
  const legend = fieldset.querySelector("legend");
  const orders = state.customer ? state.customer.work_orders : [];
  const children = [legend];
  if (!state.customer) {
    children.push(h("p", { class: "booking-hint" }, t("customer_first")));
  } else if (!orders.length) {
    children.push(h("p", { class: "booking-hint" }, t("no_work_orders")));
  }
  const bookable = orders.filter((order) => !order.has_open_visit);
  const chosen =
    selectedId ?? (bookable.length === 1 ? bookable[0].id : null);
  state.workOrderId = null;
  for (const order of orders) {
    const id = `work-order-${order.id}`;
    const input = h("input", {
      type: "radio",
      name: "work_order",
      id,
      value: order.id,
      disabled: order.has_open_visit,
      checked: order.id === chosen && !order.has_open_visit,
      onchange: () => {
        state.workOrderId = order.id;
        show($("work-order-refusal"), "");
      },
    });
    if (input.checked) state.workOrderId = order.id;
    children.push(
      h(
        "div",
        { class: "booking-choice" },
        input,
        h(
          "label",
          { for: id },
          h("strong", {}, `${order.number} · ${order.kind_label}`),
          order.description ? h("span", {}, ` — ${order.description}`) : null,
          order.has_open_visit
            ? h("span", { class: "candidate-note" }, ` (${t("has_open_visit")})`)
            : null,
        ),
      ),
    );
  }
  fieldset.replaceChildren(...children);
}

$("work-order-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  if (!state.customer) {
    show($("work-order-refusal"), t("customer_first"));
    return;
  }
  const created = await guarded(event.submitter, $("work-order-refusal"), () =>
    request("work-orders/", { body: { ...formValues(form), customer: state.customer.id } }),
  );
  if (!created) return;
  form.reset();
  $("work-order-new").open = false;
  state.customer.work_orders = [
    {
      id: created.id,
      number: created.number,
      kind: created.kind,
      kind_label: form.querySelector(`option[value="${created.kind}"]`)?.textContent || created.kind,
      description: created.description,
      has_open_visit: false,
    },
    ...state.customer.work_orders,
  ];
  renderWorkOrders(created.id);
  show($("work-order-refusal"), "");
});

// --- 3 and 4. The wished time and the technicians -------------------------------

function clashText(clash, buffer) {
  const values = {
    number: clash.number,
    start: clock(clash.appointed_start),
    end: clock(clash.expected_end),
    minutes: buffer,
  };
  return t(clash.kind === "overlap" ? "overlap" : "travel_buffer", values);
}

function renderCandidates(answer) {
  const table = $("candidates");
  const body = table.querySelector("tbody");
  if (!answer.technicians.length) {
    body.replaceChildren(h("tr", {}, h("td", { colspan: 5 }, t("no_technicians"))));
    table.hidden = false;
    return;
  }
  body.replaceChildren(
    ...answer.technicians.map((row) => {
      const rate = row.on_time.rate;
      const onTime =
        rate === null
          ? t("no_record")
          : t("on_time", {
              rate: Math.round(rate * 100),
              on_time: row.on_time.on_time,
              judged: row.on_time.judged,
            });
      const status = row.is_free
        ? h("span", { class: "candidate-free" }, t("free"))
        : h(
            "span",
            { class: row.clash.kind === "overlap" ? "candidate-busy" : "candidate-buffer" },
            clashText(row.clash, answer.travel_buffer_minutes),
          );
      return h(
        "tr",
        { dataset: { technician: row.id, free: row.is_free ? "yes" : "no" } },
        h(
          "td",
          {},
          h("strong", {}, row.name),
          ` ${row.employee_number}`,
          row.visited_before ? h("div", { class: "candidate-note" }, t("visited_before")) : null,
        ),
        h("td", {}, status),
        h("td", { class: "number" }, t("load", row.load)),
        h("td", { class: "number" }, onTime),
        h(
          "td",
          {},
          row.is_free
            ? h(
                "button",
                {
                  type: "button",
                  class: "button",
                  "aria-label": t("book_with", { name: row.name }),
                  onclick: (event) => book(row, event.currentTarget),
                },
                t("book"),
              )
            : null,
        ),
      );
    }),
  );
  table.hidden = false;
}

async function findTechnicians(button) {
  const values = formValues($("window-form"));
  const start = `${values.date}T${values.time}:00${zoneOffset(values.date, values.time, ZONE)}`;
  state.window = { date: values.date, time: values.time, minutes: Number(values.minutes), start };
  const query = new URLSearchParams({ start, minutes: values.minutes });
  if (state.workOrderId) query.set("work_order", state.workOrderId);
  show($("booking-refusal"), "");
  const answer = await guarded(button, $("window-refusal"), () =>
    request(`console/candidates/?${query}`),
  );
  if (answer) renderCandidates(answer);
}

$("window-form").addEventListener("submit", (event) => {
  event.preventDefault();
  findTechnicians(event.submitter);
});

async function book(row, button) {
  if (!state.workOrderId) {
    show($("booking-refusal"), state.customer ? t("work_order_first") : t("customer_first"));
    return;
  }
  const label = button.textContent;
  button.textContent = t("booking");
  const visit = await guarded(button, $("booking-refusal"), () =>
    request("visits/", {
      body: {
        work_order: state.workOrderId,
        technician: row.id,
        appointed_start: state.window.start,
        expected_duration_minutes: state.window.minutes,
      },
    }),
  );
  button.textContent = label;
  if (!visit) return;
  const number = `${visit.work_order?.number ?? ""}/${visit.sequence}`;
  $("result-text").textContent = t("booked", {
    number,
    name: row.name,
    day: state.window.date,
    time: state.window.time,
  });
  const link = $("result-link");
  link.href = `/console/?day=${state.window.date}&visit=${visit.id}`;
  $("result-step").hidden = false;
  // The work order now has a visit to come: it cannot be booked twice.
  const order = state.customer?.work_orders.find((item) => item.id === state.workOrderId);
  if (order) order.has_open_visit = true;
  renderWorkOrders();
  $("candidates").hidden = true;
  link.focus();
}

// --- Preselected work order (?work_order=<id>, from the day board's tray) --------

async function preselect(workOrderId) {
  const answer = await guarded(null, $("customer-refusal"), () =>
    request(`console/customers/?work_order=${encodeURIComponent(workOrderId)}`),
  );
  const customer = answer?.results?.[0];
  if (customer) chooseCustomer(customer, { workOrderId: Number(workOrderId) });
}

renderWorkOrders();
if (page.dataset.workOrder) preselect(page.dataset.workOrder);
