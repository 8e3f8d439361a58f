// The signing form, shared by the customer's signing page (/sign/<token>/) and
// the phone app's sign-off screen. It shows what the customer signs for (the
// work summary and the evidence photos), asks each conduct question, takes the
// signer's name, a finger signature and consent, checks all of it in place and
// hands the answers to the caller's onSubmit. Styles: shared/signing.css.
//
// renderSigningForm(root, {form, language, strings?, onSubmit})
//   form      the sign-off form: GET /api/v1/visits/{id}/sign-off/ (or the page's copy)
//   language  "zh-hans" / "zh…" for Chinese, anything else for English
//   strings   optional: overrides for the UI strings below (both languages ship here)
//   onSubmit  ({signer_name, signature, consent_version, conduct}) => Promise;
//             reject with {detail, fields?} to show the server's refusal
// Returns {destroy()}.
import { mountSignature } from "./signature.js";

export const STRINGS = {
  zh: {
    summaryTitle: "您要确认的服务",
    workOrder: "工单号",
    kind: "类型",
    customer: "客户",
    address: "地址",
    request: "故障或需求",
    workDone: "完成的工作",
    nothingRecorded: "未记录",
    labelEnd: "：",
    technician: "装维人员",
    employeeNumber: "工号",
    appointed: "预约时间",
    arrived: "到达时间",
    workStarted: "开始施工",
    workFinished: "完工时间",
    photosTitle: "现场照片",
    noPhotos: "没有照片。",
    enlargePhoto: "放大照片",
    closePhoto: "关闭",
    questionsTitle: "本次上门服务如何？",
    yes: "是",
    no: "否",
    whatWasWrong: "哪里做得不好？（必填，最多 500 字）",
    signatureTitle: "您的签名",
    signerName: "您的姓名",
    signHint: "请用手指在框内签名。",
    signature: "签名",
    clear: "清除",
    sign: "签字确认",
    signing: "正在提交…",
    answerThis: "请选择“是”或“否”。",
    commentRequired: "请说明哪里做得不好。",
    nameRequired: "请填写您的姓名。",
    signFirst: "请您先在框内签名。",
    consentRequired: "请勾选同意上述声明。",
    fixAbove: "请先完成上面标出的项目。",
    failed: "提交失败,请检查网络后重试。",
  },
  en: {
    summaryTitle: "What you are signing for",
    workOrder: "Work order",
    kind: "Kind",
    customer: "Customer",
    address: "Address",
    request: "Fault or request",
    workDone: "What was done",
    nothingRecorded: "Nothing recorded",
    labelEnd: ": ",
    technician: "Technician",
    employeeNumber: "Employee no.",
    appointed: "Appointed",
    arrived: "Arrived",
    workStarted: "Work started",
    workFinished: "Work done",
    photosTitle: "Photos from the visit",
    noPhotos: "No photos.",
    enlargePhoto: "Enlarge photo",
    closePhoto: "Close",
    questionsTitle: "How did the visit go?",
    yes: "Yes",
    no: "No",
    whatWasWrong: "What was wrong? (required, at most 500 characters)",
    signatureTitle: "Your signature",
    signerName: "Your name",
    signHint: "Sign with your finger in the box.",
    signature: "Signature",
    clear: "Clear",
    sign: "Sign",
    signing: "Signing…",
    answerThis: "Please choose Yes or No.",
    commentRequired: "Please say what was wrong.",
    nameRequired: "Please write your name.",
    signFirst: "Please sign in the box first.",
    consentRequired: "Please tick the statement to agree to it.",
    fixAbove: "Please complete the items marked above.",
    failed: "Could not send. Check the connection and try again.",
  },
};

const COMMENT_MAX_LENGTH = 500;
let instances = 0;

function isChinese(language) {
  return (language || "zh").toLowerCase().startsWith("zh");
}

/** Creates an element: h("p", {className: "x"}, "text", child…). */
function h(tag, properties = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(properties)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "className") element.className = value;
    else if (name === "dataset") Object.assign(element.dataset, value);
    else if (name in element) element[name] = value;
    else element.setAttribute(name, value === true ? "" : value);
  }
  element.append(...children.flat(Infinity).filter((child) => child !== null && child !== undefined));
  return element;
}

// Times come as the place's local time with its offset ("2026-11-23T14:05:00+08:00"):
// shown as written, so the customer reads the time on the clock where the visit was.
function clock(value) {
  return value ? value.slice(11, 16) : "";
}

function dateAndClock(value) {
  return value ? `${value.slice(0, 10)} ${clock(value)}` : "";
}

function summarySection(summary, text, ids) {
  const sameDay = (value) => value && value.slice(0, 10) === summary.appointed_start?.slice(0, 10);
  const when = (value) => (sameDay(value) ? clock(value) : dateAndClock(value));
  const rows = [
    [text.workOrder, summary.work_order_number],
    [text.kind, summary.kind_label],
    [text.customer, summary.customer_name],
    [text.address, summary.address],
    [text.request, summary.request || "—"],
    [
      text.workDone,
      summary.work_done.length
        ? h(
            "ul",
            { className: "signing-done" },
            summary.work_done.map((entry) =>
              h(
                "li",
                {},
                h("span", { className: "signing-done-item" }, entry.text + text.labelEnd),
                h("strong", {}, entry.answer),
                entry.note ? h("span", { className: "signing-done-note" }, entry.note) : null,
              ),
            ),
          )
        : text.nothingRecorded,
    ],
    [text.technician, `${summary.technician_name} · ${text.employeeNumber} ${summary.employee_number}`],
    [text.appointed, dateAndClock(summary.appointed_start)],
    [text.arrived, when(summary.arrived_at)],
    [text.workStarted, when(summary.work_started_at)],
    [text.workFinished, when(summary.work_done_at)],
  ].filter(([, value]) => value);
  return h(
    "section",
    { className: "signing-summary", "aria-labelledby": ids.summary },
    h("h2", { id: ids.summary }, text.summaryTitle),
    h(
      "dl",
      { className: "signing-facts" },
      rows.map(([label, value]) => [h("dt", {}, label), h("dd", {}, value)]),
    ),
  );
}

function photoCaption(photo) {
  return [photo.item_text, photo.stage_label, clock(photo.captured_at)].filter(Boolean).join(" · ");
}

function photosSection(photos, text, ids) {
  const section = h(
    "section",
    { className: "signing-photos", "aria-labelledby": ids.photos },
    h("h2", { id: ids.photos }, `${text.photosTitle} (${photos.length})`),
  );
  if (!photos.length) {
    section.append(h("p", { className: "signing-muted" }, text.noPhotos));
    return section;
  }
  const large = h("img", { className: "signing-photo-large", alt: "" });
  const caption = h("p", { className: "signing-photo-caption" });
  const close = h("button", { type: "button", className: "signing-secondary" }, text.closePhoto);
  const viewer = h("dialog", { className: "signing-photo-view", "aria-label": text.photosTitle }, large, caption, close);
  close.addEventListener("click", () => viewer.close());
  viewer.addEventListener("click", (event) => {
    if (event.target === viewer) viewer.close(); // a tap outside the photo
  });
  const list = h(
    "ul",
    { className: "signing-thumbs" },
    photos.map((photo) => {
      const label = photoCaption(photo);
      const button = h(
        "button",
        { type: "button", className: "signing-thumb", dataset: { photo: String(photo.id) } },
        h("img", { src: photo.thumbnail_url, alt: label || text.photosTitle, loading: "lazy" }),
        h("span", { className: "signing-thumb-caption" }, label),
        h("span", { className: "signing-visually-hidden" }, text.enlargePhoto),
      );
      button.addEventListener("click", () => {
        large.src = photo.thumbnail_url;
        large.alt = label || text.photosTitle;
        caption.textContent = label;
        viewer.showModal();
        close.focus();
      });
      return h("li", {}, button);
    }),
  );
  section.append(list, viewer);
  return section;
}

function questionRow(question, text, ids) {
  const name = `${ids.prefix}-q-${question.code}`;
  const error = h("p", { className: "signing-field-error", id: `${name}-error` });
  const comment = h("textarea", {
    className: "comment",
    id: `${name}-comment`,
    maxLength: COMMENT_MAX_LENGTH,
    rows: 3,
  });
  const commentBox = h(
    "div",
    { className: "signing-comment", hidden: true },
    h("label", { htmlFor: `${name}-comment` }, text.whatWasWrong),
    comment,
  );
  const choice = (value, label) =>
    h(
      "label",
      { className: "signing-choice" },
      h("input", { type: "radio", name, value, "aria-describedby": `${name}-error` }),
      h("span", {}, label),
    );
  const row = h(
    "fieldset",
    { className: "question", dataset: { code: question.code } },
    h("legend", {}, question.text),
    h("div", { className: "signing-choices" }, choice("yes", text.yes), choice("no", text.no)),
    commentBox,
    error,
  );
  row.addEventListener("change", () => {
    const contested = row.querySelector("input[value=no]").checked;
    commentBox.hidden = !contested;
    comment.required = contested;
    error.textContent = "";
  });
  comment.addEventListener("input", () => {
    error.textContent = "";
  });
  return {
    row,
    read() {
      const chosen = row.querySelector("input[type=radio]:checked");
      if (!chosen) return { problem: text.answerThis, focus: row.querySelector("input") };
      const confirmed = chosen.value === "yes";
      const note = comment.value.trim();
      if (!confirmed && !note) return { problem: text.commentRequired, focus: comment };
      return { answer: { code: question.code, confirmed, comment: confirmed ? "" : note } };
    },
    showProblem(message) {
      error.textContent = message;
    },
  };
}

export function renderSigningForm(root, { form, language, strings, onSubmit }) {
  const base = STRINGS[isChinese(language) ? "zh" : "en"];
  const text = { ...base, ...(strings || {}) };
  instances += 1;
  const prefix = `signing-${instances}`;
  const ids = { prefix, summary: `${prefix}-summary`, photos: `${prefix}-photos`, questions: `${prefix}-questions` };

  const questions = form.questions.map((question) => questionRow(question, text, ids));
  const nameInput = h("input", {
    type: "text",
    id: `${prefix}-name`,
    className: "signing-name",
    maxLength: 100,
    autocomplete: "name",
    value: form.summary?.customer_name ?? "",
    "aria-describedby": `${prefix}-name-error`,
  });
  const nameError = h("p", { className: "signing-field-error", id: `${prefix}-name-error` });
  const canvas = h("canvas", { className: "signature-pad", role: "img", "aria-label": text.signature });
  const clearButton = h("button", { type: "button", className: "signing-secondary signing-clear" }, text.clear);
  const signatureError = h("p", { className: "signing-field-error signing-signature-error" });
  const consentBox = h("input", { type: "checkbox", className: "signing-consent-box", id: `${prefix}-consent` });
  const consentError = h("p", { className: "signing-field-error signing-consent-error" });
  const formError = h("p", { className: "signing-form-error", role: "alert" });
  const submit = h("button", { type: "submit", className: "signing-primary signing-submit" }, text.sign);

  const element = h(
    "form",
    { className: "signing-form", noValidate: true, lang: isChinese(language) ? "zh-Hans" : "en" },
    summarySection(form.summary, text, ids),
    photosSection(form.photos || [], text, ids),
    questions.length
      ? h(
          "section",
          { className: "signing-questions", "aria-labelledby": ids.questions },
          h("h2", { id: ids.questions }, text.questionsTitle),
          questions.map((question) => question.row),
        )
      : null,
    h(
      "section",
      { className: "signing-signature" },
      h("h2", {}, text.signatureTitle),
      h("label", { htmlFor: nameInput.id }, text.signerName),
      nameInput,
      nameError,
      h("p", { className: "signing-muted" }, text.signHint),
      canvas,
      h("div", { className: "signing-pad-actions" }, clearButton),
      signatureError,
      h(
        "div",
        { className: "signing-consent" },
        consentBox,
        h("label", { htmlFor: consentBox.id }, form.consent.text),
      ),
      consentError,
      formError,
      submit,
    ),
  );
  root.replaceChildren(element);

  const signature = mountSignature(canvas, {
    onChange: (isEmpty) => {
      if (!isEmpty) signatureError.textContent = "";
    },
  });
  clearButton.addEventListener("click", () => signature.clear());
  consentBox.addEventListener("change", () => {
    consentError.textContent = "";
  });
  nameInput.addEventListener("input", () => {
    nameError.textContent = "";
  });

  let pending = false;
  element.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (pending) return;
    formError.textContent = "";
    const conduct = [];
    let firstProblem = null;
    for (const question of questions) {
      const { answer, problem, focus } = question.read();
      question.showProblem(problem || "");
      if (answer) conduct.push(answer);
      else firstProblem ??= focus;
    }
    const signerName = nameInput.value.trim();
    nameError.textContent = signerName ? "" : text.nameRequired;
    if (!signerName) firstProblem ??= nameInput;
    signatureError.textContent = signature.isEmpty() ? text.signFirst : "";
    if (signature.isEmpty()) firstProblem ??= canvas;
    consentError.textContent = consentBox.checked ? "" : text.consentRequired;
    if (!consentBox.checked) firstProblem ??= consentBox;
    if (firstProblem) {
      formError.textContent = text.fixAbove;
      firstProblem.scrollIntoView?.({ block: "center" });
      if (firstProblem !== canvas) firstProblem.focus({ preventScroll: true });
      return;
    }
    pending = true;
    submit.disabled = true;
    submit.textContent = text.signing;
    try {
      await onSubmit({
        signer_name: signerName,
        signature: signature.toDataURL(),
        consent_version: form.consent.version,
        conduct,
      });
      // Signed: the caller moves on; the button stays disabled.
    } catch (refusal) {
      pending = false;
      submit.disabled = false;
      submit.textContent = text.sign;
      formError.textContent = refusal?.detail || text.failed;
      const fields = refusal?.fields || {};
      if (fields.signer_name) nameError.textContent = [].concat(fields.signer_name).join(" ");
      if (fields.signature) signatureError.textContent = [].concat(fields.signature).join(" ");
    }
  });

  return {
    element,
    destroy() {
      signature.destroy();
      root.replaceChildren();
    },
  };
}
