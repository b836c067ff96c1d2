#!/usr/bin/env bash
# Build and run the reprobot action's container without a Docker engine.
#
# buildah (chroot isolation) builds the real Dockerfile on a local Debian base image made with
# debootstrap, and runs the image's entrypoint with the mounts and environment that the GitHub
# runner uses for a Docker container action.
#
#   scripts/container.sh deps                      install buildah, podman and debootstrap
#   scripts/container.sh base                      make the local base image (once per machine)
#   scripts/container.sh build                     build the Dockerfile on that base
#   scripts/container.sh run WORKSPACE EVENT_JSON [-e NAME=VALUE]... [-- COMMAND...]
#
# Settings (environment):
#   REPROBOT_BASE_IMAGE     local base image name     (default localhost/reprobot-base:bookworm)
#   REPROBOT_IMAGE          image built and run        (default localhost/reprobot:test)
#   REPROBOT_SUITE          Debian suite of the base   (default bookworm)
#   REPROBOT_DEBIAN_MIRROR  mirror URL for debootstrap (default: read from the apt sources)
#   REPROBOT_CA_BUNDLE      CA bundle the image trusts (default /etc/ssl/certs/ca-certificates.crt)
#   REPROBOT_RUN_DIR        where `run` keeps the runner's folders (default: a new temp folder)
set -euo pipefail

BASE_IMAGE=${REPROBOT_BASE_IMAGE:-localhost/reprobot-base:bookworm}
IMAGE=${REPROBOT_IMAGE:-localhost/reprobot:test}
SUITE=${REPROBOT_SUITE:-bookworm}
CA_BUNDLE=${REPROBOT_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}
# Where the CA bundle sits inside the Debian base image.
IMAGE_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

say() { printf 'container.sh: %s\n' "$*" >&2; }
die() {
    say "error: $*"
    exit 1
}

need_root() {
    [[ $(id -u) -eq 0 ]] || die "'$1' needs root (buildah and debootstrap run as root here); re-run with sudo"
}

need_tool() {
    command -v "$1" >/dev/null 2>&1 || die "'$1' is not installed; run: $0 deps"
}

image_exists() {
    buildah inspect --type image "$1" >/dev/null 2>&1
}

cmd_deps() {
    local missing=() tool
    for tool in buildah podman debootstrap; do
        command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
    done
    if [[ ${#missing[@]} -eq 0 ]]; then
        say "buildah, podman and debootstrap are already installed"
        return 0
    fi
    need_root deps
    say "installing ${missing[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y "${missing[@]}"; then
        say "apt-get install failed; refreshing the package lists and trying again"
        apt-get update
        apt-get install -y "${missing[@]}"
    fi
}

# Print the first Debian mirror URL that apt is configured to fetch "$SUITE" main from.
# Reads deb822 files (*.sources) and one-line files (*.list, /etc/apt/sources.list).
debian_mirror() {
    local files=() f
    for f in /etc/apt/sources.list.d/*.sources; do [[ -f $f ]] && files+=("$f"); done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do [[ -f $f ]] && files+=("$f"); done
    [[ ${#files[@]} -gt 0 ]] || return 1
    awk -v suite="$SUITE" '
        function has(list, word,    n, i, parts) {
            n = split(list, parts, /[ \t]+/)
            for (i = 1; i <= n; i++) if (parts[i] == word) return 1
            return 0
        }
        function flush() {
            if (types != "" && has(types, "deb") && has(suites, suite) && has(comps, "main") \
                && tolower(enabled) != "no" && uris != "") {
                split(uris, u, /[ \t]+/); print u[1]; found = 1; exit
            }
            types = ""; uris = ""; suites = ""; comps = ""; enabled = ""
        }
        FNR == 1 { flush(); deb822 = (FILENAME ~ /\.sources$/) }
        /^[ \t]*#/ { next }
        deb822 && /^[ \t]*$/ { flush(); next }
        deb822 {
            key = tolower($0); sub(/:.*/, "", key)
            value = $0; sub(/^[^:]*:[ \t]*/, "", value)
            if (key == "types") types = value
            else if (key == "uris") uris = value
            else if (key == "suites") suites = value
            else if (key == "components") comps = value
            else if (key == "enabled") enabled = value
            next
        }
        $1 == "deb" {
            line = $0; sub(/\[[^]]*\]/, "", line)
            n = split(line, w, /[ \t]+/)
            j = (w[1] == "") ? 2 : 1
            if (w[j + 2] == suite) {
                for (k = j + 3; k <= n; k++) if (w[k] == "main") { print w[j + 1]; found = 1; exit }
            }
        }
        END { if (!found) flush() }
    ' "${files[@]}"
}

cmd_base() {
    need_tool buildah
    if image_exists "$BASE_IMAGE"; then
        say "base image $BASE_IMAGE already exists; skipping (remove it with: buildah rmi $BASE_IMAGE)"
        return 0
    fi
    need_root base
    need_tool debootstrap
    need_tool podman
    [[ -r $CA_BUNDLE ]] || die "CA bundle $CA_BUNDLE is not readable; set REPROBOT_CA_BUNDLE"
    local mirror=${REPROBOT_DEBIAN_MIRROR:-}
    if [[ -z $mirror ]]; then
        mirror=$(debian_mirror) || true
        [[ -n $mirror ]] || die "no apt source for Debian '$SUITE' main found in /etc/apt/sources.list{,.d/}; set REPROBOT_DEBIAN_MIRROR"
    fi
    local work
    work=$(mktemp -d /var/tmp/reprobot-base.XXXXXX)
    # shellcheck disable=SC2064  # expand $work now: it is local to this function
    trap "cleanup_rootfs '$work'" EXIT
    say "debootstrap $SUITE (minbase + python3, python3-venv, git, ca-certificates) from $mirror"
    debootstrap --variant=minbase --include=python3,python3-venv,git,ca-certificates \
        "$SUITE" "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 || {
        tail -n 30 "$work/debootstrap.log" >&2
        die "debootstrap failed (log above)"
    }
    # This network may inspect TLS with its own CA: the image trusts what the host trusts.
    cp "$CA_BUNDLE" "$work/rootfs$IMAGE_CA_BUNDLE"
    rm -rf "$work"/rootfs/var/cache/apt/archives/*.deb "$work"/rootfs/var/lib/apt/lists/*
    say "importing the root file system as $BASE_IMAGE"
    tar -C "$work/rootfs" -c . | podman import --quiet \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV LANG=C.UTF-8' \
        --change 'CMD ["/bin/bash"]' \
        - "$BASE_IMAGE" >/dev/null
    cleanup_rootfs "$work"
    trap - EXIT
    say "base image $BASE_IMAGE is ready"
}

# Remove a debootstrap work folder, unmounting anything a failed run left mounted inside it.
cleanup_rootfs() {
    local work=$1 mnt
    [[ -d $work ]] || return 0
    while read -r mnt; do
        umount -l "$mnt" 2>/dev/null || true
    done < <(awk -v root="$work/" 'index($2, root) == 1 { print $2 }' /proc/mounts | sort -r)
    rm -rf --one-file-system "$work"
}

# Build arguments that let pip inside the build reach the package index the way the host does.
# Only settings that make sense inside the image are passed; nothing is written into the image.
pip_build_args() {
    local name value
    # The local base carries the host's CA bundle at $IMAGE_CA_BUNDLE.
    if [[ -n ${PIP_CERT:-}${SSL_CERT_FILE:-}${REQUESTS_CA_BUNDLE:-} ]]; then
        printf '%s\n' "--build-arg=PIP_CERT=$IMAGE_CA_BUNDLE"
    fi
    # The Dockerfile declares these (proxies are predefined build arguments).
    for name in PIP_INDEX_URL PIP_DEFAULT_TIMEOUT \
        HTTP_PROXY HTTPS_PROXY NO_PROXY http_proxy https_proxy no_proxy; do
        value=${!name:-}
        [[ -n $value ]] || continue
        # A file:// index or a host path means nothing inside the build.
        [[ $value == file:* || $value == /* ]] && continue
        printf '%s\n' "--build-arg=$name=$value"
    done
}

cmd_build() {
    need_root build
    need_tool buildah
    image_exists "$BASE_IMAGE" || die "base image $BASE_IMAGE is missing; run: $0 base"
    local args=() previous
    mapfile -t args < <(pip_build_args)
    previous=$(buildah inspect --type image --format '{{.FromImageID}}' "$IMAGE" 2>/dev/null || true)
    say "building $IMAGE from $REPO_ROOT/Dockerfile on $BASE_IMAGE"
    buildah bud --isolation chroot --layers \
        --build-arg "BASE_IMAGE=$BASE_IMAGE" "${args[@]}" \
        -f "$REPO_ROOT/Dockerfile" -t "$IMAGE" "$REPO_ROOT"
    # The image this build replaced is left untagged: drop it (its cached layers stay).
    if [[ -n $previous && $previous != "$(buildah inspect --type image --format '{{.FromImageID}}' "$IMAGE")" ]]; then
        buildah rmi "$previous" >/dev/null 2>&1 || true
    fi
    say "image $IMAGE is ready"
}

# The image's ENTRYPOINT, one word a line.
image_entrypoint() {
    buildah inspect --type image "$IMAGE" | python3 -c \
        'import json, sys; print("\n".join(json.load(sys.stdin)["OCIv1"]["config"].get("Entrypoint") or []))'
}

cmd_run() {
    need_root run
    need_tool buildah
    need_tool python3
    [[ $# -ge 2 ]] || die "usage: $0 run WORKSPACE EVENT_JSON [-e NAME=VALUE]... [-- COMMAND...]"
    local workspace event
    workspace=$(cd "$1" 2>/dev/null && pwd) || die "workspace $1 is not a folder"
    event=$2
    [[ -f $event ]] || die "event file $event does not exist"
    shift 2
    local extra=() command=()
    while [[ $# -gt 0 ]]; do
        case $1 in
            -e)
                [[ $# -ge 2 && $2 == *=* ]] || die "-e needs NAME=VALUE"
                extra+=(-e "$2")
                shift 2
                ;;
            --)
                shift
                command=("$@")
                break
                ;;
            *) die "unexpected argument '$1' (extra variables go as -e NAME=VALUE)" ;;
        esac
    done
    image_exists "$IMAGE" || die "image $IMAGE is missing; run: $0 build"
    if [[ ${#command[@]} -eq 0 ]]; then
        # The runner starts the image's own ENTRYPOINT; buildah run needs it spelled out.
        mapfile -t command < <(image_entrypoint)
        [[ ${#command[@]} -gt 0 && -n ${command[0]} ]] || die "image $IMAGE has no ENTRYPOINT"
    fi

    local run_dir=${REPROBOT_RUN_DIR:-}
    [[ -n $run_dir ]] || run_dir=$(mktemp -d /tmp/reprobot-run.XXXXXX)
    mkdir -p "$run_dir/workflow" "$run_dir/file_commands" "$run_dir/home"
    cp "$event" "$run_dir/workflow/event.json"
    local kind
    for kind in output env path state step_summary; do
        : >"$run_dir/file_commands/$kind"
    done

    local ctr status=0
    ctr=$(buildah from --quiet "$IMAGE")
    # shellcheck disable=SC2064  # expand $ctr now
    trap "buildah rm '$ctr' >/dev/null 2>&1 || true" EXIT
    say "running ${command[*]} in $IMAGE (runner folders in $run_dir)"
    buildah run --isolation chroot \
        -v "$workspace:/github/workspace" \
        -v "$run_dir/workflow:/github/workflow" \
        -v "$run_dir/file_commands:/github/file_commands" \
        -v "$run_dir/home:/github/home" \
        --workingdir /github/workspace \
        -e HOME=/github/home \
        -e CI=true \
        -e GITHUB_ACTIONS=true \
        -e GITHUB_WORKSPACE=/github/workspace \
        -e GITHUB_EVENT_PATH=/github/workflow/event.json \
        -e GITHUB_OUTPUT=/github/file_commands/output \
        -e GITHUB_ENV=/github/file_commands/env \
        -e GITHUB_PATH=/github/file_commands/path \
        -e GITHUB_STATE=/github/file_commands/state \
        -e GITHUB_STEP_SUMMARY=/github/file_commands/step_summary \
        -e RUNNER_OS=Linux \
        -e "SSL_CERT_FILE=$IMAGE_CA_BUNDLE" \
        -e "REQUESTS_CA_BUNDLE=$IMAGE_CA_BUNDLE" \
        "${extra[@]}" \
        "$ctr" -- "${command[@]}" || status=$?
    buildah rm "$ctr" >/dev/null 2>&1 || true
    trap - EXIT
    say "exit status $status; outputs in $run_dir/file_commands"
    return "$status"
}

main() {
    [[ $# -ge 1 ]] || die "usage: $0 deps|base|build|run ..."
    local sub=$1
    shift
    case $sub in
        deps) cmd_deps "$@" ;;
        base) cmd_base "$@" ;;
        build) cmd_build "$@" ;;
        run) cmd_run "$@" ;;
        -h | --help | help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' ;;
        *) die "unknown command '$sub' (expected deps, base, build or run)" ;;
    esac
}

main "$@"
