/**
 * The README's five-minute tour as a bash script whose every stated answer is checked.
 *
 * The convention, in README.md: the tour's blocks that run are ```bash blocks each preceded by a
 * `<!-- tour -->` line; they use the `api` helper the tour defines, which leaves the last answer in
 * `$answer` and its HTTP status in `$status`. A command line ending in `# → 201 "status":"queued"`
 * expects that status and, when text follows it, that text somewhere in the body, verbatim.
 */

export interface TourCheck {
  /** 1-based README line of the command's last line, where the expectation is written. */
  line: number;
  status: number;
  /** Text the answer must contain; empty when only the status is stated. */
  text: string;
}

export interface Tour {
  /** Bash whose line N is README line N, so bash's own line numbers point into the README. */
  script: string;
  checks: TourCheck[];
  /** Names the tour's setup block exports (the unmarked ```bash block a reader edits by hand). */
  setupVariables: string[];
  /** README lines, 1-based through `readmeLines[line - 1]`, for failure messages. */
  readmeLines: string[];
}

const SECTION = '## A five-minute tour';
const MARKER = '<!-- tour -->';
const EXPECTATION = /^(?<code>.*\S)\s+# → (?<status>\d{3})(?: (?<text>.*\S))?\s*$/;

/**
 * Runs before the tour (it fits in the README lines above the section, which the script leaves
 * blank otherwise). `status=checked` after each check, so a checked line that made no request
 * cannot pass on the previous answer.
 */
const PRELUDE = [
  'set -Eeuo pipefail',
  `trap 'echo "tour: stopped by a failing command at README.md:$LINENO" >&2' ERR`,
  '__expect() {',
  '  if [[ ${status-} == "$2" && ${answer-} == *"$3"* ]]; then echo "tour: ok README.md:$1"; status=checked; return; fi',
  `  printf 'tour: FAILED README.md:%s expected %s %s, got %s: %s\\n' "$1" "$2" "$3" "\${status-none}" "\${answer-}" >&2`,
  '  exit 1',
  '}',
];

export function readTour(readme: string): Tour {
  const readmeLines = readme.split('\n');
  const start = readmeLines.indexOf(SECTION);
  if (start < 0) throw new Error(`README.md has no "${SECTION}" section`);
  let end = readmeLines.findIndex((line, index) => index > start && line.startsWith('## '));
  if (end < 0) end = readmeLines.length;
  if (PRELUDE.length >= start) throw new Error('the prelude does not fit above the tour section');

  const script: string[] = readmeLines.map(() => '');
  PRELUDE.forEach((line, index) => (script[index] = line));
  const checks: TourCheck[] = [];
  const setupVariables: string[] = [];
  let marked = false;
  for (let index = start + 1; index < end; index++) {
    const line = readmeLines[index];
    if (line.trim() === MARKER) {
      marked = true;
      continue;
    }
    if (!line.startsWith('```bash')) {
      if (marked && line.trim() !== '')
        throw new Error(`README.md:${index + 1}: "${MARKER}" must come right before a \`\`\`bash block`);
      continue;
    }
    const close = readmeLines.findIndex((candidate, at) => at > index && candidate.startsWith('```'));
    if (close < 0 || close > end) throw new Error(`README.md:${index + 1}: unclosed code block`);
    for (let at = index + 1; at < close; at++) {
      const code = readmeLines[at];
      if (!marked) {
        for (const [, name] of code.matchAll(/\b([A-Z_]+)=/g)) setupVariables.push(name);
        continue;
      }
      const check = code.trimStart().startsWith('#') ? null : EXPECTATION.exec(code);
      if (!check) {
        if (code.includes('# →') && !code.trimStart().startsWith('#'))
          throw new Error(`README.md:${at + 1}: cannot read the expected answer in: ${code}`);
        script[at] = code;
        continue;
      }
      const { code: command, status, text = '' } = check.groups!;
      checks.push({ line: at + 1, status: Number(status), text });
      // The comment is replaced by the check, on the same line; text is passed single-quoted.
      script[at] = `${command}; __expect ${at + 1} ${status} '${text.replaceAll("'", `'\\''`)}'`;
    }
    marked = false;
    index = close;
  }
  return { script: script.join('\n') + '\n', checks, setupVariables, readmeLines };
}

/** The README lines of the step that ends at `line`: from after the previous check, comments included. */
export function stepEndingAt(tour: Tour, line: number): string {
  const previous = tour.checks.filter((check) => check.line < line).at(-1)?.line ?? line - 1;
  return tour.readmeLines
    .slice(previous, line)
    .filter((text) => text.trim() !== '' && !text.startsWith('```') && text.trim() !== MARKER)
    .join('\n');
}
