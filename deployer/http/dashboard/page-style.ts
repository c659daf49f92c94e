// Inline CSS of the dashboard (no external assets). Badge colours: one class per sync state.
export const PAGE_STYLE = `
:root { color-scheme: light dark; --fg: #1d2330; --muted: #667085; --bg: #f5f6f8; --card: #fff; --line: #d9dde3; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e8eb; --muted: #98a2b3; --bg: #14171c; --card: #1d2128; --line: #313845; } }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
code { font: 12.5px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.top { display: flex; align-items: center; gap: 1rem; padding: .6rem 1.2rem; border-bottom: 1px solid var(--line); background: var(--card); }
.top h1 { font-size: 1.1rem; margin: 0; }
main { padding: 1rem 1.2rem; max-width: 1200px; }
.summary { display: flex; flex-wrap: wrap; gap: .4rem 1.4rem; margin-bottom: 1rem; }
.muted { color: var(--muted); }
.pipelines { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: .4rem .9rem; margin-bottom: 1rem; }
.pipelines h2 { font-size: 1rem; margin: .2rem 0; }
.stage[data-state="Failed"], .stage[data-state="Degraded"] { color: #b42318; }
.small { font-size: 12px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .8rem 1rem; margin-bottom: 1rem; }
.card-head { display: flex; align-items: center; gap: .6rem; }
.card-head h2 { font-size: 1.05rem; margin: 0; }
.card h3 { font-size: .9rem; margin: .9rem 0 .3rem; }
.images { display: grid; grid-template-columns: max-content 1fr; gap: .2rem .8rem; margin: .4rem 0; }
.images dt { color: var(--muted); }
.images dd { margin: 0; overflow-wrap: anywhere; }
.badge { display: inline-block; padding: .05rem .5rem; border-radius: 999px; font-size: 12px; font-weight: 600; color: #fff; }
.badge-Synced { background: #1a7f37; }
.badge-OutOfSync { background: #b35900; }
.badge-Progressing { background: #0969da; }
.badge-Degraded { background: #9a6700; }
.badge-Failed { background: #cf222e; }
.badge-Suspended { background: #6e7781; }
.badge-Unknown { background: #8c959f; }
.badge-Healthy { background: #1a7f37; }
.badge-Missing { background: #cf222e; }
.tag { border: 1px solid var(--line); border-radius: 4px; padding: 0 .4rem; font-size: 12px; }
.current-rollout { border-left: 3px solid #0969da; padding-left: .7rem; margin: .5rem 0; }
.steps { display: flex; flex-wrap: wrap; gap: .3rem; list-style: none; padding: 0; margin: .3rem 0; }
.step { border: 1px solid var(--line); border-radius: 4px; padding: 0 .45rem; color: var(--muted); }
.step-done { color: #1a7f37; border-color: #1a7f37; }
.step-current { color: #fff; background: #0969da; border-color: #0969da; }
table.rollouts { border-collapse: collapse; width: 100%; }
.rollouts th, .rollouts td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
.rollouts th { color: var(--muted); font-weight: 500; }
.failed-digests ul, .events ul { margin: .2rem 0; padding-left: 1.2rem; }
.banner { border-radius: 8px; padding: .6rem 1rem; margin-bottom: 1rem; }
.banner-error { background: #ffebe9; color: #82071e; border: 1px solid #ff818266; }
.banner h2 { font-size: 1rem; margin: 0 0 .3rem; }
.live { margin-left: auto; font-size: 12px; }
.live::before { content: "●"; margin-right: .3rem; }
.live-connected::before { color: #1a7f37; }
.live-polling::before { color: #9a6700; }
.live-connecting::before, .live-offline::before { color: #cf222e; }
.sign-in form { display: grid; gap: .6rem; max-width: 30rem; }
.sign-in input { width: 100%; padding: .35rem; }
.health { display: inline-flex; align-items: center; gap: .35rem; }
.drift-why { color: var(--muted); font-size: 12px; }
.step-failed { color: #fff; background: #cf222e; border-color: #cf222e; }
.step-skipped { text-decoration: line-through; opacity: .6; }
.phase { color: var(--muted); font-size: 12px; padding: 0 .2rem; align-self: center; }
.rolling-back { border-left-color: #9a6700; }
.rolling-back .step-current { background: #9a6700; border-color: #9a6700; }
.tasks-short strong { color: #9a6700; }
.latest-events ul { margin: .2rem 0; padding-left: 1.2rem; }
body.stale main .card, body.stale main .summary { filter: grayscale(1); opacity: .55; }
.banner-stale { margin: 1rem 1.2rem 0; max-width: 1200px; background: #eaeef2; color: #24292f; border: 1px solid #d0d7de; }
.who { font-size: 12px; margin-left: .8rem; }
.actions { display: inline-flex; gap: .35rem; margin-left: auto; }
.actions button, dialog button { font: inherit; font-size: 12px; padding: .1rem .6rem; border-radius: 4px; border: 1px solid var(--line); background: var(--card); color: var(--fg); cursor: pointer; }
dialog button.danger { background: #cf222e; border-color: #cf222e; color: #fff; }
dialog { border: 1px solid var(--line); border-radius: 8px; background: var(--card); color: var(--fg); max-width: 32rem; }
.action-result { margin: 1rem 1.2rem 0; max-width: 1200px; }
.action-ok { background: #dafbe1; color: #116329; border: 1px solid #4ac26b66; }
.action-error { background: #ffebe9; color: #82071e; border: 1px solid #ff818266; }
`;
