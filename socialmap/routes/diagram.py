"""A route drawn as SVG on the server: readable on screen and on paper, no script.

Layout: steps in columns by their longest distance from the entry over
non-return transitions (validation guarantees that part is acyclic), ordered
within a column by their predecessors. Forward transitions are curves from
left to right, styled by kind (solid, thick, dotted, dash-dot); return
transitions run along "return lanes" under the steps and enter a step from
its left, dashed and in another colour -- so kind never depends on colour
alone. The page puts a text alternative beside it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from xml.sax.saxutils import escape

from markupsafe import Markup

from socialmap.routes.kinds import step_kinds

NODE_W, NODE_H = 196, 84
COL_GAP, ROW_GAP = 84, 34
MARGIN_X, MARGIN_TOP = 46, 16
LANE_GAP = 12

STYLE = {  # transition kind -> (stroke width, dash pattern)
    "referral": (2, ""),
    "warm_handover": (4.5, ""),
    "consultation": (2, "2 5"),
    "step_up": (2, "10 4 2 4"),
    "step_down": (2, "10 4 2 4"),
    "return": (2, "7 5"),
}
CATEGORY_FILL = {
    "gp": "#e7f0f7",
    "care": "#eef6ee",
    "consultation": "#f4f0fa",
    "social": "#fdf3e3",
    "peer": "#fbeef3",
    "self": "#eef5f5",
    "crisis": "#fde8e8",
}


@dataclass(frozen=True)
class Box:
    x: float
    y: float


def layout(route) -> tuple[dict[str, Box], dict[str, int], float, float]:
    """Positions of the steps' boxes, their columns, and the drawing's width and height."""
    steps = list(route.steps)
    forward = [(t.from_step.key, t.to_step.key) for t in route.transitions if not t.is_return]
    entry = route.entry.key if route.entry else (steps[0].key if steps else None)
    column = {entry: 0} if entry else {}
    changed = True
    while changed:  # longest path on a DAG: relax until stable (small graphs)
        changed = False
        for a, b in forward:
            if a in column and column.get(b, -1) < column[a] + 1 and column[a] + 1 <= len(steps):
                column[b] = column[a] + 1
                changed = True
    last = max(column.values(), default=0)
    for s in steps:  # reached only by a return: put it in a column of its own on the right
        column.setdefault(s.key, last + 1)
    columns: dict[int, list[str]] = defaultdict(list)
    order = {s.key: i for i, s in enumerate(steps)}
    for s in steps:
        columns[column[s.key]].append(s.key)
    preds = defaultdict(list)
    for a, b in forward:
        preds[b].append(a)
    rank: dict[str, float] = {}
    for c in sorted(columns):

        def weight(key: str) -> float:
            known = [rank[p] for p in preds[key] if p in rank]
            return sum(known) / len(known) if known else order[key]

        columns[c].sort(key=lambda k: (weight(k), order[k]))
        for i, key in enumerate(columns[c]):
            rank[key] = i
    tallest = max((len(v) for v in columns.values()), default=1)
    height = tallest * (NODE_H + ROW_GAP)
    boxes = {}
    for c, keys in columns.items():
        offset = (height - len(keys) * (NODE_H + ROW_GAP)) / 2
        for i, key in enumerate(keys):
            boxes[key] = Box(MARGIN_X + c * (NODE_W + COL_GAP), MARGIN_TOP + offset + i * (NODE_H + ROW_GAP))
    width = MARGIN_X + (max(columns) + 1) * (NODE_W + COL_GAP) - COL_GAP + 16
    return boxes, column, width, MARGIN_TOP + height


def _edge(t, d: str, arrow: bool = False) -> str:
    """A path drawn in the style of transition ``t``'s kind (returns dashed and purple)."""
    sw, dash = STYLE.get(t.kind, (2, ""))
    colour = "#6b2c91" if t.is_return else "#1b1f23"
    marker = (' marker-end="url(#arrow-back)"' if t.is_return else ' marker-end="url(#arrow)"') if arrow else ""
    return (
        f'<path class="edge edge-{t.kind}" d="{d}" fill="none" stroke="{colour}" stroke-width="{sw}"'
        + (f' stroke-dasharray="{dash}"' if dash else "")
        + marker
        + "/>"
    )


def _curve(x1: float, y1: float, x2: float, y2: float) -> str:
    dx = max((x2 - x1) / 2, 24)
    return f" C{x1 + dx:.1f},{y1:.1f} {x2 - dx:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"


def _free_y(column_boxes: list[Box], want: float) -> float:
    """The y of the free space in a column (between, above or below its steps) nearest ``want``."""
    tops = sorted(b.y for b in column_boxes)
    if not tops:
        return want
    free = [tops[0] - ROW_GAP / 2] + [t + NODE_H + ROW_GAP / 2 for t in tops]
    return min(free, key=lambda y: abs(y - want))


def _wrap(text: str, width: int = 25, lines: int = 2) -> list[str]:
    words, out, line = text.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            out.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    if line:
        out.append(line)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: width - 1].rstrip() + "…"
    return out


def render(route, text_of, kind_label, present_label, title: str, desc_id: str) -> Markup:
    """The route as an inline SVG element.

    ``text_of(obj, field)`` gives a localized text, ``kind_label(step)`` the
    step kind's name, ``present_label(step)`` a short note when the client is
    not there (or ""); ``desc_id`` is the id of the text alternative on the page.
    """
    boxes, column, width, steps_height = layout(route)
    lanes_top = steps_height + 6
    height = (
        lanes_top
        + len({t.to_step.key for t in route.transitions if column[t.to_step.key] <= column[t.from_step.key]}) * LANE_GAP
        + 10
    )
    total_h = height
    e = escape
    out = [
        f'<svg class="route-diagram" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {total_h:.0f}" '
        f'width="{width:.0f}" height="{total_h:.0f}" role="img" aria-labelledby="{desc_id}-title" '
        f'aria-describedby="{desc_id}">',
        f'<title id="{desc_id}-title">{e(title)}</title>',
        '<defs>'
        '<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="11" markerHeight="11" '
        'markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#1b1f23"/></marker>'
        '<marker id="arrow-back" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="11" markerHeight="11" '
        'markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#6b2c91"/></marker>'
        '</defs>',
    ]
    # forward transitions; one that skips columns passes through the gaps between steps
    by_column: dict[int, list[Box]] = defaultdict(list)
    for key, b in boxes.items():
        by_column[column[key]].append(b)
    in_gap: dict[tuple[int, float], int] = defaultdict(int)  # edges already through a gap
    backward = [t for t in route.transitions if column[t.to_step.key] <= column[t.from_step.key]]
    for t in route.transitions:
        if t in backward:
            continue
        a, b = boxes[t.from_step.key], boxes[t.to_step.key]
        x1, y1 = a.x + NODE_W, a.y + NODE_H / 2
        x2, y2 = b.x - 2, b.y + NODE_H / 2
        d = f"M{x1:.1f},{y1:.1f}"
        ca, cb = column[t.from_step.key], column[t.to_step.key]
        x, y = x1, y1
        for c in range(ca + 1, cb):  # through a free gap of each column in between
            cx = MARGIN_X + c * (NODE_W + COL_GAP)
            want = y1 + (y2 - y1) * (c - ca) / (cb - ca)
            gy = _free_y(by_column[c], want)
            k = in_gap[(c, gy)]
            in_gap[(c, gy)] += 1
            gy += (k + 1) // 2 * 7 * (1 if k % 2 else -1)  # spread edges sharing a gap
            d += _curve(x, y, cx - 6, gy) + f" L{cx + NODE_W + 6:.1f},{gy:.1f}"
            x, y = cx + NODE_W + 6, gy
        d += _curve(x, y, x2, y2)
        out.append(_edge(t, d, arrow=True))
    # transitions leading back (to a column on the left, or the same one): one
    # lane under the steps per step led back to; each source drops into it from
    # the gap on its left, and the lane rises to the target
    targets = list(dict.fromkeys(t.to_step.key for t in backward))
    for i, target in enumerate(targets):
        lane = lanes_top + i * LANE_GAP
        b = boxes[target]
        gx2 = b.x - 14 - i * 6
        y2 = b.y + NODE_H * 0.78
        xs = [gx2]
        kinds_here = []
        for t in backward:
            if t.to_step.key != target:
                continue
            a = boxes[t.from_step.key]
            gx1 = a.x - 8 - i * 6
            y1 = a.y + NODE_H * 0.78 - (i % 3) * 6
            xs.append(gx1)
            kinds_here.append(t)
            out.append(_edge(t, f"M{a.x:.1f},{y1:.1f} H{gx1:.1f} V{lane:.1f}"))
        lead = kinds_here[0]
        out.append(_edge(lead, f"M{min(xs):.1f},{lane:.1f} H{max(xs):.1f}"))
        out.append(_edge(lead, f"M{gx2:.1f},{lane:.1f} V{y2:.1f} H{b.x - 2:.1f}", arrow=True))
    # steps
    for s in route.steps:
        box = boxes[s.key]

        category = step_kinds().get(s.kind, {}).get("category", "care")
        fill = CATEGORY_FILL.get(category, "#ffffff")
        border = 3 if s.is_entry else 1.5
        out.append(f'<g class="step step-{e(category)}" id="diagram-{e(s.key)}">')
        out.append(
            f'<rect x="{box.x:.1f}" y="{box.y:.1f}" width="{NODE_W}" height="{NODE_H}" rx="8" '
            f'fill="{fill}" stroke="#1b1f23" stroke-width="{border}"/>'
        )
        note = present_label(s)
        kind_text = _wrap(kind_label(s), 31, 1)[0] if kind_label(s) else ""
        out.append(
            f'<text x="{box.x + 10:.1f}" y="{box.y + 17:.1f}" class="step-kind" font-size="11" '
            f'fill="#3d4650">{e(kind_text)}</text>'
        )
        for j, line in enumerate(_wrap(str(text_of(s, "title")), 19)):
            out.append(
                f'<text x="{box.x + 10:.1f}" y="{box.y + 37 + j * 17:.1f}" font-size="14.5" '
                f'font-weight="700" fill="#1b1f23">{e(line)}</text>'
            )
        if note:
            out.append(
                f'<text x="{box.x + 10:.1f}" y="{box.y + NODE_H - 9:.1f}" font-size="11.5" '
                f'fill="#3d4650" font-style="italic">{e(note)}</text>'
            )
        out.append('</g>')
    out.append('</svg>')
    return Markup("\n".join(out))


def legend_sample(kind: str) -> Markup:
    """A short line drawn like transitions of ``kind``, for the legend under the diagram."""
    sw, dash = STYLE.get(kind, (2, ""))
    colour = "#6b2c91" if kind == "return" else "#1b1f23"
    return Markup(
        f'<svg class="legend-sample" width="40" height="12" viewBox="0 0 40 12" aria-hidden="true">'
        f'<line x1="0" y1="6" x2="40" y2="6" stroke="{colour}" stroke-width="{sw}"'
        + (f' stroke-dasharray="{dash}"' if dash else "")
        + '/></svg>'
    )
