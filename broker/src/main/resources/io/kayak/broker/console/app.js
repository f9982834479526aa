// Kayak web console: reads the node's JSON endpoints (/api/cluster, /api/topics, /api/groups) and redraws.
// Plain JavaScript, no build step. Read-only unless /api/cluster says the node enables admin actions
// (kayak.console.admin.enable=true): only then are admin controls drawn, each a POST to /api/admin/...
"use strict";

const REFRESH_MS = 2000;
const HISTORY = 60;
const history = { in: [], out: [], produce: [] };
let previous = null;
let timer = null;
let adminEnabled = false;

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : (c === null || c === undefined ? "" : String(c)));
  return e;
}

function cell(value, attrs) {
  return el("td", attrs, value === null || value === undefined ? "–" : value);
}

function bytes(n) {
  if (n === null || n === undefined) return "–";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i === 0 ? n : n.toFixed(1)) + " " + units[i];
}

async function getJson(path) {
  const r = await fetch(path, { cache: "no-store" });
  if (!r.ok) throw new Error(path + " answered " + r.status);
  return r.json();
}

function renderCluster(c) {
  document.getElementById("cluster-id").textContent = "cluster " + c.clusterId;
  document.getElementById("served-by").textContent = c.servedBy;
  const mode = document.getElementById("mode");
  adminEnabled = c.consoleAdminEnabled === true;
  mode.textContent = adminEnabled ? "admin actions enabled" : "read-only";
  mode.className = adminEnabled ? "badge admin" : "badge";
  renderAdminPanel();
  const q = c.quorum || {};
  document.getElementById("leader-id").textContent = q.leaderId === undefined || q.leaderId < 0 ? "none" : q.leaderId;
  document.getElementById("term").textContent = q.term === undefined ? "?" : q.term;
  document.getElementById("commit-index").textContent = q.commitIndex === undefined ? "?" : q.commitIndex;
  const voters = {};
  for (const v of q.voters || []) voters[v.nodeId] = v;
  const tbody = document.getElementById("brokers");
  tbody.replaceChildren();
  for (const b of c.brokers) {
    const v = voters[b.nodeId] || {};
    const state = b.fenced ? "fenced" : (b.reachable ? "alive" : "alive (console unreachable)");
    tbody.append(el("tr", { "data-node": b.nodeId },
      cell(b.nodeId),
      cell(state, { class: b.fenced ? "fenced node-state" : "alive node-state" }),
      cell(v.role),
      cell(v.lag, { class: "voter-lag" }),
      cell(v.lastContactMs),
      cell((b.endpoints || []).join(", "))));
  }
  sample(c.brokers);
}

function sample(brokers) {
  const now = Date.now();
  const totals = { in: 0, out: 0, produce: 0 };
  for (const b of brokers) {
    if (!b.counters) continue;
    totals.in += b.counters.bytesIn;
    totals.out += b.counters.bytesOut;
    totals.produce += b.counters.produceRequests;
  }
  if (previous) {
    const secs = Math.max(0.001, (now - previous.at) / 1000);
    for (const k of Object.keys(history)) {
      const rate = Math.max(0, (totals[k] - previous.totals[k]) / secs);
      history[k].push(rate);
      if (history[k].length > HISTORY) history[k].shift();
    }
  }
  previous = { at: now, totals };
  spark("spark-in", "rate-in", history.in, bytes);
  spark("spark-out", "rate-out", history.out, bytes);
  spark("spark-produce", "rate-produce", history.produce, x => x.toFixed(1));
}

function spark(svgId, labelId, values, format) {
  const svg = document.getElementById(svgId);
  svg.replaceChildren();
  const last = values.length ? values[values.length - 1] : 0;
  document.getElementById(labelId).textContent = format(last);
  if (values.length < 2) return;
  const max = Math.max(1, ...values);
  const step = 200 / (HISTORY - 1);
  const points = values.map((v, i) => (i * step).toFixed(1) + "," + (38 - (v / max) * 36).toFixed(1)).join(" ");
  const line = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
  line.setAttribute("points", points);
  svg.append(line);
}

function renderTopics(topics) {
  const tbody = document.getElementById("topics");
  tbody.replaceChildren();
  const head = document.getElementById("topics-head");
  const actionsHead = document.getElementById("topic-actions-head");
  if (adminEnabled && !actionsHead) head.append(el("th", { id: "topic-actions-head", class: "admin-control" }, "actions"));
  if (!adminEnabled && actionsHead) actionsHead.remove();
  for (const t of topics) {
    for (const p of t.partitions) {
      const underReplicated = p.isr.length < p.replicas.length;
      tbody.append(el("tr", { "data-topic": t.name, "data-partition": p.partition },
        cell(t.name), cell(p.partition),
        cell(p.leader < 0 ? "none" : p.leader, { class: p.leader < 0 ? "leader error" : "leader" }),
        cell(p.leaderEpoch),
        cell(p.replicas.join(",")),
        cell(p.isr.join(","), { class: underReplicated ? "isr lagging" : "isr" }),
        cell(p.logStartOffset, { class: "log-start" }),
        cell(p.logEndOffset, { class: "log-end" }),
        cell(bytes(p.sizeBytes), { class: "size" }),
        ...(adminEnabled ? [p.partition === 0 ? topicActions(t.name) : el("td", {})] : [])));
    }
  }
  if (!topics.length) tbody.append(el("tr", {}, el("td", { colspan: adminEnabled ? 10 : 9, class: "muted" }, "no topics")));
}

function renderGroups(groups) {
  const root = document.getElementById("groups");
  root.replaceChildren();
  if (!groups.length) root.append(el("p", { class: "muted" }, "no consumer groups"));
  for (const g of groups) {
    const box = el("div", { class: "group", "data-group": g.groupId });
    box.append(el("h3", {}, g.groupId + " — " + g.state + ", " + g.members.length + " member(s), coordinator node "
      + g.coordinator + ", lag " + g.lagRecords + " record(s)"));
    if (adminEnabled) box.append(groupActions(g));
    const table = el("table", {});
    table.append(el("thead", {}, el("tr", {}, ...["topic", "partition", "committed", "log end", "lag (records)",
      "lag (s)", "owner"].map(h => el("th", {}, h)))));
    const tbody = el("tbody", {});
    for (const p of g.partitions) {
      const lagging = p.lagRecords > 0;
      tbody.append(el("tr", { "data-group": g.groupId, "data-topic": p.topic, "data-partition": p.partition },
        cell(p.topic), cell(p.partition), cell(p.committedOffset, { class: "committed" }),
        cell(p.logEndOffset, { class: "log-end" }),
        cell(p.lagRecords, { class: lagging ? "lag lagging" : "lag" }),
        cell(p.lagSeconds === null || p.lagSeconds === undefined ? null : p.lagSeconds.toFixed(1), { class: "lag-seconds" }),
        cell(p.owner, { class: "owner" })));
    }
    table.append(tbody);
    box.append(table);
    root.append(box);
  }
}

// ---- admin actions (drawn only when the node enables them) ----

function button(label, onClick, attrs) {
  const b = el("button", Object.assign({ type: "button", class: "admin-control" }, attrs || {}), label);
  b.addEventListener("click", onClick);
  return b;
}

function topicActions(topic) {
  const q = "?topic=" + encodeURIComponent(topic);
  return el("td", { class: "admin-control" },
    button("elect preferred leaders", () => act("/api/admin/partitions/elect-preferred" + q, null), { "data-action": "elect" }),
    " ",
    button("delete", () => act("/api/admin/topics/delete?name=" + encodeURIComponent(topic),
      "Delete topic " + topic + " and all its records?"), { "data-action": "delete", class: "admin-control danger" }));
}

function groupActions(g) {
  const box = el("div", { class: "admin-control group-actions" });
  const members = g.members.length;
  for (const to of ["earliest", "latest"]) {
    const path = "/api/admin/groups/reset-offsets?group=" + encodeURIComponent(g.groupId) + "&to=" + to;
    box.append(button("reset offsets to " + to, () => act(path, "Reset every committed offset of group " + g.groupId
      + " to the " + (to === "earliest" ? "log start" : "log end") + "?"), members ? { disabled: "", title: "the group has members" } : {}), " ");
  }
  if (members) box.append(el("span", { class: "muted" }, "stop the group's consumers to reset its offsets"));
  return box;
}

function renderAdminPanel() {
  const existing = document.getElementById("admin-section");
  if (!adminEnabled) {
    if (existing) existing.remove();
    return;
  }
  if (existing) return; // drawn once, so that what is typed in the form survives the refreshes
  const name = el("input", { id: "new-topic-name", placeholder: "topic name", required: "" });
  const partitions = el("input", { id: "new-topic-partitions", type: "number", min: "1", placeholder: "partitions (default)" });
  const rf = el("input", { id: "new-topic-rf", type: "number", min: "1", placeholder: "replication factor (default)" });
  const form = el("form", { id: "create-topic", class: "admin-control" }, name, partitions, rf,
    el("button", { type: "submit" }, "create topic"));
  form.addEventListener("submit", ev => {
    ev.preventDefault();
    let path = "/api/admin/topics/create?name=" + encodeURIComponent(name.value.trim());
    if (partitions.value) path += "&partitions=" + encodeURIComponent(partitions.value);
    if (rf.value) path += "&replicationFactor=" + encodeURIComponent(rf.value);
    act(path, null);
  });
  const section = el("section", { id: "admin-section", class: "admin-control" }, el("h2", {}, "Admin"),
    el("p", { class: "muted" }, "This node enables the console's admin actions (kayak.console.admin.enable=true)."),
    form, el("p", { id: "admin-result", class: "muted" }, ""));
  document.querySelector("main").prepend(section);
}

async function act(path, question) {
  if (question && !confirm(question)) return;
  const out = document.getElementById("admin-result");
  out.textContent = "working: " + path;
  out.className = "muted";
  try {
    const r = await fetch(path, { method: "POST", cache: "no-store" });
    const body = await r.json().catch(() => ({}));
    out.textContent = (r.ok ? "done: " : "refused (" + r.status + "): ") + (body.error || JSON.stringify(body));
    out.className = r.ok ? "ok" : "error";
  } catch (e) {
    out.textContent = "failed: " + e.message;
    out.className = "error";
  }
  refresh();
}

async function refresh() {
  const status = document.getElementById("status");
  try {
    const [cluster, topics, groups] = await Promise.all([getJson("/api/cluster"), getJson("/api/topics"), getJson("/api/groups")]);
    renderCluster(cluster);
    renderTopics(topics);
    renderGroups(groups);
    status.textContent = "updated " + new Date().toLocaleTimeString();
    status.className = "muted";
  } catch (e) {
    status.textContent = "refresh failed: " + e.message;
    status.className = "error";
  }
}

function schedule() {
  if (timer) clearInterval(timer);
  timer = document.getElementById("auto-refresh").checked ? setInterval(refresh, REFRESH_MS) : null;
}

document.getElementById("interval").textContent = REFRESH_MS / 1000;
document.getElementById("auto-refresh").addEventListener("change", schedule);
refresh();
schedule();
