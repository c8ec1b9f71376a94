// The projector's word cloud, as pure arithmetic: how large each word is, and
// where it goes. No DOM here: screen.js measures the words and draws what these
// functions decide (tests/js/word-cloud.test.js).
//
// The rules:
// - Size follows the square root of the count, from the smallest size (the
//   projector's floor) for the least said to the largest for the most said, so
//   area, which is what the eye reads, follows the count.
// - The most said goes in the middle; the rest spiral out from it. A word keeps
//   its place from one update to the next while its size is the same, and those
//   are placed first, so a newcomer finds room around them: the cloud grows
//   calmly instead of reshuffling.
// - A word that fits nowhere is not drawn, and is counted in what the cloud says
//   is left out; the ranked list for screen readers, the console and the exports
//   have every word.

/** Return each word's font size, in pixels, for counts from 1 to the largest. */
export function sizesFor(counts, { smallest, largest }) {
  const most = Math.max(1, ...counts);
  const least = Math.min(most, ...counts);
  const span = Math.sqrt(most) - Math.sqrt(least);
  return counts.map((count) => {
    if (span <= 0) return counts.length === 1 ? largest : Math.round((smallest + largest) / 2);
    const share = (Math.sqrt(count) - Math.sqrt(least)) / span;
    return Math.round(smallest + share * (largest - smallest));
  });
}

function overlaps(a, b, gap) {
  return a.x < b.x + b.w + gap && b.x < a.x + a.w + gap && a.y < b.y + b.h + gap && b.y < a.y + a.h + gap;
}

function inside(box, width, height) {
  return box.x >= 0 && box.y >= 0 && box.x + box.w <= width && box.y + box.h <= height;
}

/**
 * Place boxes (`{key, w, h}`, most important first) in an area `width` by `height`
 * without overlaps, `gap` pixels apart. `previous` maps a key to where it was
 * (`{x, y, w, h}`): a box of the same size goes back there when the place is free.
 * Returns `{x, y}` (top left) or null, for each box in order.
 */
export function placeWords(boxes, { width, height, gap = 4, previous = new Map(), steps = 4000 }) {
  const placed = [];
  const free = (box) => inside(box, width, height) && placed.every((other) => !overlaps(box, other, gap));
  const spots = boxes.map(() => null);
  // First, every word that can stay where it was: then a newcomer never pushes one out.
  boxes.forEach(({ key, w, h }, n) => {
    const before = previous.get(key);
    if (!before || before.w !== w || before.h !== h) return;
    const again = { x: before.x, y: before.y, w, h };
    if (free(again)) {
      placed.push(again);
      spots[n] = { x: again.x, y: again.y };
    }
  });
  const cx = width / 2;
  const cy = height / 2;
  // The spiral is squashed to the area's shape, so a wide screen fills wide.
  const stretch = Math.sqrt(height > 0 ? width / height : 1);
  boxes.forEach(({ w, h }, n) => {
    if (spots[n]) return;
    for (let step = 0; step < steps; step += 1) {
      const angle = step * 0.35;
      const radius = 2.2 * angle;
      const box = {
        x: Math.round(cx + radius * Math.cos(angle) * stretch - w / 2),
        y: Math.round(cy + (radius * Math.sin(angle)) / stretch - h / 2),
        w,
        h,
      };
      if (free(box)) {
        placed.push(box);
        spots[n] = { x: box.x, y: box.y };
        return;
      }
    }
  });
  return spots;
}

/** Return what the cloud says about itself: "14 words from 212 answers · 3 more not shown". */
export function cloudSummary(drawn, total, answers) {
  const words = total === 1 ? "1 word" : `${total} words`;
  const from = answers === 1 ? "1 answer" : `${answers} answers`;
  const left = total - drawn;
  return left > 0 ? `${words} from ${from} · ${left} more not shown` : `${words} from ${from}`;
}
