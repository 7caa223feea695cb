// The shard status page: fetches /status every 2 s and renders it. No framework, no external resources.
"use strict";

const refreshMs = 2000;
// Last sample of each shard's event counter and the rate shown, keyed by shard and silo (a counter restarts on another silo).
const previous = new Map();

function text(value) {
  return value === null || value === undefined || value === "" ? "–" : String(value);
}

function age(from, now) {
  if (!from) return "–";
  let s = Math.max(0, Math.round((Date.parse(now) - Date.parse(from)) / 1000));
  if (s < 60) return s + " s";
  const m = Math.floor(s / 60);
  if (m < 60) return m + " m " + (s % 60) + " s";
  const h = Math.floor(m / 60);
  if (h < 48) return h + " h " + (m % 60) + " m";
  return Math.floor(h / 24) + " d " + (h % 24) + " h";
}

function cell(row, value, className) {
  const td = document.createElement("td");
  td.textContent = value;
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}

// The rate over at least minRateWindowMs of the silo's clock, so two refreshes close together do not make it jump.
const minRateWindowMs = 1000;

function eventsPerSecond(shard, now) {
  const key = shard.shard + "/" + shard.total + "@" + shard.silo;
  const sample = { count: shard.eventsPublished || 0, at: Date.parse(now) };
  const last = previous.get(key);
  if (!last || sample.count < last.count || sample.at < last.at) {
    previous.set(key, { ...sample, rate: "–" });
    return "–";
  }
  if (sample.at - last.at < minRateWindowMs) return last.rate;
  const rate = ((sample.count - last.count) * 1000 / (sample.at - last.at)).toFixed(1);
  previous.set(key, { ...sample, rate });
  return rate;
}

function renderShards(status) {
  const body = document.querySelector("#shards tbody");
  const rows = [];
  for (const shard of status.shards) {
    const row = document.createElement("tr");
    row.dataset.shard = shard.shard;
    const state = shard.state || "Unplaced";
    row.dataset.state = state;
    cell(row, shard.shard, "num");
    cell(row, shard.generation && shard.generation !== "in_service" ? shard.total + " (" + shard.generation + ")" : text(shard.total), "num");
    cell(row, text(shard.silo));
    cell(row, state, "state state-" + state);
    cell(row, state === "Active" ? age(shard.stateSince, status.now) : "–", "num");
    cell(row, shard.lastEventAt ? age(shard.lastEventAt, status.now) + " ago" : "–", "num");
    cell(row, eventsPerSecond(shard, status.now), "num");
    cell(row, shard.heartbeatMs === null || shard.heartbeatMs === undefined ? "–" : shard.heartbeatMs.toFixed(1) + " ms", "num");
    cell(row, text(shard.resumes), "num");
    cell(row, text(shard.identifies), "num");
    cell(row, text(shard.reconnects), "num");
    cell(row, text(shard.lastCloseCode), "num");
    cell(row, text(shard.fatalReason), "reason");
    rows.push(row);
  }
  body.replaceChildren(...rows);
}

function renderIdentify(identify, now) {
  const pairs = [
    ["Remaining today", identify.remaining + " of " + identify.total + (identify.reserve ? " (reserve " + identify.reserve + ")" : "")],
    ["Resets in", identify.resetAt ? age(now, identify.resetAt) : "–"],
    ["Max concurrency", text(identify.maxConcurrency)],
    ["Waiting shards", text(identify.waitingShards)],
    ["Budget exhausted", identify.budgetExhausted ? "yes" : "no"],
    ["Grants / refusals", identify.grants + " / " + identify.refusals],
    ["Failed identifies", text(identify.failedIdentifies)],
  ];
  const body = document.querySelector("#identify tbody");
  body.replaceChildren(...pairs.map(([name, value]) => {
    const row = document.createElement("tr");
    const th = document.createElement("th");
    th.textContent = name;
    row.appendChild(th);
    cell(row, value);
    return row;
  }));
}

function renderSilos(status) {
  const counts = new Map(status.activeSilos.map((silo) => [silo, 0]));
  for (const shard of status.shards) {
    if (shard.silo) counts.set(shard.silo, (counts.get(shard.silo) || 0) + 1);
  }
  const body = document.querySelector("#silos tbody");
  body.replaceChildren(...[...counts].map(([silo, shards]) => {
    const row = document.createElement("tr");
    row.dataset.silo = silo;
    cell(row, silo);
    cell(row, shards, "num");
    return row;
  }));
}

function render(status) {
  const active = status.shards.filter((s) => s.state === "Active").length;
  document.getElementById("summary").textContent =
    active + " of " + status.shards.length + " shards active (shard total " + status.shardTotal + ") on " +
    status.activeSilos.length + " silo(s)";
  const reshard = document.getElementById("reshard");
  if (status.reshard) {
    const run = status.reshard;
    reshard.textContent = "Resharding run " + run.run + ": " + run.from + " → " + run.to + " shards, " + run.state +
      (run.cutover ? ", cut-over " + new Date(run.cutover).toISOString().replace("T", " ").slice(0, 23) + " UTC" : "") +
      (run.endedAt ? ", ended " + age(run.endedAt, status.now) + " ago" : "") + ".";
    reshard.hidden = false;
  } else {
    reshard.hidden = true;
  }
  renderShards(status);
  renderIdentify(status.identify, status.now);
  renderSilos(status);
  document.getElementById("version").textContent = status.version ? "Sharder " + status.version + "." : "";
  document.getElementById("updated").textContent = "Updated " + new Date(status.now).toISOString().replace("T", " ").slice(0, 19) + " UTC.";
}

async function refresh() {
  const error = document.getElementById("error");
  try {
    const response = await fetch("/status", { cache: "no-store", credentials: "same-origin" });
    if (!response.ok) throw new Error("/status answered " + response.status);
    render(await response.json());
    error.hidden = true;
    document.body.dataset.loaded = "true";
  } catch (e) {
    error.textContent = "Could not refresh: " + e.message;
    error.hidden = false;
  } finally {
    setTimeout(refresh, refreshMs);
  }
}

refresh();
