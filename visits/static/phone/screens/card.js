// The service card the customer keeps: technician, employee number, contact
// phone, hotline, the season's offer; and the signed receipt once signed.

import { fill, h } from "../dom.js";
import { get } from "../api.js";
import { t } from "../i18n.js";

export async function showCard(screen, app, { visit: visitId }) {
  const card = (await get(`visits/${visitId}/service-card/`)).body;
  let record = null;
  try {
    record = (await get(`visits/${visitId}/sign-off/`)).body.record;
  } catch (error) {
    console.warn("sign-off record not available", error);
  }
  const rows = [
    [t("company"), card.company_name],
    [t("technician"), card.technician_name],
    [t("employee_number"), card.employee_number],
    [t("contact_phone"), h("a", { href: `tel:${card.contact_phone}` }, card.contact_phone)],
    [t("hotline"), h("a", { href: `tel:${card.hotline}` }, card.hotline)],
  ];
  const promotion = card.promotion;
  if (promotion) rows.push([t("promotion"), [h("strong", {}, promotion.title), " ", promotion.body]]);
  fill(
    screen,
    h("h1", {}, t("service_card")),
    h("section", { class: "card service-card", id: "service-card" }, h("dl", {}, rows.map(([term, value]) => [h("dt", {}, term), h("dd", {}, value)]))),
    record
      ? h(
          "section",
          { class: "card record", id: "record" },
          h("p", {}, `${record.signer_name} · ${record.number}`),
          h("p", {}, h("a", { href: record.receipt_url }, t("receipt"))),
        )
      : null,
    h("div", { class: "actions" }, h("a", { class: "button primary", href: "#/" }, t("back_to_today"))),
  );
}
