#!/usr/bin/env bash
# Builds local stand-ins for the images docker-compose.yml uses by default, for machines that cannot pull them:
#   sharder-base:bookworm   Debian bookworm (minbase) with redis-server: the Redis service (SHARDER_REDIS_IMAGE)
#   sharder-dotnet:local    that plus this machine's .NET runtime (ASP.NET Core included) and the user "app"
#                           (uid 1654, as in Microsoft's images): the silo and simulator base (SHARDER_RUNTIME_IMAGE)
# The root filesystem comes from debootstrap, using the Debian mirror in this machine's apt sources (or
# DEBIAN_MIRROR). Needs root, debootstrap, docker and a .NET 10 runtime (the SDK's will do). About 1-2 minutes.
#
#   scripts/build-base-images.sh           # builds what is missing
#   scripts/build-base-images.sh --force   # rebuilds both
set -euo pipefail

base_image="${SHARDER_BASE_IMAGE:-sharder-base:bookworm}"
dotnet_image="${SHARDER_DOTNET_IMAGE:-sharder-dotnet:local}"
suite=bookworm
force=0
[[ "${1:-}" == --force ]] && force=1

say() { printf '\033[1mbase-images:\033[0m %s\n' "$*"; }
die() { say "$*"; exit 1; }
have_image() { docker image inspect "$1" >/dev/null 2>&1; }

# The first non-security Debian mirror of the apt sources (one-line .list or deb822 .sources format).
apt_mirror() {
    local files=() f
    [[ -f /etc/apt/sources.list ]] && files+=(/etc/apt/sources.list)
    for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do [[ -f "$f" ]] && files+=("$f"); done
    (( ${#files[@]} )) || return 1
    awk '
        /^[[:space:]]*deb[[:space:]]/ {
            for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) { url = $i; break }
            if (url !~ /security/ && $(i + 1) ~ /^(bookworm|stable)/) { print url; exit }
        }
        /^URIs:/ { uris = $2 }
        /^Suites:/ { if (uris != "" && uris !~ /security/ && $0 ~ /bookworm|stable/) { print uris; exit } }
        /^[[:space:]]*$/ { uris = "" }
    ' "${files[@]}"
}

command -v docker >/dev/null || die "docker is not installed (Debian: apt-get install docker.io)."
docker info >/dev/null 2>&1 || die "the Docker engine does not answer (start dockerd, or check the permissions on /var/run/docker.sock)."

if (( force )) || ! have_image "$base_image"; then
    [[ $(id -u) == 0 ]] || die "debootstrap needs root: run this script as root (or build $base_image another way)."
    command -v debootstrap >/dev/null || die "debootstrap is not installed (Debian: apt-get install debootstrap)."
    mirror="${DEBIAN_MIRROR:-$(apt_mirror || true)}"
    [[ -n "$mirror" ]] || die "no Debian mirror in /etc/apt/sources.list(.d); set DEBIAN_MIRROR."
    rootfs="$(mktemp -d "${TMPDIR:-/tmp}/sharder-rootfs.XXXXXX")"
    trap 'rm -rf "$rootfs"' EXIT
    say "debootstrap $suite (minbase + redis-server) from the apt sources' mirror into $rootfs"
    debootstrap --variant=minbase --include=redis-server,ca-certificates,libicu72,libssl3,tzdata \
        "$suite" "$rootfs" "$mirror" >"$rootfs.log" 2>&1 || die "debootstrap failed; see $rootfs.log"
    rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/archives/*.deb
    chmod 755 "$rootfs"   # mktemp made it 0700; it becomes the image's "/"
    say "importing $base_image"
    tar -C "$rootfs" -c . | docker import --change 'CMD ["bash"]' - "$base_image" >/dev/null
    rm -rf "$rootfs" "$rootfs.log"
    trap - EXIT
else
    say "$base_image is there"
fi

if (( force )) || ! have_image "$dotnet_image"; then
    dotnet_bin="$(command -v dotnet || true)"
    [[ -n "$dotnet_bin" ]] || die "no .NET on this machine to copy into $dotnet_image (install the .NET 10 SDK or runtime)."
    dotnet_root="$(dirname "$(readlink -f "$dotnet_bin")")"
    [[ -d "$dotnet_root/shared/Microsoft.AspNetCore.App" ]] || die "$dotnet_root has no ASP.NET Core runtime."
    context="$(mktemp -d "${TMPDIR:-/tmp}/sharder-dotnet.XXXXXX")"
    trap 'rm -rf "$context"' EXIT
    mkdir -p "$context/dotnet/shared"
    cp -a "$dotnet_root/dotnet" "$dotnet_root/host" "$context/dotnet/"
    cp -a "$dotnet_root/shared/Microsoft.NETCore.App" "$dotnet_root/shared/Microsoft.AspNetCore.App" "$context/dotnet/shared/"
    cat >"$context/Dockerfile" <<DOCKERFILE
FROM $base_image
COPY dotnet /usr/share/dotnet
ENV APP_UID=1654 DOTNET_ROOT=/usr/share/dotnet DOTNET_RUNNING_IN_CONTAINER=true
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet \\
 && groupadd --gid 1654 app && useradd --uid 1654 --gid 1654 --no-create-home --shell /bin/false app
DOCKERFILE
    say "building $dotnet_image with the .NET runtime of $dotnet_root"
    docker build -q -t "$dotnet_image" "$context" >"$context.log" 2>&1 || { cat "$context.log"; die "docker build failed"; }
    rm -f "$context.log"
    rm -rf "$context"
    trap - EXIT
else
    say "$dotnet_image is there"
fi
say "ready: SHARDER_REDIS_IMAGE=$base_image SHARDER_RUNTIME_IMAGE=$dotnet_image"
