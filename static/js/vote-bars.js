// A dot vote's results as bars, without the page: most dotted first, each bar's length
// against the leader's, and the words that go with them. The console and the projector
// draw these (vote-panel.js, screen.js).

/** Return the items, most dotted first (ties keep the vote's order), each with its share. */
export function rankedBars(vote) {
  const items = (vote && vote.items) || [];
  if (!items.length || !("dots" in items[0])) return [];
  const most = Math.max(0, ...items.map((i) => i.dots));
  const order = new Map(items.map((item, n) => [item.id, n]));
  return [...items]
    .sort((a, b) => b.dots - a.dots || order.get(a.id) - order.get(b.id))
    .map((item, rank) => ({ ...item, rank: rank + 1, share: most ? item.dots / most : 0 }));
}

function people(count) {
  return count === 1 ? "1 person" : `${count} people`;
}

function dotsWord(count) {
  return count === 1 ? "1 dot" : `${count} dots`;
}

/** "12 people have voted · 30 dots placed · 3 dots each", or what is missing. */
export function turnoutText(vote) {
  if (!vote) return "";
  const parts = [vote.voters ? `${people(vote.voters)} ${vote.status === "open" ? "have voted" : "voted"}` : "Nobody has voted yet"];
  if (typeof vote.cast === "number" && vote.voters) parts.push(`${dotsWord(vote.cast)} placed`);
  parts.push(`${dotsWord(vote.dots)} each${vote.stack ? ", several on one allowed" : ""}`);
  return parts.join(" · ");
}

/** What the projector says of the results: live, kept for the close, or final. */
export function resultsNote(vote) {
  if (!vote) return "";
  if (vote.status === "closed") return "The vote has closed.";
  return vote.items.length && !("dots" in vote.items[0]) ? "Results when the vote closes." : "Live results.";
}

/** A bar's spoken words: "Health: 12 dots, first". */
export function barLabel(bar) {
  const place = bar.rank === 1 ? "first" : `${bar.rank}${["th", "st", "nd", "rd"][bar.rank % 10 > 3 || Math.floor(bar.rank / 10) === 1 ? 0 : bar.rank % 10]}`;
  return `${bar.label}: ${dotsWord(bar.dots)}, ${place}`;
}

/**
 * What the console can open a vote on, now: the current question's accepted themes and
 * its answers during the questions; in the synthesis, each field's drafted statements
 * and the accepted themes of the field and of each question feeding it. Each target is
 * {value, label, payload} (`payload` is vote:open's, less the options); `counts` says
 * how many items it would have, and `why` what is missing when it cannot be voted on.
 */
export function voteTargets({ phase, question, questions, fields, themes, answers }) {
  const accepted = (scope) => themes.filter((t) => t.scope === scope && t.status === "accepted").length;
  const shown = (q) => Array.from(answers.values()).filter((a) => a.question_id === q.id && !a.hidden && !a.merged_into && !a.author_removed).length;
  const targets = [];
  const themesOf = (scope, label) => {
    const count = accepted(scope);
    targets.push({ value: `themes|${scope}`, label, payload: { kind: "themes", scope }, count, why: count < 2 ? "accept two themes first" : "" });
  };
  if (phase === "questions" && question) {
    themesOf(`question:${question.id}`, `The themes of question ${question.number}`);
    const count = shown(question);
    targets.push({
      value: `answers|question:${question.id}`,
      label: `The answers to question ${question.number}`,
      payload: { kind: "answers", scope: `question:${question.id}` },
      count,
      why: count < 2 ? "needs two answers" : count > 60 ? "over 60: vote on themes" : "",
    });
  }
  if (phase === "synthesis") {
    for (const field of fields) {
      targets.push({ value: `statements|${field.key}`, label: `Statements for ${field.label}`, payload: { kind: "statements", field: field.key }, count: 0, why: "" });
      themesOf(`field:${field.key}`, `The themes for ${field.label}`);
      for (const q of questions.filter((item) => item.field === field.key)) {
        if (accepted(`question:${q.id}`)) themesOf(`question:${q.id}`, `The themes of question ${q.number} (${field.label})`);
      }
    }
  }
  return targets;
}
