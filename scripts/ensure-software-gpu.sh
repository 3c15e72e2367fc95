#!/usr/bin/env bash
# Makes sure this machine can give Node a software WebGPU adapter for the webgpu tests: Chromium's SwiftShader Vulkan
# driver (scripts/ensure-chromium.sh installs chromium, which ships it) and Vulkan's loader, libvulkan.so.1 (Debian's
# libvulkan1, without the recommended mesa drivers). The tests then point VK_ICD_FILENAMES at SwiftShader's ICD file.
# Needs root (or passwordless sudo) and the apt mirror only when something is missing.
set -euo pipefail

ICD=/usr/lib/chromium/vk_swiftshader_icd.json
bash "$(dirname "$0")/ensure-chromium.sh"
if [ ! -f "$ICD" ]; then
  echo "ensure-software-gpu: chromium is installed but has no SwiftShader ICD at $ICD" >&2
  exit 1
fi

has_loader() { ldconfig -p 2>/dev/null | grep 'libvulkan\.so\.1 ' >/dev/null; }
if has_loader; then
  exit 0
fi

bash "$(dirname "$0")/apt-install.sh" ensure-software-gpu libvulkan1
if ! has_loader; then
  echo "ensure-software-gpu: apt-get finished but libvulkan.so.1 is still not found" >&2
  exit 1
fi
