// The graphkeras model viewer: draws the embedded, already laid out graph on a canvas.
// Layout happens in Python; this script only places whole blocks when a nested model
// opens in place, draws what intersects the viewport, and answers window.gkViewer.
(function () {
  "use strict";
  var pageStart = performance.now();
  var data = JSON.parse(document.getElementById("gk-data").textContent);
  var F = data.fields;
  var FRAME_PAD = 12, FRAME_LABEL = 20, MIN_SCALE = 0.002, MAX_SCALE = 8;
  var LEVEL_NAMES = { layers: "layers", nodes: "nodes" };
  var FRAME_FONT = "bold 12px DejaVu Sans, Verdana, sans-serif";

  function rows(list, fields) {
    return list.map(function (row) {
      var record = {};
      for (var i = 0; i < fields.length; i++) record[fields[i]] = row[i];
      return record;
    });
  }

  // ------------------------------------------------------------------ data, per level
  var layers = rows(data.layers, F.layer);
  var levels = {};
  Object.keys(data.levels).forEach(function (name) {
    var raw = data.levels[name];
    var level = {
      name: name,
      vertices: rows(raw.vertices, F.vertex),
      edges: rows(raw.edges, F.edge),
      crossings: rows(raw.crossings, F.crossing),
      scopes: rows(raw.scopes, F.scope),
      byScope: {},
    };
    level.vertices.forEach(function (vertex, index) {
      vertex.index = index;
      (level.byScope[vertex.scope] = level.byScope[vertex.scope] || []).push(vertex);
    });
    level.scopes.forEach(function (scope, index) {
      scope.index = index;
      scope.boxes = level.vertices.filter(function (vertex) { return vertex.opens === index; });
    });
    levels[name] = level;
  });

  var state = {
    level: "layers",
    expanded: {},           // scope name -> true; shared by both levels
    view: { scale: 1, tx: 0, ty: 0 },
    selected: null,
    matches: [],
    matchIndex: -1,
    placed: null,
  };

  function currentLevel() { return levels[state.level]; }
  function layerOf(vertex) { return layers[vertex.layer]; }
  function isModelVertex(vertex) { return !!layerOf(vertex).isModel; }

  // ------------------------------------------------------------ placement of one state
  // Each scope keeps its own layout; an open nested model becomes a frame the size of
  // its content, and the boxes below it (or beside it in its rank) move aside.
  function scopeOpen(level, scopeIndex) {
    while (scopeIndex >= 0) {
      var scope = level.scopes[scopeIndex];
      if (!state.expanded[scope.name]) return false;
      scopeIndex = scope.parent;
    }
    return true;
  }

  function placeScope(level, scopeIndex) {
    var members = level.byScope[scopeIndex] || [];
    var local = members.map(function (vertex) {
      return { vertex: vertex, x: vertex.x, y: vertex.y, w: vertex.w, h: vertex.h };
    });
    var width = scopeIndex < 0 ? 0 : level.scopes[scopeIndex].width;
    var height = scopeIndex < 0 ? 0 : level.scopes[scopeIndex].height;
    var opened = local.filter(function (item) {
      return item.vertex.opens !== null && scopeOpen(level, item.vertex.opens);
    }).sort(function (a, b) { return a.y - b.y || a.x - b.x; });
    // At node level a nested model called twice has a box per call but one inside (its
    // calls share their inner nodes, as to_networkx(expand_nested=True) lists them): the
    // first call's box becomes the frame, and the other calls' boxes step aside into it.
    var framed = {};
    opened = opened.filter(function (item) {
      if (framed[item.vertex.opens]) {
        item.hidden = framed[item.vertex.opens];
        return false;
      }
      framed[item.vertex.opens] = item;
      return true;
    });
    var inner = {};
    opened.forEach(function (item) {
      var child = placeScope(level, item.vertex.opens);
      inner[item.vertex.index] = child;
      item.calls = local.filter(function (other) { return other.hidden === item; });
      item.label = frameLabel(item);
      context.font = FRAME_FONT;
      var labelWidth = context.measureText(item.label).width + 12;
      var newW = Math.max(child.width + 2 * FRAME_PAD, labelWidth);
      var newH = child.height + FRAME_PAD + FRAME_LABEL;
      var dw = newW - item.w, dh = newH - item.h;
      var bottom = item.y + item.h, right = item.x + item.w;
      local.forEach(function (other) {
        if (other === item) return;
        if (other.y >= bottom - 0.5) other.y += dh;
        else if (other.y + other.h > item.y && other.x >= right - 0.5) other.x += dw;
      });
      item.w = newW;
      item.h = newH;
    });
    local.forEach(function (item) {
      width = Math.max(width, item.x + item.w + FRAME_PAD);
      height = Math.max(height, item.y + item.h + FRAME_PAD);
    });
    return { local: local, inner: inner, width: width, height: height, scope: scopeIndex,
      shifted: opened.length > 0 };
  }

  function frameLabel(item) {
    var label = layerOf(item.vertex).name + " (" + layerOf(item.vertex).className + ")";
    if (!item.calls.length) return label;
    var keys = [item].concat(item.calls).map(function (call) { return call.vertex.key; });
    return label + " \u00b7 \u00d7" + keys.length + " calls: " + keys.join(", ");
  }

  function absolutise(level, placed, ox, oy, rects, frames, origins) {
    // A scope's routes hold while none of its nested models is open (nothing moved).
    origins[placed.scope] = { x: ox, y: oy, routed: !placed.shifted };
    placed.local.forEach(function (item) {
      if (item.hidden) return;
      var x = ox + item.x, y = oy + item.y;
      var child = placed.inner[item.vertex.index];
      if (child) {
        frames.push({ vertex: item.vertex, x: x, y: y, w: item.w, h: item.h, label: item.label,
          aliases: item.calls.map(function (call) { return call.vertex.key; }) });
        absolutise(level, child, x + FRAME_PAD, y + FRAME_LABEL, rects, frames, origins);
      } else {
        rects.push({ vertex: item.vertex, x: x, y: y, w: item.w, h: item.h });
      }
    });
  }

  // The box an endpoint shows as: itself, or the outermost closed nested model around it.
  function shownAs(level, vertex, throughBoxes) {
    var chain = [];
    for (var s = vertex.scope; s >= 0; s = level.scopes[s].parent) chain.unshift(s);
    for (var i = 0; i < chain.length; i++) {
      if (!state.expanded[level.scopes[chain[i]].name]) {
        var scope = level.scopes[chain[i]];
        for (var j = 0; j < throughBoxes.length; j++) {
          if (throughBoxes[j].opens === scope.index) return throughBoxes[j];
        }
        return scope.boxes[0];
      }
    }
    return vertex;
  }

  // Edges into (or out of) one box meet its border at spread points, ordered by the
  // other end's position, so calls of a shared layer and their labels stay apart.
  function spreadEnds(edges) {
    var into = {}, out = {};
    edges.forEach(function (edge) {
      (into[edge.to.vertex.index] = into[edge.to.vertex.index] || []).push(edge);
      (out[edge.from.vertex.index] = out[edge.from.vertex.index] || []).push(edge);
    });
    function spread(groups, other, field) {
      Object.keys(groups).forEach(function (key) {
        var group = groups[key];
        group.sort(function (a, b) { return a[other].x - b[other].x; });
        group.forEach(function (edge, i) { edge[field] = (i + 1) / (group.length + 1); });
      });
    }
    spread(into, "from", "toAt");
    spread(out, "to", "fromAt");
  }

  function place() {
    var level = currentLevel();
    var rects = [], frames = [];
    var top = placeScope(level, -1);
    var origins = {};
    absolutise(level, top, 0, 0, rects, frames, origins);
    var byIndex = {};
    rects.forEach(function (rect) { byIndex[rect.vertex.index] = rect; });
    var edges = [];
    level.edges.forEach(function (edge) {
      var from = byIndex[edge.from], to = byIndex[edge.to];
      if (!from || !to) return;
      var origin = origins[from.vertex.scope], points = null;
      if (origin && origin.routed && edge.route.length >= 4) {
        points = [];
        for (var i = 0; i < edge.route.length; i += 2) points.push([origin.x + edge.route[i], origin.y + edge.route[i + 1]]);
      }
      edges.push({ from: from, to: to, label: edge.label, points: points });
    });
    level.crossings.forEach(function (edge) {
      var through = edge.through.map(function (i) { return level.vertices[i]; });
      var anyOpen = through.some(function (box) { return scopeOpen(level, box.opens); });
      if (!anyOpen) return;
      var source = shownAs(level, level.vertices[edge.from], through);
      var target = shownAs(level, level.vertices[edge.to], through);
      if (source === target || !byIndex[source.index] || !byIndex[target.index]) return;
      var label = edge.label;
      edge.sourceLabels.forEach(function (pair) { if (pair[0] === source.index) label = pair[1]; });
      edges.push({ from: byIndex[source.index], to: byIndex[target.index], label: label, points: null });
    });
    spreadEnds(edges);
    var order = rects.slice().sort(function (a, b) { return a.y - b.y || a.x - b.x; });
    order.forEach(function (rect, i) { rect.order = i; });
    state.placed = { rects: rects, frames: frames, edges: edges, byIndex: byIndex, order: order,
      width: top.width, height: top.height, byKey: {}, frameByKey: {} };
    rects.forEach(function (rect) { state.placed.byKey[rect.vertex.key] = rect; });
    frames.forEach(function (frame) {
      state.placed.frameByKey[frame.vertex.key] = frame;
      frame.aliases.forEach(function (key) { state.placed.frameByKey[key] = frame; });
    });
    var sharedCalls = {};
    rects.forEach(function (rect) {
      (sharedCalls[rect.vertex.layer] = sharedCalls[rect.vertex.layer] || []).push(rect.vertex.key);
    });
    state.placed.callsOfLayer = sharedCalls;
  }

  // ---------------------------------------------------------------------- drawing
  var canvas = document.getElementById("gk-canvas");
  var context = canvas.getContext("2d");
  var colors = {};
  function readColors() {
    var style = getComputedStyle(document.documentElement);
    ["bg", "fg", "box", "box-stroke", "input", "input-stroke", "shared", "shared-stroke", "model",
      "model-stroke", "frame", "edge", "select", "match", "text", "subtext", "badge", "badge-text"]
      .forEach(function (name) { colors[name] = style.getPropertyValue("--gk-" + name).trim(); });
  }

  function boxStyle(rect) {
    var vertex = rect.vertex, layer = layerOf(vertex);
    if (layer.isModel) return ["model", "model-stroke", 1.4];
    if (vertex.calls > 1) return ["shared", "shared-stroke", 2.6];
    if (layer.className === "InputLayer") return ["input", "input-stroke", 1.2];
    return ["box", "box-stroke", 1.2];
  }

  function highlightedSet() {
    var set = {};
    highlightedIds().forEach(function (id) { set[id] = true; });
    return set;
  }

  var drawPending = false;
  function requestDraw() {
    if (drawPending) return;
    drawPending = true;
    requestAnimationFrame(function () { drawPending = false; draw(); });
  }

  function resizeCanvas() {
    var ratio = window.devicePixelRatio || 1;
    var width = Math.max(1, canvas.clientWidth), height = Math.max(1, canvas.clientHeight);
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    return ratio;
  }

  function visibleWorld() {
    var v = state.view;
    return { x0: -v.tx / v.scale, y0: -v.ty / v.scale,
      x1: (canvas.clientWidth - v.tx) / v.scale, y1: (canvas.clientHeight - v.ty) / v.scale };
  }

  function intersects(rect, world) {
    return rect.x <= world.x1 && rect.x + rect.w >= world.x0 && rect.y <= world.y1 && rect.y + rect.h >= world.y0;
  }

  // Where an edge runs: its route from the layout when it has one (a polyline that
  // passes no box), else a curve from the source's bottom to the target's top.
  function edgeBounds(edge) {
    if (edge.points) {
      var xs = edge.points.map(function (p) { return p[0]; }), ys = edge.points.map(function (p) { return p[1]; });
      var n = edge.points.length, middle = Math.floor((n - 1) / 2);
      var left = Math.min.apply(null, xs), top = Math.min.apply(null, ys);
      return { x: left, y: top, w: Math.max.apply(null, xs) - left, h: Math.max.apply(null, ys) - top,
        points: edge.points, x0: edge.points[0][0], y0: edge.points[0][1], x1: edge.points[n - 1][0], y1: edge.points[n - 1][1],
        labelX: (edge.points[middle][0] + edge.points[middle + 1][0]) / 2, labelY: (edge.points[middle][1] + edge.points[middle + 1][1]) / 2,
        tipFrom: edge.points[n - 2] };
    }
    var x0 = edge.from.x + edge.from.w * edge.fromAt, y0 = edge.from.y + edge.from.h;
    var x1 = edge.to.x + edge.to.w * edge.toAt, y1 = edge.to.y;
    // A long (or backward) edge bows out to the right, off the boxes it would cross.
    var span = Math.abs(y1 - y0), bend = Math.max(18, span / 2);
    var bow = span > 120 || y1 < y0 ? Math.min(400, 40 + span * 0.08) : 0;
    return { x: Math.min(x0, x1), y: Math.min(y0, y1) - (y1 < y0 ? bend : 0), w: Math.abs(x1 - x0) + bow, h: span + (y1 < y0 ? 2 * bend : 0),
      x0: x0, y0: y0, x1: x1, y1: y1, bend: bend, bow: bow,
      labelX: (x0 + x1) / 2 + 0.75 * bow, labelY: (y0 + y1) / 2, tipFrom: [x1 + bow, y1 - bend] };
  }

  // The edge's path as [command, numbers...] steps: shared by the canvas and the SVG export.
  function edgePath(b) {
    var steps = [];
    if (b.points) {
      b.points.forEach(function (p, i) { steps.push([i ? "L" : "M", p[0], p[1]]); });
    } else {
      steps.push(["M", b.x0, b.y0], ["C", b.x0 + b.bow, b.y0 + b.bend, b.x1 + b.bow, b.y1 - b.bend, b.x1, b.y1]);
    }
    var dx = b.x1 - b.tipFrom[0], dy = b.y1 - b.tipFrom[1], length = Math.sqrt(dx * dx + dy * dy) || 1;
    var ux = dx / length, uy = dy / length;
    steps.push(["M", b.x1 - 7 * ux - 4 * uy, b.y1 - 7 * uy + 4 * ux], ["L", b.x1, b.y1],
      ["L", b.x1 - 7 * ux + 4 * uy, b.y1 - 7 * uy - 4 * ux]);
    return steps;
  }

  function draw() {
    var ratio = resizeCanvas();
    var v = state.view, placed = state.placed, world = visibleWorld();
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.fillStyle = colors.bg;
    context.fillRect(0, 0, canvas.clientWidth, canvas.clientHeight);
    context.setTransform(ratio * v.scale, 0, 0, ratio * v.scale, ratio * v.tx, ratio * v.ty);
    var detail = v.scale >= 0.35, pixel = 1 / v.scale;
    placed.frames.forEach(function (frame) {
      if (!intersects(frame, world)) return;
      context.fillStyle = colors.frame;
      context.strokeStyle = colors["model-stroke"];
      context.lineWidth = 1.2 * Math.max(1, pixel * 0.8);
      context.setLineDash([6, 4]);
      context.fillRect(frame.x, frame.y, frame.w, frame.h);
      context.strokeRect(frame.x, frame.y, frame.w, frame.h);
      context.setLineDash([]);
    });
    context.strokeStyle = colors.edge;
    context.lineWidth = Math.max(1.2, pixel);
    context.beginPath();
    var labels = [];
    placed.edges.forEach(function (edge) {
      var b = edgeBounds(edge);
      if (!intersects(b, world)) return;
      edgePath(b).forEach(function (step) {
        if (step[0] === "M") context.moveTo(step[1], step[2]);
        else if (step[0] === "L") context.lineTo(step[1], step[2]);
        else context.bezierCurveTo(step[1], step[2], step[3], step[4], step[5], step[6]);
      });
      if (state.level === "nodes" && v.scale >= 0.6) {
        b.label = edge.label;
        labels.push(b);
      }
    });
    context.stroke();
    if (labels.length) {
      context.font = "10px DejaVu Sans, Verdana, sans-serif";
      context.textBaseline = "middle";
      labels.forEach(function (b) {
        var x = b.labelX + 4, y = b.labelY;
        var width = context.measureText(b.label).width;
        context.fillStyle = colors.bg;
        context.fillRect(x - 2, y - 7, width + 4, 14);
        context.fillStyle = colors.subtext;
        context.fillText(b.label, x, y);
      });
    }
    if (detail) {
      // Frame labels over the edges that enter their frames, on the frame's own fill.
      context.font = FRAME_FONT;
      context.textBaseline = "middle";
      placed.frames.forEach(function (frame) {
        if (!intersects(frame, world)) return;
        context.fillStyle = colors.frame;
        context.fillRect(frame.x + 2, frame.y + 2, context.measureText(frame.label).width + 8, FRAME_LABEL - 3);
        context.fillStyle = colors.text;
        context.fillText(frame.label, frame.x + 6, frame.y + FRAME_LABEL / 2 + 1);
      });
    }
    var highlighted = highlightedSet();
    placed.rects.forEach(function (rect) {
      if (!intersects(rect, world)) return;
      var style = boxStyle(rect), key = rect.vertex.key;
      context.fillStyle = colors[style[0]];
      context.strokeStyle = colors[style[1]];
      context.lineWidth = Math.max(style[2], pixel);
      context.beginPath();
      roundedRect(rect.x, rect.y, rect.w, rect.h, detail ? 6 : 0);
      context.fill();
      context.stroke();
      if (style[0] === "model") {
        context.beginPath();
        roundedRect(rect.x + 3.5, rect.y + 3.5, rect.w - 7, rect.h - 7, 4);
        context.stroke();
      }
      if (highlighted[key] || state.selected === key) {
        context.strokeStyle = state.selected === key ? colors.select : colors.match;
        context.lineWidth = Math.max(3, 3 * pixel);
        context.beginPath();
        roundedRect(rect.x - 3, rect.y - 3, rect.w + 6, rect.h + 6, 8);
        context.stroke();
      }
      if (!detail) return;
      var layer = layerOf(rect.vertex);
      var title = state.level === "nodes" ? layer.name + "[" + rect.vertex.nodeIndex + "]" : layer.name;
      context.fillStyle = colors.text;
      context.textBaseline = "middle";
      context.font = "bold 13px DejaVu Sans, Verdana, sans-serif";
      context.fillText(title, rect.x + 10, rect.y + 15, rect.w - 20);
      context.fillStyle = colors.subtext;
      context.font = "11px DejaVu Sans, Verdana, sans-serif";
      context.fillText(layer.className, rect.x + 10, rect.y + 31, rect.w - 20);
      if (rect.vertex.calls > 1) {
        var badge = "\u00d7" + rect.vertex.calls;
        context.font = "bold 10px DejaVu Sans, Verdana, sans-serif";
        var width = context.measureText(badge).width + 8;
        context.fillStyle = colors.badge;
        context.beginPath();
        roundedRect(rect.x + rect.w - width - 4, rect.y + 4, width, 14, 7);
        context.fill();
        context.fillStyle = colors["badge-text"];
        context.fillText(badge, rect.x + rect.w - width, rect.y + 11.5);
      }
    });
    if (!api.ready) {
      api.ready = true;
      api.timings.firstPaintMs = performance.now() - pageStart;
    }
  }

  function roundedRect(x, y, w, h, r) {
    if (!r) { context.rect(x, y, w, h); return; }
    context.moveTo(x + r, y);
    context.arcTo(x + w, y, x + w, y + h, r);
    context.arcTo(x + w, y + h, x, y + h, r);
    context.arcTo(x, y + h, x, y, r);
    context.arcTo(x, y, x + w, y, r);
    context.closePath();
  }

  // -------------------------------------------------------------------- view changes
  function fit() {
    var placed = state.placed;
    var width = Math.max(1, canvas.clientWidth), height = Math.max(1, canvas.clientHeight);
    var scale = Math.min(width / Math.max(placed.width, 1), height / Math.max(placed.height, 1), 1.5);
    scale = Math.max(MIN_SCALE, scale * 0.95);
    state.view = { scale: scale, tx: (width - placed.width * scale) / 2, ty: (height - placed.height * scale) / 2 };
    draw();
    api.timings.lastFitMs = performance.now() - pageStart;
  }

  function zoomAt(factor, sx, sy) {
    var v = state.view;
    var scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, v.scale * factor));
    var wx = (sx - v.tx) / v.scale, wy = (sy - v.ty) / v.scale;
    state.view = { scale: scale, tx: sx - wx * scale, ty: sy - wy * scale };
    requestDraw();
  }

  function panBy(dx, dy) {
    state.view.tx += dx;
    state.view.ty += dy;
    requestDraw();
  }

  function centreOn(key) {
    var rect = findPlaced(key);
    if (!rect) return;
    var v = state.view;
    if (v.scale < 0.5) v.scale = 0.8;
    v.tx = canvas.clientWidth / 2 - (rect.x + rect.w / 2) * v.scale;
    v.ty = canvas.clientHeight / 2 - (rect.y + rect.h / 2) * v.scale;
    requestDraw();
  }

  // The box under a canvas point, else the open nested model whose label strip it is on.
  function boxAt(sx, sy) {
    var v = state.view, wx = (sx - v.tx) / v.scale, wy = (sy - v.ty) / v.scale;
    var rects = state.placed.rects;
    for (var i = rects.length - 1; i >= 0; i--) {
      var r = rects[i];
      if (wx >= r.x && wx <= r.x + r.w && wy >= r.y && wy <= r.y + r.h) return r;
    }
    var frames = state.placed.frames;
    for (var j = frames.length - 1; j >= 0; j--) {
      var f = frames[j];
      if (wx >= f.x && wx <= f.x + f.w && wy >= f.y && wy <= f.y + FRAME_LABEL) return f;
    }
    return null;
  }

  // ------------------------------------------------------------------ selection, panel
  function highlightedIds() {
    if (state.matches.length) return state.matches.slice();
    if (state.selected && state.level === "nodes") {
      var rect = state.placed.byKey[state.selected];
      if (rect && rect.vertex.calls > 1) return state.placed.callsOfLayer[rect.vertex.layer].slice();
    }
    return [];
  }

  // A box, or the frame of an open nested model (selectable by its label strip).
  function findPlaced(id) {
    return state.placed.byKey[id] || state.placed.frameByKey[id] || null;
  }

  function selectedData() {
    var rect = state.selected && findPlaced(state.selected);
    if (!rect) return null;
    var layer = layerOf(rect.vertex);
    var config = Object.assign({ name: layer.name }, data.configs[layer.config]);
    return {
      id: rect.vertex.key,
      name: layer.name,
      className: layer.className,
      config: config,
      calls: layer.calls.map(function (call) {
        call = rows([call], F.call)[0];
        return { nodeIndex: call.nodeIndex, inputShapes: call.inputShapes, outputShapes: call.outputShapes, inbound: call.inbound };
      }),
      params: layer.params,
      weights: rows(layer.weights, F.weight),
    };
  }

  function text(tag, content, className) {
    var element = document.createElement(tag);
    if (content !== undefined) element.textContent = content;
    if (className) element.className = className;
    return element;
  }

  function shapesText(shapes) {
    return shapes.map(function (shape) {
      return shape === null ? "?" : "(" + shape.map(function (s) { return s === null ? "None" : s; }).join(", ") + (shape.length === 1 ? ",)" : ")");
    }).join(", ") || "\u2014";
  }

  // The count as selected() gives it (plain digits), and its size in words when large.
  function paramsText(count) {
    if (count < 10000) return String(count);
    var units = count >= 1e9 ? [1e9, "G"] : count >= 1e6 ? [1e6, "M"] : [1e3, "k"];
    return count + " (" + (count / units[0]).toFixed(1) + " " + units[1] + ")";
  }

  function valueText(value) {
    return typeof value === "string" ? value : JSON.stringify(value);
  }

  function boxLink(key, label) {
    var link = text("a", label);
    link.href = "#";
    link.setAttribute("data-box-id", key);
    link.addEventListener("click", function (event) { event.preventDefault(); api.select(key); centreOn(key); });
    return link;
  }

  function table(headers, body) {
    var element = text("table");
    var head = element.createTHead().insertRow();
    headers.forEach(function (header) { head.appendChild(text("th", header)); });
    var tbody = element.createTBody();
    body.forEach(function (cells) {
      var row = tbody.insertRow();
      cells.forEach(function (cell) {
        var td = row.insertCell();
        if (cell instanceof Node) td.appendChild(cell); else td.textContent = cell;
      });
    });
    return element;
  }

  function renderPanel() {
    var panel = document.getElementById("gk-panel");
    panel.textContent = "";
    var info = selectedData();
    if (!info) {
      panel.appendChild(text("p", "Click a box, or focus the graph and press Tab, to see its details.", "gk-hint"));
      return;
    }
    var rect = findPlaced(info.id);
    panel.appendChild(text("h2", state.level === "nodes" ? info.id : info.name));
    panel.appendChild(text("p", info.className, "gk-class"));
    panel.appendChild(text("p", "Parameters: " + paramsText(info.params), "gk-params"));
    if (rect.vertex.calls > 1) panel.appendChild(text("p", "Shared layer: called " + rect.vertex.calls + " times (\u00d7" + rect.vertex.calls + ")"));
    if (rect.vertex.opens !== null) {
      var toggle = text("button", state.expanded[levelScopeName(rect.vertex)] ? "Collapse" : "Expand");
      toggle.type = "button";
      toggle.id = "gk-toggle-nested";
      toggle.addEventListener("click", function () {
        if (state.expanded[levelScopeName(rect.vertex)]) api.collapse(info.id); else api.expand(info.id);
      });
      panel.appendChild(toggle);
    }
    panel.appendChild(text("h3", "Calls"));
    panel.appendChild(table(["node", "inputs", "outputs", "reads"], info.calls.map(function (call) {
      return [String(call.nodeIndex), shapesText(call.inputShapes), shapesText(call.outputShapes), call.inbound.join(", ") || "\u2014"];
    })));
    // An open nested model's edges are those that cross its frame.
    var prefix = state.placed.frameByKey[info.id] ? levelScopeName(rect.vertex) + "/" : null;
    var isIt = function (key) { return prefix ? key.indexOf(prefix) === 0 : key === info.id; };
    var inbound = [], outbound = [];
    state.placed.edges.forEach(function (edge) {
      var from = edge.from.vertex.key, to = edge.to.vertex.key;
      if (isIt(to) && !isIt(from)) inbound.push([from, edge.label]);
      if (isIt(from) && !isIt(to)) outbound.push([to, edge.label]);
    });
    [["Inbound", inbound], ["Outbound", outbound]].forEach(function (pair) {
      panel.appendChild(text("h3", pair[0]));
      var list = text("ul");
      list.className = "gk-" + pair[0].toLowerCase();
      pair[1].forEach(function (item) {
        var entry = text("li");
        entry.appendChild(boxLink(item[0], item[0]));
        entry.appendChild(document.createTextNode(" \u00b7 " + item[1]));
        list.appendChild(entry);
      });
      if (!pair[1].length) list.appendChild(text("li", "none"));
      panel.appendChild(list);
    });
    if (info.weights.length) {
      panel.appendChild(text("h3", "Weights"));
      panel.appendChild(table(["name", "shape", "min", "mean", "max", "std"], info.weights.map(function (w) {
        return [w.name, shapesText([w.shape])].concat([w.min, w.mean, w.max, w.std].map(function (s) {
          return s === null ? "\u2014" : typeof s === "number" ? String(Number(s.toPrecision(4))) : String(s);
        }));
      })));
    }
    panel.appendChild(text("h3", "Config"));
    panel.appendChild(table(["key", "value"], Object.keys(info.config).map(function (key) {
      return [key, valueText(info.config[key])];
    })));
  }

  function hoverText(vertex) {
    var layer = layerOf(vertex), lines = [vertex.key + " (" + layer.className + ")"];
    var call = layer.calls.filter(function (c) { return vertex.nodeIndex === null || c[0] === vertex.nodeIndex; })[0];
    if (call) lines.push("output: " + shapesText(call[2]));
    lines.push("params: " + paramsText(layer.params));
    if (vertex.calls > 1) lines.push("shared: called " + vertex.calls + " times");
    return lines.join("\n");
  }

  function levelScopeName(vertex) { return currentLevel().scopes[vertex.opens].name; }

  function announce(message) { document.getElementById("gk-status").textContent = message; }

  // -------------------------------------------------------------------------- search
  function updateSearchCount() {
    var count = document.getElementById("gk-search-count");
    if (!state.matches.length) count.textContent = document.getElementById("gk-search").value ? "no match" : "";
    else count.textContent = (state.matchIndex + 1) + " / " + state.matches.length;
  }

  function stepMatch(step) {
    if (!state.matches.length) return null;
    state.matchIndex = (state.matchIndex + step + state.matches.length) % state.matches.length;
    var key = state.matches[state.matchIndex];
    state.selected = key;
    centreOn(key);
    renderPanel();
    updateSearchCount();
    announce("Match " + (state.matchIndex + 1) + " of " + state.matches.length + ": " + key);
    return key;
  }

  // ---------------------------------------------------------------------------- export
  function escapeXml(value) {
    return String(value).replace(/[<>&"']/g, function (c) {
      return { "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" }[c];
    });
  }

  function exportSvg() {
    var world = visibleWorld(), placed = state.placed, parts = [];
    var w = world.x1 - world.x0, h = world.y1 - world.y0;
    parts.push('<svg xmlns="http://www.w3.org/2000/svg" viewBox="' + [world.x0, world.y0, w, h].map(function (n) { return n.toFixed(1); }).join(" ") +
      '" width="' + canvas.clientWidth + '" height="' + canvas.clientHeight + '" font-family="DejaVu Sans, Verdana, sans-serif">');
    parts.push('<title>' + escapeXml(data.name) + '</title>');
    parts.push('<rect x="' + world.x0 + '" y="' + world.y0 + '" width="' + w + '" height="' + h + '" fill="' + colors.bg + '"/>');
    placed.frames.forEach(function (f) {
      if (!intersects(f, world)) return;
      parts.push('<g class="frame"><rect x="' + f.x + '" y="' + f.y + '" width="' + f.w + '" height="' + f.h + '" fill="' + colors.frame +
        '" stroke="' + colors["model-stroke"] + '" stroke-dasharray="6 4"/><text x="' + (f.x + 6) + '" y="' + (f.y + 14) + '" font-size="12" font-weight="bold" fill="' +
        colors.text + '">' + escapeXml(f.label) + '</text></g>');
    });
    placed.edges.forEach(function (edge) {
      var b = edgeBounds(edge);
      if (!intersects(b, world)) return;
      var d = edgePath(b).map(function (step) {
        return step[0] + step.slice(1).map(function (n) { return n.toFixed(1); }).join(" ");
      }).join(" ");
      parts.push('<path class="edge" data-source="' + escapeXml(edge.from.vertex.key) + '" data-target="' + escapeXml(edge.to.vertex.key) +
        '" data-label="' + escapeXml(edge.label) + '" d="' + d + '" fill="none" stroke="' + colors.edge + '"/>');
    });
    placed.rects.forEach(function (rect) {
      if (!intersects(rect, world)) return;
      var style = boxStyle(rect), layer = layerOf(rect.vertex);
      var title = state.level === "nodes" ? layer.name + "[" + rect.vertex.nodeIndex + "]" : layer.name;
      parts.push('<g class="box" data-box-id="' + escapeXml(rect.vertex.key) + '"><rect x="' + rect.x + '" y="' + rect.y + '" width="' + rect.w + '" height="' + rect.h +
        '" rx="6" fill="' + colors[style[0]] + '" stroke="' + colors[style[1]] + '" stroke-width="' + style[2] + '"/><text x="' + (rect.x + 10) + '" y="' + (rect.y + 19) +
        '" font-size="13" font-weight="bold" fill="' + colors.text + '">' + escapeXml(title) + '</text><text x="' + (rect.x + 10) + '" y="' + (rect.y + 35) +
        '" font-size="11" fill="' + colors.subtext + '">' + escapeXml(layer.className) + (rect.vertex.calls > 1 ? " \u00b7 \u00d7" + rect.vertex.calls : "") + '</text></g>');
    });
    parts.push("</svg>");
    return parts.join("\n");
  }

  function download(name, url) {
    var link = document.createElement("a");
    link.href = url;
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  // ------------------------------------------------------------------------- the API
  function boxesList() {
    return state.placed.rects.map(function (rect) {
      var layer = layerOf(rect.vertex);
      return {
        id: rect.vertex.key, name: layer.name, className: layer.className,
        kind: layer.isModel ? "model" : state.level === "nodes" ? "node" : "layer",
        calls: rect.vertex.calls,
        nodeIndex: state.level === "nodes" ? rect.vertex.nodeIndex : null,
        x: rect.x, y: rect.y, w: rect.w, h: rect.h,
      };
    });
  }

  function setExpanded(id, open) {
    var placed = findPlaced(id);
    if (!placed) throw new Error((open ? "expand" : "collapse") + ": no box with id " + JSON.stringify(id));
    var vertex = placed.vertex;
    if (vertex.opens === null) return false;
    var name = currentLevel().scopes[vertex.opens].name;
    if (!!state.expanded[name] === open) return false;
    if (open) state.expanded[name] = true; else delete state.expanded[name];
    place();
    state.selected = id;
    state.matches = [];
    renderPanel();
    requestDraw();
    announce((open ? "Opened " : "Closed ") + name);
    return true;
  }

  var api = {
    ready: false,
    timings: { firstPaintMs: null, lastFitMs: null },
    level: function () { return state.level; },
    setLevel: function (level) {
      if (!LEVEL_NAMES[level]) throw new Error('setLevel expects "layers" or "nodes"; received ' + JSON.stringify(level));
      if (level === state.level) return;
      state.level = level;
      state.selected = null;
      state.matches = [];
      state.matchIndex = -1;
      var button = document.getElementById("gk-level");
      button.textContent = "Level: " + level;
      button.setAttribute("aria-pressed", String(level === "nodes"));
      place();
      renderPanel();
      fit();
      announce("Showing " + level);
    },
    boxes: boxesList,
    edges: function () {
      return state.placed.edges.map(function (edge) {
        return { from: edge.from.vertex.key, to: edge.to.vertex.key, label: edge.label };
      });
    },
    select: function (id) {
      if (id !== null && !findPlaced(id)) throw new Error("select: no box with id " + JSON.stringify(id));
      state.selected = id;
      renderPanel();
      requestDraw();
      if (id !== null) announce("Selected " + id + ", " + layerOf(findPlaced(id).vertex).className);
    },
    selected: selectedData,
    highlighted: highlightedIds,
    screenPosition: function (id) {
      var rect = findPlaced(id);
      if (!rect) return null;
      var v = state.view, bounds = canvas.getBoundingClientRect();
      return { x: bounds.left + v.tx + (rect.x + rect.w / 2) * v.scale, y: bounds.top + v.ty + (rect.y + rect.h / 2) * v.scale };
    },
    expand: function (id) { return setExpanded(id, true); },
    collapse: function (id) { return setExpanded(id, false); },
    search: function (query) {
      var needle = String(query || "").toLowerCase();
      state.matches = !needle ? [] : state.placed.order.filter(function (rect) {
        var layer = layerOf(rect.vertex);
        return layer.name.toLowerCase().indexOf(needle) >= 0 || layer.className.toLowerCase().indexOf(needle) >= 0 ||
          rect.vertex.key.toLowerCase().indexOf(needle) >= 0;
      }).map(function (rect) { return rect.vertex.key; });
      state.matchIndex = -1;
      updateSearchCount();
      requestDraw();
      return state.matches.slice();
    },
    next: function () { return stepMatch(1); },
    previous: function () { return stepMatch(-1); },
    fit: fit,
    view: function () { return { scale: state.view.scale, tx: state.view.tx, ty: state.view.ty }; },
    exportSvg: exportSvg,
    exportPng: function () {
      draw();
      return Promise.resolve(canvas.toDataURL("image/png"));
    },
  };
  window.gkViewer = api;

  // --------------------------------------------------------------------------- input
  function moveSelection(step) {
    var order = state.placed.order;
    if (!order.length) return;
    var current = state.selected ? state.placed.byKey[state.selected] : null;
    var position = current ? (current.order + step + order.length) % order.length : step > 0 ? 0 : order.length - 1;
    api.select(order[position].vertex.key);
    centreOn(order[position].vertex.key);
  }

  canvas.addEventListener("keydown", function (event) {
    var key = event.key, step = 60;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var handled = true;
    if (key === "+" || key === "=") zoomAt(1.25, canvas.clientWidth / 2, canvas.clientHeight / 2);
    else if (key === "-" || key === "_") zoomAt(0.8, canvas.clientWidth / 2, canvas.clientHeight / 2);
    else if (key === "ArrowLeft") panBy(step, 0);
    else if (key === "ArrowRight") panBy(-step, 0);
    else if (key === "ArrowUp") panBy(0, step);
    else if (key === "ArrowDown") panBy(0, -step);
    else if (key === "0" || key === "f" || key === "F") fit();
    else if (key === "Tab") {
      // From the last box (or, backwards, the first) Tab leaves the graph as usual.
      var current = state.selected && state.placed.byKey[state.selected];
      var last = state.placed.order.length - 1;
      if (current && current.order === (event.shiftKey ? 0 : last)) handled = false;
      else moveSelection(event.shiftKey ? -1 : 1);
    }
    else if (key === "j") moveSelection(1);
    else if (key === "k") moveSelection(-1);
    else if (key === "Enter" && state.selected) {
      if (state.placed.frameByKey[state.selected]) api.collapse(state.selected);
      else if (state.placed.byKey[state.selected].vertex.opens !== null) api.expand(state.selected);
    } else if (key === "Escape") api.select(null);
    else handled = false;
    if (handled) event.preventDefault();
  });

  var drag = null;
  canvas.addEventListener("pointerdown", function (event) {
    canvas.focus({ preventScroll: true });
    drag = { x: event.clientX, y: event.clientY, moved: false };
    canvas.setPointerCapture(event.pointerId);
  });
  canvas.addEventListener("pointermove", function (event) {
    if (!drag) {
      // The box under the pointer, as a tooltip: its key, class and output shapes.
      var bounds = canvas.getBoundingClientRect();
      var under = boxAt(event.clientX - bounds.left, event.clientY - bounds.top);
      canvas.title = under ? hoverText(under.vertex) : "";
      return;
    }
    var dx = event.clientX - drag.x, dy = event.clientY - drag.y;
    if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
    drag.moved = true;
    canvas.classList.add("gk-dragging");
    drag.x = event.clientX;
    drag.y = event.clientY;
    panBy(dx, dy);
  });
  canvas.addEventListener("pointerup", function (event) {
    if (!drag) return;
    var moved = drag.moved;
    drag = null;
    canvas.classList.remove("gk-dragging");
    if (moved) return;
    var bounds = canvas.getBoundingClientRect();
    var rect = boxAt(event.clientX - bounds.left, event.clientY - bounds.top);
    if (!rect) { api.select(null); return; }
    // A click opens a closed nested model in place and selects it; a click on an open
    // model's label strip selects it (its panel, or Enter, closes it).
    if (rect.vertex.opens !== null && state.placed.byKey[rect.vertex.key]) api.expand(rect.vertex.key);
    else api.select(rect.vertex.key);
  });
  canvas.addEventListener("wheel", function (event) {
    event.preventDefault();
    var bounds = canvas.getBoundingClientRect();
    var amount = event.deltaMode === 1 ? event.deltaY * 16 : event.deltaY;
    zoomAt(Math.exp(-amount * 0.0015), event.clientX - bounds.left, event.clientY - bounds.top);
  }, { passive: false });

  document.getElementById("gk-level").addEventListener("click", function () {
    api.setLevel(state.level === "layers" ? "nodes" : "layers");
  });
  var searchBox = document.getElementById("gk-search");
  searchBox.addEventListener("input", function () { api.search(searchBox.value); });
  searchBox.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); if (event.shiftKey) api.previous(); else api.next(); }
  });
  document.getElementById("gk-next").addEventListener("click", function () { api.next(); });
  document.getElementById("gk-previous").addEventListener("click", function () { api.previous(); });
  document.getElementById("gk-fit").addEventListener("click", fit);
  document.getElementById("gk-export-svg").addEventListener("click", function () {
    download(data.name + ".svg", URL.createObjectURL(new Blob([exportSvg()], { type: "image/svg+xml" })));
  });
  document.getElementById("gk-export-png").addEventListener("click", function () {
    api.exportPng().then(function (url) { download(data.name + ".png", url); });
  });
  window.addEventListener("resize", requestDraw);
  if (window.matchMedia) {
    var scheme = window.matchMedia("(prefers-color-scheme: dark)");
    var onScheme = function () { readColors(); requestDraw(); };
    if (scheme.addEventListener) scheme.addEventListener("change", onScheme);
  }

  readColors();
  place();
  fit();
})();
