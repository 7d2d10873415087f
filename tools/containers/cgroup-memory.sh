# Sourced by check-images.sh and compose-smoke.sh: where the kernel counts a container's memory.

# The memory cgroup of a process (a container's main process): cgroup v2 (unified), or v1's memory hierarchy.
memory_cgroup() {
  if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
    echo "/sys/fs/cgroup$(awk -F: '$1 == "0" { print $3 }' "/proc/$1/cgroup")"
  else
    echo "/sys/fs/cgroup/memory$(awk -F: '$2 ~ /(^|,)memory(,|$)/ { print $3 }' "/proc/$1/cgroup")"
  fi
}

# Whichever of the files exists (a v2 name and its v1 counterpart).
first_file() { for file; do [[ -r "$file" ]] && { cat "$file"; return; }; done; }
