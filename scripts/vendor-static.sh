#!/usr/bin/env bash
# Re-creates static/vendor/ from the npm registry. The result is committed, so
# neither a run nor the tests need the network; run this only to upgrade.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --ignore-scripts \
  bootstrap@5.3.9 bootstrap-icons@1.13.2 jquery@3.8.0 \
  fullcalendar@6.1.21 @fullcalendar/core@6.1.21 chart.js@4.6.1 \
  summernote@0.8.20 swagger-ui-dist@5.35.0 axe-core@4.14.1 >/dev/null
v="$root/static/vendor"
rm -rf "$v"
mkdir -p "$v"/{bootstrap,bootstrap-icons/fonts,jquery,fullcalendar,chartjs,summernote/font,summernote/lang,swagger-ui,axe-core}
m=node_modules
cp $m/bootstrap/dist/css/bootstrap.min.css $m/bootstrap/dist/js/bootstrap.bundle.min.js "$v/bootstrap/"
cp $m/bootstrap-icons/font/bootstrap-icons.min.css "$v/bootstrap-icons/"
cp $m/bootstrap-icons/font/fonts/bootstrap-icons.woff2 $m/bootstrap-icons/font/fonts/bootstrap-icons.woff "$v/bootstrap-icons/fonts/"
cp $m/jquery/dist/jquery.min.js "$v/jquery/"
cp $m/fullcalendar/index.global.min.js "$v/fullcalendar/"
cp $m/@fullcalendar/core/locales/ko.global.min.js "$v/fullcalendar/"
cp $m/chart.js/dist/chart.umd.min.js "$v/chartjs/"
cp $m/summernote/dist/summernote-bs5.min.js $m/summernote/dist/summernote-bs5.min.css "$v/summernote/"
cp $m/summernote/dist/font/summernote.woff2 $m/summernote/dist/font/summernote.woff $m/summernote/dist/font/summernote.ttf $m/summernote/dist/font/summernote.eot "$v/summernote/font/"
cp $m/summernote/dist/lang/summernote-ko-KR.min.js "$v/summernote/lang/"
cp $m/swagger-ui-dist/swagger-ui-bundle.js $m/swagger-ui-dist/swagger-ui-standalone-preset.js $m/swagger-ui-dist/swagger-ui.css "$v/swagger-ui/"
# axe-core: only the Chromium accessibility test (tests/e2e/test_accessibility.py) injects it.
cp $m/axe-core/axe.min.js $m/axe-core/LICENSE "$v/axe-core/"
# source-map comments point at files we do not ship; strip them so DevTools and
# WhiteNoise's manifest storage do not look for them.
find "$v" -name '*.js' -o -name '*.css' | xargs sed -i -E '/^\/[\/*]# sourceMappingURL=.*$/d'
for p in bootstrap bootstrap-icons jquery fullcalendar chart.js summernote swagger-ui-dist axe-core; do
  printf '%s %s\n' "$p" "$(node -p "require('./$m/$p/package.json').version")"
done > "$v/VERSIONS.txt"
du -sh "$v"
