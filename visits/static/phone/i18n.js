// The app's words in Chinese and English. The language follows the phone
// (navigator.language) until the technician picks one; it is sent to the API
// as Accept-Language, so the server's messages come in the same language.

const STORAGE_KEY = "phone.language";

const STRINGS = {
  "zh-hans": {
    app_title: "装维",
    switch_language: "English",
    switch_language_label: "Switch to English",
    sign_in: "登录",
    sign_in_title: "装维人员登录",
    username: "用户名",
    password: "密码",
    signing_in: "正在登录…",
    sign_out: "退出登录",
    sign_out_pending: "还有 {n} 项没有发出。退出后它们保留在这部手机上，您再次登录后才会发出。仍要退出吗？",
    sign_out_anyway: "仍然退出",
    cancel: "取消",
    not_technician_dispatcher: "此应用供装维人员使用，正在前往调度台…",
    not_technician_customer: "此应用供装维人员使用。",
    today: "今天",
    tomorrow: "明天",
    no_visits: "这一天没有上门任务。",
    pending: "{n} 项待发送",
    pending_blocked: "{n} 项需要处理",
    offline: "离线：您的操作保存在手机上，联网后自动发出。",
    from_cache: "离线数据，可能不是最新的。",
    loading: "正在加载…",
    not_found: "找不到这个上门任务。",
    not_found_help: "它可能已改派给其他人。请返回今天的列表。",
    back_to_today: "返回今天",
    back_to_visit: "返回上门任务",
    call: "打电话",
    open_map: "打开地图",
    appointed: "预约时间",
    state: "状态",
    checklist: "服务规范清单",
    checklist_progress: "必做项还差 {missing} 项（共 {required} 项）",
    checklist_complete: "必做项已全部完成",
    open_checklist: "打开清单",
    required: "必做",
    optional: "可选",
    answered: "已完成",
    waiting: "待发送",
    missing: "未完成",
    confirm: "确认已做到",
    confirmed: "已确认 ✓",
    yes: "是",
    no: "否",
    save: "保存",
    take_photo: "拍照",
    add_photo: "再拍一张",
    uploading: "正在上传 {percent}%",
    photo_of: "{item} 的照片",
    photo_waiting: "待上传的照片",
    arrive_on_time: "准时到达",
    arrive_late: "迟到 {minutes} 分钟",
    arrive_early: "早到 {minutes} 分钟",
    reason_needed: "请说明原因（会记录在上门记录中）",
    reason: "原因",
    send: "发送",
    leave_title: "暂时离开",
    leave_reason: "离开原因",
    coming_back: "您告诉客户会回来吗？",
    coming_back_yes: "会回来",
    coming_back_no: "不回来，承诺修通时限",
    fix_deadline: "修通时限",
    note: "备注",
    step_waiting: "“{step}”待发送",
    work_done_missing: "还有必做项没有完成：",
    sign_off: "客户签字",
    customer_own_phone: "客户用自己的手机签字",
    link_help: "请客户用手机扫描二维码签字。签好后点“刷新”。",
    refresh: "刷新",
    service_card: "服务卡",
    company: "公司",
    technician: "装维人员",
    employee_number: "工号",
    contact_phone: "联系电话",
    hotline: "客服热线",
    promotion: "当季优惠",
    receipt: "签字回执 (PDF)",
    signed_waiting: "签字已保存在手机上，联网后发出，然后显示服务卡。",
    needs_network: "这一步需要联网。",
    outbox: "待发送",
    outbox_empty: "没有待发送的内容。",
    retry: "重试",
    discard: "放弃",
    reload_and_check: "重新加载并检查",
    conflict_answer: "这一项已在别处被修改。请重新加载，检查后再填。",
    conflict_visit: "这个上门任务已有变化（例如已改约或改派）。请重新加载。",
    refused: "服务器拒绝了：{detail}",
    needs_sign_in: "登录已过期，请重新登录；待发送的内容会保留。",
    network_error: "网络不通，稍后会自动重试。",
    kind_answer: "清单回答",
    kind_photo: "照片",
    kind_step: "步骤",
    kind_signoff: "客户签字",
    visit_of: "{customer} 的上门任务",
    stages: {
      before_departure: "出发前：携带物品",
      at_the_door: "到门口",
      in_the_home: "入户",
      work: "作业",
      clean_up: "清理",
      departure: "离开",
    },
    states: {
      scheduled: "已预约",
      en_route: "在路上",
      arrived: "已到达",
      in_progress: "作业中",
      temporarily_left: "暂时离开",
      work_done: "已完工",
      signed_off: "客户已签字",
      closed: "已关闭",
      cancelled: "已取消",
      no_show: "客户不在",
    },
    steps: {
      "start-travel": "出发",
      arrive: "到达",
      "start-work": "开始作业",
      leave: "暂时离开",
      return: "回到现场",
      "finish-work": "完工",
      "sign-off": "客户签字",
      "no-show": "客户不在家",
      cancel: "取消",
      close: "关闭",
      reschedule: "改约",
      reassign: "改派",
    },
    kinds: { installation: "装机", repair: "修障" },
    leave_reasons: {
      find_cause: "查找故障原因",
      equipment_room_test: "去机房测试",
      fetch_materials: "取材料或工具",
      other: "其他",
    },
  },
  en: {
    app_title: "Field service",
    switch_language: "中文",
    switch_language_label: "切换到中文",
    sign_in: "Sign in",
    sign_in_title: "Technician sign-in",
    username: "Username",
    password: "Password",
    signing_in: "Signing in…",
    sign_out: "Sign out",
    sign_out_pending: "{n} items have not been sent yet. They stay on this phone and are sent when you sign in again. Sign out anyway?",
    sign_out_anyway: "Sign out anyway",
    cancel: "Cancel",
    not_technician_dispatcher: "This app is for technicians; taking you to the dispatch desk…",
    not_technician_customer: "This app is for technicians.",
    today: "Today",
    tomorrow: "Tomorrow",
    no_visits: "No visits on this day.",
    pending: "{n} waiting to send",
    pending_blocked: "{n} need your attention",
    offline: "Offline: your work is kept on the phone and sent when the network is back.",
    from_cache: "Offline copy; it may be out of date.",
    loading: "Loading…",
    not_found: "This visit was not found.",
    not_found_help: "It may have been given to someone else. Go back to today's list.",
    back_to_today: "Back to today",
    back_to_visit: "Back to the visit",
    call: "Call",
    open_map: "Open the map",
    appointed: "Appointed",
    state: "State",
    checklist: "Checklist",
    checklist_progress: "{missing} of {required} required items to do",
    checklist_complete: "All required items done",
    open_checklist: "Open the checklist",
    required: "Required",
    optional: "Optional",
    answered: "Done",
    waiting: "Waiting to send",
    missing: "To do",
    confirm: "Confirm it is done",
    confirmed: "Confirmed ✓",
    yes: "Yes",
    no: "No",
    save: "Save",
    take_photo: "Take a photo",
    add_photo: "Take another photo",
    uploading: "Uploading {percent}%",
    photo_of: "Photo for {item}",
    photo_waiting: "Photo waiting to upload",
    arrive_on_time: "On time",
    arrive_late: "{minutes} minutes late",
    arrive_early: "{minutes} minutes early",
    reason_needed: "Say why (it is kept with the visit)",
    reason: "Reason",
    send: "Send",
    leave_title: "Temporary leave",
    leave_reason: "Why are you leaving?",
    coming_back: "Did you tell the customer you are coming back?",
    coming_back_yes: "Yes, coming back",
    coming_back_no: "No: commit to a fix deadline",
    fix_deadline: "Fix deadline",
    note: "Note",
    step_waiting: "“{step}” waiting to send",
    work_done_missing: "Required items still missing:",
    sign_off: "Customer signs",
    customer_own_phone: "Customer signs on their own phone",
    link_help: "Ask the customer to scan the code with their phone and sign. Tap “Refresh” when they have.",
    refresh: "Refresh",
    service_card: "Service card",
    company: "Company",
    technician: "Technician",
    employee_number: "Employee number",
    contact_phone: "Contact phone",
    hotline: "Customer-service hotline",
    promotion: "This season's offer",
    receipt: "Signed receipt (PDF)",
    signed_waiting: "The signature is kept on the phone and sent when the network is back; then the service card appears.",
    needs_network: "This needs the network.",
    outbox: "Waiting to send",
    outbox_empty: "Nothing waiting to send.",
    retry: "Retry",
    discard: "Discard",
    reload_and_check: "Reload and check",
    conflict_answer: "This item was changed elsewhere. Reload it, check, then answer again.",
    conflict_visit: "This visit has changed (rescheduled or given to someone else, for instance). Reload it.",
    refused: "Refused: {detail}",
    needs_sign_in: "Your sign-in has expired: sign in again; what is waiting stays on the phone.",
    network_error: "No network; it will be tried again shortly.",
    kind_answer: "Checklist answer",
    kind_photo: "Photo",
    kind_step: "Step",
    kind_signoff: "Customer signature",
    visit_of: "Visit to {customer}",
    stages: {
      before_departure: "Before departure: carry list",
      at_the_door: "At the door",
      in_the_home: "In the home",
      work: "Work",
      clean_up: "Clean-up",
      departure: "Departure",
    },
    states: {
      scheduled: "Scheduled",
      en_route: "On the way",
      arrived: "Arrived",
      in_progress: "In progress",
      temporarily_left: "Temporarily left",
      work_done: "Work done",
      signed_off: "Signed off",
      closed: "Closed",
      cancelled: "Cancelled",
      no_show: "Nobody at home",
    },
    steps: {
      "start-travel": "On my way",
      arrive: "Arrive",
      "start-work": "Start work",
      leave: "Leave for now",
      return: "I'm back",
      "finish-work": "Work done",
      "sign-off": "Customer signs",
      "no-show": "Nobody at home",
      cancel: "Cancel",
      close: "Close",
      reschedule: "Reschedule",
      reassign: "Reassign",
    },
    kinds: { installation: "Installation", repair: "Repair" },
    leave_reasons: {
      find_cause: "Find the cause of the fault",
      equipment_room_test: "Test at the equipment room",
      fetch_materials: "Fetch materials or tools",
      other: "Other",
    },
  },
};

export const LANGUAGES = Object.keys(STRINGS);

function fromBrowser() {
  const wanted = (navigator.languages || [navigator.language || ""]).map((tag) =>
    tag.toLowerCase(),
  );
  for (const tag of wanted) {
    if (tag.startsWith("zh")) return "zh-hans";
    if (tag.startsWith("en")) return "en";
  }
  return "zh-hans";
}

let current = localStorage.getItem(STORAGE_KEY) || fromBrowser();
if (!STRINGS[current]) current = "zh-hans";

export function language() {
  return current;
}

export function setLanguage(code) {
  current = STRINGS[code] ? code : "zh-hans";
  localStorage.setItem(STORAGE_KEY, current);
  document.documentElement.lang = current === "en" ? "en" : "zh-Hans";
}

/** t("pending", {n: 3}) -> "3 waiting to send"; t("states.en_route"). */
export function t(key, params = {}) {
  let text = key.split(".").reduce((node, part) => node?.[part], STRINGS[current]);
  if (text === undefined) text = key;
  return String(text).replace(/\{(\w+)\}/g, (match, name) =>
    name in params ? String(params[name]) : match,
  );
}

/** A choice's label ({value, zh, en}) in the current language. */
export function choiceLabel(choice) {
  return (current === "en" ? choice.en : choice.zh) || choice.value;
}

const TIME_FORMATS = {};

/** "09:30" in the phone's time zone. */
export function clock(iso) {
  if (!iso) return "";
  TIME_FORMATS[current] ??= new Intl.DateTimeFormat(current === "en" ? "en-GB" : "zh-CN", {
    hour: "2-digit",
    minute: "2-digit",
  });
  return TIME_FORMATS[current].format(new Date(iso));
}
