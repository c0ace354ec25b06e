// tautrait web report: the episode list, its filters and the trajectory viewer.
// All data comes from the embedded JSON; model output is only ever set as text.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("tautrait-data").textContent);
  var episodes = data.episodes;
  var list = document.getElementById("ep-list");
  var count = document.getElementById("ep-count");
  var filters = {
    outcome: document.getElementById("f-outcome"),
    domain: document.getElementById("f-domain"),
    arm: document.getElementById("f-arm"),
    agent: document.getElementById("f-agent"),
    search: document.getElementById("f-search")
  };

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function pretty(value) {
    if (typeof value === "string") {
      try { return JSON.stringify(JSON.parse(value), null, 2); } catch (e) { return value; }
    }
    return JSON.stringify(value, null, 2);
  }

  function contentText(content) {
    if (content === null || content === undefined) return "";
    if (typeof content === "string") return content;
    if (Array.isArray(content)) {
      return content.map(function (part) {
        return part && typeof part === "object" && "text" in part ? part.text : JSON.stringify(part);
      }).join("\n");
    }
    return JSON.stringify(content);
  }

  function searchText(ep) {
    var parts = [ep.task_id, ep.arm, ep.domain, ep.agent, ep.run_id, ep.termination];
    ep.messages.forEach(function (m) {
      parts.push(contentText(m.content));
      (m.tool_calls || []).forEach(function (c) {
        var f = c["function"] || {};
        parts.push(f.name || "", typeof f.arguments === "string" ? f.arguments : JSON.stringify(f.arguments || {}));
      });
    });
    if (ep.error) parts.push(ep.error.kind, ep.error.message);
    return parts.join("\n").toLowerCase();
  }

  function metaRow(dl, key, value, asCode) {
    dl.appendChild(el("dt", null, key));
    var dd = el("dd");
    if (asCode) dd.appendChild(el("pre", null, pretty(value)));
    else dd.textContent = String(value);
    dl.appendChild(dd);
  }

  function usage(u) {
    var cost = u.cost === null || u.cost === undefined ? "cost unknown" : "$" + Number(u.cost).toFixed(4);
    return (u.prompt_tokens + u.completion_tokens) + " tokens (" + u.prompt_tokens + " prompt + " +
      u.completion_tokens + " completion), " + u.calls + " calls, " + cost;
  }

  // The manipulation check of one user turn: trait -> projection, as a short label.
  function exprText(values) {
    if (!values) return "";
    return Object.keys(values).map(function (t) {
      var v = Number(values[t]);
      return t + " " + (v >= 0 ? "+" : "") + v.toFixed(2);
    }).join(" · ");
  }

  function turn(m, expr) {
    var role = m.role || "?";
    var box = el("div", "turn role-" + role);
    var who = role;
    if (role === "tool") who = "tool result: " + (m.name || "") + (m.outcome ? " (" + m.outcome + ")" : "");
    if (role === "user" && m.stop) who += " (ends the conversation)";
    if (role === "user" && m.intensities) who += " [scheduled: " + Object.keys(m.intensities).map(function (k) { return k + " " + m.intensities[k]; }).join(", ") + "]";
    var head = el("div", "who" + (m.outcome ? " outcome-" + m.outcome : ""), who);
    if (expr) head.appendChild(el("span", "expr", "expression: " + exprText(expr)));
    box.appendChild(head);
    var text = contentText(m.content);
    if (text) box.appendChild(el("div", "text", text));
    (m.tool_calls || []).forEach(function (c) {
      var f = c["function"] || {};
      var call = el("div", "tool-call");
      call.appendChild(el("strong", null, "tool call: " + (f.name || "?")));
      if (c.id) call.appendChild(el("span", "meta", " " + c.id));
      call.appendChild(el("pre", "args", pretty(f.arguments === undefined ? {} : f.arguments)));
      box.appendChild(call);
    });
    if (m.raw && m.raw !== m.content) box.appendChild(el("pre", "raw", "raw: " + m.raw));
    return box;
  }

  function body(ep) {
    var wrap = el("div", "ep-body");
    var dl = el("dl", "ep-meta");
    metaRow(dl, "episode", ep.episode_id);
    metaRow(dl, "trajectory", ep.where);
    metaRow(dl, "reward", ep.reward === null ? "not scored (infrastructure error)" : ep.reward);
    metaRow(dl, "ended by", ep.termination);
    metaRow(dl, "steps / tool calls", ep.steps + " / " + ep.tool_calls);
    metaRow(dl, "steering", ep.steering, true);
    if (ep.reward_breakdown) metaRow(dl, "reward breakdown", ep.reward_breakdown, true);
    if (ep.error) metaRow(dl, "error", ep.error, true);
    metaRow(dl, "agent usage", usage(ep.agent_usage));
    metaRow(dl, "user usage", usage(ep.user_usage));
    if (ep.counterparts.length) {
      var dt = el("dt", null, "same task and trial");
      var dd = el("dd");
      ep.counterparts.forEach(function (c, i) {
        if (i) dd.appendChild(document.createTextNode(", "));
        var a = el("a", "ep-link", c.arm);
        a.href = "#" + c.id;
        dd.appendChild(a);
      });
      dl.appendChild(dt);
      dl.appendChild(dd);
      var open = el("button", "sbs-open", "side by side");
      open.type = "button";
      open.addEventListener("click", function () { location.hash = "sbs-" + ep.id; });
      dd.appendChild(document.createTextNode(" "));
      dd.appendChild(open);
    }
    wrap.appendChild(dl);
    var turns = el("div", "turns");
    var userTurn = 0;
    ep.messages.forEach(function (m) {
      var expr = null;
      if (m.role === "user") {
        expr = ep.expression ? ep.expression[userTurn] : null;
        userTurn += 1;
      }
      turns.appendChild(turn(m, expr));
    });
    wrap.appendChild(turns);
    return wrap;
  }

  function row(ep) {
    var details = el("details", "episode");
    details.id = ep.id;
    var summary = el("summary");
    summary.appendChild(el("span", "badge " + ep.outcome, ep.outcome === "infra_error" ? "infra error" : ep.outcome));
    if (ep.flip) summary.appendChild(el("span", "flip " + ep.flip, ep.flip === "lost" ? "flipped: lost vs baseline" : "flipped: gained vs baseline"));
    summary.appendChild(el("span", "task", ep.task_id + " · trial " + ep.trial));
    summary.appendChild(el("span", "arm", ep.arm));
    summary.appendChild(el("span", "meta", ep.domain + " / " + ep.agent));
    summary.appendChild(el("span", "meta", ep.messages.length + " messages · " + ep.termination));
    details.appendChild(summary);
    details.addEventListener("toggle", function () {
      if (details.open && !details.dataset.rendered) {
        details.appendChild(body(ep));
        details.dataset.rendered = "1";
      }
    });
    return details;
  }

  var nodes = episodes.map(function (ep) {
    var node = row(ep);
    list.appendChild(node);
    return { ep: ep, node: node, text: null };
  });

  function apply() {
    var outcome = filters.outcome.value, domain = filters.domain.value, arm = filters.arm.value,
      agent = filters.agent.value, query = filters.search.value.trim().toLowerCase();
    var shown = 0;
    nodes.forEach(function (item) {
      var ep = item.ep;
      var ok = (!outcome || (outcome === "flipped" ? !!ep.flip : ep.outcome === outcome)) &&
        (!domain || ep.domain === domain) && (!arm || ep.arm === arm) && (!agent || ep.agent === agent);
      if (ok && query) {
        if (item.text === null) item.text = searchText(ep);
        ok = item.text.indexOf(query) !== -1;
      }
      item.node.hidden = !ok;
      if (ok) shown += 1;
    });
    count.textContent = shown + " of " + nodes.length + " episodes";
  }

  function reset() {
    ["outcome", "domain", "arm", "agent", "search"].forEach(function (k) { filters[k].value = ""; });
    apply();
  }

  // Side by side: an episode and its counterparts (same run, task and trial), the
  // baseline first, one row per user turn with what the agent said before it.
  var byId = {};
  episodes.forEach(function (ep) { byId[ep.id] = ep; });
  var sbs = document.getElementById("side-by-side");

  function rounds(ep) {
    var out = [], agent = [], userTurn = 0;
    ep.messages.forEach(function (m) {
      if (m.role === "assistant" && contentText(m.content)) agent.push(contentText(m.content));
      if (m.role === "user") {
        out.push({ agent: agent.join("\n"), user: contentText(m.content),
          expr: ep.expression ? ep.expression[userTurn] : null });
        agent = [];
        userTurn += 1;
      }
    });
    if (agent.length) out.push({ agent: agent.join("\n"), user: null, expr: null });
    return out;
  }

  function sideBySide(ep) {
    var group = [ep].concat(ep.counterparts.map(function (c) { return byId[c.id]; })).filter(Boolean);
    group.sort(function (a, b) { return (a.arm === "baseline" ? 0 : 1) - (b.arm === "baseline" ? 0 : 1); });
    document.getElementById("sbs-title").textContent = ep.task_id + " · trial " + ep.trial +
      " · " + ep.domain + " / " + ep.agent + " · run " + ep.run_id;
    var table = el("table", "sbs");
    var head = el("tr");
    head.appendChild(el("th", null, "user turn"));
    group.forEach(function (g) {
      var th = el("th", "sbs-arm");
      var a = el("a", "ep-link", g.arm + " (" + (g.outcome === "infra_error" ? "infra error" : g.outcome) + ")");
      a.href = "#" + g.id;
      th.appendChild(a);
      head.appendChild(th);
    });
    var thead = el("thead");
    thead.appendChild(head);
    table.appendChild(thead);
    var cols = group.map(rounds);
    var n = Math.max.apply(null, cols.map(function (c) { return c.length; }));
    var tbody = el("tbody");
    for (var i = 0; i < n; i++) {
      var tr = el("tr", "sbs-turn");
      tr.appendChild(el("td", null, String(i + 1)));
      cols.forEach(function (c) {
        var td = el("td");
        var r = c[i];
        if (r) {
          if (r.agent) td.appendChild(el("div", "agent-said", "agent: " + r.agent));
          if (r.user !== null) td.appendChild(el("div", "user-said", r.user));
          if (r.expr) td.appendChild(el("div", "expr", "expression: " + exprText(r.expr)));
        }
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    }
    table.appendChild(tbody);
    var target = document.getElementById("sbs-body");
    target.textContent = "";
    target.appendChild(table);
    sbs.hidden = false;
    sbs.scrollIntoView({ block: "start" });
  }

  document.getElementById("sbs-close").addEventListener("click", function () {
    sbs.hidden = true;
    if (location.hash.indexOf("#sbs-") === 0) history.replaceState(null, "", location.pathname);
  });

  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (id.indexOf("sbs-") === 0 && byId[id.slice(4)]) { sideBySide(byId[id.slice(4)]); return; }
    if (id.indexOf("ep-") !== 0) return;
    var node = document.getElementById(id);
    if (!node) return;
    if (node.hidden) reset();
    node.open = true;
    node.scrollIntoView({ block: "start" });
  }

  ["outcome", "domain", "arm", "agent"].forEach(function (k) { filters[k].addEventListener("change", apply); });
  filters.search.addEventListener("input", apply);
  document.getElementById("f-reset").addEventListener("click", reset);
  window.addEventListener("hashchange", reveal);
  apply();
  reveal();
})();
