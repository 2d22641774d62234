#!/usr/bin/env bash
# Install the Debian packages chainrule needs when they are missing: `dot` (graphviz) and a font
# with Hangul glyphs. As root it installs them; otherwise it prints the command to run.
set -u
missing=()
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
fc-list 2>/dev/null | grep -qi nanum || missing+=(fonts-nanum)
for extra in "$@"; do  # more packages, as "command:package", e.g. chromium:chromium
  command -v "${extra%%:*}" >/dev/null 2>&1 || missing+=("${extra#*:}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian packages: ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "Missing system packages: ${missing[*]}. Install them with:"
  echo "    sudo apt-get install ${missing[*]}     (Debian/Ubuntu)"
  echo "    brew install graphviz                   (macOS)   or   conda install -c conda-forge graphviz"
  echo "Drawing tests are skipped until then."
fi
