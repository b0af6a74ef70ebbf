#!/usr/bin/env bash
# Installs promtool, prometheus, amtool and alertmanager from Debian forky (testing) into .tools/ when
# missing, and busybox (static), whose shell and applets run the scripts the stack puts in the
# Prometheus and Alertmanager images (busybox-based: the config reloader, the config holder): Prometheus 3.5 (the LTS line) and Alertmanager 0.33, the versions the stack's images pin
# (components/model/versions.ts). They run on bookworm with libc alone. A newer patch of the same minor is
# accepted; any other version fails, naming the suite, because what the tests prove must be what runs.
# Nothing outside .tools/ is touched but Alertmanager's default templates (below): apt reads a private
# sources list and state folder, and the .deb files are unpacked with dpkg-deb -x.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/.tools"
bin="$tools/bin"
suite="forky"
want_prometheus="3.5"
want_alertmanager="0.33"

# True when $1 --version reports major.minor $2 (any patch). The output is read whole, never through
# `| head`: a tool writing on after head has closed the pipe dies of SIGPIPE, which pipefail counts as
# "missing", and a needless reinstall empties .tools/root under whatever runs the tools at that moment.
have() {
  local out
  [ -x "$bin/$1" ] && out="$("$bin/$1" --version 2>&1)" || return 1
  [[ "${out%%$'\n'*}" =~ version\ ${2//./\\.}\.[0-9]+([^0-9]|$) ]]
}

# Debian's Alertmanager reads its built-in notification templates from this absolute folder, not from
# the binary; without them every config load fails ("failed to parse templates"). They are the only
# files placed outside .tools/; they are replaced when they differ, so an older suite's copy never stays.
debian_templates=/usr/share/prometheus/alertmanager
install_templates() {
  mkdir -p "$debian_templates"
  for template in "$tools/root$debian_templates"/*.tmpl; do
    cmp -s "$template" "$debian_templates/$(basename "$template")" || cp "$template" "$debian_templates/"
  done
}

have_busybox() {
  local out
  [ -x "$bin/busybox" ] && out="$("$bin/busybox" 2>&1)" || return 1
  [[ "$out" == "BusyBox v1."* ]]
}

if have promtool "$want_prometheus" && have prometheus "$want_prometheus" \
  && have amtool "$want_alertmanager" && have alertmanager "$want_alertmanager" && have_busybox; then
  install_templates
  echo "prometheus tools: present in $bin"
  exit 0
fi

echo "prometheus tools: fetching prometheus $want_prometheus.x and alertmanager $want_alertmanager.x from Debian $suite"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
if [ ! -f "$keyring" ]; then
  echo "prometheus tools: $keyring is missing; install debian-archive-keyring" >&2
  exit 1
fi
apt_dir="$tools/apt"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/debs" "$bin"
cat >"$apt_dir/$suite.sources" <<SRC
Types: deb
URIs: http://deb.debian.org/debian
Suites: $suite
Components: main
Signed-By: $keyring
SRC
apt_opts=(
  -o "Dir::Etc::sourcelist=$apt_dir/$suite.sources"
  -o "Dir::Etc::sourceparts=-"
  -o "Dir::State::lists=$apt_dir/lists"
  -o "Dir::Cache=$apt_dir/cache"
  -o "APT::Get::List-Cleanup=0"
  -o "Debug::NoLocking=1"
)
apt-get "${apt_opts[@]}" update -qq
(cd "$apt_dir/debs" && chmod 777 . && rm -f ./*.deb && apt-get "${apt_opts[@]}" download prometheus promtool prometheus-alertmanager busybox-static)
rm -rf "$tools/root"
for deb in "$apt_dir"/debs/*.deb; do dpkg-deb -x "$deb" "$tools/root"; done
for tool in prometheus promtool; do ln -sf "../root/usr/bin/$tool" "$bin/$tool"; done
ln -sf ../root/usr/bin/prometheus-alertmanager "$bin/alertmanager"
ln -sf ../root/usr/bin/amtool "$bin/amtool"
ln -sf ../root/usr/bin/busybox "$bin/busybox"

for t in "promtool $want_prometheus" "prometheus $want_prometheus" "amtool $want_alertmanager" "alertmanager $want_alertmanager"; do
  set -- $t
  if ! have "$1" "$2"; then
    echo "prometheus tools: Debian $suite's $1 is not version $2.x, the version the stack deploys:" >&2
    "$bin/$1" --version 2>&1 | head -1 >&2 || true
    echo "prometheus tools: move the images and these tools together (components/model/versions.ts)" >&2
    exit 1
  fi
done
if ! have_busybox; then
  echo "prometheus tools: Debian $suite's busybox-static did not install a working busybox" >&2
  exit 1
fi
install_templates
echo "prometheus tools: installed in $bin"
