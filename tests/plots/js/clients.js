// Real-client checks for exported plot graphs (used by tests/plots and tools/evaluate_plots.py).
// stdin: JSON array of jobs {kind: "ink" | "walk" | "yarn" | "twee", src, endings?, picks?}
// stdout: JSON array of results, one per job, in order (ink and yarn: the line tags they showed).
'use strict';
const { Compiler, CompilerOptions, Story } = require('inkjs/full');
const YarnBoundModule = require('yarn-bound');
const YarnBound = YarnBoundModule.default || YarnBoundModule;
const MAX_STATES = 200000;

function compileInk(src) {
  const issues = [];
  const compiler = new Compiler(src, new CompilerOptions(null, [], true,
    (msg, type) => issues.push({ type, msg })));
  let json = null;
  try { json = compiler.Compile().ToJson(); } catch (e) { issues.push({ type: 2, msg: String(e) }); }
  return {
    json,
    errors: issues.filter(i => i.type === 2).map(i => i.msg),
    warnings: issues.filter(i => i.type === 1).map(i => i.msg),
  };
}

function knotsOf(json) {
  const root = JSON.parse(json).root;
  const named = root[root.length - 1] || {};
  return Object.keys(named).filter(k => k !== 'global decl' && !k.startsWith('#'));
}

// Exhaustive DFS over (variables, choice points) with state save/restore; ``tags`` are those of
// every line and choice the story showed.
function exploreInk(job) {
  const c = compileInk(job.src);
  const out = { errors: c.errors, warnings: c.warnings, states: 0, endings: [], knots: [], tags: [],
                runtimeErrors: [], capped: false };
  if (!c.json) return out;
  const story = new Story(c.json);
  const knots = knotsOf(c.json);
  const endings = new Set(), visited = new Set(), seen = new Set(), tags = new Set();
  const stack = [story.state.toJson()];
  while (stack.length) {
    story.state.LoadJson(stack.pop());
    try { story.ContinueMaximally(); } catch (e) { out.runtimeErrors.push(String(e)); continue; }
    if (story.currentErrors && story.currentErrors.length) out.runtimeErrors.push(...story.currentErrors);
    for (const k of knots) if (story.state.VisitCountAtPathString(k) > 0) visited.add(k);
    const choices = story.currentChoices;
    for (const t of [...story.currentTags, ...choices.flatMap(ch => ch.tags || [])]) tags.add(t);
    if (!choices.length) {
      const ended = (job.endings || []).filter(e => story.state.VisitCountAtPathString(e) > 0);
      if (ended.length !== 1) out.runtimeErrors.push('ended outside one ending knot: ' + ended.join(','));
      ended.forEach(e => endings.add(e));
      continue;
    }
    const key = JSON.stringify([varsOf(story, job.vars || []), choices.map(ch => ch.sourcePath + '|' + ch.text)]);
    if (seen.has(key)) continue;
    seen.add(key);
    if (seen.size > MAX_STATES) { out.capped = true; break; }
    const saved = story.state.toJson();
    for (let i = choices.length - 1; i >= 0; i--) {
      story.state.LoadJson(saved);
      story.ChooseChoiceIndex(i);
      stack.push(story.state.toJson());
    }
  }
  out.states = seen.size;
  out.endings = [...endings].sort();
  out.knots = [...visited].sort();
  out.tags = [...tags].sort();
  return out;
}

function varsOf(story, names) { return names.map(n => story.variablesState[n]); }

// Follow picks (choice index = pick % number of choices) and record [text, choices] each step.
function walkInk(job) {
  const c = compileInk(job.src);
  const story = new Story(c.json);
  const steps = [];
  for (let step = 0; ; step++) {
    const text = story.ContinueMaximally().trim();
    const choices = story.currentChoices.map(ch => ch.text);
    steps.push([text, choices]);
    if (!choices.length || step > 500) break;
    story.ChooseChoiceIndex(job.picks[step % job.picks.length] % choices.length);
  }
  return { steps };
}

// Breadth-first search over (node, variables): restore a state by setting the variables and
// jumping to the node (our exported nodes keep no other state), then try each available option.
// ``hashtags`` are those of every line and option (available or not) the runner showed.
function exploreYarn(job) {
  const out = { errors: [], states: 0, endings: [], nodes: [], hashtags: [], capped: false };
  const seen = new Set(), nodes = new Set(), endings = new Set(), hashtags = new Set();
  let r;
  try { r = new YarnBound({ dialogue: job.src, startAt: 'Start' }); } catch (e) {
    out.errors.push({ at: 'Start', err: String(e) });
    return out;
  }
  const queue = [{ title: 'Start', vars: JSON.stringify(r.runner.variables.data) }];
  while (queue.length) {
    const state = queue.shift();
    const key = state.title + '|' + state.vars;
    if (seen.has(key)) continue;
    seen.add(key);
    if (seen.size > MAX_STATES) { out.capped = true; break; }
    const options = restore(r, state, nodes, hashtags);
    if (options === null) { endings.add(state.title); continue; }
    const open = options.map((o, i) => [o, i]).filter(([o]) => o.isAvailable !== false);
    if (!open.length) out.errors.push({ at: state.title, err: 'no available option' });
    for (const [, i] of open) {
      try {
        restore(r, state, nodes, hashtags);
        r.advance(i);
        const title = settle(r, nodes, hashtags);
        queue.push({ title, vars: JSON.stringify(r.runner.variables.data) });
      } catch (e) { out.errors.push({ at: state.title, option: i, err: String(e) }); }
    }
  }
  out.states = seen.size;
  out.endings = [...endings].sort();
  out.nodes = [...nodes].sort();
  out.hashtags = [...hashtags].sort();
  return out;
}

// Put the runner at the options of ``state`` (null when that node ends the dialogue).
function restore(r, state, nodes, hashtags) {
  r.runner.variables.data = JSON.parse(state.vars);
  r.jump(state.title);
  settle(r, nodes, hashtags);
  return r.currentResult.options ? r.currentResult.options : null;
}

// Advance through text lines to the next options (or the end), noting the nodes passed and the
// hashtags of the lines and options shown.
function settle(r, nodes, hashtags) {
  let title = null;
  for (;;) {
    const res = r.currentResult;
    if (res && res.metadata) nodes.add(title = res.metadata.title);
    if (res) [...(res.hashtags || []), ...(res.options || []).flatMap(o => o.hashtags)].forEach(t => hashtags.add(t));
    if (!res || res.options || res.isDialogueEnd) return title;
    r.advance();
  }
}

let extwee = null;
async function parseTwee(job) {
  if (!extwee) extwee = await import('extwee');
  try {
    const story = extwee.parseTwee(job.src);
    return { name: story.name, ifid: story.IFID, format: story.format, formatVersion: story.formatVersion,
             start: story.start, passages: story.passages.map(p => ({ name: p.name, tags: p.tags, text: p.text })) };
  } catch (e) { return { error: String(e) }; }
}

async function main() {
  const jobs = JSON.parse(require('fs').readFileSync(0, 'utf8'));
  const results = [];
  for (const job of jobs) {
    if (job.kind === 'ink') results.push(exploreInk(job));
    else if (job.kind === 'walk') results.push(walkInk(job));
    else if (job.kind === 'yarn') results.push(exploreYarn(job));
    else if (job.kind === 'twee') results.push(await parseTwee(job));
    else results.push({ error: 'unknown kind ' + job.kind });
  }
  process.stdout.write(JSON.stringify(results));
}
main().catch(e => { console.error(e); process.exit(1); });
