#!/usr/bin/env bash
# Installs promtool, prometheus, amtool and alertmanager from Debian trixie into .tools/ when missing.
# Trixie's Prometheus 2.53.3 LTS and Alertmanager 0.28.1 run on bookworm (they need only libc >= 2.34)
# and are nearer to the container images than bookworm's own packages. Nothing outside .tools/ is touched:
# apt reads a private sources list and state folder, and the .deb files are unpacked with dpkg-deb -x.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/.tools"
bin="$tools/bin"
want_prometheus="2.53.3"
want_alertmanager="0.28.1"

have() { [ -x "$bin/$1" ] && "$bin/$1" --version 2>&1 | grep -q "version $2"; }

# Debian's Alertmanager reads its built-in notification templates from this absolute folder, not from
# the binary; without them every config load fails ("failed to parse templates"). They are the only
# files placed outside .tools/, and only when missing.
debian_templates=/usr/share/prometheus/alertmanager
install_template() {
  mkdir -p "$debian_templates"
  for template in "$tools/root$debian_templates"/*.tmpl; do
    [ -f "$debian_templates/$(basename "$template")" ] || cp "$template" "$debian_templates/"
  done
}

if have promtool "$want_prometheus" && have prometheus "$want_prometheus" \
  && have amtool "$want_alertmanager" && have alertmanager "$want_alertmanager"; then
  install_template
  echo "prometheus tools: present in $bin"
  exit 0
fi

echo "prometheus tools: fetching prometheus $want_prometheus and alertmanager $want_alertmanager from Debian trixie"
apt_dir="$tools/apt"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/debs" "$bin"
cat >"$apt_dir/trixie.sources" <<SRC
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-trixie-stable.gpg /usr/share/keyrings/debian-archive-trixie-automatic.gpg
SRC
apt_opts=(
  -o "Dir::Etc::sourcelist=$apt_dir/trixie.sources"
  -o "Dir::Etc::sourceparts=-"
  -o "Dir::State::lists=$apt_dir/lists"
  -o "Dir::Cache=$apt_dir/cache"
  -o "APT::Get::List-Cleanup=0"
  -o "Debug::NoLocking=1"
)
if [ ! -f /usr/share/keyrings/debian-archive-trixie-stable.gpg ]; then
  echo "prometheus tools: the trixie archive key is missing; install debian-archive-keyring" >&2
  exit 1
fi
apt-get "${apt_opts[@]}" update -qq
(cd "$apt_dir/debs" && chmod 777 . && rm -f ./*.deb && apt-get "${apt_opts[@]}" download prometheus promtool prometheus-alertmanager)
rm -rf "$tools/root"
for deb in "$apt_dir"/debs/*.deb; do dpkg-deb -x "$deb" "$tools/root"; done
for tool in prometheus promtool; do ln -sf "../root/usr/bin/$tool" "$bin/$tool"; done
ln -sf ../root/usr/bin/prometheus-alertmanager "$bin/alertmanager"
ln -sf ../root/usr/bin/amtool "$bin/amtool"

for t in "promtool $want_prometheus" "prometheus $want_prometheus" "amtool $want_alertmanager" "alertmanager $want_alertmanager"; do
  set -- $t
  if ! have "$1" "$2"; then
    echo "prometheus tools: $1 is not version $2 after install:" >&2
    "$bin/$1" --version >&2 || true
    exit 1
  fi
done
install_template
echo "prometheus tools: installed in $bin"
