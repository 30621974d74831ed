// The inbox page of pytest-sesmock's server: what the server holds, read from the JSON API next
// to this file (/_sesmock/), live. Every value shown may come from an email a stranger sent, so
// the page builds its DOM with createElement and text nodes only: no innerHTML, no markup from
// data, no links from data. An email's HTML is shown in an iframe sandboxed with no permissions
// at all (no scripts, an opaque origin), loaded from messages/ID/html.
"use strict";

(function () {
  const POLL_MS = 1000;
  const state = { revision: null, openId: null, shown: {} };

  // --- DOM helpers: text only --------------------------------------------------------------

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "class") node.className = value;
      else node.setAttribute(name, String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function replace(node, ...children) {
    node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined));
  }

  function chip(text, kind, title) {
    return el("span", { class: "chip" + (kind ? " " + kind : ""), title: title }, text);
  }

  function pre(value, cls) {
    const text = typeof value === "string" ? value : JSON.stringify(value, null, 2);
    return el("pre", { class: cls || null }, text);
  }

  function list(values) {
    return Array.isArray(values) ? values.join(", ") : values == null ? "" : String(values);
  }

  function when(iso) {
    const date = new Date(iso);
    if (!iso || isNaN(date)) return el("time", {}, iso == null ? "" : String(iso));
    const shown = date.toLocaleTimeString([], { hour12: false }) + "." +
      String(date.getMilliseconds()).padStart(3, "0");
    return el("time", { datetime: date.toISOString(), title: String(iso) }, shown);
  }

  function outcomeKind(outcome) {
    const text = String(outcome || "").toLowerCase();
    if (/bounce|complain|reject|suppress|fail/.test(text)) return "bad";
    if (/delay/.test(text)) return "warn";
    if (/deliver/.test(text)) return "good";
    return "";
  }

  // --- fetching ----------------------------------------------------------------------------

  async function getJSON(path) {
    const response = await fetch(path, { cache: "no-store", headers: { Accept: "application/json" } });
    let body = null;
    try {
      body = await response.json();
    } catch (error) {
      body = null;
    }
    if (!response.ok) {
      const problem = (body && body.error) || {};
      const failure = new Error(problem.message || "HTTP " + response.status);
      failure.status = response.status;
      throw failure;
    }
    return body;
  }

  // Re-render a part only when what the server says of it changed (an iframe reloaded every
  // second would flicker and lose its scroll).
  function changed(key, value) {
    const text = JSON.stringify(value);
    if (state.shown[key] === text) return false;
    state.shown[key] = text;
    return true;
  }

  // --- header ------------------------------------------------------------------------------

  // health.store: {"limit": {"messages": N, ...}, "held": {...}, "dropped": {...}}; a limit is
  // null for a store that keeps everything.
  function renderStore(health) {
    const store = (health && health.store) || {};
    const held = store.held || {};
    const dropped = store.dropped || {};
    const limit = store.limit || {};
    const parts = [];
    for (const name of new Set([...Object.keys(held), ...Object.keys(dropped)])) {
      const lost = Number(dropped[name]) || 0;
      parts.push(el("span", { class: "stat" }, el("b", {}, held[name] ?? 0), " " + name,
        lost ? chip(lost + " dropped", "bad dropped", "The store keeps the newest " +
          (limit[name] ?? "") + " " + name + "; it let " + lost + " older ones go") : null));
    }
    const where = [health.region, health.account].filter(Boolean).join(" · ");
    if (limit.messages != null) {
      parts.push(el("span", { class: "stat dim" }, "newest " + limit.messages + " kept"));
    }
    if (where) parts.push(el("span", { class: "stat dim" }, where));
    replace(document.getElementById("store"), parts);
  }

  function setLive(ok, error) {
    const live = document.getElementById("live");
    live.className = "live " + (ok ? "ok" : "down");
    live.textContent = ok ? "live" : "disconnected";
    live.title = ok ? "Polls /_sesmock/health every second" : "Cannot reach the server: " + (error && error.message);
  }

  function counts(id, listing, noun) {
    const parts = [listing.held + " held"];
    if (listing.dropped) parts.push(listing.dropped + " dropped");
    const node = document.getElementById(id);
    node.textContent = parts.join(" · ");
    node.className = "count" + (listing.dropped ? " has-dropped" : "");
    node.title = listing.dropped ? "The store let go of the oldest " + noun : "";
  }

  // --- configuration sets ------------------------------------------------------------------

  function renderSets(listing) {
    const sets = listing["configuration_sets"] || listing["configuration-sets"] || [];
    const cards = sets.map((set) => {
      const destinations = (set.event_destinations || []).map((d) =>
        el("li", { class: "destination" + (d.enabled === false ? " disabled" : "") },
          el("div", { class: "line" },
            el("b", {}, d.name),
            chip(d.kind || "?", "kind"),
            d.enabled === false ? chip("disabled", "warn") : chip("enabled", "good")),
          el("div", { class: "target mono", title: d.target }, d.target || ""),
          el("div", { class: "types" }, (d.matching_event_types || []).map((t) => chip(t, "type")))));
      return el("div", { class: "set", "data-set-name": set.name },
        el("div", { class: "line" }, el("b", {}, set.name), el("span", { class: "subtle" }, set.region || "")),
        destinations.length ? el("ul", { class: "destinations" }, destinations)
          : el("div", { class: "subtle" }, "no event destinations"));
    });
    replace(document.getElementById("configuration-sets"),
      cards.length ? cards : el("p", { class: "empty" }, "No configuration sets."));
  }

  // --- messages ----------------------------------------------------------------------------

  function messageRow(m) {
    const row = el("li", {
      class: "message" + (m.id === state.openId ? " selected" : ""),
      "data-message-id": m.id, tabindex: "0", role: "button",
    },
      el("div", { class: "line" },
        m.subject ? el("span", { class: "subject" }, m.subject)
          : el("span", { class: "subject none" }, "(no subject)"),
        when(m.time)),
      el("div", { class: "line addresses" },
        el("span", { class: "from", title: m.from }, m.from || ""),
        el("span", { class: "arrow" }, "→"),
        el("span", { class: "to", title: list(m.destinations) }, list(m.to) || list(m.destinations))),
      el("div", { class: "line chips" },
        m.configuration_set ? chip(m.configuration_set, "cset", "configuration set") : null,
        Object.entries(m.tags || {}).map(([k, v]) => chip(k + "=" + v, "tag", "tag")),
        m.outcome ? chip(m.outcome, outcomeKind(m.outcome) + " outcome", "outcome") : null,
        eventCounts(m.events)));
    row.addEventListener("click", () => open(m.id));
    row.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        open(m.id);
      }
    });
    return row;
  }

  function eventCounts(events) {
    if (!events || Array.isArray(events)) return null;
    const published = events.published || 0;
    const unpublished = events.unpublished || 0;
    const dropped = events.dropped || 0;
    if (!published && !unpublished && !dropped) return chip("no events", "", "events");
    let text = published + " published";
    if (unpublished) text += " · " + unpublished + " unpublished";
    if (dropped) text += " · " + dropped + " dropped";
    return chip(text, dropped ? "bad evcount" : unpublished ? "warn evcount" : "good evcount",
      "its events: published, not published (no in-process service took them), dropped by the store");
  }

  function renderMessages(listing) {
    counts("messages-count", listing, "messages");
    const messages = listing.messages || [];
    const node = document.getElementById("messages");
    if (!messages.length) {
      replace(node, el("li", { class: "empty" }, "No messages yet. Point a client's endpoint_url at " +
        location.origin + "/ and send one."));
      return;
    }
    replace(node, messages.map(messageRow));
  }

  function markSelected() {
    for (const row of document.querySelectorAll("#messages li[data-message-id]")) {
      row.classList.toggle("selected", row.getAttribute("data-message-id") === state.openId);
    }
  }

  // --- one message -------------------------------------------------------------------------

  function field(name, value) {
    if (value === null || value === undefined || value === "" ||
        (Array.isArray(value) && !value.length)) return [];
    return [el("dt", {}, name), el("dd", {}, value instanceof Node ? value : list(value))];
  }

  function part(title, id, body, open) {
    const details = el("details", { class: "part", id: id }, el("summary", {}, title), body);
    details.open = open;
    return details;
  }

  function renderEvent(e) {
    const status = e.published
      ? chip("published", "good")
      : chip("not published", "warn", "why: see below");
    return el("li", { class: "event" + (e.published ? "" : " unpublished"), "data-event-type": e.type },
      el("div", { class: "line" },
        el("b", { class: "event-type" }, e.type),
        el("span", { class: "destination-name" }, e.destination || ""),
        chip(e.kind || "?", "kind"),
        status,
        when(e.time)),
      el("div", { class: "target mono", title: e.target }, e.target || ""),
      !e.published && e.delivery ? el("div", { class: "delivery" }, e.delivery) : null,
      e.recipients && e.recipients.length
        ? el("div", { class: "recipients" }, "recipients: " + list(e.recipients)) : null,
      e.record ? part("record", null, pre(e.record, "json"), false) : null,
      e.payload ? part("payload", null, pre(e.payload, "json"), false) : null);
  }

  function renderMessage(m) {
    const node = document.getElementById("message");
    node.setAttribute("data-message-id", m.id);
    const tags = Object.entries(m.tags || {}).map(([k, v]) => chip(k + "=" + v, "tag"));
    const events = Array.isArray(m.events) ? m.events : [];
    const lostEvents = (m.event_counts && m.event_counts.dropped) || 0;
    const iframe = el("iframe", { referrerpolicy: "no-referrer", title: "HTML part", class: "html-frame" });
    // Sandboxed before it gets any content, with nothing allowed: no scripts, an opaque origin,
    // no forms, no popups, no navigating this page.
    iframe.setAttribute("sandbox", "");
    // The HTML part is a page of its own: the server gives it a policy of its own (its styles
    // and inline images show; no script runs, nothing is fetched from anywhere).
    if (m.html != null) iframe.src = "messages/" + encodeURIComponent(m.id) + "/html";
    replace(node,
      el("div", { class: "message-head" },
        el("h2", { class: "subject" + (m.subject ? "" : " none") }, m.subject || "(no subject)"),
        el("button", { type: "button", class: "close", title: "Close" }, "×")),
      el("dl", { class: "meta" },
        field("From", m.from), field("To", m.to), field("Cc", m.cc), field("Bcc", m.bcc),
        field("Time", when(m.time)),
        field("Configuration set", m.configuration_set),
        field("Tags", tags.length ? el("span", {}, tags) : null),
        field("Outcome", m.outcome ? chip(m.outcome, outcomeKind(m.outcome)) : null),
        field("Template", m.template),
        field("Call", [m.api, m.operation, m.region, m.account].filter(Boolean).join(" · ")),
        field("Message ID", el("span", { class: "mono" }, m.id))),
      m.html != null ? part("HTML", "message-html", iframe, true) : null,
      m.text != null ? part("Text", "message-text", pre(m.text, "text"), m.html == null) : null,
      m.template_data != null ? part("Template data", "message-template-data", pre(m.template_data, "json"), false) : null,
      el("section", { id: "events" },
        el("h3", {}, "Events ", el("span", { class: "count" }, String(events.length)),
          lostEvents ? chip(lostEvents + " dropped by the store", "bad") : null),
        events.length ? el("ul", { class: "events" }, events.map(renderEvent))
          : el("p", { class: "empty" }, "No events: the message named no configuration set, or its set has no destination for them.")),
      part(m.raw == null ? "Raw MIME (not a raw send)" : "Raw MIME", "message-raw",
        pre(m.raw == null ? "" : m.raw, "raw"), false));
    node.querySelector("button.close").addEventListener("click", close);
  }

  function renderGone(id) {
    document.getElementById("message").removeAttribute("data-message-id");
    replace(document.getElementById("message"),
      el("p", { class: "empty" }, "Message " + id + " is no longer held (deleted, or dropped by the store)."));
  }

  async function loadMessage() {
    const id = state.openId;
    if (id === null) return;
    try {
      const m = await getJSON("messages/" + encodeURIComponent(id));
      if (state.openId !== id) return;
      if (changed("message", m)) renderMessage(m);
    } catch (error) {
      if (state.openId !== id) return;
      if (error.status === 404) {
        state.shown.message = null;
        renderGone(id);
      } else {
        throw error;
      }
    }
  }

  function open(id) {
    state.openId = id;
    state.shown.message = null;
    markSelected();
    history.replaceState(null, "", "#" + encodeURIComponent(id));
    loadMessage().catch((error) => setLive(false, error));
  }

  function close() {
    state.openId = null;
    state.shown.message = null;
    markSelected();
    history.replaceState(null, "", location.pathname);
    document.getElementById("message").removeAttribute("data-message-id");
    replace(document.getElementById("message"),
      el("p", { class: "empty" }, "Pick a message to see its text, its HTML, its raw MIME and its events."));
  }

  // --- calls -------------------------------------------------------------------------------

  function renderCalls(listing) {
    counts("calls-count", listing, "calls");
    const calls = listing.calls || [];
    const rows = calls.map((c) => {
      const failed = Number(c.status) >= 400 || !!c.error;
      return el("tr", { class: failed ? "error" : null, "data-status": c.status },
        el("td", {}, when(c.time)),
        el("td", {}, c.api || ""),
        el("td", {}, c.operation || ""),
        el("td", {}, c.region || ""),
        el("td", {}, c.configuration_set || ""),
        el("td", { class: "status" }, String(c.status ?? ""),
          c.throttled ? chip("throttled", "warn") : null,
          c.attempt > 1 ? chip("attempt " + c.attempt, "") : null),
        el("td", { class: "error-code" }, c.error || ""),
        el("td", { class: "hint" }, c.hint || ""));
    });
    replace(document.getElementById("calls"),
      rows.length ? rows : el("tr", {}, el("td", { colspan: "8", class: "empty" }, "No calls yet.")));
  }

  // --- polling -----------------------------------------------------------------------------

  async function refresh() {
    const [messages, sets, calls] = await Promise.all(
      [getJSON("messages"), getJSON("configuration-sets"), getJSON("calls")]);
    if (changed("messages", messages)) renderMessages(messages);
    else markSelected();
    if (changed("sets", sets)) renderSets(sets);
    if (changed("calls", calls)) renderCalls(calls);
    document.title = "(" + (messages.held ?? (messages.messages || []).length) + ") pytest-sesmock inbox";
    await loadMessage();
  }

  async function tick() {
    try {
      const health = await getJSON("health");
      setLive(true);
      if (changed("health", [health.store, health.region, health.account])) renderStore(health);
      if (health.revision !== state.revision) {
        state.revision = health.revision;
        try {
          await refresh();
        } catch (error) {
          state.revision = null; // try again on the next tick
          throw error;
        }
      }
    } catch (error) {
      setLive(false, error);
    }
    setTimeout(tick, POLL_MS);
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (location.hash.length > 1) {
      try {
        state.openId = decodeURIComponent(location.hash.slice(1));
      } catch (error) {
        state.openId = null;
      }
    }
    tick();
  });
})();
